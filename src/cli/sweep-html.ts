/**
 * `fleet-sim sweep --html`: the sweep's result in the shape the HTML sweep
 * page draws (src/report/sweep-types.ts). The first --set parameter is the
 * x axis; with more than one, each combination of the others gets its own
 * chart per metric, named after it.
 */
import type { SweepResult, SweepThreshold } from "../experiment/sweep.js";
import { metricByName } from "../measures/report-metrics.js";
import { valueStyle } from "../report/number-format.js";
import type { SweepMetric, SweepReport } from "../report/sweep-types.js";

export function sweepReportOf(
  result: SweepResult,
  shown: readonly string[],
  thresholds: readonly SweepThreshold[],
  description = "",
): SweepReport {
  const [first, ...others] = result.parameters;
  const xValues = first === undefined ? ["(base)"] : first.values;
  const numeric = xValues.every((v) => /^-?\d+(\.\d+)?$/.test(v.trim()));
  const xOf = (v: string): number | string => (numeric ? Number(v) : v);
  // Points grouped by the values of the other parameters, in grid order.
  const groups = new Map<string, SweepResult["points"]>();
  for (const p of result.points) {
    const key = p.values.slice(1).join("\u0000");
    const list = groups.get(key) ?? [];
    list.push(p);
    groups.set(key, list);
  }
  const metrics: SweepMetric[] = [];
  for (const name of shown) {
    const threshold = thresholds.find((t) => t.metric === name);
    // One unit per metric, as in the table: a ratio in percent when its threshold is written so.
    const style = valueStyle(
      metricByName(name)?.unit ?? "count",
      thresholds.filter((t) => t.metric === name).map((t) => t.text),
    );
    const scale = style === "percent" ? 100 : 1;
    for (const points of groups.values()) {
      const at = others.map((o, i) => `${o.path}=${points[0].values[i + 1]}`).join(", ");
      metrics.push({
        name: at === "" ? name : `${name} (${at})`,
        unit: style === "percent" ? "%" : unitOf(name),
        points: points.flatMap((p) => {
          const e = p.metrics[name];
          return e === undefined
            ? []
            : [
                {
                  value: xOf(p.values[0] ?? "(base)"),
                  mean: e.mean * scale,
                  ciLow: e.ciLow * scale,
                  ciHigh: e.ciHigh * scale,
                  n: e.n,
                },
              ];
        }),
        ...(threshold === undefined
          ? {}
          : { threshold: { op: threshold.op, limit: threshold.limit * scale } }),
      });
    }
  }
  return {
    scenario: result.scenario.name,
    ...(description === "" ? {} : { description }),
    parameter: { path: first?.path ?? "(no parameter)", values: xValues.map(xOf) },
    metrics,
  };
}

/** The unit the chart's axis shows for a metric, from the report-metric registry (a ratio in percent is "%"). */
export function unitOf(metric: string): string {
  const unit = metricByName(metric)?.unit;
  return unit === "seconds" ? "s" : unit === "ratio" ? "fraction" : "";
}
