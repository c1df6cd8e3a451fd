/**
 * What a run produces: the sampled time series and the outcome at its end,
 * whichever threads hosted its partitions.
 */
import type { KernelStats } from "../engine/kernel.js";
import type { TraceRecord } from "./fleet-partition.js";
import type { FunctionSample } from "./function-labels.js";
import type { Observations } from "./observations.js";
import type { Plan } from "./plan.js";
import type { SampleCounters, SampledHistogram, SampleShared } from "./sampling.js";
import type { SubnetUsage } from "./shared-state.js";
import type { ThreadChoice } from "./thread-choice.js";
import type { ReplayTally } from "./partition-result.js";

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
  /** On-demand execution environments by template: running a request, and idle and warm (expired ones left out). */
  environments: { busy: number[]; idle: number[] };
}

export interface RunOutcome {
  plan: Plan;
  partitions: number;
  /** The lookahead: the least delay of any answer the coordinator sends back. */
  lookaheadUs: number;
  /** Worker threads that hosted the partitions (0: this thread), and why that many. */
  threads: ThreadChoice;
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
  /** Arrivals each invoke stream delivered, in Plan.invokeStreams order (the self-check compares them with the rates). */
  streamArrivals: number[];
  /** What each trace replay read and delivered, in Plan.replays order (ReplayTally; arrivals summed over partitions). */
  replays: ReplayTally[];
  invariants: InvariantResult[];
  /** The final answer to each explicit call answered before the end, by Plan.calls index. */
  callAnswers: CallAnswer[];
  /** True when the run was stopped before its end. */
  partial: boolean;
}

/** An explicit call's final answer (after the client's retries): an ApiError code (0: success) and when. */
export interface CallAnswer {
  /** Index into Plan.calls. */
  call: number;
  error: number;
  atUs: number;
}

export interface EfsOutcome {
  creditsAtEndMiB: number;
  minCreditsMiB: number;
  peakDemandMiBps: number;
  /** Admissions whose IO was slowed because demand exceeded what the file system served. */
  slowedAdmissions: number;
  inFlightAtEnd: number;
}

/** What the outside world can listen to; nothing is emitted per simulation event. */
export interface RunEvents {
  /** lookaheadUs: the least answer delay; epochUs: how far apart synchronisations can be (trace records arrive up to that much out of order). */
  started: (info: {
    plan: Plan;
    partitions: number;
    lookaheadUs: number;
    epochUs: number;
    threads: ThreadChoice;
  }) => void;
  progress: (p: { simTimeUs: number; untilUs: number; events: number }) => void;
  sample: (s: Sample) => void;
  transition: (r: TraceRecord) => void;
  finished: (o: RunOutcome) => void;
}

/** One of the run's own checks of its books (invariants.ts). */
export interface InvariantResult {
  name: string;
  ok: boolean;
  detail: string;
}
