import { API_ERROR_NAMES, OPERATION_NAMES, THROTTLE_CAUSE_NAMES } from "./aws-names.js";
import { PHASE_COUNT } from "./lifecycle-table.js";
import { type Histogram, newHistogram } from "./histogram.js";
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

/**
 * What one partition (or the coordinator) observed. Plain counters in typed
 * arrays on the hot path; merged across partitions at the end of a run, so
 * the totals do not depend on how functions were partitioned.
 */
export class Observations {
  /** Invocation outcomes by (template, ApiError code): index template * ERROR_COUNT + code. */
  readonly invocationsByTemplate: Float64Array;
  /** Invocations started by (template, start type): index template * 2 + (0 cold, 1 warm). */
  readonly startsByTemplate: Float64Array;
  /** Throttled invocations by (template, ThrottleCause): index template * THROTTLE_CAUSE_COUNT + cause. */
  readonly throttlesByTemplate: Float64Array;
  /**
   * TEMPLATE_HISTS[k] of template t at k * templates + t. For those kinds the
   * total in `histograms` stays empty until foldTemplateHistograms.
   */
  readonly templateHistograms: Histogram[];
  /** Requests by (operation, outcome): index op * ERROR_COUNT + ApiError code. */
  readonly api = new Float64Array(OPERATION_COUNT * ERROR_COUNT);
  /** Throttled invocations by cause (ThrottleCause). */
  readonly throttles = new Float64Array(THROTTLE_CAUSE_NAMES.length);
  /** Control-plane requests refused by the rate buckets, by operation. */
  readonly apiThrottles = new Float64Array(OPERATION_COUNT);
  coldStarts = 0;
  warmStarts = 0;
  /** Invocation requests seen and outcomes given; the difference is still open. */
  invocationRequests = 0;
  invocationOutcomes = 0;
  /** Client retries after a retryable error (SDK retry policy). */
  clientRetries = 0;
  /** Client calls abandoned after their last attempt failed with a retryable error. */
  clientGaveUp = 0;
  readonly waiters = new Float64Array(WAITER_OUTCOME_NAMES.length);
  /** Transitions taken, by (from phase, to phase). */
  readonly transitions = new Float64Array(PHASE_COUNT * PHASE_COUNT);
  created = 0;
  deleted = 0;
  versionsPublished = 0;
  /** Invocation outcomes by (qualifier slot, ApiError code): index slot * ERROR_COUNT + code (qualifiers.ts). */
  readonly invocationsByQualifier: Float64Array;
  /** V2: requests run on provisioned environments (ProvisionedConcurrencyInvocations). */
  provisionedInvocations = 0;
  /** V2: requests to a version with provisioned concurrency run on demand (ProvisionedConcurrencySpilloverInvocations). */
  spilloverInvocations = 0;
  /** Requests that found no provisioned environment they could use, by SpilloverReason (some were then throttled). */
  readonly spillovers = new Float64Array(SPILLOVER_REASON_NAMES.length);
  /** Provisioned environments initialised and released (V2, V3). */
  provisionedInitialized = 0;
  provisionedReleased = 0;
  /** Provisioned environments whose init failed (V2: their configurations go FAILED). */
  provisionedFailed = 0;
  /** CreateAlias / UpdateAlias calls that took effect (V1). */
  aliasUpdates = 0;
  /** Starts by (deploy phase, start type): index phase * 2 + (0 cold, 1 warm); deploy-window.ts. */
  readonly startsByDeployPhase = new Float64Array(6);
  /** Asynchronous events accepted into a function's queue (HTTP 202 or a self-trigger). */
  asyncAccepted = 0;
  /** Of those, the ones a self-triggering function's success queued (V7). */
  asyncSelfTriggered = 0;
  /** Asynchronous events whose invocation succeeded. */
  asyncSucceeded = 0;
  /** Asynchronous events never processed, by (AsyncFailure, OnFailure): index reason * 3 + onFailure. */
  readonly asyncFailures = new Float64Array(ASYNC_FAILURE_NAMES.length * ASYNC_DISPOSITION_NAMES.length);
  /** Asynchronous events sent back to the queue, by AsyncRetryCause. */
  readonly asyncRetries = new Float64Array(ASYNC_RETRY_CAUSE_NAMES.length);
  /** Invocations by the revision they ran: revision 1 is the code at creation. */
  readonly invocationsByRevision = new RevisionCounts();
  readonly histograms: Histogram[] = HIST_NAMES.map(() => newHistogram());
  /** Cold starts that failed to mount their file system, by (file system, EFS_MOUNT_FAULT_KINDS index) (V10). */
  readonly efsMountFailures: Float64Array;
  /** Invocations stopped with EFSIOException, by file system (V10). */
  readonly efsIoStopped: Float64Array;
  /** Invoke requests by caller, and those denied (AccessDeniedException), by Plan.callers index (V8). */
  readonly invocationsByCaller: Float64Array;
  readonly deniedByCaller: Float64Array;

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
    this.invocationsByQualifier = new Float64Array(qualifierSlots * ERROR_COUNT);
    this.efsMountFailures = new Float64Array(fileSystems * EFS_MOUNT_FAULT_KINDS.length);
    this.efsIoStopped = new Float64Array(fileSystems);
    this.invocationsByCaller = new Float64Array(callers);
    this.deniedByCaller = new Float64Array(callers);
    this.invocationsByTemplate = new Float64Array(templates * ERROR_COUNT);
    this.startsByTemplate = new Float64Array(templates * START_TYPE_NAMES.length);
    this.throttlesByTemplate = new Float64Array(templates * THROTTLE_CAUSE_COUNT);
    this.templateHistograms = Array.from({ length: TEMPLATE_HISTS.length * templates }, () => newHistogram());
  }

  /** Records a duration of a kind not in TEMPLATE_HISTS. */
  record(h: number, valueUs: number): void {
    this.histograms[h].recordValue(Math.max(valueUs, 0));
  }

  /** Records a duration of TEMPLATE_HISTS[k] for a function of template t. */
  recordForTemplate(k: number, t: number, valueUs: number): void {
    this.templateHistograms[k * this.templates + t].recordValue(Math.max(valueUs, 0));
  }

  /** Adds each template's histograms into the totals (once, after the partitions are merged). */
  foldTemplateHistograms(): void {
    TEMPLATE_HISTS.forEach((h, k) => {
      for (let t = 0; t < this.templates; t++)
        addHistogram(this.histograms[h], this.templateHistograms[k * this.templates + t]);
    });
  }

  merge(o: Observations): void {
    addInto(this.invocationsByTemplate, o.invocationsByTemplate);
    addInto(this.startsByTemplate, o.startsByTemplate);
    addInto(this.throttlesByTemplate, o.throttlesByTemplate);
    addInto(this.api, o.api);
    addInto(this.throttles, o.throttles);
    addInto(this.apiThrottles, o.apiThrottles);
    addInto(this.waiters, o.waiters);
    addInto(this.transitions, o.transitions);
    addInto(this.invocationsByQualifier, o.invocationsByQualifier);
    addInto(this.spillovers, o.spillovers);
    addInto(this.startsByDeployPhase, o.startsByDeployPhase);
    this.provisionedInvocations += o.provisionedInvocations;
    this.spilloverInvocations += o.spilloverInvocations;
    this.provisionedInitialized += o.provisionedInitialized;
    this.provisionedReleased += o.provisionedReleased;
    this.provisionedFailed += o.provisionedFailed;
    this.aliasUpdates += o.aliasUpdates;
    addInto(this.efsMountFailures, o.efsMountFailures);
    addInto(this.efsIoStopped, o.efsIoStopped);
    addInto(this.invocationsByCaller, o.invocationsByCaller);
    addInto(this.deniedByCaller, o.deniedByCaller);
    addInto(this.asyncFailures, o.asyncFailures);
    addInto(this.asyncRetries, o.asyncRetries);
    this.coldStarts += o.coldStarts;
    this.warmStarts += o.warmStarts;
    this.invocationRequests += o.invocationRequests;
    this.invocationOutcomes += o.invocationOutcomes;
    this.clientRetries += o.clientRetries;
    this.clientGaveUp += o.clientGaveUp;
    this.created += o.created;
    this.deleted += o.deleted;
    this.versionsPublished += o.versionsPublished;
    this.asyncAccepted += o.asyncAccepted;
    this.asyncSelfTriggered += o.asyncSelfTriggered;
    this.asyncSucceeded += o.asyncSucceeded;
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
