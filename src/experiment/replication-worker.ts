/**
 * A piscina task: one whole run of a plan on the worker's thread (its
 * partitions all there), returning the JSON report. Replications and sweep
 * points are independent runs, so the pool runs as many at once as it has
 * threads; each is deterministic on its own, so the results do not depend
 * on how many threads there are.
 */
import type { Plan } from "../model/plan.js";
import { runPlan } from "../model/run.js";
import { buildReport, type Report } from "../report/json-report.js";

export interface ReplicationTask {
  plan: Plan;
  file: string | null;
  partitions: number;
}

export default function runReplication(task: ReplicationTask): Report {
  const outcome = runPlan(task.plan, { partitions: task.partitions });
  return buildReport(outcome, { file: task.file, seed: task.plan.seed, partitions: task.partitions });
}
