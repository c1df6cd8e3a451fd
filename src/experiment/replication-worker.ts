/**
 * A piscina task: one whole run of a plan on the worker's thread (its
 * partitions all there), returning the JSON report. Replications and sweep
 * points are independent runs, so the pool runs as many at once as it has
 * threads; each is deterministic on its own, so the results do not depend
 * on how many threads there are.
 */
import type { Plan } from "../model/plan.js";
import { newRunEmitter, runPlan } from "../model/run.js";
import { buildReport, type Report } from "../report/json-report.js";
import { SteadyStateCollector, steadyStateSampleIntervalUs } from "../report/steady-state.js";

export interface ReplicationTask {
  plan: Plan;
  file: string | null;
  partitions: number;
}

export default function runReplication(task: ReplicationTask): Report {
  const { plan } = task;
  const emitter = newRunEmitter();
  const steady = plan.warmupUs === undefined ? null : new SteadyStateCollector(plan.warmupUs);
  steady?.attach(emitter);
  const outcome = runPlan(plan, {
    partitions: task.partitions,
    emitter,
    sampleIntervalUs: steadyStateSampleIntervalUs(plan),
  });
  const report = buildReport(outcome, { file: task.file, seed: plan.seed, partitions: task.partitions });
  const steadyState = steady?.report(plan) ?? null;
  if (steadyState !== null) report.steadyState = steadyState;
  return report;
}
