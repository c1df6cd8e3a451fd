/**
 * Runs a Plan with its partitions hosted in worker threads (a piscina pool),
 * the coordinator on this thread. Same outcome as runPlan, to the byte.
 */
import type { Plan } from "../model/plan.js";
import { placeFunctions } from "../model/placement.js";
import { EpochTraces } from "../model/epoch-traces.js";
import { GRANT_WIDTH } from "../model/protocol.js";
import {
  assembleOutcome,
  epochOf,
  progressCallback,
  type RunOptions,
  type RunOutcome,
  Sampler,
  samplingOf,
  startCoordinator,
  tracedFunctions,
  windowOf,
  withGrantFallbackAsync,
} from "../model/run.js";
import { ParallelKernel } from "./parallel-kernel.js";

export interface ParallelRunOptions extends RunOptions {
  /** Worker threads hosting partitions (at most the number of partitions). */
  workers: number;
  /** Heap limit per worker thread, in MB. */
  workerMemoryMb?: number;
}

export interface ParallelRunHandle {
  /** Asks the run to end after the current window. */
  stop(): void;
  run(): Promise<RunOutcome>;
}

export const DEFAULT_WORKER_MEMORY_MB = 4096;

export function prepareParallelRun(plan: Plan, opts: ParallelRunOptions): ParallelRunHandle {
  const p = opts.partitions;
  const placement = placeFunctions(plan, p);
  const emitter = opts.emitter;
  const windowUs = windowOf(plan);
  const epochUs = epochOf(plan, opts);
  const sampling = samplingOf(plan, opts, true);
  const traced = tracedFunctions(plan, opts.traceFilter);
  const traces = traced !== null && emitter ? new EpochTraces((r) => emitter.emit("transition", r)) : null;
  let sampler: Sampler | null = null;
  let kernel: ParallelKernel | null = null;
  let stopRequested = false;

  const attempt = async (grants: boolean) => {
    const k = new ParallelKernel(p, placement.partitionOf, GRANT_WIDTH);
    kernel = k;
    if (stopRequested) k.stop();
    const { shared, sampler: s } = startCoordinator(k.coordinator, plan, grants, sampler, (sh) => {
      return new Sampler(plan, sh, p, emitter, opts.keepSamples !== false, sampling);
    });
    sampler = s;
    const { stats, results } = await k.run({
      plan,
      workers: opts.workers,
      windowUs,
      epochUs,
      untilUs: plan.untilUs,
      sampleIntervalUs: opts.sampleIntervalUs ?? 0,
      traced,
      onTrace: traces?.add,
      onSample: (timeUs, gauges) => {
        if (timeUs > s.lastSampleUs) s.take(timeUs, gauges); // else taken before a GrantConflict
      },
      onEpochEnd: traces?.commit,
      functionTable: sampling.functionTable,
      onProgress: progressCallback(emitter),
      workerMemoryMb: opts.workerMemoryMb ?? DEFAULT_WORKER_MEMORY_MB,
    });
    return { stats, results, shared, stopped: k.stopped };
  };

  return {
    stop: () => {
      stopRequested = true;
      kernel?.stop();
    },
    async run(): Promise<RunOutcome> {
      emitter?.emit("started", { plan, partitions: p, windowUs, epochUs });
      const t0 = performance.now();
      const r = await withGrantFallbackAsync(opts, attempt, () => {
        traces?.restart();
        sampling.functionTable?.fill(0);
      });
      traces?.flush();
      const wallMs = performance.now() - t0;
      const outcome = assembleOutcome(plan, {
        partitions: p,
        windowUs,
        stats: r.stats,
        wallMs,
        results: r.results,
        shared: r.shared,
        samples: sampler?.samples ?? [],
        partial: r.stopped,
      });
      sampler?.finish(outcome);
      emitter?.emit("finished", outcome);
      return outcome;
    },
  };
}

/** Runs a plan to its end on worker threads. */
export function runPlanParallel(plan: Plan, opts: ParallelRunOptions): Promise<RunOutcome> {
  return prepareParallelRun(plan, opts).run();
}
