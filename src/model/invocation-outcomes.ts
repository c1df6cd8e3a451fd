/**
 * The one outcome every invocation gets: counted (by operation, qualifier,
 * template, function), traced when the function is watched, and answered to
 * whoever asked (a client task or the async poller). Also gives back the
 * concurrency an admitted invocation held.
 */
import { ApiError, Operation } from "./aws-names.js";
import type { FleetContext } from "./fleet-context.js";
import { FUNCTION_COLUMNS } from "./function-table.js";
import type { FunctionTrace } from "./function-trace.js";
import { type PhaseCode, Trigger } from "./lifecycle-table.js";
import { ERROR_COUNT, THROTTLE_CAUSE_COUNT } from "./observations.js";
import { ASYNC_CTX_BASE, Grant, Msg } from "./protocol.js";
import { isTraceCtx } from "./trace-durations.js";

export class InvocationOutcomes {
  constructor(
    private readonly c: FleetContext,
    private readonly trace: FunctionTrace,
    /** Per-function invocation outcomes and State by global index (function-table.ts), or null. */
    private readonly functionTable: Float64Array | null,
  ) {}

  /**
   * Counts an invocation's one outcome and answers whoever made it: a client,
   * or the async poller (traced by the caller). A poller's attempt is an
   * invocation but not a client's API request, so it is not in obs.api.
   * version: the published version that ran (0: $LATEST), for a live run's answer.
   */
  outcome(f: number, ctx: number, error: number, qualifierSlot = 0, version = 0): void {
    const { obs, fn } = this.c;
    const polled = ctx >= ASYNC_CTX_BASE;
    if (!polled) obs.api[Operation.Invoke * ERROR_COUNT + error]++;
    obs.invocationsByQualifier[qualifierSlot * ERROR_COUNT + error]++;
    obs.invocationsByTemplate[fn.templateOf[f] * ERROR_COUNT + error]++;
    if (this.functionTable !== null) this.functionTable[fn.globalId[f] * FUNCTION_COLUMNS + error]++;
    obs.invocationOutcomes++;
    this.c.openInvocations--;
    const q = this.c.async;
    // V7: a self-triggering function's success writes to the resource that invokes it again.
    if (q !== null && error === ApiError.None && q.selfTriggers(f))
      this.c.links.invoke(f, 0, q.hopOf(ctx) + 1, -1, q.qualifierOf(ctx));
    if (polled) q!.answer(ctx - ASYNC_CTX_BASE, error);
    else if (isTraceCtx(ctx)) this.c.traceDurations.release(ctx);
    else if (ctx > 0) {
      this.c.answerVersion = version;
      this.c.links.taskAnswer(ctx - 1, error);
    }
  }

  /** A request refused before it runs, traced with `message`. */
  refuse(f: number, ctx: number, error: number, message: string, qualifierSlot = 0): void {
    if (this.trace.isTraced(f)) {
      const fn = this.c.fn;
      const ph = fn.phase[f] as PhaseCode;
      this.trace.trace(f, Trigger.Invoke, error, ph, message, "", fn.liveRevision[f]);
    }
    this.outcome(f, ctx, error, qualifierSlot);
  }

  /** Answers an invocation with one of the troubleshooting seed's errors (V8-V10), traced with its message. */
  fault(f: number, ctx: number, error: number, before: PhaseCode, caller = -1, qualifierSlot = 0): void {
    if (this.trace.isTraced(f)) {
      const message = this.trace.faultMessage(f, error, caller);
      this.trace.trace(f, Trigger.Invoke, error, before, message, "", this.c.fn.liveRevision[f]);
    }
    this.outcome(f, ctx, error, qualifierSlot);
  }

  /** Counts a throttled invocation by its cause and traces it. */
  countThrottle(f: number, cause: number): void {
    const obs = this.c.obs;
    obs.throttles[cause]++;
    if (this.c.live !== null) this.c.live.throttleCause = cause; // the answer that follows reads it
    obs.throttlesByTemplate[this.c.fn.templateOf[f] * THROTTLE_CAUSE_COUNT + cause]++;
    if (this.trace.isTraced(f)) this.trace.traceThrottle(f, cause);
  }

  /** An admitted invocation ended or never started: its concurrency goes back (and to this partition's grant). */
  releaseConcurrency(f: number): void {
    const p = this.c.p;
    p.notify(Msg.InvocationRelease, this.c.fn.globalId[f], 0, 0);
    if (this.c.fn.unreserved[f] === 1) p.grant[Grant.Concurrency]++;
  }
}
