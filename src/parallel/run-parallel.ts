/**
 * Runs a Plan with its partitions hosted in worker threads (a piscina pool),
 * the coordinator on this thread. Same outcome as runPlan, to the byte.
 */
import type { Plan } from "../model/plan.js";
import { placeFunctions } from "../model/placement.js";
import {
  assembleOutcome,
  progressCallback,
  type RunOptions,
  type RunOutcome,
  Sampler,
  samplingOf,
  tracedFunctions,
  windowOf,
} from "../model/run.js";
import { SharedState } from "../model/shared-state.js";
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
  const kernel = new ParallelKernel(p, placement.partitionOf);
  const shared = new SharedState(kernel.coordinator, plan);
  kernel.coordinator.attach(shared);
  const emitter = opts.emitter;
  const windowUs = windowOf(plan);
  const sampling = samplingOf(plan, opts, true);
  const sampler = new Sampler(plan, shared, p, emitter, opts.keepSamples !== false, sampling);
  return {
    stop: () => kernel.stop(),
    async run(): Promise<RunOutcome> {
      emitter?.emit("started", { plan, partitions: p, windowUs });
      shared.start();
      const t0 = performance.now();
      const { stats, results } = await kernel.run({
        plan,
        workers: opts.workers,
        windowUs,
        untilUs: plan.untilUs,
        sampleIntervalUs: opts.sampleIntervalUs ?? 0,
        traced: tracedFunctions(plan, opts.traceFilter),
        onTrace: emitter ? (r) => emitter.emit("transition", r) : undefined,
        onSample: (timeUs, gauges) => sampler.take(timeUs, gauges),
        functionTable: sampling.functionTable,
        onProgress: progressCallback(emitter),
        workerMemoryMb: opts.workerMemoryMb ?? DEFAULT_WORKER_MEMORY_MB,
      });
      const wallMs = performance.now() - t0;
      const outcome = assembleOutcome(plan, {
        partitions: p,
        windowUs,
        stats,
        wallMs,
        results,
        shared,
        samples: sampler.samples,
        partial: kernel.stopped,
      });
      sampler.finish(outcome);
      emitter?.emit("finished", outcome);
      return outcome;
    },
  };
}

/** Runs a plan to its end on worker threads. */
export function runPlanParallel(plan: Plan, opts: ParallelRunOptions): Promise<RunOutcome> {
  return prepareParallelRun(plan, opts).run();
}
