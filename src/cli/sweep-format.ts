/**
 * How a sweep's numbers read, in its table, its edge sentences and its HTML
 * page alike: each metric in one style (number-format.ts), significant
 * digits, durations for seconds, percent for a ratio whose threshold is
 * written in percent. The numbers of --out and --csv stay full precision.
 */
import type { MetricSource } from "../experiment/experiment.js";
import type { Estimate } from "../experiment/statistics.js";
import { formatStyled, type ValueStyle, valueStyle } from "../report/number-format.js";

/** A metric's style in a sweep: by its unit and the texts of the thresholds on it. */
export function sweepStyle(
  metric: string,
  thresholds: readonly { metric: string; text: string }[],
  metrics: MetricSource,
): ValueStyle {
  return valueStyle(
    metrics.unit?.(metric) ?? "count",
    thresholds.filter((t) => t.metric === metric).map((t) => t.text),
  );
}

/** "0.02528% [0.004045%, 0.04651%]", or the mean alone for one run. */
export function formatEstimate(e: Estimate, style: ValueStyle): string {
  const f = (v: number) => formatStyled(v, style);
  return e.n > 1 ? `${f(e.mean)} [${f(e.ciLow)}, ${f(e.ciHigh)}]` : f(e.mean);
}
