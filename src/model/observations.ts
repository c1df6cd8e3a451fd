import { API_ERROR_NAMES, OPERATION_NAMES, THROTTLE_CAUSE_NAMES } from "./aws-names.js";
import { BILLING_COLUMNS } from "./billing.js";
import { DEPLOY_PHASE_NAMES } from "./deploy-window.js";
import { PHASE_COUNT } from "./lifecycle-table.js";
import { type Histogram, newHistogram, recordValue } from "./histogram.js";
import { EFS_MOUNT_FAULT_KINDS } from "./plan.js";
import { RevisionCounts } from "./revision-counts.js";

/** Duration distributions the run records, all in microseconds. */
export const Hist = {
  PendingCreate: 0,
  PendingRestore: 1,
  UpdateInProgress: 2,
  CreateToActiveClient: 3,
  InvocationLatency: 4,
  InitDuration: 5,
  /** V2: extra latency of a provisioned environment's first invocation. */
  FirstInvokeLatency: 6,
  /** V6: an async event's age each time the poller dispatches it. */
  AsyncEventAge: 7,
} as const;
export const HIST_NAMES = [
  "pendingCreate",
  "pendingRestore",
  "updateInProgress",
  "createToActiveClient",
  "invocationLatency",
  "initDuration",
  "firstInvokeLatency",
  "asyncEventAge",
] as const;
export type HistName = (typeof HIST_NAMES)[number];

export const ERROR_COUNT = API_ERROR_NAMES.length;
export const OPERATION_COUNT = OPERATION_NAMES.length;
export const THROTTLE_CAUSE_COUNT = THROTTLE_CAUSE_NAMES.length;

/**
 * Histograms also kept per function template (the `template` label of their
 * metric families). A partition records these per template only; the total
 * is their sum, made when partitions' observations are merged at the end of
 * a run (foldTemplateHistograms), so an invocation costs one record, not two.
 */
export const TEMPLATE_HISTS = [Hist.PendingCreate, Hist.PendingRestore, Hist.InvocationLatency] as const;
/** Where each Hist sits in TEMPLATE_HISTS, or -1. */
export const TEMPLATE_HIST_INDEX: readonly number[] = HIST_NAMES.map((_, h) =>
  (TEMPLATE_HISTS as readonly number[]).indexOf(h),
);

/** Start types, by index in Observations.startsByTemplate. */
export const START_TYPE_NAMES = ["cold", "warm"] as const;

/** Why a request to a version with provisioned concurrency ran on demand (V2, V5). */
export const SpilloverReason = { AllBusy: 0, RequestRate: 1 } as const;
export const SPILLOVER_REASON_NAMES = ["allBusy", "requestRate"] as const;

/** Waiter outcomes (R14). */
export const WaiterOutcome = { Started: 0, Succeeded: 1, Failed: 2, TimedOut: 3 } as const;
export const WAITER_OUTCOME_NAMES = ["started", "succeeded", "failed", "timedOut"] as const;

/** Why an asynchronous event was never processed (V6, V7). */
export const AsyncFailure = {
  MaximumEventAge: 0,
  RetriesExhausted: 1,
  RecursiveLoop: 2,
  Rejected: 3,
} as const;
export const ASYNC_FAILURE_NAMES = [
  "maximumEventAge",
  "retriesExhausted",
  "recursiveLoop",
  "rejected",
] as const;
/** Where such an event went, by OnFailure code (plan.ts): dropped, an on-failure destination, the DLQ. */
export const ASYNC_DISPOSITION_NAMES = ["dropped", "destination", "deadLetterQueue"] as const;
/** Why an asynchronous event went back to the queue for another attempt. */
export const AsyncRetryCause = { Throttled: 0, SystemError: 1, FunctionError: 2 } as const;
export const ASYNC_RETRY_CAUSE_NAMES = ["throttled", "systemError", "functionError"] as const;

/** What counter arrays are sized by: the plan's numbers of templates, qualifier slots (qualifiers.ts), file systems and callers. */
export interface CounterDims {
  templates: number;
  qualifierSlots: number;
  fileSystems: number;
  callers: number;
}

/**
 * Every counter of Observations, once: merging partitions, handing a result
 * across threads and the sample vector all read these lists, so a new
 * counter is a field below and its name here (a test fails on a counter
 * field missing from them). `sampled`: carried by every sample point (live
 * metrics, thresholds checked during the run), not only by the report.
 */
export const COUNTER_ARRAYS = {
  api: { sampled: true, length: () => OPERATION_COUNT * ERROR_COUNT },
  throttles: { sampled: true, length: () => THROTTLE_CAUSE_COUNT },
  apiThrottles: { sampled: true, length: () => OPERATION_COUNT },
  waiters: { sampled: true, length: () => WAITER_OUTCOME_NAMES.length },
  invocationsByTemplate: { sampled: true, length: (d) => d.templates * ERROR_COUNT },
  startsByTemplate: { sampled: true, length: (d) => d.templates * START_TYPE_NAMES.length },
  throttlesByTemplate: { sampled: true, length: (d) => d.templates * THROTTLE_CAUSE_COUNT },
  invocationsByQualifier: { sampled: true, length: (d) => d.qualifierSlots * ERROR_COUNT },
  spillovers: { sampled: true, length: () => SPILLOVER_REASON_NAMES.length },
  startsByDeployPhase: { sampled: true, length: () => DEPLOY_PHASE_NAMES.length * START_TYPE_NAMES.length },
  asyncFailures: { sampled: true, length: () => ASYNC_FAILURE_NAMES.length * ASYNC_DISPOSITION_NAMES.length },
  asyncRetries: { sampled: true, length: () => ASYNC_RETRY_CAUSE_NAMES.length },
  billingByTemplate: { sampled: true, length: (d) => d.templates * BILLING_COLUMNS },
  transitions: { sampled: false, length: () => PHASE_COUNT * PHASE_COUNT },
  efsMountFailures: { sampled: false, length: (d) => d.fileSystems * EFS_MOUNT_FAULT_KINDS.length },
  efsIoStopped: { sampled: false, length: (d) => d.fileSystems },
  invocationsByCaller: { sampled: false, length: (d) => d.callers },
  deniedByCaller: { sampled: false, length: (d) => d.callers },
  envCreated: { sampled: true, length: (d) => d.templates },
  envExpiredIdle: { sampled: true, length: (d) => d.templates },
  envRecycled: { sampled: true, length: (d) => d.templates },
  envBusyUs: { sampled: false, length: (d) => 2 * d.templates },
  envIdleUs: { sampled: false, length: (d) => 2 * d.templates },
  envIdleMbUs: { sampled: false, length: (d) => 2 * d.templates },
  envPeak: { sampled: false, length: (d) => d.templates },
  envProvisioned: { sampled: false, length: () => 2 * 3 },
  envAtEnd: { sampled: false, length: (d) => 2 * d.templates },
} as const satisfies Record<string, { sampled: boolean; length: (d: CounterDims) => number }>;
export const COUNTER_SCALARS = {
  coldStarts: { sampled: true },
  warmStarts: { sampled: true },
  invocationRequests: { sampled: true },
  invocationOutcomes: { sampled: true },
  clientRetries: { sampled: true },
  clientGaveUp: { sampled: true },
  created: { sampled: true },
  deleted: { sampled: true },
  versionsPublished: { sampled: true },
  provisionedInvocations: { sampled: true },
  spilloverInvocations: { sampled: true },
  asyncAccepted: { sampled: true },
  asyncSelfTriggered: { sampled: true },
  asyncSucceeded: { sampled: true },
  provisionedInitialized: { sampled: false },
  provisionedReleased: { sampled: false },
  provisionedFailed: { sampled: false },
  aliasUpdates: { sampled: false },
} as const satisfies Record<string, { sampled: boolean }>;
export type CounterArray = keyof typeof COUNTER_ARRAYS;
export type CounterScalar = keyof typeof COUNTER_SCALARS;
export const COUNTER_ARRAY_NAMES = Object.keys(COUNTER_ARRAYS) as CounterArray[];
export const COUNTER_SCALAR_NAMES = Object.keys(COUNTER_SCALARS) as CounterScalar[];

/**
 * What one partition (or the coordinator) observed. Plain counters in typed
 * arrays on the hot path; merged across partitions at the end of a run, so
 * the totals do not depend on how functions were partitioned.
 */
export class Observations {
  /** Invocation outcomes by (template, ApiError code): index template * ERROR_COUNT + code. */
  readonly invocationsByTemplate!: Float64Array;
  /** Invocations started by (template, start type): index template * 2 + (0 cold, 1 warm). */
  readonly startsByTemplate!: Float64Array;
  /** Throttled invocations by (template, ThrottleCause): index template * THROTTLE_CAUSE_COUNT + cause. */
  readonly throttlesByTemplate!: Float64Array;
  /**
   * TEMPLATE_HISTS[k] of template t at k * templates + t. For those kinds the
   * total in `histograms` stays empty until foldTemplateHistograms.
   */
  readonly templateHistograms: Histogram[];
  /** Requests by (operation, outcome): index op * ERROR_COUNT + ApiError code. */
  readonly api!: Float64Array;
  /** Throttled invocations by cause (ThrottleCause). */
  readonly throttles!: Float64Array;
  /** Control-plane requests refused by the rate buckets, by operation. */
  readonly apiThrottles!: Float64Array;
  coldStarts = 0;
  warmStarts = 0;
  /** Invocation requests seen and outcomes given; the difference is still open. */
  invocationRequests = 0;
  invocationOutcomes = 0;
  /** Client retries after a retryable error (SDK retry policy). */
  clientRetries = 0;
  /** Client calls abandoned after their last attempt failed with a retryable error. */
  clientGaveUp = 0;
  readonly waiters!: Float64Array;
  /** Transitions taken, by (from phase, to phase). */
  readonly transitions!: Float64Array;
  created = 0;
  deleted = 0;
  versionsPublished = 0;
  /** Invocation outcomes by (qualifier slot, ApiError code): index slot * ERROR_COUNT + code (qualifiers.ts). */
  readonly invocationsByQualifier!: Float64Array;
  /** V2: requests run on provisioned environments (ProvisionedConcurrencyInvocations). */
  provisionedInvocations = 0;
  /** V2: requests to a version with provisioned concurrency run on demand (ProvisionedConcurrencySpilloverInvocations). */
  spilloverInvocations = 0;
  /** Requests that found no provisioned environment they could use, by SpilloverReason (some were then throttled). */
  readonly spillovers!: Float64Array;
  /** Provisioned environments initialised and released (V2, V3). */
  provisionedInitialized = 0;
  provisionedReleased = 0;
  /** Provisioned environments whose init failed (V2: their configurations go FAILED). */
  provisionedFailed = 0;
  /** CreateAlias / UpdateAlias calls that took effect (V1). */
  aliasUpdates = 0;
  /** Starts by (deploy phase, start type): index phase * 2 + (0 cold, 1 warm); deploy-window.ts. */
  readonly startsByDeployPhase!: Float64Array;
  /** Asynchronous events accepted into a function's queue (HTTP 202 or a self-trigger). */
  asyncAccepted = 0;
  /** Of those, the ones a self-triggering function's success queued (V7). */
  asyncSelfTriggered = 0;
  /** Asynchronous events whose invocation succeeded. */
  asyncSucceeded = 0;
  /** Asynchronous events never processed, by (AsyncFailure, OnFailure): index reason * 3 + onFailure. */
  readonly asyncFailures!: Float64Array;
  /** Asynchronous events sent back to the queue, by AsyncRetryCause. */
  readonly asyncRetries!: Float64Array;
  /** What the bill counts, by (template, Billing column): index template * BILLING_COLUMNS + column (billing.ts). */
  readonly billingByTemplate!: Float64Array;
  /** Invocations by the revision they ran: revision 1 is the code at creation. */
  readonly invocationsByRevision = new RevisionCounts();
  readonly histograms: Histogram[] = HIST_NAMES.map(() => newHistogram());
  /** Cold starts that failed to mount their file system, by (file system, EFS_MOUNT_FAULT_KINDS index) (V10). */
  readonly efsMountFailures!: Float64Array;
  /** Invocations stopped with EFSIOException, by file system (V10). */
  readonly efsIoStopped!: Float64Array;
  /** Invoke requests by caller, and those denied (AccessDeniedException), by Plan.callers index (V8). */
  readonly invocationsByCaller!: Float64Array;
  readonly deniedByCaller!: Float64Array;
  /**
   * The warm pool (env-measures.ts), by template: on-demand environments
   * created, found expired after their keep-alive, and recycled (past their
   * maximum lifetime); busy, idle and idle MB-weighted time as exact sums
   * (two values per template: addExact); the sum of each pool's peak.
   */
  readonly envCreated!: Float64Array;
  readonly envExpiredIdle!: Float64Array;
  readonly envRecycled!: Float64Array;
  readonly envBusyUs!: Float64Array;
  readonly envIdleUs!: Float64Array;
  readonly envIdleMbUs!: Float64Array;
  readonly envPeak!: Float64Array;
  /** Provisioned environments' ready, busy and idle MB-weighted time: exact sums by ProvisionedSum. */
  readonly envProvisioned!: Float64Array;
  /** On-demand environments at the end of the run, by template: busy, then warm idle ones at templates + t. */
  readonly envAtEnd!: Float64Array;

  /**
   * `templates`, `fileSystems`, `callers`: the plan's numbers of function
   * templates, file systems and callers; `qualifierSlots`: qualifiers.ts
   * qualifierSlotCount.
   */
  constructor(
    readonly templates: number,
    fileSystems = 0,
    callers = 0,
    readonly qualifierSlots = 2,
  ) {
    const dims: CounterDims = { templates, qualifierSlots, fileSystems, callers };
    const arrays = this as unknown as Record<CounterArray, Float64Array>;
    for (const name of COUNTER_ARRAY_NAMES)
      arrays[name] = new Float64Array(COUNTER_ARRAYS[name].length(dims));
    this.templateHistograms = Array.from({ length: TEMPLATE_HISTS.length * templates }, () => newHistogram());
  }

  /** Records a duration of a kind not in TEMPLATE_HISTS. */
  record(h: number, valueUs: number): void {
    recordValue(this.histograms[h], Math.max(valueUs, 0));
  }

  /** Records a duration of TEMPLATE_HISTS[k] for a function of template t. */
  recordForTemplate(k: number, t: number, valueUs: number): void {
    recordValue(this.templateHistograms[k * this.templates + t], Math.max(valueUs, 0));
  }

  /** Adds each template's histograms into the totals (once, after the partitions are merged). */
  foldTemplateHistograms(): void {
    TEMPLATE_HISTS.forEach((h, k) => {
      for (let t = 0; t < this.templates; t++)
        addHistogram(this.histograms[h], this.templateHistograms[k * this.templates + t]);
    });
  }

  merge(o: Observations): void {
    for (const name of COUNTER_ARRAY_NAMES) addInto(this[name], o[name]);
    for (const name of COUNTER_SCALAR_NAMES) this[name] += o[name];
    for (const [rev, n] of o.invocationsByRevision) this.invocationsByRevision.add(rev, n);
    for (let i = 0; i < this.histograms.length; i++) addHistogram(this.histograms[i], o.histograms[i]);
    for (let i = 0; i < this.templateHistograms.length; i++)
      addHistogram(this.templateHistograms[i], o.templateHistograms[i]);
  }
}

/** JsHistogram's resize (what autoResize uses); the Histogram interface does not declare it. */
type Resizable = Histogram & { resize(highestTrackableValue: number): void };

/**
 * Adds `from` into `into` after bringing both to the same size. hdr-histogram
 * then sums the counts and keeps the exact min and max; histograms of
 * different sizes would be re-recorded value by value at bucket bounds,
 * rounding min and max in a way that depends on how functions were spread
 * over partitions (and so on P).
 */
function addHistogram(into: Histogram, from: Histogram): void {
  if (from.totalCount === 0) return;
  const top = Math.max(into.highestTrackableValue, from.highestTrackableValue);
  if (into.highestTrackableValue < top) (into as Resizable).resize(top);
  if (from.highestTrackableValue < top) (from as Resizable).resize(top);
  into.add(from);
}

function addInto(a: Float64Array, b: Float64Array): void {
  for (let i = 0; i < a.length; i++) a[i] += b[i];
}
