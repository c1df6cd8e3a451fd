/**
 * Versions, aliases and concurrency settings (V1-V4): CreateAlias and
 * UpdateAlias, reserved and provisioned concurrency, and the provisioned
 * environments those settings ask for. The lifecycle table accepts these
 * calls in every State; their parameters are checked here, then the
 * account's pool by the coordinator, which answers a concurrency change.
 */
import {
  ApiError,
  functionArn,
  Messages,
  Operation,
  type OperationCode,
  ProvisionedStatus,
  qualifiedArn,
} from "./aws-names.js";
import { billProvisionedInit, provisionedChanged } from "./billing.js";
import { sampleUs } from "./distributions.js";
import type { FleetContext } from "./fleet-context.js";
import type { FunctionTrace } from "./function-trace.js";
import { ERROR_COUNT } from "./observations.js";
import type { PlanCallParams } from "./plan.js";
import { Ev, Msg, NO_TASK_SLOT, packConcurrencyConfig } from "./protocol.js";
import { aliasOf, aliasQualifier, isAlias, LATEST, qualifierName } from "./qualifiers.js";
import type { ServiceFaults } from "./service-faults.js";
import { type EnvPool, FunctionVersions, type ProvisionedConfig } from "./versions.js";

/** A configuration call the coordinator answers later (concurrencyConfigResult). */
export const ANSWER_LATER = -1;

export class ControlPlane {
  constructor(
    private readonly c: FleetContext,
    private readonly trace: FunctionTrace,
    private readonly faults: ServiceFaults,
  ) {}

  /** The configureAlias and configureConcurrency effects: the call is in c.request, and so is its answer. */
  configure(f: number, op: OperationCode, what: "alias" | "concurrency"): void {
    const request = this.c.request;
    request.answer =
      what === "alias"
        ? this.configureAlias(f, op, request.params)
        : this.configureConcurrency(f, op, request.params, request.slot);
  }

  /** CreateAlias / UpdateAlias / DeleteAlias (V1); updating the weights re-splits provisioned concurrency (V3). */
  private configureAlias(f: number, op: OperationCode, params: PlanCallParams): number {
    const vs = this.c.fn.versionsOf[f]!;
    const a = params.alias!;
    const exists = vs.aliasVersion[a] >= 0;
    const name = this.c.nameOf(f);
    const arn = qualifiedArn(name, this.c.plan.aliases[a]);
    if (op === Operation.DeleteAlias) return this.deleteAlias(f, vs, a, exists);
    if (op === Operation.CreateAlias && exists)
      return this.refuse(f, op, ApiError.ResourceConflictException, Messages.aliasExists(arn));
    if (op === Operation.UpdateAlias && !exists)
      return this.refuse(f, op, ApiError.ResourceNotFoundException, Messages.aliasNotFound(arn));
    const main = params.functionVersion ?? vs.aliasVersion[a];
    const routing = params.routing === undefined ? null : params.routing;
    for (const v of [main, routing?.version ?? 0]) {
      if (v !== LATEST && vs.version(v) === null) {
        const varn = qualifiedArn(name, String(v));
        return this.refuse(f, op, ApiError.ResourceNotFoundException, Messages.qualifierNotFound(varn));
      }
    }
    vs.aliasVersion[a] = main;
    if (params.routing !== undefined || params.functionVersion !== undefined) {
      vs.aliasRoutedVersion[a] = routing?.version ?? 0;
      vs.aliasRoutedWeight[a] = routing?.weight ?? 0;
    }
    this.c.obs.aliasUpdates++;
    this.reconcileProvisioned(f, vs);
    this.trace.traceNow(f, op, ApiError.None, "");
    return ApiError.None;
  }

  /**
   * DeleteAlias (V1): Lambda answers 204 whether or not the alias exists, and
   * takes the alias's provisioned concurrency configuration with it (V2): its
   * environments go and the coordinator gets the function's smaller
   * provisioned total, a change it never refuses (a decrease). While another
   * concurrency change waits for the coordinator, it conflicts as that
   * change's own calls do.
   */
  private deleteAlias(f: number, vs: FunctionVersions, a: number, exists: boolean): number {
    const op = Operation.DeleteAlias;
    const q = aliasQualifier(a);
    const config = exists ? vs.config(q) : null;
    const waiting = vs.pendingSlot >= 0 && (config !== null || vs.pendingChange?.config?.qualifier === q);
    if (waiting) {
      const message = Messages.updateInProgress(functionArn(this.c.nameOf(f)));
      return this.refuse(f, op, ApiError.ResourceConflictException, message);
    }
    vs.aliasVersion[a] = -1;
    vs.aliasRoutedVersion[a] = 0;
    vs.aliasRoutedWeight[a] = 0;
    if (config !== null) {
      vs.configs.splice(vs.configs.indexOf(config), 1);
      // The coordinator's answer is absorbed by concurrencyConfigResult (no task waits for it).
      vs.pendingSlot = NO_TASK_SLOT;
      const packed = packConcurrencyConfig(vs.provisionedTotal(), NO_TASK_SLOT);
      this.c.p.request(Msg.ConcurrencyConfig, this.c.fn.globalId[f], vs.reserved, packed);
      this.reconcileProvisioned(f, vs);
    }
    this.trace.traceNow(f, op, ApiError.None, "");
    return ApiError.None;
  }

  /**
   * Put/DeleteFunctionConcurrency (V4) and Put/DeleteProvisionedConcurrencyConfig
   * (V2): checked here against the function, then against the account's
   * pool by the coordinator, which answers (ANSWER_LATER).
   */
  private configureConcurrency(f: number, op: OperationCode, params: PlanCallParams, slot: number): number {
    const vs = this.c.fn.versionsOf[f]!;
    if (vs.pendingSlot >= 0) {
      const message = Messages.updateInProgress(functionArn(this.c.nameOf(f)));
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
      const arn = qualifiedArn(this.c.nameOf(f), qualifierName(q, this.c.plan.aliases));
      if (q === LATEST)
        return this.refuse(f, op, ApiError.InvalidParameterValueException, Messages.provisionedOnLatest);
      const known = isAlias(q) ? vs.aliasVersion[aliasOf(q)] >= 0 : vs.version(q) !== null;
      if (!known)
        return this.refuse(f, op, ApiError.ResourceNotFoundException, Messages.qualifierNotFound(arn));
      const current = vs.config(q);
      if (op === Operation.DeleteProvisionedConcurrencyConfig) {
        if (current === null) {
          const message = Messages.provisionedConfigNotFound(arn);
          return this.refuse(f, op, ApiError.ResourceNotFoundException, message);
        }
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
    const packed = packConcurrencyConfig(provisioned, slot);
    this.c.p.request(Msg.ConcurrencyConfig, this.c.fn.globalId[f], reserved, packed);
    return ANSWER_LATER;
  }

  /** The coordinator accepted the change (or refused it with `error`): apply it and answer the caller. */
  concurrencyConfigResult(f: number, error: number, slot: number): void {
    const vs = this.c.fn.versionsOf[f]!;
    // The change this answers, unless the function was deleted (and re-created) meanwhile.
    const mine = vs.pendingSlot === slot;
    const change = mine ? vs.pendingChange : null;
    const op = vs.pendingOperation as OperationCode;
    if (mine) {
      vs.pendingSlot = -1;
      vs.pendingChange = null;
    }
    if (slot === NO_TASK_SLOT) return; // the reset of a deleted function's settings
    if (change !== null && error === ApiError.None) {
      vs.reserved = change.reserved;
      this.c.fn.unreserved[f] = change.reserved < 0 ? 1 : 0;
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
      this.trace.traceNow(f, op, ApiError.None, "");
    } else if (change !== null) {
      const message =
        error === ApiError.InvalidParameterValueException
          ? Messages.unreservedBelowMinimum(this.c.plan.account.unreservedMinimum)
          : "";
      this.trace.traceNow(f, op, error, message);
      this.c.answerMessage = message;
    }
    // With no change, the function was deleted while its change waited: the call itself is answered.
    this.c.obs.api[op * ERROR_COUNT + error]++;
    this.c.links.taskAnswer(slot, error);
  }

  /** A configuration call refused by the function's own checks; a live run's caller reads the message. */
  private refuse(f: number, op: OperationCode, error: number, message: string): number {
    this.trace.traceNow(f, op, error, message);
    this.c.answerMessage = message;
    return error;
  }

  /**
   * Brings each version's provisioned environments to its target (V2, V3):
   * idle surplus environments go at once, busy ones when they finish; missing
   * ones start initialising, one every 1/rate, each taking an init duration.
   */
  reconcileProvisioned(f: number, vs: FunctionVersions): void {
    vs.retarget();
    const { p, plan, obs } = this.c;
    const now = p.nowUs;
    const t = this.c.fn.templateOf[f];
    const tpl = plan.templates[t];
    const gapUs = 60e6 / plan.defaults.provisionedAllocationPerMinute;
    for (let i = 0; i < vs.versions.length; i++) {
      const version = vs.versions[i];
      const pool = version.pool;
      let surplus = pool.ready + pool.starting - pool.target;
      // Environments still initialising are dropped when they finish (provisionedEnvReady).
      const idleSurplus = Math.min(surplus, pool.free);
      if (idleSurplus > 0) {
        const freshGone = Math.min(pool.fresh, idleSurplus);
        pool.fresh -= freshGone;
        this.c.envMeasures.provisioned(now, -idleSurplus, 0, version.memoryMb);
        pool.ready -= idleSurplus;
        provisionedChanged(obs.billingByTemplate, t, now, -idleSurplus * pool.memoryMb, 0);
        this.c.provisionedReady -= idleSurplus;
        obs.provisionedReleased += idleSurplus;
        surplus -= idleSurplus;
      }
      for (let k = surplus; k < 0; k++) {
        const startUs = Math.max(now, vs.allocationNextUs);
        vs.allocationNextUs = startUs + gapUs;
        pool.starting++;
        const initUs = sampleUs(tpl.initDuration, this.c.serviceRng, f);
        billProvisionedInit(obs.billingByTemplate, t, pool.memoryMb, initUs);
        p.at(Math.round(startUs + initUs), Ev.ProvisionedEnvReady, f, i + 1, 0);
      }
    }
    vs.refreshStatus();
  }

  provisionedEnvReady(f: number, v: number): void {
    const vs = this.c.fn.versionsOf[f];
    const version = vs?.version(v);
    const pool = version?.pool;
    if (vs === null || !version || pool === undefined || pool.starting === 0) return; // the function was deleted meanwhile
    pool.starting--;
    const obs = this.c.obs;
    if (this.faults.provisionedInitFails(f)) {
      // The environment's init failed: every configuration it was for goes FAILED (V2).
      obs.provisionedFailed++;
      for (const c of vs.configs)
        if (vs.shares(c).some(([sv]) => sv === v)) c.status = ProvisionedStatus.Failed;
      vs.refreshStatus();
      return;
    }
    if (pool.ready < pool.target) {
      this.c.envMeasures.provisioned(this.c.p.nowUs, 1, 0, version.memoryMb);
      pool.ready++;
      this.c.provisionedReady++;
      provisionedChanged(obs.billingByTemplate, this.c.fn.templateOf[f], this.c.p.nowUs, pool.memoryMb, 0);
      pool.fresh++;
      obs.provisionedInitialized++;
    }
    vs.refreshStatus();
  }

  /** A provisioned environment finished a request: it stays, unless the target fell below the ready count. */
  provisionedEnvFreed(f: number, pool: EnvPool, memoryMb: number): void {
    pool.busy--;
    this.c.provisionedBusy--;
    const shrinks = pool.ready > pool.target;
    const readyMb = shrinks ? -memoryMb : 0;
    provisionedChanged(
      this.c.obs.billingByTemplate,
      this.c.fn.templateOf[f],
      this.c.p.nowUs,
      readyMb,
      -memoryMb,
    );
    if (shrinks) {
      this.c.envMeasures.provisioned(this.c.p.nowUs, -1, 0, memoryMb);
      pool.ready--;
      this.c.provisionedReady--;
      this.c.obs.provisionedReleased++;
      this.c.fn.versionsOf[f]!.refreshStatus();
    }
  }

  /** A published version finished initialising (R17). */
  versionReady(f: number, v: number): void {
    const fn = this.c.fn;
    if (fn.versions[f] === v) fn.latestVersionActive[f] = 1;
    const version = fn.versionsOf[f]?.version(v);
    if (version) version.active = true;
  }

  /** DeleteFunction takes the versions, aliases and concurrency settings with it (V1, V2, V4). */
  dropVersions(f: number): void {
    const fn = this.c.fn;
    const vs = fn.versionsOf[f];
    if (vs === null) return;
    const template = this.c.plan.templates[fn.templateOf[f]];
    const changed = vs.reserved !== template.reservedConcurrency || vs.provisionedTotal() > 0;
    if (changed || vs.pendingSlot >= 0) {
      // Back to the template's setting, so that a re-created function starts as the scenario says.
      const packed = packConcurrencyConfig(0, NO_TASK_SLOT);
      this.c.p.request(Msg.ConcurrencyConfig, fn.globalId[f], template.reservedConcurrency, packed);
    }
    const now = this.c.p.nowUs;
    const billing = this.c.obs.billingByTemplate;
    for (const v of vs.versions) {
      const pool = v.pool;
      this.c.provisionedReady -= pool.ready;
      // Provisioned environments go with the function (the busy ones' requests still finish, billed no
      // longer); the on-demand idle ones of each version go too.
      provisionedChanged(billing, fn.templateOf[f], now, -pool.ready * v.memoryMb, -pool.busy * v.memoryMb);
      this.c.envMeasures.provisioned(now, -pool.ready, -pool.busy, v.memoryMb);
      this.c.envs.dropIdle(pool.onDemand, now);
    }
    const fresh = new FunctionVersions(this.c.plan.aliases.length, template.reservedConcurrency);
    // A change still waiting for the coordinator is answered when its result comes (the reset
    // request goes after it, so the coordinator ends with the template's settings).
    fresh.pendingSlot = changed || vs.pendingSlot >= 0 ? NO_TASK_SLOT : -1;
    fresh.pendingOperation = vs.pendingOperation;
    fn.versionsOf[f] = fresh;
  }

  /**
   * Provisioned concurrency of this partition's functions now
   * (PartitionResult.provisioned): requested, allocated, available, configs
   * IN_PROGRESS, READY, FAILED, environments running a request.
   */
  provisionedTotals(): number[] {
    const out = [0, 0, 0, 0, 0, 0, this.c.provisionedBusy];
    for (const vs of this.c.fn.versionsOf) {
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
}
