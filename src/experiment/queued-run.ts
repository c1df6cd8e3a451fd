/**
 * One run of a sweep as a job on the Redis queue (issue 15): what a worker
 * needs to rebuild the very plan the local sweep runs, and the job's id.
 *
 * The id is a hash of everything the run's report depends on (the
 * scenario's text, the point's settings, the seeds, the partitions and the
 * tool's version), so the same sweep run again finds its finished jobs
 * under the same ids instead of running them again. The scenario itself is
 * stored once in Redis under the hash of its text; jobs carry the hash.
 */
import { createHash } from "node:crypto";
import type { Plan } from "../model/plan.js";
import { loadScenarioText } from "../scenario/load.js";
import type { Setting } from "../scenario/settings.js";
import type { ReplicationTask } from "./replication-worker.js";

/** The BullMQ queue every sweep and worker share. */
export const RUN_QUEUE = "fleet-sim-runs";

/** The Redis key of a scenario's text, by the hash of that text. */
export const scenarioKey = (hash: string): string => `fleet-sim:scenario:${hash}`;

export function textHash(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

export interface QueuedRun {
  /** sha256 of the scenario's text, stored under scenarioKey(hash). */
  scenarioHash: string;
  /** The scenario's name in messages, as the sweep read it. */
  scenarioName: string;
  /** The report's `file`. */
  file: string;
  /** The grid point's `--set` values. */
  settings: Setting[];
  /** The seed the point's plan is loaded with (the sweep's base seed). */
  baseSeed: number;
  /** The replication's seed: the run's. */
  seed: number;
  partitions: number;
  /** fleet-sim's version: another version may compute other reports. */
  version: string;
}

/** The job's id: the same for the same run, so a sweep run again finds it. */
export function queuedRunId(run: QueuedRun): string {
  const key = JSON.stringify([
    run.version,
    run.scenarioHash,
    run.scenarioName,
    run.file,
    run.settings.map((s) => [s.path, s.value]),
    run.baseSeed,
    run.seed,
    run.partitions,
  ]);
  return `run-${createHash("sha256").update(key).digest("hex")}`;
}

/**
 * The task the local sweep gives its pool for this run: the point's plan,
 * loaded with the base seed as the sweep loads it, then given the run's seed.
 */
export function queuedRunTask(run: QueuedRun, scenarioText: string): ReplicationTask {
  const plan: Plan = loadScenarioText(scenarioText, run.scenarioName, {
    seed: run.baseSeed,
    settings: run.settings,
  });
  return { plan: { ...plan, seed: run.seed }, file: run.file, partitions: run.partitions };
}

/** "account.concurrencyLimit=500, seed 43": a run in messages. */
export function describeQueuedRun(run: Pick<QueuedRun, "settings" | "seed">): string {
  const point = run.settings.map((s) => `${s.path}=${s.value}`).join(", ");
  return point === "" ? `seed ${run.seed}` : `${point}, seed ${run.seed}`;
}
