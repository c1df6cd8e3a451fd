/**
 * The lifecycle machine of one partition's functions: looks a (phase,
 * trigger) up in the transition table, takes the rule (effect, phase,
 * count, trace), and does the lifecycle's own effects: creating, updating,
 * restoring, publishing, going idle, deleting. Provisioning goes to the
 * coordinator (ENIs) or a local timer; its answer comes back to `settle`.
 */
import {
  LastUpdateStatus,
  Operation,
  type OperationCode,
  ReasonCode,
  type ReasonCodeValue,
} from "./aws-names.js";
import type { ControlPlane } from "./control-plane.js";
import { sampleUs } from "./distributions.js";
import type { FleetContext } from "./fleet-context.js";
import { NO_CONFIG } from "./function-store.js";
import type { FunctionTrace } from "./function-trace.js";
import { isInProgress, stateNameOf } from "./function-view.js";
import {
  answerMessage,
  type Guard,
  lookupRule,
  PHASE_COUNT,
  Phase,
  type PhaseCode,
  type Rule,
  Trigger,
  type TriggerCode,
} from "./lifecycle-table.js";
import { ERROR_COUNT, Hist, TEMPLATE_HIST_INDEX } from "./observations.js";
import type { PlanConfigChange, PlanTemplate } from "./plan.js";
import { Ev, Msg } from "./protocol.js";
import type { ServiceFaults } from "./service-faults.js";

// Positions in TEMPLATE_HISTS of the histograms kept per template.
const PENDING_CREATE = TEMPLATE_HIST_INDEX[Hist.PendingCreate];
const PENDING_RESTORE = TEMPLATE_HIST_INDEX[Hist.PendingRestore];

const BLOCKING_RESTORE_CODES: ReadonlySet<number> = new Set([
  ReasonCode.InsufficientRolePermissions,
  ReasonCode.SubnetOutOfIPAddresses,
]);

/** Runs a rule's effect (FleetPartition.runEffect: the one dispatch over every effect). */
export type EffectRunner = (f: number, rule: Rule, code: ReasonCodeValue, config: number) => void;

export class Lifecycle {
  /** Set by FleetPartition once every room exists. */
  runEffect: EffectRunner = () => {
    throw new Error("the lifecycle's effects are not linked yet");
  };

  // Guard context for lookupRule, set before each lookup (no closure per call).
  private guardFn = 0;
  private readonly guardHolds = (g: Guard): boolean => {
    const f = this.guardFn;
    const now = this.c.p.nowUs;
    if (g === "pendingTooLong")
      return now - this.c.fn.pendingSinceUs[f] > this.c.plan.defaults.stuckPendingUs;
    return now < this.c.fn.restoreBlockedUntilUs[f];
  };

  constructor(
    private readonly c: FleetContext,
    private readonly trace: FunctionTrace,
    private readonly faults: ServiceFaults,
    private readonly controlPlane: ControlPlane,
  ) {}

  /** The rule for `trigger` in the function's phase, given its guards; null when the trigger does not apply. */
  lookup(f: number, trigger: TriggerCode): Rule | null {
    this.guardFn = f;
    return lookupRule(this.c.fn.phase[f] as PhaseCode, trigger, this.guardHolds);
  }

  /** Takes a rule: runs its effect, moves the phase, counts the transition, traces it. */
  apply(f: number, rule: Rule, trigger: TriggerCode, code: ReasonCodeValue, config: number): void {
    const fn = this.c.fn;
    const from = fn.phase[f] as PhaseCode;
    this.runEffect(f, rule, code, config);
    fn.setPhase(f, rule.to);
    this.c.obs.transitions[from * PHASE_COUNT + rule.to]++;
    if (trigger !== Trigger.Invoke && this.trace.isTraced(f)) {
      const message = answerMessage(rule.answer, this.c.nameOf(f), stateNameOf(from));
      this.trace.trace(f, trigger, rule.answer.error, from, message, "", fn.liveRevision[f]);
    }
  }

  /** A control-plane operation reached the function; returns the caller's answer. */
  applyOperation(f: number, op: OperationCode, change: PlanConfigChange | undefined): number {
    const rule = this.lookup(f, op as TriggerCode);
    if (rule === null) throw new Error(`no rule for ${op} in phase ${this.c.fn.phase[f]}`);
    if (rule.effect === "startUpdate") {
      // A code update stages no configuration change.
      const staged = op === Operation.UpdateFunctionConfiguration ? change : undefined;
      this.c.fn.stageConfig(f, staged);
      this.c.invocationFaults.stage(f, staged);
    }
    this.apply(f, rule, op as TriggerCode, ReasonCode.None, NO_CONFIG);
    this.c.obs.api[op * ERROR_COUNT + rule.answer.error]++;
    return rule.answer.error;
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
    let trigger: TriggerCode;
    if (ph === Phase.PendingCreating)
      trigger = ok ? Trigger.ProvisioningSucceeded : Trigger.ProvisioningFailed;
    else if (ph === Phase.PendingRestoring) trigger = ok ? Trigger.RestoreSucceeded : Trigger.RestoreFailed;
    else if (isInProgress(ph as PhaseCode)) trigger = ok ? Trigger.UpdateSucceeded : Trigger.UpdateFailed;
    else {
      if (ok && config !== NO_CONFIG) this.c.p.notify(Msg.EniRelease, fn.globalId[f], config, 0);
      return;
    }
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
    const fn = this.c.fn;
    fn.idleCheckAtUs[f] = -1;
    if (fn.phase[f] !== Phase.Active) return;
    const dueUs = fn.lastInvokeUs[f] + this.c.plan.defaults.inactiveAfterUs;
    if (this.c.p.nowUs < dueUs) {
      fn.idleCheckAtUs[f] = dueUs;
      this.c.p.at(dueUs, Ev.IdleCheck, f, 0, 0);
      return;
    }
    if (fn.busyEnvironments[f] > 0) return;
    if ((fn.versionsOf[f]?.provisionedTotal() ?? 0) > 0) return; // provisioned environments are in use
    const rule = this.lookup(f, Trigger.IdleTimeout);
    if (rule !== null) this.apply(f, rule, Trigger.IdleTimeout, ReasonCode.Idle, NO_CONFIG);
  }

  armIdleCheck(f: number): void {
    const fn = this.c.fn;
    if (fn.idleCheckAtUs[f] >= 0) return; // a pending check re-arms itself from lastInvokeUs
    const atUs = fn.lastInvokeUs[f] + this.c.plan.defaults.inactiveAfterUs;
    fn.idleCheckAtUs[f] = atUs;
    this.c.p.at(Math.max(atUs, this.c.p.nowUs), Ev.IdleCheck, f, 0, 0);
  }

  // ---- Effects (each named by the table's Effect) ------------------------------------------------

  startCreate(f: number): void {
    const { fn, plan } = this.c;
    this.c.obs.created++;
    fn.incarnation[f]++;
    const tpl = plan.templates[fn.templateOf[f]];
    fn.resetConfig(f, tpl);
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

  /** R5: the stuck operation is abandoned; a late answer for it is stale (new epoch). */
  cancelPending(f: number): void {
    const fn = this.c.fn;
    fn.epoch[f]++;
    fn.stateReason[f] = ReasonCode.InternalError;
    fn.lusReason[f] = ReasonCode.InternalError;
    fn.setSettledLus(f, LastUpdateStatus.Failed);
  }

  startUpdate(f: number): void {
    const { fn, plan } = this.c;
    const d = plan.defaults;
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
    fn.dropIdleEnvironments(f); // R8: the next invocations start cold
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
    fn.versionsOf[f]?.publish(fn.liveRevision[f], fn.memoryMb[f], fn.timeoutUs[f]);
    fn.latestVersionActive[f] = 0;
    const delayUs = sampleUs(this.c.plan.defaults.publishDuration, this.c.serviceRng, f);
    this.c.p.after(delayUs, Ev.VersionReady, f, v, 0);
  }

  goInactive(f: number): void {
    const fn = this.c.fn;
    fn.stateReason[f] = ReasonCode.Idle;
    this.releaseEnis(f);
    fn.dropIdleEnvironments(f);
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
    fn.dropIdleEnvironments(f);
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
