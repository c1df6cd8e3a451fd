/**
 * Runs a Plan: places functions in logical partitions, chooses who hosts
 * them (this thread or worker threads), wires the partitions and the
 * coordinator into the kernel, runs it, and gathers what happened. One
 * preparation and one grant fallback whatever hosts the partitions: the run
 * is a generator of steps (engine/steps.ts), driven at once on this thread
 * (runSync) or with waits (run).
 */
import { availableParallelism } from "node:os";
import { EventEmitter } from "eventemitter3";
import type { Coordinator } from "../engine/coordinator.js";
import { GrantConflict } from "../engine/grant-conflict.js";
import { Kernel, type KernelStats, type Progress } from "../engine/kernel.js";
import { LocalRunner } from "../engine/local-runner.js";
import type { RoundRunner } from "../engine/round-runner.js";
import type { ThreadRunner } from "../engine/threads/thread-runner.js";
import { driveAsync, driveSync, type Pause, type Steps } from "../engine/steps.js";
import { assembleOutcome } from "./assemble-outcome.js";
import { lookaheadOfDefaults } from "./defaults.js";
import type { FleetPartition } from "./fleet-partition.js";
import { type FunctionReading, readFunction } from "./function-reading.js";
import { LiveControl } from "./live-control.js";
import type { InvocationDetail } from "./live-invocations.js";
import { EpochTraces } from "./epoch-traces.js";
import { FLEET_HOST_URL, type FleetHostInit, hostModel } from "./fleet-host.js";
import { gaugeCount, type PartitionResult } from "./partition-result.js";
import { type Placement, placeFunctions } from "./placement.js";
import type { Plan } from "./plan.js";
import { GRANT_WIDTH } from "./protocol.js";
import type { RunEvents, RunOutcome } from "./run-outcome.js";
import { Sampler, samplingOf } from "./sampler.js";
import { SharedState } from "./shared-state.js";
import { chooseThreads, type ThreadChoice } from "./thread-choice.js";
import {
  ARRIVALS_PER_EPOCH,
  MAX_EPOCH_US,
  MIN_ARRIVALS_PER_EPOCH,
  partitionWeights,
  planPeakArrivalsPerSec,
} from "./workload-rates.js";

export type { CallAnswer, EfsOutcome, RunEvents, RunOutcome, Sample } from "./run-outcome.js";
export { Sampler } from "./sampler.js";

export interface RunOptions {
  partitions: number;
  /** Functions whose API calls and transitions are traced (by name); null: none. */
  traceFilter?: ((name: string) => boolean) | null;
  /** Sampled time series every this much simulated time, and at the end of the run; 0: none. */
  sampleIntervalUs?: number;
  /** Keep the samples in RunOutcome.samples (default); false: only emit them. */
  keepSamples?: boolean;
  /**
   * Samples label this many of the busiest functions by name (function-labels.ts);
   * 0 (default): none, and nothing per function is kept.
   */
  functionLabels?: number;
  emitter?: EventEmitter<RunEvents>;
  /**
   * Partitions admit invocations under epoch grants (default true; see
   * model/grants.ts). Off, every admission goes to the coordinator: slower,
   * same result.
   */
  grants?: boolean;
  /** Epoch length in µs (default defaultEpochUs(plan)); never shorter than the lookahead. */
  epochUs?: number;
  /** Told when a run is repeated without grants after a GrantConflict. */
  onGrantConflict?: (e: GrantConflict) => void;
  /**
   * Worker threads hosting the partitions: 0 (default) all on this thread;
   * "auto" chooses by the plan (thread-choice.ts); N: N threads.
   */
  workers?: number | "auto";
  /** Heap limit per worker thread, in MB. */
  workerMemoryMb?: number;
  /** Cores to count on for "auto" (default: the machine's available parallelism). */
  cores?: number;
  /**
   * Called at each sample point after the sample is taken; a promise holds
   * the run there (pacing: --speed). Outside the simulation: no result depends on it.
   */
  pace?: (simTimeUs: number) => Promise<unknown> | null;
  /**
   * A live run (fleet-sim serve): its driver adds calls between epochs and
   * hears their answers. The partitions run on this thread, without grants
   * (a grant conflict would replay the run, and answers already sent).
   */
  live?: LiveLink;
}

/** A live run's driver, as the run sees it. */
export interface LiveLink {
  /** The partitions exist: what the driver may do to them between epochs. */
  attach(control: LiveControl): void;
  /** Before each epoch [startUs, endUs): may hold the run (the wall clock) and add calls at or after startUs. */
  beforeEpoch(startUs: number, endUs: number): Pause;
  /** True once the driver has ended the session: the run stops before its next epoch. */
  readonly stopped: boolean;
  /**
   * The final answer to explicit call `call` (a Plan.calls index) on global
   * function g, read at that instant; `answer` carries the version an
   * Invoke ran and the message of a refused configuration call; `detail`
   * what an Invoke ran, or why it was throttled.
   */
  onCallAnswer(
    call: number,
    error: number,
    g: number,
    reading: FunctionReading,
    atUs: number,
    answer: { version: number; message: string },
    detail?: InvocationDetail | null,
  ): void;
}

export interface RunHandle {
  /** Who hosts the partitions, and why. */
  readonly threads: ThreadChoice;
  /** Asks the run to end after the current epoch. */
  stop(): void;
  /** Runs to the end, waiting on worker threads and pacing, giving the event loop turns. */
  run(): Promise<RunOutcome>;
  /** Runs to the end at once (every partition on this thread, unpaced). */
  runSync(): RunOutcome;
}

export const DEFAULT_WORKER_MEMORY_MB = 4096;

export function prepareRun(plan: Plan, opts: RunOptions): RunHandle {
  const p = opts.partitions;
  const placement = placeFunctions(plan, p);
  const emitter = opts.emitter;
  const lookaheadUs = lookaheadOf(plan);
  const epochUs = epochOf(plan, opts);
  const threads = chooseThreads(
    plan,
    placement,
    opts.live !== undefined ? 0 : (opts.workers ?? 0),
    epochUs,
    opts.cores ?? availableParallelism(),
  );
  const traced = tracedFunctions(plan, opts.traceFilter);
  const traces = traced !== null && emitter ? new EpochTraces((r) => emitter.emit("transition", r)) : null;
  const sampling = samplingOf(plan, opts, threads.workers > 0);
  const host: FleetHostInit = {
    plan,
    partitions: p,
    traced,
    functionTable: sampling.functionTable,
    sampleIntervalUs: opts.sampleIntervalUs ?? 0,
  };
  let sampler: Sampler | null = null;
  let kernel: Kernel | null = null;
  let stopRequested = false;

  function* attempt(grants: boolean): Steps<Attempt> {
    // Worker threads (and piscina) are loaded only by runs that use them.
    let threadRunner: typeof ThreadRunner | null = null;
    if (threads.workers > 0)
      yield import("../engine/threads/thread-runner.js").then((m) => {
        threadRunner = m.ThreadRunner;
      });
    const runner = newRunner(plan, placement, threads, host, traces, opts, threadRunner);
    const k = new Kernel(runner, placement.partitionOf, GRANT_WIDTH);
    kernel = k;
    if (stopRequested) k.stop();
    const { shared, sampler: s } = startCoordinator(k.coordinator, plan, grants, sampler, (sh) => {
      return new Sampler(plan, sh, p, emitter, opts.keepSamples !== false, sampling);
    });
    sampler = s;
    const stats = yield* k.run({
      lookaheadUs,
      epochUs,
      untilUs: plan.untilUs,
      sampleIntervalUs: opts.sampleIntervalUs ?? 0,
      onSample: (timeUs, gauges) => {
        if (timeUs <= s.lastSampleUs) return null; // taken by an attempt before a GrantConflict
        s.take(timeUs, gauges);
        return opts.pace?.(timeUs) ?? null;
      },
      onEpochEnd: traces?.commit,
      onProgress: progressCallback(emitter),
      beforeEpoch: opts.live !== undefined ? (s, e) => liveEpoch(opts.live!, k, s, e) : undefined,
    });
    return { stats, results: runner.results() as PartitionResult[], shared, stopped: k.stopped };
  }

  function* steps(): Steps<RunOutcome> {
    emitter?.emit("started", { plan, partitions: p, lookaheadUs, epochUs, threads });
    const t0 = performance.now();
    const r = yield* withGrantFallback(
      opts.live !== undefined ? { ...opts, grants: false } : opts,
      attempt,
      () => {
        traces?.restart();
        sampling.functionTable?.fill(0);
      },
    );
    traces?.flush();
    const wallMs = performance.now() - t0;
    const outcome = assembleOutcome(plan, {
      partitions: p,
      lookaheadUs,
      threads,
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
  }

  return {
    threads,
    stop() {
      stopRequested = true;
      kernel?.stop();
    },
    run: () => driveAsync(steps()),
    runSync: () => driveSync(steps()),
  };
}

/** A live run's hold before an epoch; the run stops there once its driver has stopped. */
function liveEpoch(live: LiveLink, k: Kernel, startUs: number, endUs: number): Pause {
  if (live.stopped) {
    k.stop();
    return null;
  }
  const holding = live.beforeEpoch(startUs, endUs);
  return holding === null
    ? null
    : holding.then(() => {
        if (live.stopped) k.stop();
      });
}

interface Attempt {
  stats: KernelStats;
  results: PartitionResult[];
  shared: SharedState;
  stopped: boolean;
}

/** The partitions on this thread, or in worker threads that load the model by its module URL. */
function newRunner(
  plan: Plan,
  placement: Placement,
  threads: ThreadChoice,
  host: FleetHostInit,
  traces: EpochTraces | null,
  opts: RunOptions,
  threadRunner: typeof ThreadRunner | null,
): RoundRunner {
  const onRecord = traces !== null ? (traces.add as (r: unknown) => void) : null;
  if (threadRunner === null) {
    const local = new LocalRunner(placement.partitions, GRANT_WIDTH, gaugeCount(plan));
    const live = opts.live;
    if (live === undefined) {
      local.host(hostModel(host), onRecord);
      return local;
    }
    const fleets: FleetPartition[] = [];
    const model = hostModel(host);
    local.host((part, records) => {
      const hosted = model(part, records);
      const fleet = hosted.handler as FleetPartition;
      fleets[part.index] = fleet;
      fleet.listenToCalls((call, error, f, fn, version, message, detail) =>
        live.onCallAnswer(
          call,
          error,
          fn.globalId[f],
          readFunction(fn, f),
          part.nowUs,
          { version, message },
          detail,
        ),
      );
      return hosted;
    }, onRecord);
    live.attach(new LiveControl(plan, placement, fleets));
    return local;
  }
  return new threadRunner({
    partitionCount: placement.partitions,
    grantWidth: GRANT_WIDTH,
    gaugeCount: gaugeCount(plan),
    workers: threads.workers,
    weights: partitionWeights(plan, placement.partitionOf, placement.partitions),
    partitionOfEntity: placement.partitionOf,
    model: { moduleUrl: FLEET_HOST_URL, init: host },
    localFactory: hostModel(host),
    onRecord,
    workerMemoryMb: opts.workerMemoryMb ?? DEFAULT_WORKER_MEMORY_MB,
  });
}

/**
 * The coordinator's state for one attempt of a run, attached and started,
 * and the run's one sampler (made on the first attempt) reading it.
 */
export function startCoordinator(
  c: Coordinator,
  plan: Plan,
  grants: boolean,
  sampler: Sampler | null,
  newSampler: (shared: SharedState) => Sampler,
): { shared: SharedState; sampler: Sampler } {
  const shared = new SharedState(c, plan, grants);
  c.attach(shared);
  const s = sampler ?? newSampler(shared);
  s.rebind(shared);
  shared.start();
  return { shared, sampler: s };
}

/**
 * Runs `attempt` with grants (unless the options turn them off); if a
 * granted decision does not hold in global order (GrantConflict), prepares
 * with `reset` and runs again from the start without grants, which is exact.
 */
export function* withGrantFallback<T>(
  opts: RunOptions,
  attempt: (grants: boolean) => Steps<T>,
  reset: () => void,
): Steps<T> {
  if (opts.grants === false) return yield* attempt(false);
  try {
    return yield* attempt(true);
  } catch (e) {
    if (!(e instanceof GrantConflict)) throw e;
    reset();
    opts.onGrantConflict?.(e);
    return yield* attempt(false);
  }
}

/** Ten seconds by default: synchronisations are rare, and grants (grants.ts) rarely run out within one (defaultEpochUs). */
export const DEFAULT_EPOCH_US = 10_000_000;

/** The epoch: how far partitions run between synchronisations when nothing needs the coordinator. */
export function epochOf(plan: Plan, opts: { epochUs?: number }): number {
  return Math.max(lookaheadOf(plan), opts.epochUs ?? defaultEpochUs(plan));
}

/**
 * DEFAULT_EPOCH_US, shortened for a plan whose streams could bring more than
 * ARRIVALS_PER_EPOCH arrivals within it (progress, Ctrl-C and the trace are
 * served between epochs), and lengthened up to MAX_EPOCH_US for one whose
 * streams at their peak bring fewer than MIN_ARRIVALS_PER_EPOCH (an epoch's
 * fixed cost would otherwise be paid per request). The length changes when
 * the engine synchronises, never what a run decides.
 */
export function defaultEpochUs(plan: Plan): number {
  const perUs = planPeakArrivalsPerSec(plan) / 1e6;
  // A trace's rate is not known before it is read: the default serves any.
  if ((plan.replays?.length ?? 0) > 0 && perUs * DEFAULT_EPOCH_US < ARRIVALS_PER_EPOCH)
    return DEFAULT_EPOCH_US;
  if (perUs * DEFAULT_EPOCH_US > ARRIVALS_PER_EPOCH)
    return Math.max(1, Math.floor(ARRIVALS_PER_EPOCH / perUs));
  if (!(perUs * DEFAULT_EPOCH_US < MIN_ARRIVALS_PER_EPOCH)) return DEFAULT_EPOCH_US;
  return Math.min(MAX_EPOCH_US, Math.floor(MIN_ARRIVALS_PER_EPOCH / perUs));
}

/** Runs a plan to its end, every partition on this thread. */
export function runPlan(plan: Plan, opts: RunOptions): RunOutcome {
  return prepareRun(plan, { ...opts, workers: 0 }).runSync();
}

/** Runs a plan to its end on the threads its options ask for. */
export function runPlanAsync(plan: Plan, opts: RunOptions): Promise<RunOutcome> {
  return prepareRun(plan, opts).run();
}

export function newRunEmitter(): EventEmitter<RunEvents> {
  return new EventEmitter<RunEvents>();
}

/** The lookahead: the least delay of any consequence the coordinator sends back. */
export function lookaheadOf(plan: Plan): number {
  return lookaheadOfDefaults(plan.defaults);
}

export function tracedFunctions(plan: Plan, filter: RunOptions["traceFilter"]): Uint8Array | null {
  if (!filter) return null;
  const names = plan.functions.names;
  const traced = new Uint8Array(names.length);
  for (let g = 0; g < names.length; g++) traced[g] = filter(names[g]) ? 1 : 0;
  return traced;
}

export function progressCallback(
  emitter: EventEmitter<RunEvents> | undefined,
): ((p: Progress) => void) | undefined {
  return emitter !== undefined && emitter.listenerCount("progress") > 0
    ? (pr) => emitter.emit("progress", pr)
    : undefined;
}
