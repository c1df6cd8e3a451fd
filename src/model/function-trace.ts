/**
 * The trace of watched functions (`--trace`): one record per API call,
 * service event and invocation outcome, in AWS's words. Off the hot path:
 * callers check isTraced first, so untraced functions pay one typed-array
 * read and build no strings.
 */
import {
  API_ERROR_NAMES,
  ApiError,
  LAST_UPDATE_STATUS_NAMES,
  Messages,
  REASON_CODE_NAMES,
  THROTTLE_CAUSE_REASON,
} from "./aws-names.js";
import { AsyncTrace } from "./async-events.js";
import type { FleetContext } from "./fleet-context.js";
import { PHASE_STATE, stateNameOf } from "./function-view.js";
import { type PhaseCode, TRIGGER_NAMES, Trigger } from "./lifecycle-table.js";
import { ASYNC_FAILURE_NAMES, ASYNC_RETRY_CAUSE_NAMES } from "./observations.js";
import { ON_FAILURE_NAMES } from "./plan.js";

/** A record for the trace of a watched function. */
export interface TraceRecord {
  timeUs: number;
  function: string;
  /** An API operation, or a service event such as ProvisioningSucceeded. */
  operation: string;
  /** "OK" or the error code. */
  outcome: string;
  /** The error message the caller reads, in AWS's words; "" when none. */
  message: string;
  /** TooManyRequestsException Reason of a throttled invocation; "" otherwise. */
  reason: string;
  stateBefore: string;
  stateAfter: string;
  lastUpdateStatus: string;
  stateReasonCode: string;
  lastUpdateStatusReasonCode: string;
  /** Revision live after the record; for a finished invocation, the revision it ran. */
  revision: number;
}

export type Tracer = (r: TraceRecord) => void;

const TRIGGER_LABELS: readonly string[] = TRIGGER_NAMES;
const ERROR_LABELS: readonly string[] = API_ERROR_NAMES;
const REASON_LABELS: readonly string[] = REASON_CODE_NAMES;

export class FunctionTrace {
  /** 1 for each local function whose records are wanted; null when none is. */
  private readonly traced: Uint8Array | null;

  constructor(
    private readonly c: FleetContext,
    private readonly tracer: Tracer | null,
    /** Traced functions by global index, or null. */
    traced: Uint8Array | null,
  ) {
    this.traced = traced === null ? null : Uint8Array.from(c.fn.globalId, (g) => traced[g]);
  }

  isTraced(f: number): boolean {
    return this.tracer !== null && this.traced !== null && this.traced[f] === 1;
  }

  /** A record of `trigger` answered with `error` (callers check isTraced). */
  trace(
    f: number,
    trigger: number,
    error: number,
    before: PhaseCode,
    message: string,
    reason: string,
    revision: number,
  ): void {
    const outcome = error === 0 ? "OK" : ERROR_LABELS[error];
    this.traceNamed(f, TRIGGER_LABELS[trigger], outcome, before, message, reason, revision);
  }

  /** A record of a call answered now, the phase unchanged (a configuration call, a refused request). */
  traceNow(f: number, trigger: number, error: number, message: string): void {
    if (!this.isTraced(f)) return;
    const fn = this.c.fn;
    this.trace(f, trigger, error, fn.phase[f] as PhaseCode, message, "", fn.liveRevision[f]);
  }

  /** A throttled invocation with the TooManyRequestsException Reason its cause maps to (D1, D3). */
  traceThrottle(f: number, cause: number): void {
    const fn = this.c.fn;
    const ph = fn.phase[f] as PhaseCode;
    const error = ApiError.TooManyRequestsException;
    const reason = THROTTLE_CAUSE_REASON[cause];
    this.trace(f, Trigger.Invoke, error, ph, Messages.concurrencyExceeded, reason, fn.liveRevision[f]);
  }

  /** The async lifecycle of a traced function's event (async-events.ts AsyncTracer). */
  traceAsync(f: number, kind: number, code: number, detail: number): void {
    if (!this.isTraced(f)) return;
    const ph = this.c.fn.phase[f] as PhaseCode;
    const rev = this.c.fn.liveRevision[f];
    if (kind === AsyncTrace.Accepted) {
      // HTTP 202: the event is queued; its attempts are traced as Invoke records.
      this.traceNamed(f, "Invoke", "Accepted", ph, "", "InvocationType=Event", rev);
    } else if (kind === AsyncTrace.Retry) {
      const reason = `${ASYNC_RETRY_CAUSE_NAMES[code]}, in ${detail / 1e6}s`;
      this.traceNamed(f, "AsyncEventRetry", "OK", ph, "", reason, rev);
    } else if (kind === AsyncTrace.Succeeded) {
      this.traceNamed(f, "AsyncEventSucceeded", "OK", ph, "", "", rev);
    } else {
      const recursive = code === ASYNC_FAILURE_NAMES.indexOf("recursiveLoop");
      this.traceNamed(
        f,
        "AsyncEventFailed",
        recursive ? API_ERROR_NAMES[ApiError.RecursiveInvocationException] : "OK",
        ph,
        recursive ? Messages.recursiveLoop : "",
        `${ASYNC_FAILURE_NAMES[code]}, onFailure=${ON_FAILURE_NAMES[detail]}`,
        rev,
      );
    }
  }

  /** The message of a V8-V10 error, in the seed's words. */
  faultMessage(f: number, error: number, caller = -1): string {
    const plan = this.c.plan;
    const fs = this.c.invocationFaults.fileSystemOf(f);
    const ap = fs >= 0 ? plan.fileSystems[fs].accessPointArn : "";
    switch (error) {
      case ApiError.AccessDeniedException:
        return Messages.accessDenied(plan.callers[caller]?.arn ?? "", this.c.nameOf(f));
      case ApiError.KMSDisabledException:
        return Messages.kmsDisabled;
      case ApiError.EFSMountFailureException:
        return Messages.efsMountFailure(ap);
      case ApiError.EFSMountConnectivityException:
        return Messages.efsMountConnectivity(ap);
      case ApiError.EFSMountTimeoutException:
        return Messages.efsMountTimeout(ap);
      case ApiError.EFSIOException:
        return Messages.efsIo;
    }
    return "";
  }

  private traceNamed(
    f: number,
    operation: string,
    outcome: string,
    before: PhaseCode,
    message: string,
    reason: string,
    revision: number,
  ): void {
    if (this.tracer === null) return;
    const fn = this.c.fn;
    const after = fn.phase[f] as PhaseCode;
    const exists = PHASE_STATE[after] !== -1;
    this.tracer({
      timeUs: this.c.p.nowUs,
      function: this.c.nameOf(f),
      operation,
      outcome,
      message,
      reason,
      stateBefore: stateNameOf(before),
      stateAfter: stateNameOf(after),
      lastUpdateStatus: exists ? LAST_UPDATE_STATUS_NAMES[fn.reportedLus(f, after)] : "",
      stateReasonCode: exists ? REASON_LABELS[fn.stateReason[f]] : "",
      lastUpdateStatusReasonCode: exists ? REASON_LABELS[fn.lusReason[f]] : "",
      revision,
    });
  }
}
