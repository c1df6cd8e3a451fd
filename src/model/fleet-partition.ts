/**
 * The function actors of one logical partition, and the clients that drive
 * them: the PartitionHandler the engine runs. It builds the rooms of the
 * model over one per-function store (function-store.ts), routes each event
 * to the room whose job it is, and runs each lifecycle rule's effect in the
 * room that does it (runEffect: one case per effect of the table).
 *
 *   workload.ts            arrivals, workload steps, explicit calls
 *   client-driver.ts       client tasks: calls, SDK retries, waiters
 *   invocations.ts         Invoke requests: the table's answer, routing, admission
 *   environments.ts        execution environments: start, run, end, warm or not
 *   invocation-outcomes.ts each invocation's one outcome, counted and answered
 *   lifecycle.ts           the transition table applied, and the lifecycle's effects
 *   control-plane.ts       versions, aliases, reserved and provisioned concurrency
 *   service-faults.ts      injected faults in the service's own work
 *   function-trace.ts      the trace of watched functions
 */
import type { Partition, PartitionHandler } from "../engine/partition.js";
import { type OperationCode, ReasonCode, type ReasonCodeValue } from "./aws-names.js";
import { AsyncInvocations, usesAsync } from "./async-events.js";
import { ClientDriver } from "./client-driver.js";
import { ControlPlane } from "./control-plane.js";
import { Environments } from "./environments.js";
import { type CallAnswerListener, FleetContext } from "./fleet-context.js";
import {
  type FunctionReading,
  type LiveFunctionSettings,
  readFunction,
  readVersions,
  type VersionsReading,
} from "./function-reading.js";
import { FunctionTrace, type Tracer } from "./function-trace.js";
import { InvocationOutcomes } from "./invocation-outcomes.js";
import { Invocations } from "./invocations.js";
import { type EffectRunner, Lifecycle } from "./lifecycle.js";
import { EffectCode, Phase, type Rule, Trigger } from "./lifecycle-table.js";
import { Observations } from "./observations.js";
import type { Plan } from "./plan.js";
import { IO_SLOWDOWN_SPAN, isDelivery, Ev } from "./protocol.js";
import { LATEST, qualifierSlotCount } from "./qualifiers.js";
import { ServiceFaults } from "./service-faults.js";
import { FunctionVersions } from "./versions.js";
import { TraceReads } from "./trace-reads.js";
import { type ReplayCounts, TraceReplays } from "./trace-replay.js";
import { Workload } from "./workload.js";

export type { TraceRecord, Tracer } from "./function-trace.js";

const CONFIG_SHIFT = 1_048_576; // ENI result packing: a = epoch * CONFIG_SHIFT + vpc config
const NO_CONFIG = -1;
/** Calls a live run may add: seqs reserved up front, far below what a run's own events use up (2^53). */
const MAX_LIVE_CALLS = 2 ** 40;

export class FleetPartition implements PartitionHandler, EffectRunner {
  readonly obs: Observations;
  readonly count: number;
  private readonly c: FleetContext;
  private readonly trace: FunctionTrace;
  private readonly faults: ServiceFaults;
  private readonly controlPlane: ControlPlane;
  private readonly lifecycle: Lifecycle;
  private readonly outcomes: InvocationOutcomes;
  private readonly environments: Environments;
  private readonly invocations: Invocations;
  private readonly clients: ClientDriver;
  private readonly workload: Workload;
  private readonly replays: TraceReplays;
  /** A live run: the next of the seqs reserved for the calls it adds (-1: not live). */
  private liveCallSeq = -1;

  constructor(
    private readonly p: Partition,
    readonly plan: Plan,
    globalIds: Int32Array,
    /** Local index of every global function (valid for this partition's functions). */
    private readonly localOf: Int32Array,
    tracer: Tracer | null,
    traced: Uint8Array | null,
    /** Per-function invocation outcomes and State by global index (function-table.ts), or null. */
    functionTable: Float64Array | null = null,
    /** The run's sample interval (0: none). */
    sampleIntervalUs = 0,
    /** The host's reading of the run's traces, shared by the partitions it hosts (trace-reads.ts). */
    traceReads: TraceReads = new TraceReads(plan),
  ) {
    this.obs = new Observations(
      plan.templates.length,
      plan.fileSystems.length,
      plan.callers.length,
      qualifierSlotCount(plan.aliases),
    );
    const c = new FleetContext(p, plan, this.obs, globalIds, functionTable, sampleIntervalUs);
    this.c = c;
    this.count = globalIds.length;
    this.trace = new FunctionTrace(c, tracer, traced);
    this.faults = new ServiceFaults(c);
    this.controlPlane = new ControlPlane(c, this.trace, this.faults);
    const versioned = functionsWithVersions(plan);
    this.lifecycle = new Lifecycle(c, this.trace, this.faults, this.controlPlane, {
      versions: Array.from(globalIds).some((g) => versioned.has(g)),
      eventInvocations: usesAsync(plan),
    });
    this.outcomes = new InvocationOutcomes(c, this.trace, functionTable);
    this.environments = new Environments(c, this.trace, this.outcomes, this.lifecycle, this.controlPlane);
    this.invocations = new Invocations(c, this.trace, this.outcomes, this.lifecycle, this.environments);
    this.clients = new ClientDriver(c, this.trace, this.lifecycle, this.invocations);
    this.workload = new Workload(c, localOf, this.invocations);
    this.replays = new TraceReplays(c, localOf, this.invocations, traceReads);
    c.links = {
      invoke: (f, ctx, hop, caller, qualifier) => this.invocations.invoke(f, ctx, hop, caller, qualifier),
      taskAnswer: (slot, error) => this.clients.taskAnswer(slot, error),
    };
    this.lifecycle.effects = this;
    if (usesAsync(plan)) {
      const trace = this.trace;
      c.async = new AsyncInvocations(
        p,
        plan,
        c.fn.templateOf,
        this.obs,
        c.streams("async"),
        plan.defaults.asyncPollDelayUs,
        tracer === null ? null : (f, kind, code, detail) => trace.traceAsync(f, kind, code, detail),
      );
    }
    this.setUpFunctions(versioned);
  }

  /** Each function's template and settings; the scenario's existing functions start Active. */
  private setUpFunctions(versioned: Set<number>): void {
    const { fn, plan } = this.c;
    for (let f = 0; f < fn.count; f++) {
      const g = fn.globalId[f];
      const t = plan.functions.template[g];
      fn.templateOf[f] = t;
      const tpl = plan.templates[t];
      fn.unreserved[f] = tpl.reservedConcurrency < 0 && tpl.fileSystem < 0 ? 1 : 0;
      fn.resetConfig(f, tpl);
      if (versioned.has(g))
        fn.versionsOf[f] = new FunctionVersions(plan.aliases.length, tpl.reservedConcurrency);
      if (tpl.existing) {
        const rule = this.lifecycle.lookup(f, Trigger.Existing)!;
        this.lifecycle.apply(f, rule, Trigger.Existing, ReasonCode.None, NO_CONFIG);
      }
    }
  }

  /**
   * Schedules the workload, the idle checks of the functions that exist and
   * the faults that reach functions as their own events.
   */
  start(): void {
    this.workload.start();
    // A live run's calls take seqs reserved here: at equal times they run after the workload's
    // first events and the plan's calls and before anything scheduled later, as a replay of the
    // session (its calls in the plan from the start) runs them.
    if (this.plan.live === true) this.liveCallSeq = this.p.queue.reserveSeqs(MAX_LIVE_CALLS);
    this.replays.start();
    const fn = this.c.fn;
    for (let f = 0; f < fn.count; f++) if (fn.phase[f] === Phase.Active) this.lifecycle.armIdleCheck(f);
    this.faults.scheduleGrantRevocations();
  }

  onEvent(kind: number, target: number, a: number, b: number): void {
    // Deliveries from the coordinator name functions by global index.
    if (isDelivery(kind)) target = this.localOf[target];
    switch (kind) {
      case Ev.Arrival:
        return this.workload.onArrival(target, a);
      case Ev.TraceArrival:
        return this.replays.onArrival(target, a, b);
      case Ev.TraceFeed:
        return this.replays.onFeed(target);
      case Ev.InvocationAdmitted:
        return this.environments.onAdmitted(target, a, b, 1);
      case Ev.InvocationAdmittedEfs: {
        const slowMilli = b % IO_SLOWDOWN_SPAN;
        return this.environments.onAdmitted(target, a, (b - slowMilli) / IO_SLOWDOWN_SPAN, slowMilli / 1000);
      }
      case Ev.KmsGrantRevoked:
        return this.revokeGrant(target, a);
      case Ev.InvocationEnd:
        return this.environments.onEnded(target, a, b);
      case Ev.InvocationThrottled:
        return this.invocations.throttled(target, b);
      case Ev.StepTarget:
        return this.clients.onStepTarget(target, a);
      case Ev.Task:
        return this.clients.issue(target);
      case Ev.ApiApply:
        return this.clients.onApiApply(target, a as OperationCode, b);
      case Ev.ApiThrottled:
        return this.clients.onApiThrottled(target, a as OperationCode, b);
      case Ev.EniResult: {
        const config = a % CONFIG_SHIFT;
        return this.lifecycle.settle(target, (a - config) / CONFIG_SHIFT, b, config);
      }
      case Ev.LocalProvisionDone:
        return this.lifecycle.settle(target, a, b, NO_CONFIG);
      case Ev.VersionReady:
        return this.controlPlane.versionReady(target, a);
      case Ev.ProvisionedEnvReady:
        return this.controlPlane.provisionedEnvReady(target, a);
      case Ev.ConcurrencyConfigResult:
        return this.controlPlane.concurrencyConfigResult(target, a, b);
      case Ev.IdleCheck:
        return this.lifecycle.onIdleCheck(target);
      case Ev.AsyncDispatch: {
        const q = this.c.async!;
        const ctx = q.dispatch(a);
        if (ctx > 0) this.invocations.invoke(target, ctx, 0, -1, q.qualifierOf(ctx));
        return;
      }
      case Ev.ExplicitCall:
        return this.clients.onExplicitCall(target, a);
    }
  }

  // ---- A live run (fleet-sim serve): functions named and configured as the API creates them ------

  /** Tells `listener` the final answer to every explicit call. */
  listenToCalls(listener: CallAnswerListener): void {
    this.c.onCallAnswer = listener;
  }

  /** Schedules explicit call `index` (a Plan.calls index) of local function f, added while the run goes. */
  scheduleLiveCall(f: number, atUs: number, index: number): void {
    if (this.liveCallSeq < 0) throw new Error("not a live run");
    this.p.atSeq(atUs, this.liveCallSeq++, Ev.ExplicitCall, f, index, 0);
  }

  /**
   * Local function f, never created yet, takes its plan name and template
   * (set by the caller) and the settings of the CreateFunction that will
   * create it. Its random streams restart when the name is new to the slot;
   * a name created again keeps them going, as a replay's function does.
   */
  prepareCreate(f: number, settings: LiveFunctionSettings, renamed: boolean): void {
    const { fn, plan } = this.c;
    if (fn.phase[f] !== Phase.Absent) throw new Error(`function ${this.c.nameOf(f)} exists already`);
    const t = plan.functions.template[fn.globalId[f]];
    const tpl = plan.templates[t];
    fn.templateOf[f] = t;
    fn.unreserved[f] = tpl.reservedConcurrency < 0 && tpl.fileSystem < 0 ? 1 : 0;
    this.c.createSettings!.set(f, settings);
    fn.resetConfig(f, settings);
    if (renamed) this.c.renamed(f);
  }

  /** Local function f as GetFunctionConfiguration reads it now. */
  view(f: number): FunctionReading {
    return readFunction(this.c.fn, f);
  }

  /** Local function f's versions, aliases and concurrency settings now (null: it keeps none). */
  versionsOf(f: number): VersionsReading | null {
    const vs = this.c.fn.versionsOf[f];
    return vs === null ? null : readVersions(vs);
  }

  /** V9: Lambda's grant on the function's key was revoked (a kmsGrantRevoked fault). */
  private revokeGrant(f: number, faultIndex: number): void {
    const fault = this.plan.faults[faultIndex];
    if (fault.kind === "kmsGrantRevoked" && this.c.fn.phase[f] !== Phase.Absent)
      this.c.invocationFaults.revokeGrant(f, fault);
  }

  /**
   * Runs the effect a lifecycle rule names, in the room that does it. One case
   * per effect of the table: a new effect without a case does not compile.
   */
  runEffect(f: number, rule: Rule, code: ReasonCodeValue, config: number): void {
    const lc = this.lifecycle;
    const effect = rule.effectCode;
    switch (effect) {
      // Invocations and their environments (the hot path first).
      case EffectCode.runInvocation:
        return this.invocations.runInvocation(f);
      case EffectCode.startInvocation:
        return this.environments.startInvocation(f);
      case EffectCode.keepEnvironment:
        return this.environments.keepEnvironment(f);
      case EffectCode.retireEnvironment:
        return this.environments.retireEnvironment(f);
      case EffectCode.none:
        return;
      case EffectCode.queueEvent:
        return this.invocations.queueEvent(f);
      case EffectCode.denyAccess:
        return this.invocations.denyAccess();
      case EffectCode.refuseKms:
        return this.invocations.refuseKms(f);
      case EffectCode.refuseQualifier:
        return this.invocations.refuseQualifier(f);
      case EffectCode.abandonInvocation:
        return this.environments.abandonInvocation(f);
      case EffectCode.rearmIdleCheck:
        return lc.rearmIdleCheck(f);
      // Configuration outside the State lifecycle (V1-V4).
      case EffectCode.configureAlias:
        return this.controlPlane.configure(f, rule.on as OperationCode, "alias");
      case EffectCode.configureConcurrency:
        return this.controlPlane.configure(f, rule.on as OperationCode, "concurrency");
      // The lifecycle's own (lifecycle.ts).
      case EffectCode.adoptExisting:
        return lc.adoptExisting(f);
      case EffectCode.startCreate:
        return lc.startCreate(f);
      case EffectCode.activate:
        return lc.activate(f, config);
      case EffectCode.fail:
        return lc.fail(f, code);
      case EffectCode.cancelPending:
        return lc.cancelPending(f);
      case EffectCode.startUpdate:
        return lc.startUpdate(f);
      case EffectCode.completeUpdate:
        return lc.completeUpdate(f, config);
      case EffectCode.failUpdate:
        return lc.failUpdate(f, rule, code);
      case EffectCode.publishVersion:
        return lc.publishVersion(f);
      case EffectCode.goInactive:
        return lc.goInactive(f);
      case EffectCode.startRestore:
        return lc.startRestore(f);
      case EffectCode.completeRestore:
        return lc.completeRestore(f, config);
      case EffectCode.failRestore:
        return lc.failRestore(f, code);
      case EffectCode.delete:
        return lc.delete(f);
      default:
        return unknownEffect(effect);
    }
  }

  // ---- What the partition's results and samples read (partition-result.ts) ---------------------

  get stateCount(): Float64Array {
    return this.c.fn.stateCount;
  }
  get lusCount(): Float64Array {
    return this.c.fn.lusCount;
  }
  get stateByTemplate(): Float64Array {
    return this.c.fn.stateByTemplate;
  }
  /** Invocations accepted into the model but without an outcome yet. */
  get openInvocations(): number {
    return this.c.openInvocations;
  }
  get async(): AsyncInvocations | null {
    return this.c.async;
  }
  /** Provisioned environments running a request, and initialised (V2; sampled). */
  get provisionedBusy(): number {
    return this.c.provisionedBusy;
  }
  get provisionedReady(): number {
    return this.c.provisionedReady;
  }
  /** Transitions the table does not allow (must stay empty). */
  get badTransitions(): readonly string[] {
    return this.c.badTransitions;
  }
  /** Answers to explicit calls so far: (call, error, time) triples. */
  get callAnswers(): readonly number[] {
    return this.c.callAnswers;
  }
  /** Arrivals so far per invoke stream at this partition's functions. */
  get streamArrivals(): Float64Array {
    return this.workload.arrivals;
  }

  /** What each trace replay saw (trace-replay.ts); closes the traces still open. */
  replayCounts(): ReplayCounts[] {
    this.replays.close();
    return this.replays.counts;
  }
  provisionedTotals(): number[] {
    return this.controlPlane.provisionedTotals();
  }
  /** Outstanding client tasks (for the end-of-run report). */
  get openTasks(): number {
    return this.clients.tasks.live;
  }
  /** The warm pool's gauges at sample point `atUs`: by template, environments busy, then warm idle ones. */
  writeEnvironmentGauges(out: Float64Array, offset: number, atUs: number): void {
    this.c.envMeasures.writeGauges(out, offset, atUs);
  }
  /** The run ended at the partition's clock: the environments' open periods are counted (once). */
  finishEnvironments(): void {
    if (this.finished) return;
    this.finished = true;
    const endUs = this.p.nowUs;
    this.c.envs.finish(endUs);
    this.c.envMeasures.finish(endUs);
  }
  private finished = false;
  /** Events this partition processed (read at sample points). */
  get eventsProcessed(): number {
    return this.p.eventsProcessed;
  }
}

/** A compile error when an effect of the table has no case in runEffect. */
function unknownEffect(effect: never): never {
  throw new Error(`no room runs the effect ${String(effect)}`);
}

/**
 * Functions that need versions.ts state: those the scenario publishes,
 * aliases, qualifies or configures concurrency of (by global index).
 */
function functionsWithVersions(plan: Plan): Set<number> {
  const out = new Set<number>();
  if (plan.live === true) for (let g = 0; g < plan.functions.names.length; g++) out.add(g);
  const versionOps: ReadonlySet<string> = new Set([
    "PublishVersion",
    "CreateAlias",
    "UpdateAlias",
    "DeleteAlias",
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
