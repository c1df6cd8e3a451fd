/**
 * The scenario's `thresholds:` (k6-style): "<metric> <op> <value>" parsed
 * against the report-metric registry. A metric name the registry does not
 * have is an error (k6 passes it silently), and so is a value whose unit does
 * not fit the metric: a duration only against seconds, a percentage only
 * against a ratio.
 */
import { THRESHOLD_OPERATORS, type PlanThreshold, type ThresholdOperator } from "../model/plan.js";
import type { MetricUnit } from "../measures/reading.js";
import { METRIC_NAMES, metricByName } from "../measures/report-metrics.js";
import type { Path, PathIssue } from "./issues.js";
import type { ThresholdInput } from "./schema.js";
import { closest } from "./suggest.js";
import { DURATION_PATTERN, toUsUnchecked } from "./units.js";

const EXPRESSION = /^\s*([A-Za-z_][\w.]*)\s*(<=|>=|==|!=|<|>)\s*(\S+)\s*$/;
const NUMBER = /^-?\d+(?:\.\d+)?(?:e[+-]?\d+)?$/i;
const PERCENT = /^(-?\d+(?:\.\d+)?)%$/;

const UNIT_WORDS: Readonly<Record<MetricUnit, { is: string; compareWith: string }>> = {
  count: { is: "a count", compareWith: "a number" },
  ratio: { is: "a ratio", compareWith: 'a number or a percentage ("1%")' },
  seconds: { is: "a duration in seconds", compareWith: 'a number of seconds or a duration ("120s")' },
};

const misfit = (name: string, unit: MetricUnit, not: string, right: string) =>
  `'${name}' is ${UNIT_WORDS[unit].is}, not ${not}: compare it with ${UNIT_WORDS[unit].compareWith}, not "${right}"`;

export const THRESHOLD_HINT = `"<metric> <op> <value>" with op one of ${THRESHOLD_OPERATORS.join(" ")}, like "invocations.failure_rate < 0.01"`;

/** One expression, or a message saying what is wrong with it. */
export function parseThreshold(
  text: string,
): { metric: string; op: ThresholdOperator; value: number } | { error: string } {
  const m = EXPRESSION.exec(text);
  if (m === null) return { error: `cannot read threshold "${text}": expected ${THRESHOLD_HINT}` };
  const [, name, op, right] = m;
  const metric = metricByName(name);
  if (metric === undefined) {
    const guess = closestMetric(name);
    return {
      error:
        `unknown metric '${name}'` +
        (guess === undefined ? "" : ` (did you mean '${guess}'?)`) +
        "; docs/report-metrics.md lists every metric",
    };
  }
  let value: number;
  if (NUMBER.test(right)) value = Number(right);
  else if (PERCENT.test(right)) {
    if (metric.unit !== "ratio") return { error: misfit(name, metric.unit, "a ratio", right) };
    value = Number(PERCENT.exec(right)![1]) / 100;
  } else if (DURATION_PATTERN.test(right)) {
    if (metric.unit !== "seconds") return { error: misfit(name, metric.unit, "a duration", right) };
    value = toUsUnchecked(right) / 1e6;
  } else {
    return {
      error: `cannot read the value "${right}" of threshold "${text}": expected a number, a percentage ("1%") or a duration ("120s")`,
    };
  }
  return { metric: name, op: op as ThresholdOperator, value };
}

/** The closest metric name: within the suggestion distance, else the one sharing the longest prefix. */
function closestMetric(name: string): string | undefined {
  const near = closest(name, METRIC_NAMES);
  if (near !== undefined) return near;
  // Long dotted names: a typo in one part is often more than 2 edits from the whole.
  const parts = name.split(".");
  for (let k = parts.length - 1; k > 0; k--) {
    const prefix = `${parts.slice(0, k).join(".")}.`;
    const tail = parts.slice(k).join(".");
    const candidates = METRIC_NAMES.filter((n) => n.startsWith(prefix));
    if (candidates.length === 0) continue;
    const guess = closest(
      tail,
      candidates.map((c) => c.slice(prefix.length)),
    );
    if (guess !== undefined) return prefix + guess;
  }
  return undefined;
}

export function compileThresholds(input: readonly ThresholdInput[], issues: PathIssue[]): PlanThreshold[] {
  const out: PlanThreshold[] = [];
  input.forEach((t, i) => {
    const entry = typeof t === "string" ? { threshold: t, abortOnFail: false, delayAbortEval: undefined } : t;
    const path: Path = typeof t === "string" ? ["thresholds", i] : ["thresholds", i, "threshold"];
    const parsed = parseThreshold(entry.threshold);
    if ("error" in parsed) {
      issues.push({ path, message: parsed.error });
      return;
    }
    if (entry.abortOnFail && metricByName(parsed.metric)?.fromSample === undefined) {
      issues.push({
        path: ["thresholds", i, "abortOnFail"],
        message: `'${parsed.metric}' is only known at the end of the run, so it cannot abortOnFail`,
      });
      return;
    }
    out.push({
      source: entry.threshold.trim(),
      ...parsed,
      abortOnFail: entry.abortOnFail,
      delayAbortEvalUs:
        entry.delayAbortEval === undefined ? 0 : Math.round(toUsUnchecked(String(entry.delayAbortEval))),
    });
  });
  return out;
}
