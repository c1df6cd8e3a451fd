/**
 * A few report metrics for replications and sweeps until the report-metric
 * registry (src/report/report-metrics.ts) takes over.
 */
import type { Report } from "../report/json-report.js";
import type { MetricSource } from "./experiment.js";

const ratio = (a: number, b: number) => (b > 0 ? a / b : 0);

const EXTRACTORS: Record<string, (r: Report) => number> = {
  "invocations.failure_rate": (r) =>
    ratio(
      r.invocations.requests - r.invocations.outcomes.success - r.invocations.openAtEnd,
      r.invocations.requests,
    ),
  "invocations.throttle_rate": (r) => ratio(r.invocations.outcomes.throttled, r.invocations.requests),
  "invocations.cold_start_ratio": (r) => r.invocations.coldStartRatio,
  "pending.create.p99": (r) => r.histograms.pendingCreate.p99,
  "concurrency.peak": (r) => r.concurrency.peak,
};

export const INTERIM_METRICS: MetricSource = {
  names: Object.keys(EXTRACTORS),
  value: (name, r) => EXTRACTORS[name](r),
};
