/**
 * The named-metric view of the measure catalogue (catalogue.ts): the dotted
 * names thresholds write, docs/report-metrics.md lists, and replications and sweeps
 * aggregate. Each metric reads the JSON report (a pure function of it); most
 * can also be read from a sample during the run (for abortOnFail), from the
 * sampled counters and bucketed histograms. Names are dotted, our own words
 * in snake_case, AWS's names (operations, error codes) exactly as AWS spells
 * them.
 */
import { OPERATION_NAMES } from "../model/aws-names.js";
import { HIST_NAMES } from "../model/observations.js";
import { API_ERROR_CODES } from "../model/outcomes.js";
import { isCumulative, METRIC_NAMES, METRICS, metricByName, metricValue } from "./catalogue.js";
import { HISTOGRAM_LABELS } from "./duration-measures.js";
import type { ReportMetric } from "./measure.js";

export type { ReportMetric };
export { HISTOGRAM_LABELS, isCumulative, METRIC_NAMES, METRICS, metricByName, metricValue };
export { snakeCase } from "./label-series.js";

/** docs/report-metrics.md's list of every metric: one row per family, its names spelt out. */
export function metricsListMarkdown(): string {
  const families = new Map<string, ReportMetric[]>();
  for (const m of METRICS) {
    const list = families.get(m.family) ?? [];
    list.push(m);
    families.set(m.family, list);
  }
  const rows = [
    "| metric | unit | abortOnFail | description |",
    "| --- | --- | --- | --- |",
    ...[...families.entries()].map(([family, ms]) => {
      const names =
        ms.length === 1 || family.includes("<histogram>") || family.startsWith("api.")
          ? `\`${family}\``
          : `\`${family}\`: ${ms.map((m) => `\`${m.name}\``).join(", ")}`;
      const abortable = ms.every((m) => m.fromSample !== undefined) ? "yes" : "no";
      return `| ${names} | ${ms[0].unit} | ${abortable} | ${ms[0].description} |`;
    }),
  ];
  const list = (xs: readonly string[]) => xs.map((x) => `\`${x}\``).join(", ");
  return [
    `${METRICS.length} metrics. \`<histogram>\` is one of ${list(HIST_NAMES.map((h) => HISTOGRAM_LABELS[h]))};`,
    `\`<Operation>\` one of ${list(OPERATION_NAMES)};`,
    `\`<Code>\` one of ${list(API_ERROR_CODES)}. Every name is listed after the table.`,
    "",
    ...rows,
    "",
    "<details><summary>every metric name</summary>",
    "",
    "```text",
    ...METRICS.map((m) => m.name),
    "```",
    "",
    "</details>",
  ].join("\n");
}
