/**
 * A piscina task: one whole run of a plan on the worker's thread (its
 * partitions all there), returning the JSON report. Replications and sweep
 * points are independent runs, so the pool runs as many at once as it has
 * threads; each is deterministic on its own, so the results do not depend
 * on how many threads there are.
 */
import type { Plan } from "../model/plan.js";
import { newRunEmitter, prepareRun } from "../model/run.js";
import { buildReport, type Report } from "../report/json-report.js";
import { SteadyStateCollector, steadyStateSampleIntervalUs } from "../report/steady-state.js";
import { evaluateThresholds, THRESHOLD_SAMPLE_INTERVAL_US, ThresholdWatch } from "../report/thresholds.js";

export interface ReplicationTask {
  plan: Plan;
  file: string | null;
  partitions: number;
  /**
   * Judge the scenario's thresholds as `run` does (abortOnFail ones at each
   * sample point), so the report is the one the scenario gets alone. Sweeps
   * and replications judge thresholds on their means instead.
   */
  judgeThresholds?: boolean;
}

export default function runReplication(task: ReplicationTask): Report {
  const { plan } = task;
  const emitter = newRunEmitter();
  const steady = plan.warmupUs === undefined ? null : new SteadyStateCollector(plan.warmupUs);
  steady?.attach(emitter);
  let handle: { stop(): void } | null = null;
  const watch = task.judgeThresholds === true ? new ThresholdWatch(plan, () => handle?.stop()) : null;
  const sampleIntervalUs =
    watch?.active === true ? THRESHOLD_SAMPLE_INTERVAL_US : steadyStateSampleIntervalUs(plan);
  if (watch?.active === true) emitter.on("sample", (s) => watch.check(s, sampleIntervalUs));
  const run = prepareRun(plan, { partitions: task.partitions, workers: 0, emitter, sampleIntervalUs });
  handle = run;
  const outcome = run.runSync();
  const report = buildReport(outcome, { file: task.file, seed: plan.seed, partitions: task.partitions });
  const steadyState = steady?.report(plan) ?? null;
  if (steadyState !== null) report.steadyState = steadyState;
  const thresholds = plan.thresholds ?? [];
  if (watch !== null && thresholds.length > 0)
    report.thresholds = evaluateThresholds(report, thresholds, watch.aborted);
  return report;
}
