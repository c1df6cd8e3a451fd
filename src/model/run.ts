/**
 * Runs a Plan: places functions in logical partitions, wires the partitions
 * and the coordinator into the kernel, runs it, and gathers what happened.
 */
import { EventEmitter } from "eventemitter3";
import { partitionOf } from "../engine/hash.js";
import { Kernel, type KernelStats } from "../engine/kernel.js";
import { STATE_NAMES } from "./aws-names.js";
import { FleetPartition, type TraceRecord, type Tracer } from "./fleet-partition.js";
import { checkInvariants, type InvariantResult } from "./invariants.js";
import { Observations } from "./observations.js";
import type { Plan } from "./plan.js";
import { SharedState, type SubnetUsage } from "./shared-state.js";

/** A point of the sampled time series. */
export interface Sample {
  timeUs: number;
  /** Functions by State (Pending, Active, Inactive, Failed). */
  states: number[];
  /** Functions by LastUpdateStatus (None, InProgress, Successful, Failed). */
  lastUpdateStatus: number[];
  concurrency: number;
  /** IPs in use by our ENIs, per subnet. */
  subnetUsedIps: number[];
}

/** What the outside world can listen to; nothing is emitted per simulation event. */
export interface RunEvents {
  started: (info: { plan: Plan; partitions: number; windowUs: number }) => void;
  progress: (p: { simTimeUs: number; untilUs: number; events: number }) => void;
  sample: (s: Sample) => void;
  transition: (r: TraceRecord) => void;
  finished: (o: RunOutcome) => void;
}

export interface RunOptions {
  partitions: number;
  /** Functions whose API calls and transitions are traced (by name); null: none. */
  traceFilter?: ((name: string) => boolean) | null;
  /** Sampled time series every this much simulated time; 0: none. */
  sampleIntervalUs?: number;
  emitter?: EventEmitter<RunEvents>;
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
  openInvocations: number;
  openClientTasks: number;
  shared: {
    unreservedPool: number;
    peakConcurrency: number;
    peakUnreservedConcurrency: number;
    concurrencyInFlight: number;
    subnets: SubnetUsage[];
    vpcEnis: number[];
    vpcPeakEnis: number[];
  };
  samples: Sample[];
  invariants: InvariantResult[];
  /** True when the run was stopped before its end. */
  partial: boolean;
}

export interface RunHandle {
  kernel: Kernel;
  run(): RunOutcome;
}

export function prepareRun(plan: Plan, opts: RunOptions): RunHandle {
  const p = opts.partitions;
  const n = plan.functions.names.length;
  const partOf = new Int32Array(n);
  const localOf = new Int32Array(n);
  const members: number[][] = Array.from({ length: p }, () => []);
  for (let g = 0; g < n; g++) {
    const part = partitionOf(plan.functions.names[g], p);
    partOf[g] = part;
    localOf[g] = members[part].length;
    members[part].push(g);
  }
  const emitter = opts.emitter;
  const kernel = new Kernel(p, partOf);
  let traced: Uint8Array | null = null;
  let tracer: Tracer | null = null;
  if (opts.traceFilter) {
    traced = new Uint8Array(n);
    for (let g = 0; g < n; g++) traced[g] = opts.traceFilter(plan.functions.names[g]) ? 1 : 0;
    tracer = emitter ? (r) => emitter.emit("transition", r) : null;
  }
  const fleets = kernel.partitions.map(
    (part, i) => new FleetPartition(part, plan, Int32Array.from(members[i]), localOf, tracer, traced),
  );
  kernel.partitions.forEach((part, i) => {
    part.attach(fleets[i]);
  });
  const shared = new SharedState(kernel.coordinator, plan);
  kernel.coordinator.attach(shared);

  const windowUs = Math.min(plan.defaults.apiLatencyUs, plan.defaults.invokeLatencyUs);
  const samples: Sample[] = [];
  const takeSample = (timeUs: number) => {
    const s: Sample = {
      timeUs,
      states: sumArrays(fleets.map((f) => f.stateCount)),
      lastUpdateStatus: sumArrays(fleets.map((f) => f.lusCount)),
      concurrency: shared.totalInFlight,
      subnetUsedIps: shared.subnets.map((u) => u.usedIps),
    };
    samples.push(s);
    emitter?.emit("sample", s);
  };

  return {
    kernel,
    run(): RunOutcome {
      emitter?.emit("started", { plan, partitions: p, windowUs });
      shared.start();
      for (const f of fleets) f.start();
      const t0 = performance.now();
      const stats = kernel.run({
        windowUs,
        untilUs: plan.untilUs,
        sampleIntervalUs: opts.sampleIntervalUs ?? 0,
        onSample: takeSample,
        onProgress:
          emitter !== undefined && emitter.listenerCount("progress") > 0
            ? (pr) => emitter.emit("progress", pr)
            : undefined,
      });
      const wallMs = performance.now() - t0;
      const obs = new Observations();
      for (const f of fleets) obs.merge(f.obs);
      const outcome: RunOutcome = {
        plan,
        partitions: p,
        windowUs,
        kernel: stats,
        wallMs,
        obs,
        states: sumArrays(fleets.map((f) => f.stateCount)),
        lastUpdateStatus: sumArrays(fleets.map((f) => f.lusCount)),
        openInvocations: fleets.reduce((s, f) => s + f.openInvocations, 0),
        openClientTasks: fleets.reduce((s, f) => s + f.openTasks, 0),
        shared: {
          unreservedPool: shared.unreservedPool,
          peakConcurrency: shared.peakTotalInFlight,
          peakUnreservedConcurrency: shared.peakUnreservedInFlight,
          concurrencyInFlight: shared.totalInFlight,
          subnets: shared.subnets.map((u) => ({ ...u })),
          vpcEnis: Array.from(shared.vpcEnis),
          vpcPeakEnis: Array.from(shared.vpcPeakEnis),
        },
        samples,
        invariants: [],
        partial: kernel.stopped,
      };
      outcome.invariants = checkInvariants(outcome, {
        badTransitions: fleets.flatMap((f) => f.badTransitions),
        sharedViolations: shared.violations,
      });
      emitter?.emit("finished", outcome);
      return outcome;
    },
  };
}

/** Runs a plan to its end. */
export function runPlan(plan: Plan, opts: RunOptions): RunOutcome {
  return prepareRun(plan, opts).run();
}

export function newRunEmitter(): EventEmitter<RunEvents> {
  return new EventEmitter<RunEvents>();
}

function sumArrays(arrays: Float64Array[]): number[] {
  const out = new Array<number>(arrays.length > 0 ? arrays[0].length : STATE_NAMES.length).fill(0);
  for (const a of arrays) for (let i = 0; i < a.length; i++) out[i] += a[i];
  return out;
}
