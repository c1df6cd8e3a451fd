/**
 * The lifecycle machine of one partition's functions: looks a (phase,
 * trigger) up in the transition table, takes the rule (effect, phase,
 * count, trace), and does the lifecycle's own effects: creating, updating,
 * restoring, publishing, going idle, deleting. Provisioning goes to the
 * coordinator (ENIs) or a local timer; its answer comes back to `settle`.
 */
import {
  ApiError,
  LastUpdateStatus,
  type OperationCode,
  ReasonCode,
  type ReasonCodeValue,
} from "./aws-names.js";
import { ANSWER_LATER, type ControlPlane } from "./control-plane.js";
import { sampleUs } from "./distributions.js";
import { type FleetContext, UNRESOLVED } from "./fleet-context.js";
import { NO_CONFIG } from "./function-store.js";
import type { FunctionTrace } from "./function-trace.js";
import { stateNameOf } from "./function-view.js";
import {
  answerMessage,
  type Guard,
  GuardCode,
  type GuardCodeValue,
  indexWithout,
  lookupRule,
  PHASE_COUNT,
  Phase,
  type PhaseCode,
  type Rule,
  SETTLED_BY,
  Trigger,
  type TriggerCode,
} from "./lifecycle-table.js";
import { ERROR_COUNT, Hist, TEMPLATE_HIST_INDEX } from "./observations.js";
import type { PlanTemplate } from "./plan.js";
import { EnvKind, Ev, Msg } from "./protocol.js";
import { isAlias } from "./qualifiers.js";
import type { ServiceFaults } from "./service-faults.js";

// Positions in TEMPLATE_HISTS of the histograms kept per template.
const PENDING_CREATE = TEMPLATE_HIST_INDEX[Hist.PendingCreate];
const PENDING_RESTORE = TEMPLATE_HIST_INDEX[Hist.PendingRestore];

const BLOCKING_RESTORE_CODES: ReadonlySet<number> = new Set([
  ReasonCode.InsufficientRolePermissions,
  ReasonCode.SubnetOutOfIPAddresses,
]);

/** Runs a rule's effect (FleetPartition.runEffect: the one dispatch over every effect). */
export interface EffectRunner {
  runEffect(f: number, rule: Rule, code: ReasonCodeValue, config: number): void;
}

const UNLINKED: EffectRunner = {
  runEffect: () => {
    throw new Error("the lifecycle's effects are not linked yet");
  },
};

export class Lifecycle {
  /** Set by FleetPartition once every room exists. */
  effects: EffectRunner = UNLINKED;

  // Guard context for lookupRule, set before each lookup (no closure per call).
  private guardFn = 0;
  private readonly guardHolds = (_g: Guard, code: GuardCodeValue): boolean => this.holds(code, this.guardFn);

  /** The table's rules that can apply in this run (indexWithout). */
  private readonly index: readonly (readonly Rule[])[];

  constructor(
    private readonly c: FleetContext,
    private readonly trace: FunctionTrace,
    private readonly faults: ServiceFaults,
    private readonly controlPlane: ControlPlane,
    /** Which guards the plan makes possible at all (FleetPartition decides it once). */
    uses: { versions: boolean; eventInvocations: boolean },
  ) {
    const never = new Set<GuardCodeValue>();
    if (!c.invocationFaults.deniesAny) never.add(GuardCode.callerDenied);
    if (!c.invocationFaults.usesKms) never.add(GuardCode.kmsBlocked);
    if (!uses.eventInvocations) never.add(GuardCode.eventInvocation);
    if (!uses.versions) {
      never.add(GuardCode.qualifierNotFound);
      never.add(GuardCode.versionPending);
    }
    this.index = indexWithout(never);
  }

  /** The rule for `trigger` in the function's phase, given its guards; null when the trigger does not apply. */
  lookup(f: number, trigger: TriggerCode): Rule | null {
    this.guardFn = f;
    return lookupRule(this.c.fn.phase[f] as PhaseCode, trigger, this.guardHolds, this.index);
  }

  /** Whether guard `g` holds for function f (and the request in c.request). */
  private holds(g: GuardCodeValue, f: number): boolean {
    const { fn, plan, request } = this.c;
    const now = this.c.p.nowUs;
    switch (g) {
      case GuardCode.callerDenied:
        return request.caller >= 0 && this.c.invocationFaults.isDenied(request.caller, f);
      case GuardCode.eventInvocation:
        return request.hop > 0;
      case GuardCode.kmsBlocked:
        return this.c.invocationFaults.kmsBlocked(f, now);
      case GuardCode.qualifierNotFound:
        return fn.versionsOf[f] !== null && this.resolvedVersion(f) < 0;
      case GuardCode.versionPending: {
        const vs = fn.versionsOf[f];
        const version = vs === null ? null : vs.version(this.resolvedVersion(f));
        return version !== null && !version.active;
      }
      case GuardCode.environmentRetired:
        return (
          !request.sameIncarnation ||
          request.envOutcome > ApiError.Timeout ||
          (request.envKind === EnvKind.Latest && request.envRevision !== fn.liveRevision[f])
        );
      case GuardCode.invokedSinceCheck:
        return now < fn.lastInvokeUs[f] + plan.defaults.inactiveAfterUs;
      case GuardCode.environmentsBusy:
        return fn.busyEnvironments[f] > 0;
      case GuardCode.provisionedInUse:
        return (fn.versionsOf[f]?.provisionedTotal() ?? 0) > 0;
      case GuardCode.pendingTooLong:
        return now - fn.pendingSinceUs[f] > plan.defaults.stuckPendingUs;
      case GuardCode.restoreBlocked:
        return now < fn.restoreBlockedUntilUs[f];
    }
  }

  /**
   * The version the request's qualifier names (V1), resolved once per request:
   * an alias with weighted routing draws from the function's routing stream.
   */
  private resolvedVersion(f: number): number {
    const request = this.c.request;
    if (request.version === UNRESOLVED) {
      const vs = this.c.fn.versionsOf[f]!;
      const q = request.qualifier;
      const u = isAlias(q) && this.c.routeRng !== null ? this.c.routeRng.next(f) : 0;
      request.version = vs.resolve(q, u);
    }
    return request.version;
  }

  /**
   * Takes a rule: runs its effect, moves the phase, counts the transition,
   * traces it. A quiet rule (a check) only runs its effect.
   */
  apply(f: number, rule: Rule, trigger: TriggerCode, code: ReasonCodeValue, config: number): void {
    const fn = this.c.fn;
    const from = fn.phase[f] as PhaseCode;
    this.effects.runEffect(f, rule, code, config);
    if (rule.to !== from) fn.setPhase(f, rule.to);
    if (rule.quiet) return;
    this.c.obs.transitions[from * PHASE_COUNT + rule.to]++;
    if (trigger !== Trigger.Invoke && this.trace.isTraced(f)) {
      const message = answerMessage(rule.answer, this.c.nameOf(f), stateNameOf(from));
      this.trace.trace(f, trigger, rule.answer.error, from, message, "", fn.liveRevision[f]);
    }
  }

  /**
   * A control-plane operation reached the function (its call in c.request);
   * returns the caller's answer, or ANSWER_LATER when the coordinator answers.
   */
  applyOperation(f: number, op: OperationCode): number {
    const rule = this.lookup(f, op as TriggerCode);
    if (rule === null) throw new Error(`no rule for ${op} in phase ${this.c.fn.phase[f]}`);
    const request = this.c.request;
    request.answer = rule.answer.error;
    this.apply(f, rule, op as TriggerCode, ReasonCode.None, NO_CONFIG);
    const error = request.answer;
    if (error !== ANSWER_LATER) this.c.obs.api[op * ERROR_COUNT + error]++;
    return error;
  }

  /** An ENI claim or a local provisioning step settled: success or failure of whatever is pending. */
  settle(f: number, epoch: number, code: number, config: number): void {
    const fn = this.c.fn;
    if (epoch !== fn.epoch[f]) {
      // Stale: the function moved on (deleted, cancelled). Give back ENIs granted meanwhile.
      if (code === ReasonCode.None && config !== NO_CONFIG)
        this.c.p.notify(Msg.EniRelease, fn.globalId[f], config, 0);
      return;
    }
    const ph = fn.phase[f];
    const ok = code === ReasonCode.None;
    const raises = SETTLED_BY[ph];
    if (raises === null) {
      // Nothing is pending: ENIs granted for a cancelled claim go back.
      if (ok && config !== NO_CONFIG) this.c.p.notify(Msg.EniRelease, fn.globalId[f], config, 0);
      return;
    }
    const trigger = raises[ok ? 0 : 1];
    const rule = this.lookup(f, trigger);
    if (rule === null) {
      this.c.badTransitions.push(`${this.c.nameOf(f)}: ${trigger} in phase ${ph}`);
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
  onIdleCheck(f: number): void {
    this.c.fn.idleCheckAtUs[f] = -1;
    const rule = this.lookup(f, Trigger.IdleTimeout);
    if (rule !== null) this.apply(f, rule, Trigger.IdleTimeout, ReasonCode.Idle, NO_CONFIG);
  }

  /** R11: invoked since the check was armed: it re-arms at the latest invocation's deadline. */
  rearmIdleCheck(f: number): void {
    const fn = this.c.fn;
    const dueUs = fn.lastInvokeUs[f] + this.c.plan.defaults.inactiveAfterUs;
    fn.idleCheckAtUs[f] = dueUs;
    this.c.p.at(dueUs, Ev.IdleCheck, f, 0, 0);
  }

  armIdleCheck(f: number): void {
    const fn = this.c.fn;
    if (fn.idleCheckAtUs[f] >= 0) return; // a pending check re-arms itself from lastInvokeUs
    const atUs = fn.lastInvokeUs[f] + this.c.plan.defaults.inactiveAfterUs;
    fn.idleCheckAtUs[f] = atUs;
    this.c.p.at(Math.max(atUs, this.c.p.nowUs), Ev.IdleCheck, f, 0, 0);
  }

  // ---- Effects (each named by the table's Effect) ------------------------------------------------

  /** The scenario's existing function: provisioned before the run, revision 1, holding its ENIs. */
  adoptExisting(f: number): void {
    const fn = this.c.fn;
    fn.liveRevision[f] = 1;
    fn.nextRevision[f] = 1;
    fn.claimedConfig[f] = this.c.plan.templates[fn.templateOf[f]].vpcConfig;
  }

  startCreate(f: number): void {
    const { fn, plan } = this.c;
    this.c.obs.created++;
    fn.incarnation[f]++;
    const tpl = plan.templates[fn.templateOf[f]];
    fn.resetConfig(f, this.c.createSettings?.get(f) ?? tpl);
    this.c.invocationFaults.reset(f, tpl);
    fn.epoch[f]++;
    fn.pendingSinceUs[f] = this.c.p.nowUs;
    fn.stateReason[f] = ReasonCode.Creating;
    fn.lusReason[f] = ReasonCode.Creating;
    fn.settledLus[f] = LastUpdateStatus.None;
    fn.liveRevision[f] = 1;
    fn.nextRevision[f] = 1;
    fn.versions[f] = 0;
    fn.restoreBlockedUntilUs[f] = 0;
    if (this.faults.createHangs(f)) return; // R5: never settles on its own
    this.provision(f, fn.vpcConfig[f], plan.defaults.provisioningDuration);
  }

  activate(f: number, config: number): void {
    const fn = this.c.fn;
    const now = this.c.p.nowUs;
    this.c.obs.recordForTemplate(PENDING_CREATE, fn.templateOf[f], now - fn.pendingSinceUs[f]);
    fn.stateReason[f] = ReasonCode.None;
    fn.lusReason[f] = ReasonCode.None;
    fn.setSettledLus(f, LastUpdateStatus.Successful);
    fn.claimedConfig[f] = config;
    fn.lastInvokeUs[f] = now;
    this.armIdleCheck(f);
  }

  fail(f: number, code: ReasonCodeValue): void {
    const fn = this.c.fn;
    this.c.obs.recordForTemplate(PENDING_CREATE, fn.templateOf[f], this.c.p.nowUs - fn.pendingSinceUs[f]);
    fn.stateReason[f] = code;
    fn.lusReason[f] = code;
    fn.setSettledLus(f, LastUpdateStatus.Failed);
  }

  /**
   * R5: the stuck operation is abandoned; a late answer for it is stale (new
   * epoch). The function leaves Pending (to Failed): its time in Pending is
   * recorded, as for any other way out of Pending but a delete.
   */
  cancelPending(f: number): void {
    const fn = this.c.fn;
    const hist = fn.phase[f] === Phase.PendingRestoring ? PENDING_RESTORE : PENDING_CREATE;
    this.c.obs.recordForTemplate(hist, fn.templateOf[f], this.c.p.nowUs - fn.pendingSinceUs[f]);
    fn.epoch[f]++;
    fn.stateReason[f] = ReasonCode.InternalError;
    fn.lusReason[f] = ReasonCode.InternalError;
    fn.setSettledLus(f, LastUpdateStatus.Failed);
  }

  /** R6: stages the call's configuration (none for a code update) and starts provisioning it. */
  startUpdate(f: number): void {
    const { fn, plan } = this.c;
    const d = plan.defaults;
    const change = this.c.request.change;
    fn.stageConfig(f, change);
    this.c.invocationFaults.stage(f, change);
    fn.epoch[f]++;
    fn.updateStartUs[f] = this.c.p.nowUs;
    fn.lusReason[f] = ReasonCode.Creating;
    fn.nextRevision[f] = fn.liveRevision[f] + 1;
    const tpl = plan.templates[fn.templateOf[f]];
    const target = fn.pendingVpcConfig[f];
    const wasInactive = fn.phase[f] === Phase.Inactive;
    const needsEnis = target !== NO_CONFIG && (target !== fn.claimedConfig[f] || wasInactive);
    const slow = tpl.packageType === "Image" || target !== NO_CONFIG;
    this.provision(f, needsEnis ? target : NO_CONFIG, slow ? d.updateDurationVpcOrImage : d.updateDuration);
  }

  completeUpdate(f: number, config: number): void {
    const fn = this.c.fn;
    const now = this.c.p.nowUs;
    this.c.obs.record(Hist.UpdateInProgress, now - fn.updateStartUs[f]);
    fn.liveRevision[f] = fn.nextRevision[f];
    const target = fn.pendingVpcConfig[f];
    const held = fn.claimedConfig[f];
    if (held !== NO_CONFIG && held !== target) this.c.p.notify(Msg.EniRelease, fn.globalId[f], held, 0);
    if (config !== NO_CONFIG) fn.claimedConfig[f] = config;
    else if (target === NO_CONFIG) fn.claimedConfig[f] = NO_CONFIG;
    fn.commitConfig(f);
    this.c.invocationFaults.complete(f);
    fn.lusReason[f] = ReasonCode.None;
    fn.stateReason[f] = ReasonCode.None;
    fn.setSettledLus(f, LastUpdateStatus.Successful);
    this.c.dropIdleEnvironments(f); // R8: the next invocations start cold
    fn.lastInvokeUs[f] = now;
    this.armIdleCheck(f);
  }

  failUpdate(f: number, rule: Rule, code: ReasonCodeValue): void {
    const fn = this.c.fn;
    this.c.obs.record(Hist.UpdateInProgress, this.c.p.nowUs - fn.updateStartUs[f]);
    fn.lusReason[f] = code;
    fn.setSettledLus(f, LastUpdateStatus.Failed);
    if (rule.to === Phase.Active) this.armIdleCheck(f); // the idle clock lapsed during the update
  }

  publishVersion(f: number): void {
    const fn = this.c.fn;
    this.c.obs.versionsPublished++;
    const v = ++fn.versions[f];
    const vs = fn.versionsOf[f];
    vs?.publish(fn.liveRevision[f], fn.memoryMb[f], fn.timeoutUs[f], this.c.envs.newPool());
    fn.latestVersionActive[f] = 0;
    const delayUs = sampleUs(this.c.plan.defaults.publishDuration, this.c.serviceRng, f);
    this.c.p.after(delayUs, Ev.VersionReady, f, v, 0);
  }

  goInactive(f: number): void {
    const fn = this.c.fn;
    fn.stateReason[f] = ReasonCode.Idle;
    this.releaseEnis(f);
    this.c.dropIdleEnvironments(f);
  }

  startRestore(f: number): void {
    const fn = this.c.fn;
    fn.epoch[f]++;
    fn.pendingSinceUs[f] = this.c.p.nowUs;
    fn.stateReason[f] = ReasonCode.Restoring;
    this.provision(f, fn.vpcConfig[f], this.c.plan.defaults.provisioningDuration);
  }

  completeRestore(f: number, config: number): void {
    const fn = this.c.fn;
    const now = this.c.p.nowUs;
    this.c.obs.recordForTemplate(PENDING_RESTORE, fn.templateOf[f], now - fn.pendingSinceUs[f]);
    fn.stateReason[f] = ReasonCode.None;
    fn.claimedConfig[f] = config;
    fn.lastInvokeUs[f] = now;
    this.armIdleCheck(f);
  }

  failRestore(f: number, code: ReasonCodeValue): void {
    const fn = this.c.fn;
    const now = this.c.p.nowUs;
    this.c.obs.recordForTemplate(PENDING_RESTORE, fn.templateOf[f], now - fn.pendingSinceUs[f]);
    fn.stateReason[f] = code;
    if (BLOCKING_RESTORE_CODES.has(code))
      fn.restoreBlockedUntilUs[f] = now + this.c.plan.defaults.restoreRetryDelayUs;
  }

  /** R18: the function goes; in-flight invocations finish, but their environments are not kept. */
  delete(f: number): void {
    const fn = this.c.fn;
    this.c.obs.deleted++;
    fn.epoch[f]++;
    this.releaseEnis(f);
    fn.liveRevision[f] = 0;
    this.c.dropIdleEnvironments(f);
    this.controlPlane.dropVersions(f);
  }

  /** Gives back the ENIs the function holds a claim on. */
  private releaseEnis(f: number): void {
    const fn = this.c.fn;
    const held = fn.claimedConfig[f];
    if (held !== NO_CONFIG) this.c.p.notify(Msg.EniRelease, fn.globalId[f], held, 0);
    fn.claimedConfig[f] = NO_CONFIG;
  }

  /**
   * Starts provisioning toward `config`'s ENIs (through the coordinator) or,
   * without a VPC, a local timer of `localDuration`. Injected faults decide
   * failures here; a failing operation fails after its own local duration
   * (an update after an update's time, a create after provisioning's).
   */
  private provision(f: number, config: number, localDuration: PlanTemplate["duration"]): void {
    const { fn, p } = this.c;
    const epoch = fn.epoch[f];
    const rng = this.c.serviceRng;
    const failure = this.faults.injectedFailure(f, config !== NO_CONFIG);
    if (failure !== ReasonCode.None) {
      p.after(sampleUs(localDuration, rng, f), Ev.LocalProvisionDone, f, epoch, failure);
      return;
    }
    if (config !== NO_CONFIG) {
      p.request(Msg.EniClaim, fn.globalId[f], config, epoch);
      return;
    }
    p.after(sampleUs(localDuration, rng, f), Ev.LocalProvisionDone, f, epoch, ReasonCode.None);
  }
}
