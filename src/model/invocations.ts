/**
 * Invoke requests (D1-D4, R4, R7, R12, R13, V1, V2, V6-V9): the table says
 * whether a request runs in the function's phase; one that runs picks its
 * version (alias routing), then a provisioned environment or on-demand
 * concurrency, under this partition's grant or from the coordinator. An
 * Event request is queued instead (V6).
 */
import { ApiError, Messages, Operation, qualifiedArn, ReasonCode, ThrottleCause } from "./aws-names.js";
import type { Environments } from "./environments.js";
import { type FleetContext, UNRESOLVED } from "./fleet-context.js";
import { NO_CONFIG } from "./function-store.js";
import type { FunctionTrace } from "./function-trace.js";
import { stateNameOf } from "./function-view.js";
import type { InvocationOutcomes } from "./invocation-outcomes.js";
import type { Lifecycle } from "./lifecycle.js";
import { answerMessage, EffectCode, type PhaseCode, type Rule, Trigger } from "./lifecycle-table.js";
import { ERROR_COUNT, SpilloverReason } from "./observations.js";
import { Ev, Grant, Msg } from "./protocol.js";
import { LATEST, qualifierName, qualifierSlot, routeOf, routeSlot } from "./qualifiers.js";
import { refilledTokens } from "./token-buckets.js";
import type { FunctionVersions } from "./versions.js";
import { isTaskCtx } from "./trace-durations.js";

export class Invocations {
  constructor(
    private readonly c: FleetContext,
    private readonly trace: FunctionTrace,
    private readonly outcomes: InvocationOutcomes,
    private readonly lifecycle: Lifecycle,
    private readonly environments: Environments,
  ) {}

  /**
   * An Invoke request reaches the function. ctx: 0 for stream traffic, task
   * slot + 1 for a client's call, from ASYNC_CTX_BASE the async poller's
   * attempt. hop: 0 for InvocationType RequestResponse; for Event, the number
   * in its chain of the invocation the event asks for (V7; 1 from a client).
   * caller: a Plan.callers index, -1 for the account's administrator;
   * qualifier: what it names (qualifiers.ts).
   */
  invoke(f: number, ctx: number, hop: number, caller = -1, qualifier: number = LATEST): void {
    const { fn, obs, request } = this.c;
    const before = fn.phase[f] as PhaseCode;
    if (caller >= 0) obs.invocationsByCaller[caller]++;
    request.ctx = ctx;
    request.hop = hop;
    request.caller = caller;
    request.qualifier = qualifier;
    request.version = UNRESOLVED;
    const rule = this.lifecycle.lookup(f, Trigger.Invoke);
    if (rule === null) throw new Error(`no rule for Invoke in phase ${before}`);
    if (rule.effectCode !== EffectCode.queueEvent) {
      obs.invocationRequests++;
      this.c.openInvocations++;
    }
    this.lifecycle.apply(f, rule, Trigger.Invoke, ReasonCode.None, NO_CONFIG);
    const error = rule.answer.error;
    if (error === ApiError.None) return; // running, or queued (V6): answered when it ends
    if (this.trace.isTraced(f)) {
      const message = this.refusalMessage(f, rule, before, caller, qualifier);
      this.trace.trace(f, Trigger.Invoke, error, before, message, "", fn.liveRevision[f]);
    }
    this.outcomes.outcome(f, ctx, error, qualifierSlot(qualifier));
  }

  /** The message a refused request reads, in AWS's words (traced functions only). */
  private refusalMessage(
    f: number,
    rule: Rule,
    before: PhaseCode,
    caller: number,
    qualifier: number,
  ): string {
    const answer = rule.answer;
    if (!("message" in answer)) return "";
    switch (answer.message) {
      case "accessDenied":
      case "kmsDisabled":
        return this.trace.faultMessage(f, answer.error, caller);
      case "qualifierNotFound": {
        const arn = qualifiedArn(this.c.nameOf(f), qualifierName(qualifier, this.c.plan.aliases));
        return Messages.qualifierNotFound(arn);
      }
      default:
        return answerMessage(answer, this.c.nameOf(f), stateNameOf(before));
    }
  }

  // ---- Effects (each named by the table's Effect) ------------------------------------------------

  /** V8: refused before the State rules; it takes no concurrency. */
  denyAccess(): void {
    this.c.obs.deniedByCaller[this.c.request.caller]++;
  }

  /** V9: the environment cannot be decrypted: no invocation, and no warm environment kept. */
  refuseKms(f: number): void {
    this.c.dropIdleEnvironments(f);
  }

  /** V1, R17: refused for its qualifier; still a request, as far as the idle clock goes. */
  refuseQualifier(f: number): void {
    this.c.fn.lastInvokeUs[f] = this.c.p.nowUs;
  }

  /** D1: the request runs: on a provisioned environment, or asking for on-demand concurrency. */
  runInvocation(f: number): void {
    const { fn, p, plan, request } = this.c;
    const ctx = request.ctx;
    const now = p.nowUs;
    fn.lastInvokeUs[f] = now;
    const vs = fn.versionsOf[f];
    if (vs !== null && this.route(f, vs, ctx, request.qualifier, request.version, now)) return;
    const g = fn.globalId[f];
    if (fn.unreserved[f] === 1 && this.takeGranted(now)) {
      // Within this partition's share of the pool: admitted here, booked by the coordinator (grants.ts).
      p.notify(Msg.InvocationGranted, g, now, ctx);
      p.answerLocally(plan.defaults.invokeLatencyUs, Ev.InvocationAdmitted, g, now, ctx);
    } else {
      p.request(Msg.InvocationAcquire, g, now, ctx);
    }
  }

  /**
   * V6: where the table runs an invocation, an Event invocation is answered
   * 202 and its event joins the function's queue instead; the caller sees
   * success (an Invoke answered without error).
   */
  queueEvent(f: number): void {
    const { ctx, hop, qualifier } = this.c.request;
    this.c.fn.lastInvokeUs[f] = this.c.p.nowUs;
    this.c.async!.accept(f, hop, ctx === 0 && hop > 1, qualifier);
    if (ctx === 0 && hop > 1) return; // a self-trigger (V7): the service's own call, not a client's API request
    this.c.obs.api[Operation.Invoke * ERROR_COUNT + ApiError.None]++;
    if (isTaskCtx(ctx)) this.c.links.taskAnswer(ctx - 1, ApiError.None);
  }

  /**
   * V2: when the version the request resolved to (v) has provisioned
   * environments, runs it on one or spills it over. True when the request is
   * settled here; false when it goes on to ask for on-demand concurrency like
   * any other (its route is queued for the answer).
   */
  private route(
    f: number,
    vs: FunctionVersions,
    ctx: number,
    qualifier: number,
    v: number,
    now: number,
  ): boolean {
    const { obs, plan } = this.c;
    const slot = qualifierSlot(qualifier);
    const route = routeOf(slot, v);
    const version = vs.version(v);
    if (version !== null && (version.pool.ready > 0 || version.pool.target > 0)) {
      const pool = version.pool;
      if (pool.free > 0 && pool.takeToken(now, plan.defaults.requestsPerSecPerConcurrency)) {
        this.environments.runProvisioned(f, version, route, ctx, now);
        return true;
      }
      // Spillover: every provisioned environment is busy, or their request rate is spent (V2, V5).
      const rateLimited = pool.free > 0;
      obs.spillovers[rateLimited ? SpilloverReason.RequestRate : SpilloverReason.AllBusy]++;
      if (rateLimited && vs.reserved >= 0 && vs.reserved <= vs.provisionedTotal()) {
        // No on-demand concurrency to spill over to: throttled for the provisioned request rate.
        vs.pushRoute(route);
        const throttle = ctx * 8 + ThrottleCause.ProvisionedRequestRate;
        const g = this.c.fn.globalId[f];
        this.c.p.answerLocally(plan.defaults.invokeLatencyUs, Ev.InvocationThrottled, g, now, throttle);
        return true;
      }
      obs.spilloverInvocations++;
    }
    vs.pushRoute(route);
    return false;
  }

  /** The coordinator throttled an invocation it was asked to admit (D1, D3). */
  throttled(f: number, packed: number): void {
    const cause = packed % 8;
    const vs = this.c.fn.versionsOf[f];
    const route = vs === null ? 0 : vs.shiftRoute();
    this.outcomes.countThrottle(f, cause);
    this.outcomes.outcome(f, (packed - cause) / 8, ApiError.TooManyRequestsException, routeSlot(route));
  }

  /** Takes one admission from this partition's epoch grant (grants.ts): a unit of concurrency and a token of its sub-bucket. */
  private takeGranted(nowUs: number): boolean {
    const g = this.c.p.grant;
    if (!(g[Grant.Concurrency] >= 1)) return false;
    const tokens = refilledTokens(
      g[Grant.Tokens],
      g[Grant.TokensAtUs],
      nowUs,
      g[Grant.RatePerUs],
      g[Grant.Burst],
    );
    g[Grant.TokensAtUs] = nowUs;
    if (tokens < 1) {
      g[Grant.Tokens] = tokens;
      return false;
    }
    g[Grant.Tokens] = tokens - 1;
    g[Grant.Concurrency]--;
    return true;
  }
}
