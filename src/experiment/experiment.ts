/**
 * Replications and sweeps (issue 6): many independent runs of a scenario,
 * by seed and by grid point, on a pool of worker threads, each reduced to
 * the named metrics of its report and summarised as mean and 95%
 * confidence interval.
 *
 * Seeds: replication i runs with base seed + i. A sweep gives every grid
 * point the same seeds, so points differ by the parameter and not by the
 * random draws (common random numbers; every stream is keyed by its
 * function's name, so the draws match function by function).
 */
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { Piscina } from "piscina";
import type { Plan } from "../model/plan.js";
import { expectedWork } from "../model/workload-rates.js";
import { type Report } from "../report/json-report.js";
import type { ReplicationTask } from "./replication-worker.js";
import { type Estimate, estimate } from "./statistics.js";

export const MAX_REPLICATIONS = 1000;

export function replicationSeeds(baseSeed: number, replications: number): number[] {
  return Array.from({ length: replications }, (_, i) => baseSeed + i);
}

/** One run to make: a plan (seed included) and where its result goes. */
export interface RunJob {
  plan: Plan;
  file: string | null;
  partitions: number;
  /** Judge the scenario's thresholds in the run, as `run` does (experiment sets). */
  judgeThresholds?: boolean;
}

export interface PoolOptions {
  /** Worker threads; 0 runs every job on this thread, one after the other. */
  workers: number;
  workerMemoryMb: number;
  /** Called after each finished run, with the number finished so far. */
  onDone?: (done: number, total: number) => void;
  /** Called with each finished run's report and its index among the jobs, as it finishes. */
  onReport?: (index: number, report: Report) => void;
}

export function defaultExperimentWorkers(): number {
  return availableParallelism();
}

/** Runs every job and gives the reports in the jobs' order; the first run that fails is thrown. */
export async function runJobs(jobs: readonly RunJob[], opts: PoolOptions): Promise<Report[]> {
  const outcome = await runJobsSettled(jobs, opts);
  if (outcome.error !== null) throw outcome.error.cause;
  return outcome.reports as Report[];
}

/** What runJobsSettled did: the finished runs' reports (null for the others), and why it ended early, if it did. */
export interface JobsOutcome {
  /** In the jobs' order; null for a run that did not finish. */
  reports: (Report | null)[];
  /** True when `stop` ended the jobs before they were all done. */
  stopped: boolean;
  /** The first run that failed (the others were then stopped), or null. */
  error: { cause: unknown } | null;
}

/**
 * Runs the jobs until all are done, `stop` is aborted, or a run fails; gives
 * what finished either way. A stop or a failure cancels the runs under way
 * (their worker threads are ended); on this thread (workers 0) the run under
 * way finishes first, as nothing else runs meanwhile.
 */
export async function runJobsSettled(
  jobs: readonly RunJob[],
  opts: PoolOptions & { stop?: AbortSignal },
): Promise<JobsOutcome> {
  let done = 0;
  const finished = () => opts.onDone?.(++done, jobs.length);
  const reports: (Report | null)[] = jobs.map(() => null);
  let error: JobsOutcome["error"] = null;
  if (jobs.length === 0) return { reports, stopped: false, error };
  if (opts.workers === 0) {
    const { default: run } = await import("./replication-worker.js");
    for (let i = 0; i < jobs.length && opts.stop?.aborted !== true; i++) {
      try {
        reports[i] = run(jobs[i]);
        opts.onReport?.(i, reports[i]!);
      } catch (e) {
        error = { cause: e };
        break;
      }
      finished();
      // A turn of the event loop between runs, so a signal can stop the jobs.
      await new Promise((resolve) => setImmediate(resolve));
    }
    return { reports, stopped: error === null && done < jobs.length, error };
  }
  const cancel = new AbortController();
  const onStop = () => cancel.abort();
  opts.stop?.addEventListener("abort", onStop);
  if (opts.stop?.aborted === true) cancel.abort();
  const threads = Math.min(opts.workers, jobs.length);
  const pool = new Piscina<ReplicationTask, Report>({
    filename: workerModuleUrl(),
    minThreads: threads,
    maxThreads: threads,
    concurrentTasksPerWorker: 1,
    resourceLimits: { maxOldGenerationSizeMb: opts.workerMemoryMb },
  });
  // One lane per thread, each taking the next run when its last is done: the runs start in
  // exactly this order (piscina's own queue reorders runs it cannot place at once).
  const order = longestFirst(jobs);
  let next = 0;
  const lane = async () => {
    while (next < order.length && !cancel.signal.aborted) {
      const i = order[next++];
      const j = jobs[i];
      try {
        reports[i] = await pool.run(
          { plan: j.plan, file: j.file, partitions: j.partitions, judgeThresholds: j.judgeThresholds },
          { signal: cancel.signal },
        );
        opts.onReport?.(i, reports[i]!);
        finished();
      } catch (e) {
        // Runs cancelled by a stop or by an earlier failure are not failures of their own.
        if (cancel.signal.aborted) return;
        error = { cause: e };
        cancel.abort();
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: threads }, lane));
  } finally {
    opts.stop?.removeEventListener("abort", onStop);
    await pool.destroy();
  }
  return { reports, stopped: error === null && done < jobs.length, error };
}

/**
 * The jobs' indices, the longest expected run first (ties in their given
 * order): the pool starts the long runs at once and fills in with the short
 * ones, so no long run starts last while the other threads sit idle.
 */
export function longestFirst(jobs: readonly RunJob[]): number[] {
  const work = jobs.map((j) => expectedWork(j.plan));
  return jobs.map((_, i) => i).sort((a, b) => work[b] - work[a] || a - b);
}

/** The pool's thread entry: replication-worker, bundled when the build made it. */
export function workerModuleUrl(): string {
  if (import.meta.url.endsWith(".ts"))
    return new URL("../../dist/experiment/replication-worker.js", import.meta.url).href;
  // The bundled entry when the build made one (scripts/bundle-cli.mjs): a thread starts sooner.
  const bundled = new URL("../bin/replication-worker.js", import.meta.url);
  return existsSync(bundled) ? bundled.href : new URL("./replication-worker.js", import.meta.url).href;
}

/** Named scalar metrics of a report: what replications summarise and sweeps compare. */
export interface MetricSource {
  names: readonly string[];
  value(name: string, report: Report): number;
  /** How a value reads: a count, a ratio (shown as a percentage) or seconds. */
  unit?(name: string): "count" | "ratio" | "seconds";
}

/** Each metric's estimate over the reports of one configuration's replications. */
export function summarise(reports: readonly Report[], metrics: MetricSource): Map<string, Estimate> {
  const out = new Map<string, Estimate>();
  for (const name of metrics.names) {
    const values = reports.map((r) => metrics.value(name, r));
    if (values.every((v) => Number.isFinite(v))) out.set(name, estimate(values));
  }
  return out;
}
