/**
 * Invoke requests (D1-D4, R4, R7, R12, R13, V1, V2, V6-V9): the table says
 * whether a request runs in the function's phase; one that runs picks its
 * version (alias routing), then a provisioned environment or on-demand
 * concurrency, under this partition's grant or from the coordinator. An
 * Event request is queued instead (V6).
 */
import { ApiError, Messages, Operation, qualifiedArn, ReasonCode, ThrottleCause } from "./aws-names.js";
import type { Environments } from "./environments.js";
import type { FleetContext } from "./fleet-context.js";
import { NO_CONFIG } from "./function-store.js";
import type { FunctionTrace } from "./function-trace.js";
import { stateNameOf } from "./function-view.js";
import type { InvocationOutcomes } from "./invocation-outcomes.js";
import type { Lifecycle } from "./lifecycle.js";
import { answerMessage, type PhaseCode, Trigger } from "./lifecycle-table.js";
import { ERROR_COUNT, SpilloverReason } from "./observations.js";
import { Ev, Grant, Msg } from "./protocol.js";
import { isAlias, LATEST, qualifierName, qualifierSlot, routeOf, routeSlot } from "./qualifiers.js";
import { refilledTokens } from "./token-buckets.js";
import type { FunctionVersions } from "./versions.js";

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
    const { fn, obs } = this.c;
    const before = fn.phase[f] as PhaseCode;
    if (caller >= 0) {
      obs.invocationsByCaller[caller]++;
      // V8: authorisation comes before the State rules and takes no concurrency.
      if (this.c.invocationFaults.isDenied(caller, f)) {
        obs.deniedByCaller[caller]++;
        obs.invocationRequests++;
        this.c.openInvocations++;
        const slot = qualifierSlot(qualifier);
        this.outcomes.fault(f, ctx, ApiError.AccessDeniedException, before, caller, slot);
        return;
      }
    }
    const rule = this.lifecycle.lookup(f, Trigger.Invoke);
    if (rule === null) throw new Error(`no rule for Invoke in phase ${before}`);
    if (rule.effect === "runInvocation" && hop > 0) {
      this.acceptEvent(f, ctx, hop, qualifier);
      return;
    }
    obs.invocationRequests++;
    this.c.openInvocations++;
    if (rule.effect === "runInvocation") {
      const now = this.c.p.nowUs;
      if (this.c.invocationFaults.kmsBlocked(f, now)) {
        // V9: the environment cannot be decrypted: no invocation, no concurrency, no warm environment kept.
        fn.dropIdleEnvironments(f);
        this.outcomes.fault(f, ctx, ApiError.KMSDisabledException, before, -1, qualifierSlot(qualifier));
        return;
      }
      this.run(f, ctx, qualifier, now);
      return;
    }
    this.lifecycle.apply(f, rule, Trigger.Invoke, ReasonCode.None, NO_CONFIG);
    if (this.trace.isTraced(f)) {
      const message = answerMessage(rule.answer, this.c.nameOf(f), stateNameOf(before));
      this.trace.trace(f, Trigger.Invoke, rule.answer.error, before, message, "", fn.liveRevision[f]);
    }
    this.outcomes.outcome(f, ctx, rule.answer.error, qualifierSlot(qualifier));
  }

  /** D1: the request runs: on a provisioned environment, or asking for on-demand concurrency. */
  private run(f: number, ctx: number, qualifier: number, now: number): void {
    const { fn, p, plan } = this.c;
    fn.lastInvokeUs[f] = now;
    const vs = fn.versionsOf[f];
    if (vs !== null && this.route(f, vs, ctx, qualifier, now)) return;
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
   * V1, V2: picks the version a request runs and, when that version has
   * provisioned environments, runs it on one or spills it over. True when
   * the request is settled here; false when it goes on to ask for on-demand
   * concurrency like any other (its route is queued for the answer).
   */
  private route(f: number, vs: FunctionVersions, ctx: number, qualifier: number, now: number): boolean {
    const { obs, plan } = this.c;
    const slot = qualifierSlot(qualifier);
    const u = isAlias(qualifier) && this.c.routeRng !== null ? this.c.routeRng.next(f) : 0;
    const v = vs.resolve(qualifier, u);
    if (v < 0) {
      const arn = qualifiedArn(this.c.nameOf(f), qualifierName(qualifier, plan.aliases));
      this.outcomes.refuse(f, ctx, ApiError.ResourceNotFoundException, Messages.qualifierNotFound(arn), slot);
      return true;
    }
    const route = routeOf(slot, v);
    const version = vs.version(v);
    if (version !== null && !version.active) {
      const message = Messages.pendingConflict("Pending");
      this.outcomes.refuse(f, ctx, ApiError.ResourceConflictException, message, slot);
      return true;
    }
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

  /**
   * V6: where the table runs an invocation, an Event invocation is answered
   * 202 and its event joins the function's queue instead; the caller sees
   * success (an Invoke answered without error).
   */
  private acceptEvent(f: number, ctx: number, hop: number, qualifier: number): void {
    this.c.fn.lastInvokeUs[f] = this.c.p.nowUs;
    this.c.async!.accept(f, hop, ctx === 0 && hop > 1, qualifier);
    if (ctx === 0 && hop > 1) return; // a self-trigger (V7): the service's own call, not a client's API request
    this.c.obs.api[Operation.Invoke * ERROR_COUNT + ApiError.None]++;
    if (ctx > 0) this.c.links.taskAnswer(ctx - 1, ApiError.None);
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
