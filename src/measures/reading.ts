/**
 * How a measure's value is read and judged: its unit, the plan's fixed
 * figures a reader needs at a sample point, a histogram statistic estimated
 * from a sample's buckets, and a threshold's comparison. Shared by the
 * named metrics, the Prometheus families, thresholds and steady state.
 */
import { type CostInputs, costInputsOf } from "../model/cost.js";
import type { Plan, ThresholdOperator } from "../model/plan.js";
import type { SampledHistogram } from "../model/sampling.js";

/** What a metric's number counts: thresholds compare durations only with seconds, percentages only with ratios. */
export type MetricUnit = "count" | "ratio" | "seconds";

/** The plan's fixed figures a sample-time reader needs (the metrics context has them too). */
export interface SampleLimits {
  concurrencyLimit: number;
  /** By Plan.subnets index. */
  subnetCapacityIps: readonly number[];
  /** Prices and architectures, to price a sample's billing counters. */
  cost: CostInputs;
}

export const sampleLimitsOf = (plan: Plan): SampleLimits => ({
  concurrencyLimit: plan.account.concurrencyLimit,
  subnetCapacityIps: plan.subnets.map((s) => s.capacityIps),
  cost: costInputsOf(plan),
});

/** The statistics of a histogram a metric can name, and the report field each reads. */
export const HISTOGRAM_STATS = ["count", "mean", "p50", "p90", "p95", "p99", "max"] as const;
export type HistogramStat = (typeof HISTOGRAM_STATS)[number];

/**
 * A statistic of a histogram as a sample holds it (cumulative counts at
 * fixed bounds): percentiles interpolated linearly within their bucket, as
 * Prometheus's histogram_quantile does, so they approximate the report's
 * HDR values; past the last bound, the last bound.
 */
export function sampledStat(h: SampledHistogram, boundsUs: readonly number[], stat: HistogramStat): number {
  if (stat === "count") return h.count;
  if (h.count === 0) return 0;
  if (stat === "mean") return h.sumUs / h.count / 1e6;
  const q = stat === "max" ? 1 : Number(stat.slice(1)) / 100;
  const rank = q * h.count;
  let lowerUs = 0;
  let below = 0;
  for (let b = 0; b < boundsUs.length; b++) {
    const cum = h.buckets[b];
    if (cum >= rank) {
      const inBucket = cum - below;
      const f = inBucket > 0 ? (rank - below) / inBucket : 1;
      return (lowerUs + f * (boundsUs[b] - lowerUs)) / 1e6;
    }
    lowerUs = boundsUs[b];
    below = cum;
  }
  return boundsUs[boundsUs.length - 1] / 1e6;
}

/** Whether `observed op value` holds: a threshold passes when it does. */
export function compare(observed: number, op: ThresholdOperator, value: number): boolean {
  switch (op) {
    case "<":
      return observed < value;
    case "<=":
      return observed <= value;
    case ">":
      return observed > value;
    case ">=":
      return observed >= value;
    case "==":
      return observed === value;
    case "!=":
      return observed !== value;
  }
}
