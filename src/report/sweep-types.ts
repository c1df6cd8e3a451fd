/**
 * What `fleet-sim sweep` hands the HTML report (sweepHtml in html-report.ts):
 * one scenario run at each value of one parameter, several seeds each, and
 * per metric the mean over the seeds with its 95% confidence interval.
 * docs/html-report.md describes it.
 */
export interface SweepReport {
  /** The swept scenario's name (and, optionally, its question). */
  scenario: string;
  description?: string;
  /** The scenario field that was varied (a dotted path, like "workload.ratePerSec") and the values it took, in order. */
  parameter: { path: string; values: (number | string)[] };
  metrics: SweepMetric[];
}

export interface SweepMetric {
  /** Metric name as the user knows it (e.g. "pendingCreate p99"). */
  name: string;
  /** Its unit, shown on the axis: "s" (values in seconds, shown as durations), "%" (values in percent), or any other word ("fraction", "requests"). */
  unit: string;
  /** One point per parameter value: the mean over the runs, its 95% confidence interval, and the number of runs. */
  points: SweepPoint[];
  /** A threshold on the metric, drawn as a horizontal line: the metric passes when `mean op limit` holds. */
  threshold?: { op: string; limit: number };
}

export interface SweepPoint {
  /** The parameter value this point was run at (one of parameter.values). */
  value: number | string;
  mean: number;
  ciLow: number;
  ciHigh: number;
  /** Runs (seeds) the mean is over. */
  n: number;
}
