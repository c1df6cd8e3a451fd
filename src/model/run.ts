/**
 * Runs a Plan: places functions in logical partitions, wires the partitions
 * and the coordinator into the kernel, runs it, and gathers what happened.
 */
import { EventEmitter } from "eventemitter3";
import type { Coordinator } from "../engine/coordinator.js";
import { GrantConflict } from "../engine/grant-conflict.js";
import { Kernel, type KernelStats, type Progress } from "../engine/kernel.js";
import { STATE_NAMES } from "./aws-names.js";
import { EpochTraces } from "./epoch-traces.js";
import { FleetPartition, type TraceRecord, type Tracer } from "./fleet-partition.js";
import { FunctionLabeller, type FunctionSample } from "./function-labels.js";
import { newFunctionTable } from "./function-table.js";
import { checkInvariants, type InvariantResult } from "./invariants.js";
import { Observations } from "./observations.js";
import {
  deserializeObservations,
  gaugeCount,
  type PartitionResult,
  partitionResultOf,
  sampleShape,
  writeGauges,
} from "./partition-result.js";
import { placeFunctions } from "./placement.js";
import type { Plan } from "./plan.js";
import { qualifierSlotCount } from "./qualifiers.js";
import { GRANT_WIDTH } from "./protocol.js";
import {
  type PartitionSums,
  type SampleCounters,
  type SampledHistogram,
  type SampleShape,
  type SampleShared,
  sampleBlockOffset,
  sampleShared,
  sumPartitionSamples,
  sumsOfObservations,
} from "./sampling.js";
import { SharedState, type SubnetUsage } from "./shared-state.js";

/** A point of the sampled time series. */
export interface Sample {
  timeUs: number;
  /** Functions by State (Pending, Active, Inactive, Failed). */
  states: number[];
  /** Functions by LastUpdateStatus (None, InProgress, Successful, Failed). */
  lastUpdateStatus: number[];
  /** Functions by (template, State): index template * 4 + State. */
  statesByTemplate: number[];
  concurrency: number;
  /** IPs in use by our ENIs, per subnet. */
  subnetUsedIps: number[];
  /** Events processed so far (partitions and coordinator). */
  events: number;
  /** The partitions' counters, summed (cumulative). */
  counters: SampleCounters;
  /** The duration histograms read at their bucket bounds, by Hist index (cumulative). */
  histograms: SampledHistogram[];
  /** TEMPLATE_HISTS[k] of template t at k * templates + t (cumulative). */
  templateHistograms: SampledHistogram[];
  /** With function labels (RunOptions.functionLabels), the labelled functions; null without. */
  functions: FunctionSample | null;
  /** The coordinator's concurrency and network figures. */
  shared: SampleShared;
  /** Asynchronous events waiting in the functions' queues (first attempt or retry), V6. */
  asyncQueueDepth: number;
  /** Age of the oldest of them; 0 when the queues are empty. */
  asyncOldestEventAgeUs: number;
  /** Provisioned environments running a request, and initialised (V2): not in `concurrency`. */
  provisionedInUse: number;
  provisionedAllocated: number;
}

/** What the outside world can listen to; nothing is emitted per simulation event. */
export interface RunEvents {
  /** windowUs: the lookahead; epochUs: how far apart synchronisations can be (trace records arrive up to that much out of order). */
  started: (info: { plan: Plan; partitions: number; windowUs: number; epochUs: number }) => void;
  progress: (p: { simTimeUs: number; untilUs: number; events: number }) => void;
  sample: (s: Sample) => void;
  transition: (r: TraceRecord) => void;
  finished: (o: RunOutcome) => void;
}

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
  /** Epoch length in µs (default DEFAULT_EPOCH_US); never shorter than the lookahead. */
  epochUs?: number;
  /** Told when a run is repeated without grants after a GrantConflict. */
  onGrantConflict?: (e: GrantConflict) => void;
}

export interface RunOutcome {
  plan: Plan;
  partitions: number;
  windowUs: number;
  kernel: KernelStats;
  /** Wall-clock time of the simulation loop, in ms (the only wall-clock figure). */
  wallMs: number;
  obs: Observations;
  /** Functions by final State, and by final LastUpdateStatus. */
  states: number[];
  lastUpdateStatus: number[];
  /** Functions by (template, final State): index template * 4 + State. */
  statesByTemplate: number[];
  openInvocations: number;
  openClientTasks: number;
  /** Asynchronous events still waiting in the queues or being invoked at the end, and the oldest waiting one's enqueue time (+Infinity: none). */
  async: { queuedAtEnd: number; inFlightAtEnd: number; oldestQueuedUs: number };
  /** Provisioned concurrency at the end: requested, allocated, available, configurations by Status (V2), in use. */
  provisioned: number[];
  shared: {
    unreservedPool: number;
    peakConcurrency: number;
    peakUnreservedConcurrency: number;
    /** The largest the unreserved pool was during the run. */
    peakUnreservedPool: number;
    concurrencyInFlight: number;
    subnets: SubnetUsage[];
    vpcEnis: number[];
    vpcPeakEnis: number[];
  };
  /** EFS file systems' throughput and credits, by Plan.fileSystems index (V10). */
  efs: { fileSystems: EfsOutcome[] };
  samples: Sample[];
  invariants: InvariantResult[];
  /** True when the run was stopped before its end. */
  partial: boolean;
}

export interface EfsOutcome {
  creditsAtEndMiB: number;
  minCreditsMiB: number;
  peakDemandMiBps: number;
  /** Admissions whose IO was slowed because demand exceeded what the file system served. */
  slowedAdmissions: number;
  inFlightAtEnd: number;
}

export interface RunHandle {
  /** Asks the run to end after the current epoch. */
  stop(): void;
  run(): RunOutcome;
}

/** Prepares a run with every partition in this thread (see src/parallel for worker threads). */
export function prepareRun(plan: Plan, opts: RunOptions): RunHandle {
  const p = opts.partitions;
  const placement = placeFunctions(plan, p);
  const emitter = opts.emitter;
  const traced = tracedFunctions(plan, opts.traceFilter);
  const traces = traced !== null && emitter ? new EpochTraces((r) => emitter.emit("transition", r)) : null;
  const tracer: Tracer | null = traces !== null ? traces.add : null;
  const sampling = samplingOf(plan, opts, false);
  const windowUs = windowOf(plan);
  const epochUs = epochOf(plan, opts);
  const stride = gaugeCount(plan);
  const gauges = new Float64Array(stride * p);
  let sampler: Sampler | null = null;
  let kernel: Kernel | null = null;
  let stopRequested = false;

  const attempt = (grants: boolean) => {
    const k = new Kernel(p, placement.partitionOf, GRANT_WIDTH);
    kernel = k;
    if (stopRequested) k.stop();
    const fleets = k.partitions.map(
      (part, i) =>
        new FleetPartition(
          part,
          plan,
          placement.members[i],
          placement.localOf,
          tracer,
          traced,
          sampling.functionTable,
        ),
    );
    k.partitions.forEach((part, i) => {
      part.attach(fleets[i]);
    });
    const { shared, sampler: s } = startCoordinator(k.coordinator, plan, grants, sampler, (sh) => {
      return new Sampler(plan, sh, p, emitter, opts.keepSamples !== false, sampling);
    });
    sampler = s;
    for (const f of fleets) f.start();
    const stats = k.run({
      windowUs,
      epochUs,
      untilUs: plan.untilUs,
      sampleIntervalUs: opts.sampleIntervalUs ?? 0,
      onSample: (timeUs) => {
        if (timeUs <= s.lastSampleUs) return; // taken by an attempt before a GrantConflict
        fleets.forEach((f, i) => writeGauges(f, gauges, i * stride));
        s.take(timeUs, gauges);
      },
      onEpochEnd: traces?.commit,
      onProgress: progressCallback(emitter),
    });
    return { stats, results: fleets.map(partitionResultOf), shared, stopped: k.stopped };
  };

  return {
    stop() {
      stopRequested = true;
      kernel?.stop();
    },
    run(): RunOutcome {
      emitter?.emit("started", { plan, partitions: p, windowUs, epochUs });
      const t0 = performance.now();
      const r = withGrantFallback(opts, attempt, () => {
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
export function withGrantFallback<T>(
  opts: RunOptions,
  attempt: (grants: boolean) => T,
  reset: () => void,
): T {
  if (opts.grants === false) return attempt(false);
  try {
    return attempt(true);
  } catch (e) {
    if (!(e instanceof GrantConflict)) throw e;
    reset();
    opts.onGrantConflict?.(e);
    return attempt(false);
  }
}

/** The same for an attempt that runs asynchronously (worker threads). */
export async function withGrantFallbackAsync<T>(
  opts: RunOptions,
  attempt: (grants: boolean) => Promise<T>,
  reset: () => void,
): Promise<T> {
  if (opts.grants === false) return attempt(false);
  try {
    return await attempt(true);
  } catch (e) {
    if (!(e instanceof GrantConflict)) throw e;
    reset();
    opts.onGrantConflict?.(e);
    return attempt(false);
  }
}

/** Ten seconds by default: synchronisations are rare, and grants (grants.ts) rarely run out within one. */
export const DEFAULT_EPOCH_US = 10_000_000;

/** The epoch: how far partitions run between synchronisations when nothing needs the coordinator. */
export function epochOf(plan: Plan, opts: RunOptions): number {
  return Math.max(windowOf(plan), opts.epochUs ?? DEFAULT_EPOCH_US);
}

/** Runs a plan to its end, every partition in this thread. */
export function runPlan(plan: Plan, opts: RunOptions): RunOutcome {
  return prepareRun(plan, opts).run();
}

export function newRunEmitter(): EventEmitter<RunEvents> {
  return new EventEmitter<RunEvents>();
}

/** The window: the least delay of any consequence the coordinator sends back (the lookahead). */
export function windowOf(plan: Plan): number {
  return Math.min(plan.defaults.apiLatencyUs, plan.defaults.invokeLatencyUs);
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

/** What a run keeps for sampling beyond the partitions' gauges. */
export interface SamplingSetup {
  /** Functions labelled by name in samples (0: none). */
  functionLabels: number;
  /** Per-function invocation outcomes and State (function-table.ts) when functions are labelled; else null. */
  functionTable: Float64Array | null;
}

/** The sampling setup of a run: a function table only when samples label functions. */
export function samplingOf(plan: Plan, opts: RunOptions, shared: boolean): SamplingSetup {
  const functionLabels = (opts.sampleIntervalUs ?? 0) > 0 ? (opts.functionLabels ?? 0) : 0;
  return {
    functionLabels,
    functionTable: functionLabels > 0 ? newFunctionTable(plan.functions.names.length, shared) : null,
  };
}

/** Builds the time series from partitions' gauges and the coordinator's state at each sample point. */
export class Sampler {
  readonly samples: Sample[] = [];
  private lastTimeUs = -1;
  private shared: SharedState;
  private readonly templates: number;
  private readonly shape: SampleShape;
  private readonly stride: number;
  private readonly labeller: FunctionLabeller | null;

  constructor(
    plan: Plan,
    shared: SharedState,
    private readonly partitions: number,
    private readonly emitter: EventEmitter<RunEvents> | undefined,
    private readonly keep = true,
    private readonly setup: SamplingSetup = { functionLabels: 0, functionTable: null },
  ) {
    this.shared = shared;
    this.templates = plan.templates.length;
    this.shape = sampleShape(plan);
    this.stride = gaugeCount(plan);
    this.labeller = setup.functionLabels > 0 ? new FunctionLabeller(plan, setup.functionLabels) : null;
  }

  /** Time of the last sample taken, or -1. */
  get lastSampleUs(): number {
    return this.lastTimeUs;
  }

  /** Reads the coordinator's state from `shared` from now on (a run repeated after a GrantConflict). */
  rebind(shared: SharedState): void {
    this.shared = shared;
  }

  /** A sample from every partition's gauges (gaugeCount(plan) values each, by partition). */
  take(timeUs: number, gauges: Float64Array): void {
    const states = [0, 0, 0, 0];
    const lus = [0, 0, 0, 0];
    const byTemplate = new Array<number>(this.templates * 4).fill(0);
    for (let p = 0; p < this.partitions; p++) {
      const o = p * this.stride;
      for (let i = 0; i < 4; i++) {
        states[i] += gauges[o + i];
        lus[i] += gauges[o + 4 + i];
      }
      for (let i = 0; i < byTemplate.length; i++) byTemplate[i] += gauges[o + 8 + i];
    }
    const offset = sampleBlockOffset(this.templates);
    const sums = sumPartitionSamples(gauges, this.partitions, this.stride, offset, this.shape);
    let queued = 0;
    let oldestUs = Number.POSITIVE_INFINITY;
    const provisioned = { inUse: 0, allocated: 0 };
    for (let p = 0; p < this.partitions; p++) {
      const end = (p + 1) * this.stride;
      queued += gauges[end - 4];
      oldestUs = Math.min(oldestUs, gauges[end - 3]);
      provisioned.inUse += gauges[end - 2];
      provisioned.allocated += gauges[end - 1];
    }
    const asyncQueue = { depth: queued, oldestUs };
    const events = sums.events + this.shared.coordinatorEvents;
    this.emit(timeUs, states, lus, byTemplate, sums, events, asyncQueue, provisioned);
  }

  /** When the run sampled, a last sample at its end (unless a sample point fell on it), from the outcome. */
  finish(o: RunOutcome): void {
    if (this.lastTimeUs < 0 || this.lastTimeUs >= o.kernel.endUs) return;
    const sums = sumsOfObservations(o.obs, 0);
    this.emit(
      o.kernel.endUs,
      [...o.states],
      [...o.lastUpdateStatus],
      [...o.statesByTemplate],
      sums,
      o.kernel.events,
      { depth: o.async.queuedAtEnd, oldestUs: o.async.oldestQueuedUs },
      { inUse: o.provisioned[6], allocated: o.provisioned[1] },
    );
  }

  private emit(
    timeUs: number,
    states: number[],
    lastUpdateStatus: number[],
    statesByTemplate: number[],
    sums: PartitionSums,
    events: number,
    asyncQueue: { depth: number; oldestUs: number },
    provisioned: { inUse: number; allocated: number },
  ): void {
    const table = this.setup.functionTable;
    const s: Sample = {
      timeUs,
      states,
      lastUpdateStatus,
      statesByTemplate,
      concurrency: this.shared.totalInFlight,
      subnetUsedIps: this.shared.subnets.map((u) => u.usedIps),
      events,
      counters: sums.counters,
      histograms: sums.histograms,
      templateHistograms: sums.templateHistograms,
      functions:
        this.labeller !== null && table !== null
          ? this.labeller.take(table, sums.counters.invocationsByTemplate, statesByTemplate)
          : null,
      shared: sampleShared(this.shared, timeUs),
      asyncQueueDepth: asyncQueue.depth,
      asyncOldestEventAgeUs: asyncQueue.depth > 0 ? timeUs - asyncQueue.oldestUs : 0,
      provisionedInUse: provisioned.inUse,
      provisionedAllocated: provisioned.allocated,
    };

    this.lastTimeUs = s.timeUs;
    if (this.keep) this.samples.push(s);
    this.emitter?.emit("sample", s);
  }
}

/** Everything a run produced, whichever threads hosted its partitions. */
export function assembleOutcome(
  plan: Plan,
  r: {
    partitions: number;
    windowUs: number;
    stats: KernelStats;
    wallMs: number;
    results: PartitionResult[];
    shared: SharedState;
    samples: Sample[];
    partial: boolean;
  },
): RunOutcome {
  const templates = plan.templates.length;
  const obs = new Observations(
    templates,
    plan.fileSystems.length,
    plan.callers.length,
    qualifierSlotCount(plan.aliases),
  );
  for (const res of r.results) obs.merge(deserializeObservations(res.obs, templates));
  obs.foldTemplateHistograms();
  const shared = r.shared;
  const outcome: RunOutcome = {
    plan,
    partitions: r.partitions,
    windowUs: r.windowUs,
    kernel: r.stats,
    wallMs: r.wallMs,
    obs,
    states: sumArrays(r.results.map((x) => x.stateCount)),
    lastUpdateStatus: sumArrays(r.results.map((x) => x.lusCount)),
    statesByTemplate: sumArrays(r.results.map((x) => x.stateByTemplate)),
    openInvocations: r.results.reduce((s, x) => s + x.openInvocations, 0),
    openClientTasks: r.results.reduce((s, x) => s + x.openTasks, 0),
    async: {
      queuedAtEnd: r.results.reduce((s, x) => s + x.asyncQueued, 0),
      inFlightAtEnd: r.results.reduce((s, x) => s + x.asyncInFlight, 0),
      oldestQueuedUs: r.results.reduce(
        (m, x) => Math.min(m, x.asyncOldestQueuedUs),
        Number.POSITIVE_INFINITY,
      ),
    },
    provisioned: sumArrays(r.results.map((x) => x.provisioned)),
    shared: {
      unreservedPool: shared.unreservedPool,
      peakConcurrency: shared.peakTotalInFlight,
      peakUnreservedConcurrency: shared.peakUnreservedInFlight,
      peakUnreservedPool: shared.peakUnreservedPool,
      concurrencyInFlight: shared.totalInFlight,
      subnets: shared.subnets.map((u) => ({ ...u })),
      vpcEnis: Array.from(shared.vpcEnis),
      vpcPeakEnis: Array.from(shared.vpcPeakEnis),
    },
    efs: {
      fileSystems: plan.fileSystems.map((_, fs) => ({
        creditsAtEndMiB: shared.efs.creditsAt(fs, r.stats.endUs),
        minCreditsMiB: Math.min(shared.efs.minCreditsMiB[fs], shared.efs.creditsAt(fs, r.stats.endUs)),
        peakDemandMiBps: shared.efs.peakDemandMiBps[fs],
        slowedAdmissions: shared.efs.slowedAdmissions[fs],
        inFlightAtEnd: shared.efs.inFlight[fs],
      })),
    },
    samples: r.samples,
    invariants: [],
    partial: r.partial,
  };
  outcome.invariants = checkInvariants(outcome, {
    badTransitions: r.results.flatMap((x) => x.badTransitions),
    sharedViolations: shared.violations,
  });
  return outcome;
}

function sumArrays(arrays: number[][]): number[] {
  const out = new Array<number>(arrays.length > 0 ? arrays[0].length : STATE_NAMES.length).fill(0);
  for (const a of arrays) for (let i = 0; i < a.length; i++) out[i] += a[i];
  return out;
}
