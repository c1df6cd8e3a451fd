/**
 * Thresholds evaluated: on the finished run's report (the verdict), and on
 * each sample during the run for those with abortOnFail (ThresholdWatch).
 */
import type { PlanThreshold } from "../model/plan.js";
import type { Plan } from "../model/plan.js";
import type { Sample } from "../model/run.js";
import { compare, type SampleLimits, sampleLimitsOf } from "../measures/reading.js";
import { metricByName } from "../measures/report-metrics.js";
import type { Report, ThresholdAbort, ThresholdsReport } from "../measures/report-shape.js";

/** Sample points for abortOnFail without metrics outputs: the CLI's default --sample-interval (15s). */
export const THRESHOLD_SAMPLE_INTERVAL_US = 15_000_000;

/**
 * Every threshold on the report. The one that aborted the run fails even if
 * the end-of-run value would pass: the run was cut short because of it.
 */
export function evaluateThresholds(
  report: Report,
  thresholds: readonly PlanThreshold[],
  aborted: ThresholdAbort | null = null,
): ThresholdsReport {
  const results = thresholds.map((t) => {
    const metric = metricByName(t.metric);
    if (metric === undefined) throw new Error(`unknown report metric '${t.metric}'`);
    const observed = metric.fromReport(report);
    const abortedHere = aborted !== null && aborted.threshold === t.source;
    return {
      threshold: t.source,
      metric: t.metric,
      unit: metric.unit,
      observed,
      ok: !abortedHere && compare(observed, t.op, t.value),
      abortOnFail: t.abortOnFail,
    };
  });
  return { results, aborted };
}

/** Whether a report's thresholds failed (any result not ok, or an abort). */
export function thresholdsFailed(report: Report): boolean {
  const t = report.thresholds;
  return t !== undefined && (t.aborted !== null || t.results.some((r) => !r.ok));
}

/**
 * Checks the abortOnFail thresholds at each sample point, in the order the
 * scenario lists them; the first failure is kept and `stop` is called once.
 */
export class ThresholdWatch {
  private readonly watched: { t: PlanThreshold; read: (s: Sample, l: SampleLimits) => number }[];
  private readonly limits: SampleLimits;
  aborted: ThresholdAbort | null = null;

  constructor(
    private readonly plan: Plan,
    private readonly stop: () => void,
  ) {
    this.limits = sampleLimitsOf(plan);
    this.watched = (plan.thresholds ?? [])
      .filter((t) => t.abortOnFail)
      .map((t) => ({ t, read: metricByName(t.metric)!.fromSample! }));
  }

  /** True when the plan has thresholds to check during the run. */
  get active(): boolean {
    return this.watched.length > 0;
  }

  /**
   * A sample of the run's grid (multiples of `intervalUs`) before its end;
   * the sample the run adds at its end is not a check point.
   */
  check(s: Sample, intervalUs: number): void {
    if (this.aborted !== null || s.timeUs >= this.plan.untilUs || s.timeUs % intervalUs !== 0) return;
    for (const { t, read } of this.watched) {
      if (s.timeUs < t.delayAbortEvalUs) continue;
      const observed = read(s, this.limits);
      if (!compare(observed, t.op, t.value)) {
        this.aborted = { threshold: t.source, atUs: s.timeUs, observed };
        this.stop();
        return;
      }
    }
  }
}
