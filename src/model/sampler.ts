/**
 * The run's time series: at each sample point, the partitions' gauges and
 * the coordinator's state become one Sample, kept and emitted.
 */
import type { EventEmitter } from "eventemitter3";
import { FunctionLabeller } from "./function-labels.js";
import { newFunctionTable } from "./function-table.js";
import { gaugeCount, sampleShape, TAIL_GAUGES } from "./partition-result.js";
import type { Plan } from "./plan.js";
import type { RunEvents, RunOutcome, Sample } from "./run-outcome.js";
import {
  type PartitionSums,
  type SampleShape,
  sampleBlockOffset,
  sampleShared,
  sumPartitionSamples,
  sumsOfObservations,
} from "./sampling.js";
import type { SharedState } from "./shared-state.js";

/** What a run keeps for sampling beyond the partitions' gauges. */
export interface SamplingSetup {
  /** Functions labelled by name in samples (0: none). */
  functionLabels: number;
  /** Per-function invocation outcomes and State (function-table.ts) when functions are labelled; else null. */
  functionTable: Float64Array | null;
}

/** The sampling setup of a run: a function table only when samples label functions. */
export function samplingOf(
  plan: Plan,
  opts: { sampleIntervalUs?: number; functionLabels?: number },
  shared: boolean,
): SamplingSetup {
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
    const T = this.templates;
    const environments = { busy: new Array<number>(T).fill(0), idle: new Array<number>(T).fill(0) };
    for (let p = 0; p < this.partitions; p++) {
      const o = (p + 1) * this.stride - TAIL_GAUGES - 2 * T;
      for (let t = 0; t < T; t++) {
        environments.busy[t] += gauges[o + t];
        environments.idle[t] += gauges[o + T + t];
      }
    }
    this.emit(timeUs, states, lus, byTemplate, sums, events, asyncQueue, provisioned, environments);
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
      {
        busy: Array.from(o.obs.envAtEnd.subarray(0, this.templates)),
        idle: Array.from(o.obs.envAtEnd.subarray(this.templates)),
      },
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
    environments: Sample["environments"],
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
      environments,
    };

    this.lastTimeUs = s.timeUs;
    if (this.keep) this.samples.push(s);
    this.emitter?.emit("sample", s);
  }
}
