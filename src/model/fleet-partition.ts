/**
 * The function actors of one logical partition, and the clients that drive
 * them. Per-function state lives in typed arrays indexed by the function's
 * local index; every lifecycle change goes through the transition table.
 */
import type { Partition, PartitionHandler } from "../engine/partition.js";
import { RandomStreams } from "../engine/random-streams.js";
import {
  API_ERROR_HTTP_STATUS,
  API_ERROR_NAMES,
  ApiError,
  functionArn,
  LAST_UPDATE_STATUS_NAMES,
  LastUpdateStatus,
  type LastUpdateStatusCode,
  Messages,
  Operation,
  type OperationCode,
  ProvisionedStatus,
  qualifiedArn,
  REASON_CODE_NAMES,
  ReasonCode,
  type ReasonCodeValue,
  reasonCodeOf,
  STATE_NAMES,
  THROTTLE_CAUSE_REASON,
  ThrottleCause,
} from "./aws-names.js";
import { AsyncInvocations, AsyncTrace, usesAsync } from "./async-events.js";
import { ClientTasks } from "./client-tasks.js";
import { containsSorted } from "./sorted-ids.js";
import { deployWindow } from "./deploy-window.js";
import { sampleUs } from "./distributions.js";
import { isInProgress, PHASE_STATE, reportedLastUpdateStatus, stateNameOf } from "./function-view.js";
import {
  answerMessage,
  type Guard,
  lookupRule,
  PHASE_COUNT,
  Phase,
  type PhaseCode,
  type Rule,
  TRIGGER_NAMES,
  Trigger,
  type TriggerCode,
} from "./lifecycle-table.js";
import { FUNCTION_COLUMNS, STATE_COLUMN } from "./function-table.js";
import { EFS_MOUNT_ERRORS, InvocationFaults } from "./invocation-faults.js";
import {
  ASYNC_FAILURE_NAMES,
  ASYNC_RETRY_CAUSE_NAMES,
  ERROR_COUNT,
  Hist,
  Observations,
  TEMPLATE_HIST_INDEX,
  SpilloverReason,
  THROTTLE_CAUSE_COUNT,
  WaiterOutcome,
} from "./observations.js";
import {
  ON_FAILURE_NAMES,
  type Plan,
  type PlanCallParams,
  type PlanConfigChange,
  type PlanFault,
  type PlanStep,
  type PlanTemplate,
} from "./plan.js";
import {
  ASYNC_CTX_BASE,
  EnvKind,
  Ev,
  Grant,
  IO_SLOWDOWN_SPAN,
  isDelivery,
  Msg,
  NO_TASK_SLOT,
  OUTCOME_SPAN,
  packConcurrencyConfig,
  packInvocation,
} from "./protocol.js";
import {
  aliasOf,
  isAlias,
  LATEST,
  qualifierName,
  qualifierSlot,
  qualifierSlotCount,
  routeOf,
  routeSlot,
  routeVersion,
} from "./qualifiers.js";
import { EnvPool, FunctionVersions, type ProvisionedConfig, type Version } from "./versions.js";
import { refilledTokens, TokenBuckets } from "./token-buckets.js";
import { judge, Verdict, waiterAfter } from "./waiters.js";
import { nextPositiveRateUs, popularityWeights, rateAt } from "./workload-rates.js";

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

const STATE_COUNT = STATE_NAMES.length;
// Positions in TEMPLATE_HISTS of the histograms kept per template.
const PENDING_CREATE = TEMPLATE_HIST_INDEX[Hist.PendingCreate];
const PENDING_RESTORE = TEMPLATE_HIST_INDEX[Hist.PendingRestore];
const LATENCY = TEMPLATE_HIST_INDEX[Hist.InvocationLatency];

const CONFIG_SHIFT = 1_048_576;
/** A configuration call the coordinator answers later. */
const ANSWER_LATER = -1; // ENI result packing: a = epoch * CONFIG_SHIFT + vpc config
const NO_CONFIG = -1;

const BLOCKING_RESTORE_CODES: ReadonlySet<number> = new Set([
  ReasonCode.InsufficientRolePermissions,
  ReasonCode.SubnetOutOfIPAddresses,
]);

export class FleetPartition implements PartitionHandler {
  readonly obs: Observations;
  /** Global function index of each local function. */
  readonly globalId: Int32Array;
  readonly count: number;

  // Per-function lifecycle state, by local index.
  readonly phase: Uint8Array;
  readonly settledLus: Uint8Array;
  readonly stateReason: Uint8Array;
  readonly lusReason: Uint8Array;
  private readonly epoch: Int32Array;
  private readonly pendingSinceUs: Float64Array;
  private readonly updateStartUs: Float64Array;
  readonly lastInvokeUs: Float64Array;
  private readonly idleCheckAtUs: Float64Array;
  private readonly restoreBlockedUntilUs: Float64Array;
  readonly liveRevision: Int32Array;
  private readonly nextRevision: Int32Array;
  /** Counts CreateFunction calls that succeeded on this name (mod 256); see packInvocation. */
  private readonly incarnation: Uint8Array;
  readonly vpcConfig: Int32Array;
  private readonly pendingVpcConfig: Int32Array;
  private readonly pendingMemoryMb: Int32Array;
  private readonly pendingTimeoutUs: Float64Array;
  readonly memoryMb: Int32Array;
  readonly timeoutUs: Float64Array;
  /** VPC configuration whose ENIs the function holds a claim on, or -1. */
  readonly claimedConfig: Int32Array;
  readonly busyEnvironments: Int32Array;
  /** Idle environments' idle-since times, most recent last; null when none. */
  private readonly idleEnvironments: (number[] | null)[];
  readonly versions: Int32Array;
  /** Latest published version: 0 Pending, 1 Active. */
  private readonly latestVersionActive: Uint8Array;
  readonly stateCount = new Float64Array(STATE_NAMES.length);
  readonly lusCount = new Float64Array(LAST_UPDATE_STATUS_NAMES.length);
  /** Functions by (template, State): index template * STATE_COUNT + State. */
  readonly stateByTemplate: Float64Array;
  /** Invocations accepted into the model but without an outcome yet. */
  openInvocations = 0;
  /** Transitions the table does not allow (must stay empty). */
  readonly badTransitions: string[] = [];

  private readonly scaling: TokenBuckets;
  private readonly serviceRng: RandomStreams;
  private readonly arrivalRng: RandomStreams;
  private readonly clientRng: RandomStreams;
  private readonly tasks = new ClientTasks();
  private readonly templateOf: Int32Array;
  /**
   * 1 where the function may be admitted under the partition's grant: it
   * draws on the account's unreserved pool (no reserved concurrency) and
   * mounts no file system (EFS admissions always ask: the coordinator tells
   * them their IO slowdown, V10).
   */
  private readonly unreserved: Uint8Array;
  /** Permissions, KMS keys and EFS mounts (V8-V10). */
  private readonly invocationFaults: InvocationFaults;
  private readonly traced: Uint8Array | null;

  /** Per invoke stream: each local function's peak arrival rate (per µs), 0 when not a target. */
  private readonly streamPeakPerUs: Float64Array[] = [];
  private readonly streamMaxRate: number[] = [];

  private readonly calls: { fn: number; index: number }[] = [];
  /** 1 for the invoke streams and explicit calls whose InvocationType is Event. */
  private readonly streamIsEvent: Uint8Array;
  private readonly callIsEvent: Uint8Array;
  /** The functions' async queues (V6, V7); null when the plan never invokes asynchronously. */
  readonly async: AsyncInvocations | null;

  /** Versions, aliases and concurrency settings (versions.ts), for the functions that use them; else null. */
  readonly versionsOf: (FunctionVersions | null)[];
  /** Weighted alias routing draws (V1), only when the scenario has aliases. */
  private readonly routeRng: RandomStreams | null;
  /** Provisioned environments of this partition's functions running a request, and initialised (V2; sampled). */
  provisionedBusy = 0;
  provisionedReady = 0;
  /** The run's deploy window (V11), or null. */
  private readonly deploy: { startUs: number; endUs: number } | null;

  // Guard context for lookupRule, set before each lookup (no closure per call).
  private guardFn = 0;
  private readonly guardHolds = (g: Guard): boolean => {
    const f = this.guardFn;
    const now = this.p.nowUs;
    if (g === "pendingTooLong") return now - this.pendingSinceUs[f] > this.plan.defaults.stuckPendingUs;
    return now < this.restoreBlockedUntilUs[f];
  };

  constructor(
    private readonly p: Partition,
    readonly plan: Plan,
    globalIds: Int32Array,
    /** Local index of every global function (valid for this partition's functions). */
    private readonly localOf: Int32Array,
    private readonly tracer: Tracer | null,
    traced: Uint8Array | null,
    /** Per-function invocation outcomes and State by global index (function-table.ts), or null. */
    private readonly functionTable: Float64Array | null = null,
  ) {
    const n = globalIds.length;
    this.obs = new Observations(
      plan.templates.length,
      plan.fileSystems.length,
      plan.callers.length,
      qualifierSlotCount(plan.aliases),
    );
    this.stateByTemplate = new Float64Array(plan.templates.length * STATE_COUNT);
    this.globalId = globalIds;
    this.count = n;
    this.phase = new Uint8Array(n);
    this.settledLus = new Uint8Array(n);
    this.stateReason = new Uint8Array(n);
    this.lusReason = new Uint8Array(n);
    this.epoch = new Int32Array(n);
    this.pendingSinceUs = new Float64Array(n);
    this.updateStartUs = new Float64Array(n);
    this.lastInvokeUs = new Float64Array(n);
    this.idleCheckAtUs = new Float64Array(n).fill(-1);
    this.restoreBlockedUntilUs = new Float64Array(n);
    this.liveRevision = new Int32Array(n);
    this.nextRevision = new Int32Array(n);
    this.incarnation = new Uint8Array(n);
    this.vpcConfig = new Int32Array(n);
    this.pendingVpcConfig = new Int32Array(n);
    this.pendingMemoryMb = new Int32Array(n);
    this.pendingTimeoutUs = new Float64Array(n);
    this.memoryMb = new Int32Array(n);
    this.timeoutUs = new Float64Array(n);
    this.claimedConfig = new Int32Array(n).fill(NO_CONFIG);
    this.busyEnvironments = new Int32Array(n);
    this.idleEnvironments = new Array(n).fill(null);
    this.versions = new Int32Array(n);
    this.latestVersionActive = new Uint8Array(n);
    this.templateOf = new Int32Array(n);
    this.unreserved = new Uint8Array(n);
    this.scaling = new TokenBuckets(n);
    this.traced = traced === null ? null : new Uint8Array(n);
    this.invocationFaults = new InvocationFaults(plan, globalIds);

    const names = plan.functions.names;
    const localNames = Array.from(globalIds, (g) => names[g]);
    this.serviceRng = new RandomStreams(
      plan.seed,
      localNames.map((s) => `svc:${s}`),
    );
    this.arrivalRng = new RandomStreams(
      plan.seed,
      localNames.map((s) => `arr:${s}`),
    );
    this.clientRng = new RandomStreams(
      plan.seed,
      localNames.map((s) => `cli:${s}`),
    );
    this.routeRng =
      plan.aliases.length === 0
        ? null
        : new RandomStreams(
            plan.seed,
            localNames.map((s) => `route:${s}`),
          );
    this.versionsOf = new Array<FunctionVersions | null>(n).fill(null);
    this.deploy = deployWindow(plan);
    const versioned = functionsWithVersions(plan);

    this.streamIsEvent = Uint8Array.from(plan.invokeStreams, (st) => (st.invocationType === "Event" ? 1 : 0));
    this.callIsEvent = Uint8Array.from(plan.calls, (c) => (c.invocationType === "Event" ? 1 : 0));
    this.async = usesAsync(plan)
      ? new AsyncInvocations(
          p,
          plan,
          this.templateOf,
          this.obs,
          new RandomStreams(
            plan.seed,
            localNames.map((s) => `async:${s}`),
          ),
          plan.defaults.asyncPollDelayUs,
          tracer === null ? null : (f, kind, code, detail) => this.traceAsync(f, kind, code, detail),
        )
      : null;

    const d = plan.defaults;
    for (let f = 0; f < n; f++) {
      const g = globalIds[f];
      const t = plan.functions.template[g];
      this.templateOf[f] = t;
      const tpl = plan.templates[t];
      this.unreserved[f] = tpl.reservedConcurrency < 0 && tpl.fileSystem < 0 ? 1 : 0;
      this.resetConfig(f, tpl);
      this.scaling.set(f, (d.scalingEnvironments * 1e6) / d.scalingWindowUs, d.scalingEnvironments);
      if (traced !== null && this.traced !== null) this.traced[f] = traced[g];
      if (versioned.has(g))
        this.versionsOf[f] = new FunctionVersions(plan.aliases.length, tpl.reservedConcurrency);
      if (tpl.existing) {
        this.phase[f] = Phase.Active;
        this.liveRevision[f] = 1;
        this.nextRevision[f] = 1;
        this.claimedConfig[f] = tpl.vpcConfig;
        this.stateCount[PHASE_STATE[Phase.Active]]++;
        this.stateByTemplate[t * STATE_COUNT + PHASE_STATE[Phase.Active]]++;
        this.lusCount[LastUpdateStatus.None]++;
        if (functionTable !== null)
          functionTable[g * FUNCTION_COLUMNS + STATE_COLUMN] = PHASE_STATE[Phase.Active];
      }
    }
  }

  /**
   * Schedules the workload: each step's visit to each target, first arrivals,
   * explicit calls, idle checks. Every event is scheduled per function, here
   * or by the function's own handlers, never by a partition-wide actor: a
   * function's same-time events then run in an order that does not depend on
   * which other functions share its partition.
   */
  start(): void {
    const plan = this.plan;
    const localOf = this.localOf;
    for (let s = 0; s < plan.steps.length; s++) {
      const step = plan.steps[s];
      for (let k = 0; k < step.targets.length; k++) {
        const g = step.targets[k];
        if (this.owns(g)) this.p.at(stepTimeUs(step, k), Ev.StepTarget, localOf[g], s, 0);
      }
    }
    for (let s = 0; s < plan.invokeStreams.length; s++) {
      const st = plan.invokeStreams[s];
      let maxRate = 0;
      for (const pt of st.rate.points) if (pt.ratePerSec > maxRate) maxRate = pt.ratePerSec;
      this.streamMaxRate.push(maxRate);
      const peak = new Float64Array(this.count);
      this.streamPeakPerUs.push(peak);
      const weights = popularityWeights(st.targets.length, st.popularity);
      for (let k = 0; k < st.targets.length; k++) {
        const g = st.targets[k];
        if (!this.owns(g)) continue;
        const f = localOf[g];
        peak[f] = (maxRate * weights[k]) / 1e6;
        if (peak[f] > 0) this.scheduleArrival(f, s, st.startUs, true);
      }
    }
    for (let c = 0; c < plan.calls.length; c++) {
      const call = plan.calls[c];
      if (this.owns(call.function)) {
        const f = localOf[call.function];
        this.calls.push({ fn: f, index: c });
        this.p.at(call.atUs, Ev.ExplicitCall, f, c, 0);
      }
    }
    for (let f = 0; f < this.count; f++) if (this.phase[f] === Phase.Active) this.armIdleCheck(f);
    this.scheduleGrantRevocations();
  }

  /** V9: each kmsGrantRevoked fault reaches every function it may concern, as that function's own event. */
  private scheduleGrantRevocations(): void {
    const plan = this.plan;
    const keysChange = InvocationFaults.keysChange(plan);
    plan.faults.forEach((fault, i) => {
      if (fault.kind !== "kmsGrantRevoked") return;
      for (let f = 0; f < this.count; f++) {
        const g = this.globalId[f];
        if (fault.targets !== null && !containsSorted(fault.targets, g)) continue;
        if (!keysChange && plan.templates[this.templateOf[f]].kmsKey < 0) continue;
        this.p.at(fault.fromUs, Ev.KmsGrantRevoked, f, i, 0);
      }
    });
  }

  private owns(g: number): boolean {
    const f = this.localOf[g];
    return f >= 0 && f < this.count && this.globalId[f] === g;
  }

  onEvent(kind: number, target: number, a: number, b: number): void {
    // Deliveries from the coordinator name functions by global index.
    if (isDelivery(kind)) target = this.localOf[target];
    switch (kind) {
      case Ev.Arrival:
        this.onArrival(target, a);
        return;
      case Ev.InvocationAdmitted:
        this.startInvocation(target, a, b, 1);
        return;
      case Ev.InvocationAdmittedEfs: {
        const slowMilli = b % IO_SLOWDOWN_SPAN;
        this.startInvocation(target, a, (b - slowMilli) / IO_SLOWDOWN_SPAN, slowMilli / 1000);
        return;
      }
      case Ev.KmsGrantRevoked: {
        const fault = this.plan.faults[a];
        if (fault.kind === "kmsGrantRevoked" && this.phase[target] !== Phase.Absent)
          this.invocationFaults.revokeGrant(target, fault);
        return;
      }
      case Ev.InvocationEnd:
        this.endInvocation(target, a, b);
        return;
      case Ev.InvocationThrottled: {
        const cause = b % 8;
        const vs = this.versionsOf[target];
        const route = vs === null ? 0 : vs.shiftRoute();
        this.countThrottle(target, cause);
        this.invocationOutcome(target, (b - cause) / 8, ApiError.TooManyRequestsException, routeSlot(route));
        return;
      }
      case Ev.StepTarget:
        this.onStepTarget(target, a);
        return;
      case Ev.Task:
        this.issue(target);
        return;
      case Ev.ApiApply:
        this.onApiApply(target, a as OperationCode, b);
        return;
      case Ev.ApiThrottled:
        this.obs.api[a * ERROR_COUNT + ApiError.TooManyRequestsException]++;
        this.obs.apiThrottles[a]++;
        if (this.isTraced(target)) {
          const ph = this.phase[target] as PhaseCode;
          this.trace(
            target,
            a,
            ApiError.TooManyRequestsException,
            ph,
            Messages.rateExceeded,
            "",
            this.liveRevision[target],
          );
        }
        this.taskAnswer(b, ApiError.TooManyRequestsException);
        return;
      case Ev.EniResult: {
        const config = a % CONFIG_SHIFT;
        this.settle(target, (a - config) / CONFIG_SHIFT, b, config);
        return;
      }
      case Ev.LocalProvisionDone:
        this.settle(target, a, b, NO_CONFIG);
        return;
      case Ev.VersionReady: {
        if (this.versions[target] === a) this.latestVersionActive[target] = 1;
        const version = this.versionsOf[target]?.version(a);
        if (version) version.active = true;
        return;
      }
      case Ev.ProvisionedEnvReady:
        this.provisionedEnvReady(target, a);
        return;
      case Ev.ConcurrencyConfigResult:
        this.concurrencyConfigResult(target, a, b);
        return;
      case Ev.IdleCheck:
        this.onIdleCheck(target);
        return;
      case Ev.AsyncDispatch: {
        const ctx = this.async!.dispatch(a);
        if (ctx > 0) this.invoke(target, ctx, 0, -1, this.async!.qualifierOf(ctx));
        return;
      }
      case Ev.ExplicitCall: {
        const call = this.plan.calls[a];
        const slot = this.tasks.alloc(target, -1, a, Operation[call.operation], call.client, this.p.nowUs);
        this.issue(slot);
        return;
      }
    }
  }

  // ---- Workload ---------------------------------------------------------------------------------

  /** A workload step reaches one of its targets. */
  private onStepTarget(f: number, s: number): void {
    const step = this.plan.steps[s];
    const slot = this.tasks.alloc(f, s, -1, Operation[step.operation], step.client, this.p.nowUs);
    this.issue(slot);
  }

  /** Next arrival of stream s at function f after `fromUs` (thinning of a piecewise-linear rate). */
  private scheduleArrival(f: number, s: number, fromUs: number, first: boolean): void {
    const st = this.plan.invokeStreams[s];
    const peak = this.streamPeakPerUs[s][f];
    if (!(peak > 0)) return;
    const rng = this.arrivalRng;
    let t = fromUs;
    const maxRate = this.streamMaxRate[s];
    if (st.process === "constant") {
      // Evenly spaced at the current rate, with a random phase for the first arrival.
      for (let guard = 0; guard < 1_000_000; guard++) {
        const rate = rateAt(st.rate.points, t);
        if (rate <= 0) {
          const nextUs = nextPositiveRateUs(st.rate.points, t);
          if (nextUs === null || nextUs >= st.endUs) return;
          t = nextUs;
          continue;
        }
        const gapUs = maxRate > 0 ? 1 / ((peak * rate) / maxRate) : Number.POSITIVE_INFINITY;
        t += first ? rng.next(f) * gapUs : gapUs;
        break;
      }
    } else {
      for (;;) {
        t += -Math.log(rng.nextOpen(f)) / peak;
        if (t >= st.endUs) return;
        if (rng.next(f) * maxRate < rateAt(st.rate.points, t)) break;
      }
    }
    const atUs = Math.round(t);
    if (atUs >= st.endUs) return;
    this.p.at(Math.max(atUs, this.p.nowUs), Ev.Arrival, f, s, 0);
  }

  private onArrival(f: number, s: number): void {
    const st = this.plan.invokeStreams[s];
    this.scheduleArrival(f, s, this.p.nowUs, false);
    this.invoke(f, 0, this.streamIsEvent[s], st.caller ?? -1, st.qualifier ?? LATEST);
  }

  // ---- Invocations (D1-D4, R4, R7, R12, R13) -----------------------------------------------------

  /**
   * An Invoke request reaches the function. ctx: 0 for stream traffic, task
   * slot + 1 for a client's call, from ASYNC_CTX_BASE the async poller's
   * attempt. hop: 0 for InvocationType RequestResponse; for Event, the number
   * in its chain of the invocation the event asks for (V7; 1 from a client).
   * caller: a Plan.callers index, -1 for the account's administrator;
   * qualifier: what it names (qualifiers.ts).
   */
  private invoke(f: number, ctx: number, hop: number, caller = -1, qualifier: number = LATEST): void {
    const before = this.phase[f] as PhaseCode;
    if (caller >= 0) {
      this.obs.invocationsByCaller[caller]++;
      // V8: authorisation comes before the State rules and takes no concurrency.
      if (this.invocationFaults.isDenied(caller, f)) {
        this.obs.deniedByCaller[caller]++;
        this.obs.invocationRequests++;
        this.openInvocations++;
        this.invocationFault(
          f,
          ctx,
          ApiError.AccessDeniedException,
          before,
          caller,
          qualifierSlot(qualifier),
        );
        return;
      }
    }
    const rule = this.lookup(f, Trigger.Invoke);
    if (rule === null) throw new Error(`no rule for Invoke in phase ${before}`);
    if (rule.effect === "runInvocation" && hop > 0) {
      this.acceptEvent(f, ctx, hop, qualifier);
      return;
    }
    this.obs.invocationRequests++;
    this.openInvocations++;
    if (rule.effect === "runInvocation") {
      const now = this.p.nowUs;
      if (this.invocationFaults.kmsBlocked(f, now)) {
        // V9: the environment cannot be decrypted: no invocation, no concurrency, no warm environment kept.
        const idle = this.idleEnvironments[f];
        if (idle !== null) idle.length = 0;
        this.invocationFault(f, ctx, ApiError.KMSDisabledException, before, -1, qualifierSlot(qualifier));
        return;
      }
      this.lastInvokeUs[f] = now;
      const vs = this.versionsOf[f];
      if (vs !== null && this.routeInvocation(f, vs, ctx, qualifier, now)) return;
      if (this.unreserved[f] === 1 && this.takeGranted(now)) {
        // Within this partition's share of the pool: admitted here, booked by the coordinator (grants.ts).
        this.p.notify(Msg.InvocationGranted, this.globalId[f], now, ctx);
        this.p.answerLocally(
          this.plan.defaults.invokeLatencyUs,
          Ev.InvocationAdmitted,
          this.globalId[f],
          now,
          ctx,
        );
      } else {
        this.p.request(Msg.InvocationAcquire, this.globalId[f], now, ctx);
      }
      return;
    }
    this.apply(f, rule, Trigger.Invoke, ReasonCode.None, NO_CONFIG);
    if (this.isTraced(f)) {
      const message = answerMessage(rule.answer, this.nameOf(f), stateNameOf(before));
      this.trace(f, Trigger.Invoke, rule.answer.error, before, message, "", this.liveRevision[f]);
    }
    this.invocationOutcome(f, ctx, rule.answer.error, qualifierSlot(qualifier));
  }

  /**
   * V1, V2: picks the version a request runs and, when that version has
   * provisioned environments, runs it on one or spills it over. True when
   * the request is settled here; false when it goes on to ask for on-demand
   * concurrency like any other (its route is queued for the answer).
   */
  private routeInvocation(
    f: number,
    vs: FunctionVersions,
    ctx: number,
    qualifier: number,
    now: number,
  ): boolean {
    const slot = qualifierSlot(qualifier);
    const u = isAlias(qualifier) && this.routeRng !== null ? this.routeRng.next(f) : 0;
    const v = vs.resolve(qualifier, u);
    if (v < 0) {
      const arn = qualifiedArn(this.nameOf(f), qualifierName(qualifier, this.plan.aliases));
      this.settleAtInvoke(f, ctx, slot, ApiError.ResourceNotFoundException, Messages.qualifierNotFound(arn));
      return true;
    }
    const route = routeOf(slot, v);
    const version = vs.version(v);
    if (version !== null && !version.active) {
      this.settleAtInvoke(
        f,
        ctx,
        slot,
        ApiError.ResourceConflictException,
        Messages.pendingConflict("Pending"),
      );
      return true;
    }
    if (version !== null && (version.pool.ready > 0 || version.pool.target > 0)) {
      const pool = version.pool;
      if (pool.free > 0 && pool.takeToken(now, this.plan.defaults.requestsPerSecPerConcurrency)) {
        this.runProvisioned(f, version, route, ctx, now);
        return true;
      }
      // Spillover: every provisioned environment is busy, or their request rate is spent (V2, V5).
      const rateLimited = pool.free > 0;
      this.obs.spillovers[rateLimited ? SpilloverReason.RequestRate : SpilloverReason.AllBusy]++;
      if (rateLimited && vs.reserved >= 0 && vs.reserved <= vs.provisionedTotal()) {
        // No on-demand concurrency to spill over to: throttled for the provisioned request rate.
        vs.pushRoute(route);
        this.p.answerLocally(
          this.plan.defaults.invokeLatencyUs,
          Ev.InvocationThrottled,
          this.globalId[f],
          now,
          ctx * 8 + ThrottleCause.ProvisionedRequestRate,
        );
        return true;
      }
      this.obs.spilloverInvocations++;
    }
    vs.pushRoute(route);
    return false;
  }

  /** A request refused before it runs, for its qualifier (V1). */
  private settleAtInvoke(f: number, ctx: number, slot: number, error: number, message: string): void {
    if (this.isTraced(f)) {
      const ph = this.phase[f] as PhaseCode;
      this.trace(f, Trigger.Invoke, error, ph, message, "", this.liveRevision[f]);
    }
    this.invocationOutcome(f, ctx, error, slot);
  }

  /**
   * Runs a request on a free provisioned environment of `version` (V2). Its
   * concurrency was set aside when the environments were allocated, so the
   * coordinator is not asked. The first request an environment serves pays
   * the runtime's lazy loading (the seed's latency variability).
   */
  private runProvisioned(f: number, version: Version, route: number, ctx: number, now: number): void {
    const pool = version.pool;
    let firstUs = 0;
    if (pool.free - pool.fresh <= 0) {
      pool.fresh--;
      firstUs = this.firstInvokeUs(f, version);
      this.obs.record(Hist.FirstInvokeLatency, firstUs);
    }
    pool.busy++;
    this.provisionedBusy++;
    this.busyEnvironments[f]++;
    this.obs.provisionedInvocations++;
    this.obs.warmStarts++;
    this.obs.startsByTemplate[this.templateOf[f] * 2 + 1]++;
    if (this.deploy !== null) this.countDeployStart(now, 0);
    const tpl = this.plan.templates[this.templateOf[f]];
    const rng = this.serviceRng;
    let runUs = sampleUs(tpl.duration, rng, f);
    let outcome: number = rng.next(f) < tpl.errorRate ? ApiError.FunctionError : ApiError.None;
    if (runUs > version.timeoutUs) {
      runUs = version.timeoutUs;
      outcome = ApiError.Timeout;
    }
    const packed = packInvocation(ctx, this.incarnation[f], route, outcome, 0, EnvKind.Provisioned);
    this.p.at(now + this.plan.defaults.invokeLatencyUs + firstUs + runUs, Ev.InvocationEnd, f, now, packed);
  }

  /** The first-invocation latency of a provisioned environment: by runtime at 512 MB, scaled by 512 / memory (0.25-4x). */
  private firstInvokeUs(f: number, version: Version): number {
    const tpl = this.plan.templates[this.templateOf[f]];
    const d = this.plan.defaults.firstInvokeLatencyByRuntime[runtimeFamilyOf(tpl.runtime)];
    if (d === undefined) return 0;
    const scale = Math.min(4, Math.max(0.25, 512 / version.memoryMb));
    return Math.round(sampleUs(d, this.serviceRng, f) * scale);
  }

  /** Answers an invocation with one of the troubleshooting seed's errors (V8-V10), traced with its message. */
  private invocationFault(
    f: number,
    ctx: number,
    error: number,
    before: PhaseCode,
    caller = -1,
    slot = 0,
  ): void {
    if (this.isTraced(f)) {
      const message = this.faultMessage(f, error, caller);
      this.trace(f, Trigger.Invoke, error, before, message, "", this.liveRevision[f]);
    }
    this.invocationOutcome(f, ctx, error, slot);
  }

  /** The message of a V8-V10 error, in the seed's words (traced functions only). */
  private faultMessage(f: number, error: number, caller = -1): string {
    const fs = this.invocationFaults.fileSystemOf(f);
    const ap = fs >= 0 ? this.plan.fileSystems[fs].accessPointArn : "";
    switch (error) {
      case ApiError.AccessDeniedException:
        return Messages.accessDenied(this.plan.callers[caller]?.arn ?? "", this.nameOf(f));
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

  /**
   * V6: where the table runs an invocation, an Event invocation is answered
   * 202 and its event joins the function's queue instead; the caller sees
   * success (an Invoke answered without error).
   */
  private acceptEvent(f: number, ctx: number, hop: number, qualifier: number): void {
    this.lastInvokeUs[f] = this.p.nowUs;
    this.async!.accept(f, hop, ctx === 0 && hop > 1, qualifier);
    if (ctx === 0 && hop > 1) return; // a self-trigger (V7): the service's own call, not a client's API request
    this.obs.api[Operation.Invoke * ERROR_COUNT + ApiError.None]++;
    if (ctx > 0) this.taskAnswer(ctx - 1, ApiError.None);
  }

  /**
   * An admitted invocation starts. slowdown: how much its file system's
   * shared throughput stretches its IO (V10; 1 without EFS).
   */
  private startInvocation(f: number, arrivalUs: number, ctx: number, slowdown: number): void {
    const now = this.p.nowUs;
    const vs = this.versionsOf[f];
    const route = vs === null ? 0 : vs.shiftRoute();
    const slot = routeSlot(route);
    const version = vs === null ? null : vs.version(routeVersion(route));
    if (this.phase[f] === Phase.Absent) {
      // R18: deleted between admission and start.
      this.releaseConcurrency(f);
      if (this.isTraced(f)) {
        const message = Messages.notFound(functionArn(this.nameOf(f)));
        this.trace(f, Trigger.Invoke, ApiError.ResourceNotFoundException, Phase.Absent, message, "", 0);
      }
      this.invocationOutcome(f, ctx, ApiError.ResourceNotFoundException, slot);
      return;
    }
    const tpl = this.plan.templates[this.templateOf[f]];
    const rng = this.serviceRng;
    let cold = 0;
    let initUs = 0;
    const idle = version === null ? this.idleEnvironments[f] : version.pool.idle;
    if (idle !== null && idle.length > 0 && now - idle[idle.length - 1] <= this.plan.defaults.keepAliveUs) {
      idle.pop();
    } else {
      // No warm environment: everything idle longer than the keep-alive is gone (LIFO: the top is newest).
      if (idle !== null) idle.length = 0;
      if (!this.scaling.take(f, now)) {
        this.releaseConcurrency(f);
        this.obs.throttles[ThrottleCause.ScalingRate]++;
        this.obs.throttlesByTemplate[this.templateOf[f] * THROTTLE_CAUSE_COUNT + ThrottleCause.ScalingRate]++;
        if (this.isTraced(f)) this.traceThrottle(f, ThrottleCause.ScalingRate);
        this.invocationOutcome(f, ctx, ApiError.TooManyRequestsException, slot);
        return;
      }
      const mount = this.invocationFaults.mountFault(f, now, rng);
      if (mount >= 0) {
        this.mountFailed(f, arrivalUs, ctx, mount, slot);
        return;
      }
      cold = 1;
      initUs = sampleUs(tpl.initDuration, rng, f);
      this.obs.record(Hist.InitDuration, initUs);
    }
    let runUs = sampleUs(tpl.duration, rng, f);
    let outcome: number = rng.next(f) < tpl.errorRate ? ApiError.FunctionError : ApiError.None;
    const timeoutUs = version === null ? this.timeoutUs[f] : version.timeoutUs;
    if (runUs > timeoutUs) {
      runUs = timeoutUs;
      outcome = ApiError.Timeout;
    } else if (slowdown > 1) {
      // V10: IO slowed by the file system's shared throughput; past the timeout Lambda stops the instance.
      runUs = Math.round(runUs * slowdown);
      if (runUs > this.timeoutUs[f]) {
        runUs = this.timeoutUs[f];
        outcome = ApiError.EFSIOException;
      }
    }
    if (cold) this.obs.coldStarts++;
    else this.obs.warmStarts++;
    if (this.deploy !== null) this.countDeployStart(now, cold);
    this.obs.startsByTemplate[this.templateOf[f] * 2 + 1 - cold]++;
    this.busyEnvironments[f]++;
    const rev = version === null ? this.liveRevision[f] : route;
    const kind = version === null ? EnvKind.Latest : EnvKind.Version;
    const packed = packInvocation(ctx, this.incarnation[f], rev, outcome, cold, kind);
    this.p.at(now + initUs + runUs, Ev.InvocationEnd, f, arrivalUs, packed);
  }

  /**
   * V10: a cold start's mount failed. A rejected mount or one that cannot
   * connect fails at once; a mount that times out holds the new environment
   * for the mount timeout first. Either way the environment is not kept.
   */
  private mountFailed(f: number, arrivalUs: number, ctx: number, kind: number, slot: number): void {
    const error = EFS_MOUNT_ERRORS[kind];
    this.obs.efsMountFailures[this.invocationFaults.fileSystemOf(f) * EFS_MOUNT_ERRORS.length + kind]++;
    if (error === ApiError.EFSMountTimeoutException) {
      this.busyEnvironments[f]++;
      const packed = packInvocation(ctx, this.incarnation[f], this.liveRevision[f], error, 1);
      this.p.after(this.plan.defaults.efsMountTimeoutUs, Ev.InvocationEnd, f, arrivalUs, packed);
      return;
    }
    this.releaseConcurrency(f);
    this.invocationFault(f, ctx, error, this.phase[f] as PhaseCode, -1, slot);
  }

  private endInvocation(f: number, arrivalUs: number, packed: number): void {
    const cold = packed % 2;
    let x = (packed - cold) / 2;
    const outcome = x % OUTCOME_SPAN;
    x = (x - outcome) / OUTCOME_SPAN;
    const rev = x % 65_536;
    x = (x - rev) / 65_536;
    const tag = x % 256;
    const ctx = (x - tag) / 256;
    const kind = tag % 4;
    const sameIncarnation = (tag - kind) / 4 === this.incarnation[f] % 64 && this.phase[f] !== Phase.Absent;
    this.busyEnvironments[f]--;
    if (this.busyEnvironments[f] === 0 && this.phase[f] === Phase.Active) this.armIdleCheck(f);
    let ranRevision = rev;
    let slot = 0;
    // An environment stopped by Lambda (EFS mount timeout, EFSIOException) is not kept.
    const keep = sameIncarnation && outcome <= ApiError.Timeout;
    if (kind === EnvKind.Latest) {
      // The environment stays warm only if it still runs the live revision (R8 retires old ones)
      // of the same function, not one deleted and re-created meanwhile (R18).
      if (rev === this.liveRevision[f] && keep) {
        let idle = this.idleEnvironments[f];
        if (idle === null) idle = this.idleEnvironments[f] = [];
        idle.push(this.p.nowUs);
      }
      this.releaseConcurrency(f);
    } else {
      slot = routeSlot(rev);
      const version = sameIncarnation ? this.versionsOf[f]!.version(routeVersion(rev)) : null;
      if (version !== null) ranRevision = version.revision;
      if (kind === EnvKind.Provisioned) {
        if (version !== null) this.provisionedEnvFreed(f, version.pool);
        else this.provisionedBusy--; // its function was deleted: the environment went with it
      } else {
        if (version !== null && keep) version.pool.idle.push(this.p.nowUs);
        this.releaseConcurrency(f);
      }
    }
    if (outcome === ApiError.EFSIOException) this.obs.efsIoStopped[this.invocationFaults.fileSystemOf(f)]++;
    const byRev = this.obs.invocationsByRevision;
    byRev.set(ranRevision, (byRev.get(ranRevision) ?? 0) + 1);
    this.obs.recordForTemplate(LATENCY, this.templateOf[f], this.p.nowUs - arrivalUs);
    if (this.isTraced(f)) {
      const ph = this.phase[f] as PhaseCode;
      const message = outcome > ApiError.Timeout ? this.faultMessage(f, outcome) : "";
      this.trace(f, Trigger.Invoke, outcome, ph, message, "", ranRevision); // the revision this invocation ran (R7)
    }
    this.invocationOutcome(f, ctx, outcome, slot);
  }

  /** Takes one admission from this partition's epoch grant (grants.ts): a unit of concurrency and a token of its sub-bucket. */
  private takeGranted(nowUs: number): boolean {
    const g = this.p.grant;
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

  /** An admitted invocation ended or never started: its concurrency goes back (and to this partition's grant). */
  private releaseConcurrency(f: number): void {
    this.p.notify(Msg.InvocationRelease, this.globalId[f], 0, 0);
    if (this.unreserved[f] === 1) this.p.grant[Grant.Concurrency]++;
  }

  /**
   * Counts an invocation's one outcome and answers whoever made it: a client,
   * or the async poller (traced by the caller). A poller's attempt is an
   * invocation but not a client's API request, so it is not in obs.api.
   */
  private invocationOutcome(f: number, ctx: number, error: number, qualifierSlot = 0): void {
    const polled = ctx >= ASYNC_CTX_BASE;
    if (!polled) this.obs.api[Operation.Invoke * ERROR_COUNT + error]++;
    this.obs.invocationsByQualifier[qualifierSlot * ERROR_COUNT + error]++;
    this.obs.invocationsByTemplate[this.templateOf[f] * ERROR_COUNT + error]++;
    if (this.functionTable !== null) this.functionTable[this.globalId[f] * FUNCTION_COLUMNS + error]++;
    this.obs.invocationOutcomes++;
    this.openInvocations--;
    const q = this.async;
    // V7: a self-triggering function's success writes to the resource that invokes it again.
    if (q !== null && error === ApiError.None && q.selfTriggers(f))
      this.invoke(f, 0, q.hopOf(ctx) + 1, -1, q.qualifierOf(ctx));
    if (polled) q!.answer(ctx - ASYNC_CTX_BASE, error);
    else if (ctx > 0) this.taskAnswer(ctx - 1, error);
  }

  // ---- Control plane ------------------------------------------------------------------------------

  private onApiApply(f: number, op: OperationCode, slot: number): void {
    const tasks = this.tasks;
    if (tasks.polls[slot] >= 0) {
      this.onPoll(f, op, slot);
      return;
    }
    const rule = this.lookup(f, op as TriggerCode);
    if (rule !== null && (rule.effect === "configureAlias" || rule.effect === "configureConcurrency")) {
      const params = tasks.call[slot] >= 0 ? this.plan.calls[tasks.call[slot]].params : undefined;
      const error =
        rule.effect === "configureAlias"
          ? this.configureAlias(f, op, params ?? {})
          : this.configureConcurrency(f, op, params ?? {}, slot);
      if (error === ANSWER_LATER) return; // the coordinator answers (concurrencyConfigResult)
      this.obs.api[op * ERROR_COUNT + error]++;
      this.taskAnswer(slot, error);
      return;
    }
    const error = this.applyOperation(f, op, this.configOfTask(slot));
    this.taskAnswer(slot, error);
  }

  // ---- Versions, aliases and concurrency settings (V1-V4) -------------------------------------------

  /** CreateAlias / UpdateAlias (V1); updating the weights re-splits provisioned concurrency (V3). */
  private configureAlias(f: number, op: OperationCode, params: PlanCallParams): number {
    const vs = this.versionsOf[f]!;
    const a = params.alias!;
    const exists = vs.aliasVersion[a] >= 0;
    const arn = qualifiedArn(this.nameOf(f), this.plan.aliases[a]);
    if (op === Operation.CreateAlias && exists)
      return this.refuse(f, op, ApiError.ResourceConflictException, Messages.aliasExists(arn));
    if (op === Operation.UpdateAlias && !exists)
      return this.refuse(f, op, ApiError.ResourceNotFoundException, Messages.qualifierNotFound(arn));
    const main = params.functionVersion ?? vs.aliasVersion[a];
    const routing = params.routing === undefined ? null : params.routing;
    for (const v of [main, routing?.version ?? 0]) {
      if (v !== LATEST && vs.version(v) === null) {
        const varn = qualifiedArn(this.nameOf(f), String(v));
        return this.refuse(f, op, ApiError.ResourceNotFoundException, Messages.qualifierNotFound(varn));
      }
    }
    vs.aliasVersion[a] = main;
    if (params.routing !== undefined || params.functionVersion !== undefined) {
      vs.aliasRoutedVersion[a] = routing?.version ?? 0;
      vs.aliasRoutedWeight[a] = routing?.weight ?? 0;
    }
    this.obs.aliasUpdates++;
    this.reconcileProvisioned(f, vs);
    this.traceConfiguration(f, op, ApiError.None, "");
    return ApiError.None;
  }

  /**
   * Put/DeleteFunctionConcurrency (V4) and Put/DeleteProvisionedConcurrencyConfig
   * (V2): checked here against the function, then against the account's
   * pool by the coordinator, which answers.
   */
  private configureConcurrency(f: number, op: OperationCode, params: PlanCallParams, slot: number): number {
    const vs = this.versionsOf[f]!;
    if (vs.pendingSlot >= 0) {
      const message = Messages.updateInProgress(functionArn(this.nameOf(f)));
      return this.refuse(f, op, ApiError.ResourceConflictException, message);
    }
    let reserved = vs.reserved;
    let config: ProvisionedConfig | null = null;
    let deleteQualifier: number | null = null;
    let provisioned = vs.provisionedTotal();
    if (op === Operation.PutFunctionConcurrency) reserved = params.reservedConcurrentExecutions!;
    else if (op === Operation.DeleteFunctionConcurrency) reserved = -1;
    else {
      const q = params.qualifier!;
      const arn = qualifiedArn(this.nameOf(f), qualifierName(q, this.plan.aliases));
      if (q === LATEST)
        return this.refuse(f, op, ApiError.InvalidParameterValueException, Messages.provisionedOnLatest);
      const known = isAlias(q) ? vs.aliasVersion[aliasOf(q)] >= 0 : vs.version(q) !== null;
      if (!known)
        return this.refuse(f, op, ApiError.ResourceNotFoundException, Messages.qualifierNotFound(arn));
      const current = vs.config(q);
      if (op === Operation.DeleteProvisionedConcurrencyConfig) {
        if (current === null)
          return this.refuse(
            f,
            op,
            ApiError.ResourceNotFoundException,
            Messages.provisionedConfigNotFound(arn),
          );
        deleteQualifier = q;
        provisioned -= current.requested;
      } else {
        const requested = params.provisionedConcurrentExecutions!;
        config = { qualifier: q, requested, status: ProvisionedStatus.InProgress };
        provisioned += requested - (current?.requested ?? 0);
      }
    }
    if (reserved >= 0 && provisioned > reserved) {
      const message = Messages.provisionedAboveReserved(reserved);
      return this.refuse(f, op, ApiError.InvalidParameterValueException, message);
    }
    vs.pendingSlot = slot;
    vs.pendingOperation = op;
    vs.pendingChange = { reserved, config, deleteQualifier };
    this.p.request(
      Msg.ConcurrencyConfig,
      this.globalId[f],
      reserved,
      packConcurrencyConfig(provisioned, slot),
    );
    return ANSWER_LATER;
  }

  /** The coordinator accepted the change (or refused it with `error`): apply it and answer the caller. */
  private concurrencyConfigResult(f: number, error: number, slot: number): void {
    const vs = this.versionsOf[f]!;
    // The change this answers, unless the function was deleted (and re-created) meanwhile.
    const mine = vs.pendingSlot === slot;
    const change = mine ? vs.pendingChange : null;
    const op = vs.pendingOperation as OperationCode;
    if (mine) {
      vs.pendingSlot = -1;
      vs.pendingChange = null;
    }
    if (slot === NO_TASK_SLOT) return; // the reset of a deleted function's settings
    if (change === null) {
      // The function was deleted while its change waited: the call itself was answered.
      this.obs.api[op * ERROR_COUNT + error]++;
      this.taskAnswer(slot, error);
      return;
    }
    if (error === ApiError.None) {
      vs.reserved = change.reserved;
      this.unreserved[f] = change.reserved < 0 ? 1 : 0;
      if (change.deleteQualifier !== null) {
        const i = vs.configs.findIndex((c) => c.qualifier === change.deleteQualifier);
        vs.configs.splice(i, 1);
      }
      if (change.config !== null) {
        const current = vs.config(change.config.qualifier);
        if (current !== null) Object.assign(current, change.config);
        else vs.configs.push(change.config);
      }
      this.reconcileProvisioned(f, vs);
      this.traceConfiguration(f, op, ApiError.None, "");
    } else {
      const message =
        error === ApiError.InvalidParameterValueException
          ? Messages.unreservedBelowMinimum(this.plan.account.unreservedMinimum)
          : "";
      this.traceConfiguration(f, op, error, message);
    }
    this.obs.api[op * ERROR_COUNT + error]++;
    this.taskAnswer(slot, error);
  }

  /** A configuration call refused by the function's own checks. */
  private refuse(f: number, op: OperationCode, error: number, message: string): number {
    this.traceConfiguration(f, op, error, message);
    return error;
  }

  private traceConfiguration(f: number, op: OperationCode, error: number, message: string): void {
    if (!this.isTraced(f)) return;
    const ph = this.phase[f] as PhaseCode;
    this.trace(f, op, error, ph, message, "", this.liveRevision[f]);
  }

  /**
   * Brings each version's provisioned environments to its target (V2, V3):
   * idle surplus environments go at once, busy ones when they finish; missing
   * ones start initialising, one every 1/rate, each taking an init duration.
   */
  private reconcileProvisioned(f: number, vs: FunctionVersions): void {
    vs.retarget();
    const now = this.p.nowUs;
    const tpl = this.plan.templates[this.templateOf[f]];
    const gapUs = 60e6 / this.plan.defaults.provisionedAllocationPerMinute;
    for (let i = 0; i < vs.versions.length; i++) {
      const pool = vs.versions[i].pool;
      let surplus = pool.ready + pool.starting - pool.target;
      // Environments still initialising are dropped when they finish (provisionedEnvReady).
      const idleSurplus = Math.min(surplus, pool.free);
      if (idleSurplus > 0) {
        const freshGone = Math.min(pool.fresh, idleSurplus);
        pool.fresh -= freshGone;
        pool.ready -= idleSurplus;
        this.provisionedReady -= idleSurplus;
        this.obs.provisionedReleased += idleSurplus;
        surplus -= idleSurplus;
      }
      for (let k = surplus; k < 0; k++) {
        const startUs = Math.max(now, vs.allocationNextUs);
        vs.allocationNextUs = startUs + gapUs;
        pool.starting++;
        const readyUs = startUs + sampleUs(tpl.initDuration, this.serviceRng, f);
        this.p.at(Math.round(readyUs), Ev.ProvisionedEnvReady, f, i + 1, 0);
      }
    }
    vs.refreshStatus();
  }

  private provisionedEnvReady(f: number, v: number): void {
    const vs = this.versionsOf[f];
    const pool = vs?.version(v)?.pool;
    if (vs === null || pool === undefined || pool.starting === 0) return; // the function was deleted meanwhile
    pool.starting--;
    if (this.provisionedInitFails(f)) {
      // The environment's init failed: every configuration it was for goes FAILED (V2).
      this.obs.provisionedFailed++;
      for (const c of vs.configs)
        if (vs.shares(c).some(([sv]) => sv === v)) c.status = ProvisionedStatus.Failed;
      vs.refreshStatus();
      return;
    }
    if (pool.ready < pool.target) {
      pool.ready++;
      this.provisionedReady++;
      pool.fresh++;
      this.obs.provisionedInitialized++;
    }
    vs.refreshStatus();
  }

  /** Whether a provisionedConcurrencyFailure fault fails this environment's init (V2). */
  private provisionedInitFails(f: number): boolean {
    for (const fault of this.plan.faults) {
      if (fault.kind !== "provisionedConcurrencyFailure" || !this.faultApplies(fault, f)) continue;
      if (fault.probability >= 1 || this.serviceRng.next(f) < fault.probability) return true;
    }
    return false;
  }

  /** A provisioned environment finished a request: it stays, unless the target fell below the ready count. */
  private provisionedEnvFreed(f: number, pool: EnvPool): void {
    pool.busy--;
    this.provisionedBusy--;
    if (pool.ready > pool.target) {
      pool.ready--;
      this.provisionedReady--;
      this.obs.provisionedReleased++;
      this.versionsOf[f]!.refreshStatus();
    }
  }

  private countDeployStart(now: number, cold: number): void {
    const w = this.deploy!;
    const phase = now < w.startUs ? 0 : now < w.endUs ? 1 : 2;
    this.obs.startsByDeployPhase[phase * 2 + 1 - cold]++;
  }

  /** Counts a throttled invocation by its cause and traces it. */
  private countThrottle(f: number, cause: number): void {
    this.obs.throttles[cause]++;
    this.obs.throttlesByTemplate[this.templateOf[f] * THROTTLE_CAUSE_COUNT + cause]++;
    if (this.isTraced(f)) this.traceThrottle(f, cause);
  }

  /** Applies a control-plane operation that reached the function; returns the caller's answer. */
  private applyOperation(f: number, op: OperationCode, change: PlanConfigChange | undefined): number {
    const rule = this.lookup(f, op as TriggerCode);
    if (rule === null) throw new Error(`no rule for ${op} in phase ${this.phase[f]}`);
    if (rule.effect === "startUpdate" && op === Operation.UpdateFunctionConfiguration)
      this.stageConfig(f, change);
    else if (rule.effect === "startUpdate") this.stageConfig(f, undefined);
    this.apply(f, rule, op as TriggerCode, ReasonCode.None, NO_CONFIG);
    this.obs.api[op * ERROR_COUNT + rule.answer.error]++;
    return rule.answer.error;
  }

  private stageConfig(f: number, change: PlanConfigChange | undefined): void {
    this.pendingVpcConfig[f] = change?.vpcConfig !== undefined ? change.vpcConfig : this.vpcConfig[f];
    this.pendingMemoryMb[f] = change?.memoryMb ?? this.memoryMb[f];
    this.pendingTimeoutUs[f] = change?.timeoutUs ?? this.timeoutUs[f];
    this.invocationFaults.stage(f, change);
  }

  private lookup(f: number, trigger: TriggerCode): Rule | null {
    this.guardFn = f;
    return lookupRule(this.phase[f] as PhaseCode, trigger, this.guardHolds);
  }

  /** Takes a rule: checks the transition, runs its effect, traces it. */
  private apply(f: number, rule: Rule, trigger: TriggerCode, code: ReasonCodeValue, config: number): void {
    const from = this.phase[f] as PhaseCode;
    this.runEffect(f, rule, code, config);
    this.setPhase(f, rule.to);
    this.obs.transitions[from * PHASE_COUNT + rule.to]++;
    if (trigger !== Trigger.Invoke && this.isTraced(f)) {
      const message = answerMessage(rule.answer, this.nameOf(f), stateNameOf(from));
      this.trace(f, trigger, rule.answer.error, from, message, "", this.liveRevision[f]);
    }
  }

  private setPhase(f: number, to: PhaseCode): void {
    const from = this.phase[f] as PhaseCode;
    if (from === to) return;
    const s0 = PHASE_STATE[from];
    const s1 = PHASE_STATE[to];
    const t = this.templateOf[f] * STATE_COUNT;
    if (s0 >= 0) {
      this.stateCount[s0]--;
      this.stateByTemplate[t + s0]--;
      this.lusCount[reportedLastUpdateStatus(from, this.settledLus[f] as LastUpdateStatusCode)]--;
    }
    this.phase[f] = to;
    if (s1 >= 0) {
      this.stateCount[s1]++;
      this.stateByTemplate[t + s1]++;
      this.lusCount[reportedLastUpdateStatus(to, this.settledLus[f] as LastUpdateStatusCode)]++;
    }
    if (this.functionTable !== null)
      this.functionTable[this.globalId[f] * FUNCTION_COLUMNS + STATE_COLUMN] = s1;
  }

  private setSettledLus(f: number, lus: LastUpdateStatusCode): void {
    const ph = this.phase[f] as PhaseCode;
    if (PHASE_STATE[ph] >= 0) {
      this.lusCount[reportedLastUpdateStatus(ph, this.settledLus[f] as LastUpdateStatusCode)]--;
      this.lusCount[reportedLastUpdateStatus(ph, lus)]++;
    }
    this.settledLus[f] = lus;
  }

  private runEffect(f: number, rule: Rule, code: ReasonCodeValue, config: number): void {
    const now = this.p.nowUs;
    const d = this.plan.defaults;
    const g = this.globalId[f];
    switch (rule.effect) {
      case "none":
      case "runInvocation":
        return;
      case "startCreate": {
        this.obs.created++;
        this.incarnation[f]++;
        const tpl = this.plan.templates[this.templateOf[f]];
        this.resetConfig(f, tpl);
        this.invocationFaults.reset(f, tpl);
        this.epoch[f]++;
        this.pendingSinceUs[f] = now;
        this.stateReason[f] = ReasonCode.Creating;
        this.lusReason[f] = ReasonCode.Creating;
        this.settledLus[f] = LastUpdateStatus.None;
        this.liveRevision[f] = 1;
        this.nextRevision[f] = 1;
        this.versions[f] = 0;
        this.restoreBlockedUntilUs[f] = 0;
        if (this.faultHits(f, "createHang")) return; // R5: never settles on its own
        this.provision(f, this.vpcConfig[f], d.provisioningDuration);
        return;
      }
      case "activate":
        this.obs.recordForTemplate(PENDING_CREATE, this.templateOf[f], now - this.pendingSinceUs[f]);
        this.stateReason[f] = ReasonCode.None;
        this.lusReason[f] = ReasonCode.None;
        this.setSettledLus(f, LastUpdateStatus.Successful);
        this.claimedConfig[f] = config;
        this.lastInvokeUs[f] = now;
        this.armIdleCheck(f);
        return;
      case "fail":
        this.obs.recordForTemplate(PENDING_CREATE, this.templateOf[f], now - this.pendingSinceUs[f]);
        this.stateReason[f] = code;
        this.lusReason[f] = code;
        this.setSettledLus(f, LastUpdateStatus.Failed);
        return;
      case "cancelPending":
        // R5: the stuck operation is abandoned; a late answer for it is stale (new epoch).
        this.epoch[f]++;
        this.stateReason[f] = ReasonCode.InternalError;
        this.lusReason[f] = ReasonCode.InternalError;
        this.setSettledLus(f, LastUpdateStatus.Failed);
        return;
      case "startUpdate": {
        this.epoch[f]++;
        this.updateStartUs[f] = now;
        this.lusReason[f] = ReasonCode.Creating;
        this.nextRevision[f] = this.liveRevision[f] + 1;
        const tpl = this.plan.templates[this.templateOf[f]];
        const target = this.pendingVpcConfig[f];
        const wasInactive = this.phase[f] === Phase.Inactive;
        const needsEnis = target !== NO_CONFIG && (target !== this.claimedConfig[f] || wasInactive);
        const slow = tpl.packageType === "Image" || target !== NO_CONFIG;
        if (needsEnis) this.provision(f, target, slow ? d.updateDurationVpcOrImage : d.updateDuration);
        else this.provision(f, NO_CONFIG, slow ? d.updateDurationVpcOrImage : d.updateDuration);
        return;
      }
      case "completeUpdate": {
        this.obs.record(Hist.UpdateInProgress, now - this.updateStartUs[f]);
        this.liveRevision[f] = this.nextRevision[f];
        const target = this.pendingVpcConfig[f];
        const held = this.claimedConfig[f];
        if (held !== NO_CONFIG && held !== target) this.p.notify(Msg.EniRelease, g, held, 0);
        if (config !== NO_CONFIG) this.claimedConfig[f] = config;
        else if (target === NO_CONFIG) this.claimedConfig[f] = NO_CONFIG;
        this.vpcConfig[f] = target;
        this.memoryMb[f] = this.pendingMemoryMb[f];
        this.timeoutUs[f] = this.pendingTimeoutUs[f];
        this.invocationFaults.complete(f);
        this.lusReason[f] = ReasonCode.None;
        this.stateReason[f] = ReasonCode.None;
        this.setSettledLus(f, LastUpdateStatus.Successful);
        const idle = this.idleEnvironments[f];
        if (idle !== null) idle.length = 0; // R8: the next invocations start cold
        this.lastInvokeUs[f] = now;
        this.armIdleCheck(f);
        return;
      }
      case "failUpdate":
        this.obs.record(Hist.UpdateInProgress, now - this.updateStartUs[f]);
        this.lusReason[f] = code;
        this.setSettledLus(f, LastUpdateStatus.Failed);
        if (rule.to === Phase.Active) this.armIdleCheck(f); // the idle clock lapsed during the update
        return;
      case "publishVersion": {
        this.obs.versionsPublished++;
        const v = ++this.versions[f];
        this.versionsOf[f]?.publish(this.liveRevision[f], this.memoryMb[f], this.timeoutUs[f]);
        this.latestVersionActive[f] = 0;
        this.p.after(sampleUs(d.publishDuration, this.serviceRng, f), Ev.VersionReady, f, v, 0);
        return;
      }
      case "goInactive": {
        this.stateReason[f] = ReasonCode.Idle;
        const held = this.claimedConfig[f];
        if (held !== NO_CONFIG) this.p.notify(Msg.EniRelease, g, held, 0);
        this.claimedConfig[f] = NO_CONFIG;
        const idle = this.idleEnvironments[f];
        if (idle !== null) idle.length = 0;
        return;
      }
      case "startRestore":
        this.epoch[f]++;
        this.pendingSinceUs[f] = now;
        this.stateReason[f] = ReasonCode.Restoring;
        this.provision(f, this.vpcConfig[f], d.provisioningDuration);
        return;
      case "completeRestore":
        this.obs.recordForTemplate(PENDING_RESTORE, this.templateOf[f], now - this.pendingSinceUs[f]);
        this.stateReason[f] = ReasonCode.None;
        this.claimedConfig[f] = config;
        this.lastInvokeUs[f] = now;
        this.armIdleCheck(f);
        return;
      case "failRestore":
        this.obs.recordForTemplate(PENDING_RESTORE, this.templateOf[f], now - this.pendingSinceUs[f]);
        this.stateReason[f] = code;
        if (BLOCKING_RESTORE_CODES.has(code)) this.restoreBlockedUntilUs[f] = now + d.restoreRetryDelayUs;
        return;
      case "delete": {
        this.obs.deleted++;
        this.epoch[f]++;
        const held = this.claimedConfig[f];
        if (held !== NO_CONFIG) this.p.notify(Msg.EniRelease, g, held, 0);
        this.claimedConfig[f] = NO_CONFIG;
        this.liveRevision[f] = 0; // in-flight invocations finish, but their environments are not kept
        const idle = this.idleEnvironments[f];
        if (idle !== null) idle.length = 0;
        this.dropVersions(f);
        const s = PHASE_STATE[this.phase[f]];
        if (s >= 0)
          this.lusCount[
            reportedLastUpdateStatus(this.phase[f] as PhaseCode, this.settledLus[f] as LastUpdateStatusCode)
          ]--;
        if (s >= 0) this.stateCount[s]--;
        if (s >= 0) this.stateByTemplate[this.templateOf[f] * STATE_COUNT + s]--;
        if (this.functionTable !== null) this.functionTable[g * FUNCTION_COLUMNS + STATE_COLUMN] = -1;
        this.phase[f] = Phase.Absent; // counts already adjusted; setPhase sees no change
        return;
      }
    }
  }

  /** DeleteFunction takes the versions, aliases and concurrency settings with it (V1, V2, V4). */
  private dropVersions(f: number): void {
    const vs = this.versionsOf[f];
    if (vs === null) return;
    const template = this.plan.templates[this.templateOf[f]];
    const changed = vs.reserved !== template.reservedConcurrency || vs.provisionedTotal() > 0;
    if (changed || vs.pendingSlot >= 0) {
      // Back to the template's setting, so that a re-created function starts as the scenario says.
      this.p.request(
        Msg.ConcurrencyConfig,
        this.globalId[f],
        template.reservedConcurrency,
        packConcurrencyConfig(0, NO_TASK_SLOT),
      );
    }
    for (const v of vs.versions) this.provisionedReady -= v.pool.ready;
    const fresh = new FunctionVersions(this.plan.aliases.length, template.reservedConcurrency);
    // A change still waiting for the coordinator is answered when its result comes (the reset
    // request goes after it, so the coordinator ends with the template's settings).
    fresh.pendingSlot = changed || vs.pendingSlot >= 0 ? NO_TASK_SLOT : -1;
    fresh.pendingOperation = vs.pendingOperation;
    this.versionsOf[f] = fresh;
  }

  /**
   * Starts provisioning toward `config`'s ENIs (through the coordinator) or,
   * without a VPC, a local timer of `localDuration`. Injected faults decide
   * failures here; a failing operation fails after its own local duration
   * (an update after an update's time, a create after provisioning's).
   */
  private provision(f: number, config: number, localDuration: PlanTemplate["duration"]): void {
    const epoch = this.epoch[f];
    const rng = this.serviceRng;
    const failure = this.injectedFailure(f, config !== NO_CONFIG);
    if (failure !== ReasonCode.None) {
      this.p.after(sampleUs(localDuration, rng, f), Ev.LocalProvisionDone, f, epoch, failure);
      return;
    }
    if (config !== NO_CONFIG) {
      this.p.request(Msg.EniClaim, this.globalId[f], config, epoch);
      return;
    }
    this.p.after(sampleUs(localDuration, rng, f), Ev.LocalProvisionDone, f, epoch, ReasonCode.None);
  }

  /** An ENI claim or a local provisioning step settled: success or failure of whatever is pending. */
  private settle(f: number, epoch: number, code: number, config: number): void {
    if (epoch !== this.epoch[f]) {
      // Stale: the function moved on (deleted, cancelled). Give back ENIs granted meanwhile.
      if (code === ReasonCode.None && config !== NO_CONFIG)
        this.p.notify(Msg.EniRelease, this.globalId[f], config, 0);
      return;
    }
    const ph = this.phase[f];
    const ok = code === ReasonCode.None;
    let trigger: TriggerCode;
    if (ph === Phase.PendingCreating)
      trigger = ok ? Trigger.ProvisioningSucceeded : Trigger.ProvisioningFailed;
    else if (ph === Phase.PendingRestoring) trigger = ok ? Trigger.RestoreSucceeded : Trigger.RestoreFailed;
    else if (isInProgress(ph as PhaseCode)) trigger = ok ? Trigger.UpdateSucceeded : Trigger.UpdateFailed;
    else {
      if (ok && config !== NO_CONFIG) this.p.notify(Msg.EniRelease, this.globalId[f], config, 0);
      return;
    }
    const rule = this.lookup(f, trigger);
    if (rule === null) {
      this.badTransitions.push(`${this.plan.functions.names[this.globalId[f]]}: ${trigger} in phase ${ph}`);
      return;
    }
    this.apply(f, rule, trigger, code as ReasonCodeValue, config);
  }

  /**
   * The idle clock (R11). A pending check re-arms itself at the deadline of
   * the latest invocation. At the deadline a busy or updating function is not
   * idle: the check lapses, and the end of its last invocation or the outcome
   * of its update arms it again (no polling while it waits).
   */
  private onIdleCheck(f: number): void {
    this.idleCheckAtUs[f] = -1;
    if (this.phase[f] !== Phase.Active) return;
    const dueUs = this.lastInvokeUs[f] + this.plan.defaults.inactiveAfterUs;
    if (this.p.nowUs < dueUs) {
      this.idleCheckAtUs[f] = dueUs;
      this.p.at(dueUs, Ev.IdleCheck, f, 0, 0);
      return;
    }
    if (this.busyEnvironments[f] > 0) return;
    if ((this.versionsOf[f]?.provisionedTotal() ?? 0) > 0) return; // provisioned environments are in use
    const rule = this.lookup(f, Trigger.IdleTimeout);
    if (rule !== null) this.apply(f, rule, Trigger.IdleTimeout, ReasonCode.Idle, NO_CONFIG);
  }

  private armIdleCheck(f: number): void {
    if (this.idleCheckAtUs[f] >= 0) return; // a pending check re-arms itself from lastInvokeUs
    const atUs = this.lastInvokeUs[f] + this.plan.defaults.inactiveAfterUs;
    this.idleCheckAtUs[f] = atUs;
    this.p.at(Math.max(atUs, this.p.nowUs), Ev.IdleCheck, f, 0, 0);
  }

  private resetConfig(f: number, tpl: PlanTemplate): void {
    this.vpcConfig[f] = tpl.vpcConfig;
    this.pendingVpcConfig[f] = tpl.vpcConfig;
    this.memoryMb[f] = tpl.memoryMb;
    this.pendingMemoryMb[f] = tpl.memoryMb;
    this.timeoutUs[f] = tpl.timeoutUs;
    this.pendingTimeoutUs[f] = tpl.timeoutUs;
  }

  // ---- Faults ------------------------------------------------------------------------------------

  private faultApplies(fault: PlanFault, f: number): boolean {
    const now = this.p.nowUs;
    if (now < fault.fromUs || now >= fault.untilUs) return false;
    if ("targets" in fault && fault.targets !== null) return containsSorted(fault.targets, this.globalId[f]);
    return true;
  }

  private faultHits(f: number, kind: "createHang"): boolean {
    for (const fault of this.plan.faults) {
      if (fault.kind !== kind || !this.faultApplies(fault, f)) continue;
      if (fault.probability >= 1 || this.serviceRng.next(f) < fault.probability) return true;
    }
    return false;
  }

  /** R3/R9/R12 causes injected by faults: the role losing permissions (VPC functions) or a provisioning failure. */
  private injectedFailure(f: number, vpc: boolean): ReasonCodeValue {
    for (const fault of this.plan.faults) {
      if (fault.kind === "rolePermissions" && vpc && this.faultApplies(fault, f))
        return ReasonCode.InsufficientRolePermissions;
      if (fault.kind === "provisioningFailure" && this.faultApplies(fault, f)) {
        if (fault.probability >= 1 || this.serviceRng.next(f) < fault.probability)
          return reasonCodeOf(fault.code);
      }
    }
    return ReasonCode.None;
  }

  // ---- Client tasks (R14, R15 retries) --------------------------------------------------------------

  private configOfTask(slot: number): PlanConfigChange | undefined {
    const t = this.tasks;
    if (t.step[slot] >= 0) return this.plan.steps[t.step[slot]].config;
    return this.plan.calls[t.call[slot]].config;
  }

  /** The task makes its current call (or, while waiting, its next poll). */
  private issue(slot: number): void {
    const t = this.tasks;
    const f = t.fn[slot];
    if (t.polls[slot] >= 0) {
      this.p.request(Msg.ApiRequest, this.globalId[f], t.waiter[slot]!.operation, slot);
      return;
    }
    const op = t.op[slot] as OperationCode;
    if (op === Operation.Invoke) {
      const call = t.call[slot] >= 0 ? this.plan.calls[t.call[slot]] : null;
      const caller = (t.step[slot] >= 0 ? this.plan.steps[t.step[slot]] : call!).caller;
      const hop = t.step[slot] < 0 ? this.callIsEvent[t.call[slot]] : 0;
      this.invoke(f, slot + 1, hop, caller ?? -1, call?.params?.qualifier ?? LATEST);
    } else this.p.request(Msg.ApiRequest, this.globalId[f], op, slot);
  }

  /** The answer to a task's call (or poll). Retries as the SDK's retry policy says, then moves on. */
  private taskAnswer(slot: number, error: number): void {
    const t = this.tasks;
    const client = this.plan.clients[t.client[slot]];
    const retryable = error === ApiError.TooManyRequestsException || API_ERROR_HTTP_STATUS[error] >= 500;
    if (retryable && t.attempt[slot] < client.retry.maxAttempts) {
      const attempt = t.attempt[slot]++;
      this.obs.clientRetries++;
      const base =
        error === ApiError.TooManyRequestsException
          ? client.retry.throttleBaseDelayUs
          : client.retry.baseDelayUs;
      const capUs = Math.min(client.retry.maxBackoffUs, base * 2 ** (attempt - 1));
      this.p.after(Math.round(this.clientRng.next(t.fn[slot]) * capUs), Ev.Task, slot, 0, 0);
      return;
    }
    t.attempt[slot] = 1;
    if (retryable) this.obs.clientGaveUp++;
    if (t.polls[slot] >= 0) {
      // An error no acceptor matches ends the wait.
      this.obs.waiters[WaiterOutcome.Failed]++;
      this.tasks.release(slot);
      return;
    }
    const succeeded =
      error === ApiError.None || error === ApiError.FunctionError || error === ApiError.Timeout;
    if (!succeeded) {
      this.tasks.release(slot);
      return;
    }
    const spec = waiterAfter(t.op[slot] as OperationCode, client.waiter);
    if (spec !== null) {
      this.obs.waiters[WaiterOutcome.Started]++;
      t.waiter[slot] = spec;
      t.polls[slot] = 0;
      this.issue(slot);
      return;
    }
    this.advance(slot);
  }

  private onPoll(f: number, op: OperationCode, slot: number): void {
    const t = this.tasks;
    const spec = t.waiter[slot]!;
    const error = this.applyOperation(f, op, undefined);
    if (error !== ApiError.None) {
      this.taskAnswer(slot, error);
      return;
    }
    t.attempt[slot] = 1;
    const polls = ++t.polls[slot];
    const verdict = judge(spec, this.observe(f, spec.path));
    if (verdict === Verdict.Success) {
      this.obs.waiters[WaiterOutcome.Succeeded]++;
      if (t.op[slot] === Operation.CreateFunction)
        this.obs.record(Hist.CreateToActiveClient, this.p.nowUs - t.startUs[slot]);
      t.polls[slot] = -1;
      t.waiter[slot] = null;
      this.advance(slot);
    } else if (verdict === Verdict.Failure) {
      this.obs.waiters[WaiterOutcome.Failed]++;
      t.release(slot);
    } else if (polls >= spec.maxAttempts) {
      this.obs.waiters[WaiterOutcome.TimedOut]++;
      t.release(slot);
    } else {
      this.p.after(spec.delayUs, Ev.Task, slot, 0, 0);
    }
  }

  /** What a waiter's read observes. */
  private observe(f: number, path: "State" | "LastUpdateStatus" | "VersionState"): string {
    const ph = this.phase[f] as PhaseCode;
    if (path === "State") return ph === Phase.Absent ? "" : stateNameOf(ph);
    if (path === "LastUpdateStatus") {
      return LAST_UPDATE_STATUS_NAMES[
        reportedLastUpdateStatus(ph, this.settledLus[f] as LastUpdateStatusCode)
      ];
    }
    if (this.versions[f] === 0) return "";
    return this.latestVersionActive[f] === 1 ? "Active" : "Pending";
  }

  /** Moves a task to its next `then` call, or ends it. */
  private advance(slot: number): void {
    const t = this.tasks;
    const step = t.step[slot] >= 0 ? this.plan.steps[t.step[slot]] : null;
    const next = t.thenPos[slot] + 1;
    if (step === null || next >= step.then.length) {
      t.release(slot);
      return;
    }
    t.thenPos[slot] = next;
    t.op[slot] = Operation[step.then[next]];
    t.attempt[slot] = 1;
    t.startUs[slot] = this.p.nowUs;
    this.issue(slot);
  }

  // ---- Tracing ---------------------------------------------------------------------------------------

  private isTraced(f: number): boolean {
    return this.tracer !== null && this.traced !== null && this.traced[f] === 1;
  }

  private nameOf(f: number): string {
    return this.plan.functions.names[this.globalId[f]];
  }

  /** Traces a throttled invocation with the TooManyRequestsException Reason its cause maps to (D1, D3). */
  private traceThrottle(f: number, cause: number): void {
    const ph = this.phase[f] as PhaseCode;
    const reason = THROTTLE_CAUSE_REASON[cause];
    const message = Messages.concurrencyExceeded;
    this.trace(
      f,
      Trigger.Invoke,
      ApiError.TooManyRequestsException,
      ph,
      message,
      reason,
      this.liveRevision[f],
    );
  }

  /** The async lifecycle of a traced function's event (async-events.ts AsyncTracer). */
  private traceAsync(f: number, kind: number, code: number, detail: number): void {
    if (!this.isTraced(f)) return;
    const ph = this.phase[f] as PhaseCode;
    const rev = this.liveRevision[f];
    if (kind === AsyncTrace.Accepted) {
      // HTTP 202: the event is queued; its attempts are traced as Invoke records.
      this.traceNamed(f, "Invoke", "Accepted", ph, "", "InvocationType=Event", rev);
    } else if (kind === AsyncTrace.Retry) {
      this.traceNamed(
        f,
        "AsyncEventRetry",
        "OK",
        ph,
        "",
        `${ASYNC_RETRY_CAUSE_NAMES[code]}, in ${detail / 1e6}s`,
        rev,
      );
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

  /** Off the hot path: called only for traced functions (callers check isTraced). */
  private trace(
    f: number,
    trigger: number,
    error: number,
    before: PhaseCode,
    message: string,
    reason: string,
    revision: number,
  ): void {
    this.traceNamed(
      f,
      TRIGGER_LABELS[trigger],
      error === 0 ? "OK" : ERROR_LABELS[error],
      before,
      message,
      reason,
      revision,
    );
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
    const after = this.phase[f] as PhaseCode;
    const exists = PHASE_STATE[after] !== -1;
    this.tracer({
      timeUs: this.p.nowUs,
      function: this.nameOf(f),
      operation,
      outcome,
      message,
      reason,
      stateBefore: stateNameOf(before),
      stateAfter: stateNameOf(after),
      lastUpdateStatus: exists
        ? LAST_UPDATE_STATUS_NAMES[
            reportedLastUpdateStatus(after, this.settledLus[f] as LastUpdateStatusCode)
          ]
        : "",
      stateReasonCode: exists ? REASON_LABELS[this.stateReason[f]] : "",
      lastUpdateStatusReasonCode: exists ? REASON_LABELS[this.lusReason[f]] : "",
      revision,
    });
  }

  /**
   * Provisioned concurrency of this partition's functions now
   * (PartitionResult.provisioned): requested, allocated, available, configs
   * IN_PROGRESS, READY, FAILED, environments running a request.
   */
  provisionedTotals(): number[] {
    const out = [0, 0, 0, 0, 0, 0, this.provisionedBusy];
    for (const vs of this.versionsOf) {
      if (vs === null) continue;
      for (const c of vs.configs) {
        out[0] += c.requested;
        out[3 + c.status]++;
      }
      for (const v of vs.versions) {
        out[1] += v.pool.ready;
        out[2] += v.pool.free;
      }
    }
    return out;
  }

  /** Outstanding client tasks (for the end-of-run report). */
  get openTasks(): number {
    return this.tasks.live;
  }

  /** Events this partition processed (read at sample points). */
  get eventsProcessed(): number {
    return this.p.eventsProcessed;
  }
}

const TRIGGER_LABELS: readonly string[] = TRIGGER_NAMES;
const ERROR_LABELS: readonly string[] = API_ERROR_NAMES;
const REASON_LABELS: readonly string[] = REASON_CODE_NAMES;

/**
 * Functions that need versions.ts state: those the scenario publishes,
 * aliases, qualifies or configures concurrency of (by global index).
 */
function functionsWithVersions(plan: Plan): Set<number> {
  const out = new Set<number>();
  const versionOps: ReadonlySet<string> = new Set([
    "PublishVersion",
    "CreateAlias",
    "UpdateAlias",
    "PutFunctionConcurrency",
    "DeleteFunctionConcurrency",
    "PutProvisionedConcurrencyConfig",
    "DeleteProvisionedConcurrencyConfig",
  ]);
  for (const c of plan.calls)
    if (versionOps.has(c.operation) || (c.params?.qualifier ?? LATEST) !== LATEST) out.add(c.function);
  for (const st of plan.steps)
    if (st.operation === "PublishVersion" || (st.then as string[]).includes("PublishVersion"))
      for (const g of st.targets) out.add(g);
  for (const st of plan.invokeStreams)
    if ((st.qualifier ?? LATEST) !== LATEST) for (const g of st.targets) out.add(g);
  return out;
}

const runtimeFamilyOf = (runtime: string): string => /^[a-z]*/.exec(runtime)![0];

/** When a step reaches its k-th target: `ratePerSec` targets a second from `atUs`, or all at once. */
function stepTimeUs(step: PlanStep, k: number): number {
  if (step.ratePerSec <= 0) return step.atUs;
  return step.atUs + Math.round((k * 1e6) / step.ratePerSec);
}
