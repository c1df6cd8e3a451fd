/**
 * State the whole account shares, owned by the coordinator: concurrency
 * (D1), the control-plane rate buckets (R15), and the VPCs' subnets and
 * Hyperplane ENIs (R2, R3, R11, R19). Every decision here is taken in
 * timestamp order over all partitions.
 */
import type { Coordinator, CoordinatorHandler } from "../engine/coordinator.js";
import { GrantConflict } from "../engine/grant-conflict.js";
import { InvariantError } from "../engine/invariant-error.js";
import { RandomStreams } from "../engine/random-streams.js";
import { ApiError, Operation, ReasonCode, reasonCodeOf, ThrottleCause } from "./aws-names.js";
import { sampleUs } from "./distributions.js";
import { EfsThroughput } from "./efs-throughput.js";
import { epochGrant } from "./grants.js";
import type { Plan } from "./plan.js";
import { Ev, Grant, Msg, NO_TASK_SLOT, packEfsAdmission, Timer } from "./protocol.js";
import { TokenBuckets } from "./token-buckets.js";

const CONFIG_SHIFT = 1_048_576;

/** ENI lifecycle per (subnet, security-group set). */
const Eni = { None: 0, Creating: 1, Ready: 2, Failing: 3 } as const;

const Bucket = { ControlPlane: 0, GetFunction: 1, AccountInvoke: 2 } as const;

export interface SubnetUsage {
  /** IPs held by our ENIs now. */
  usedIps: number;
  peakUsedIps: number;
  /** IPs taken by other resources now (including an exhaustion fault). */
  othersIps: number;
  enisCreated: number;
  enisFailed: number;
  enisDeleted: number;
}

export class SharedState implements CoordinatorHandler {
  /** Concurrency: unreserved pool and per-function reserved use. */
  unreservedPool: number;
  /** The largest the pool has been (it moves with concurrency settings, V2 and V4). */
  peakUnreservedPool: number;
  unreservedInFlight = 0;
  totalInFlight = 0;
  peakTotalInFlight = 0;
  peakUnreservedInFlight = 0;
  private readonly reserved: Int32Array;
  /** Provisioned concurrency per function (V2): set aside from its reservation or the pool. */
  private readonly provisioned: Int32Array;
  /** Provisioned concurrency of all functions together: set aside, so it counts against the limit. */
  private provisionedTotal = 0;
  /** On-demand invocations in flight per function, whichever pool they count in. */
  private readonly inFlight: Int32Array;
  private readonly reservedInFlight: Int32Array;
  private readonly reservedBucket: Int32Array;
  private readonly buckets: TokenBuckets;

  // ENIs, by ENI key.
  private readonly eniState: Uint8Array;
  private readonly eniReadyAtUs: Float64Array;
  private readonly eniFailAtUs: Float64Array;
  private readonly eniFailCode: Uint8Array;
  private readonly eniClaims: Int32Array;
  private readonly eniGeneration: Int32Array;
  private readonly eniHoldsIp: Uint8Array;
  private readonly eniRng: RandomStreams;

  readonly subnets: SubnetUsage[];
  /** ENIs of ours per VPC, now and at peak. */
  readonly vpcEnis: Int32Array;
  readonly vpcPeakEnis: Int32Array;
  private readonly exhaustedIps: Int32Array;

  /** EFS file systems' demand and burst credits (V10). */
  readonly efs: EfsThroughput;

  /** Broken invariants seen while running (must stay empty). */
  readonly violations: string[] = [];

  /**
   * @param grants whether partitions may admit invocations on their own
   *   under an epoch grant (model/grants.ts); off, every admission is asked for.
   */
  constructor(
    private readonly c: Coordinator,
    private readonly plan: Plan,
    private readonly grants = true,
  ) {
    const n = plan.functions.names.length;
    const a = plan.account;
    // Concurrency settings that change during the run (V2, V4) move the pool's bounds under the
    // partitions' grants, so such runs ask for every admission.
    const dynamic = configuresConcurrency(plan);
    if (dynamic) this.grants = false;
    this.provisioned = new Int32Array(n);
    this.inFlight = new Int32Array(n);
    this.reserved = new Int32Array(n).fill(-1);
    this.reservedInFlight = new Int32Array(n);
    this.reservedBucket = new Int32Array(n).fill(-1);
    let reservedTotal = 0;
    let reservedCount = 0;
    for (let g = 0; g < n; g++) {
      const r = plan.templates[plan.functions.template[g]].reservedConcurrency;
      if (r >= 0) {
        this.reserved[g] = r;
        reservedTotal += r;
        this.reservedBucket[g] = 3 + reservedCount++;
      }
    }
    if (dynamic) {
      // Any function may gain a reservation: one bucket each.
      for (let g = 0; g < n; g++) this.reservedBucket[g] = 3 + g;
      reservedCount = n;
    }
    this.unreservedPool = Math.max(a.concurrencyLimit - reservedTotal, 0);
    this.peakUnreservedPool = this.unreservedPool;
    const perC = plan.defaults.requestsPerSecPerConcurrency;
    this.buckets = new TokenBuckets(3 + reservedCount);
    this.buckets.set(Bucket.ControlPlane, a.controlPlaneRatePerSec, a.controlPlaneBurst);
    this.buckets.set(Bucket.GetFunction, a.getFunctionRatePerSec, a.getFunctionBurst);
    this.buckets.set(Bucket.AccountInvoke, perC * this.unreservedPool, perC * this.unreservedPool);
    for (let g = 0; g < n; g++) {
      const b = this.reservedBucket[g];
      if (b >= 0) this.buckets.set(b, perC * this.reserved[g], perC * this.reserved[g]);
    }

    const k = plan.eniKeys.length;
    this.eniState = new Uint8Array(k);
    this.eniReadyAtUs = new Float64Array(k);
    this.eniFailAtUs = new Float64Array(k);
    this.eniFailCode = new Uint8Array(k);
    this.eniClaims = new Int32Array(k);
    this.eniGeneration = new Int32Array(k);
    this.eniHoldsIp = new Uint8Array(k);
    this.eniRng = new RandomStreams(
      plan.seed,
      plan.eniKeys.map((e) => `eni:${plan.subnets[e.subnet].id}|${e.securityGroups}`),
    );
    this.subnets = plan.subnets.map((s) => ({
      usedIps: 0,
      peakUsedIps: 0,
      othersIps: s.usedByOthersIps,
      enisCreated: 0,
      enisFailed: 0,
      enisDeleted: 0,
    }));
    this.exhaustedIps = new Int32Array(plan.subnets.length);
    this.vpcEnis = new Int32Array(plan.vpcs.length);
    this.vpcPeakEnis = new Int32Array(plan.vpcs.length);
    this.efs = new EfsThroughput(plan);
  }

  /** Functions that exist at the start hold their ENIs already; faults get their timers. */
  start(): void {
    const plan = this.plan;
    for (let g = 0; g < plan.functions.names.length; g++) {
      const tpl = plan.templates[plan.functions.template[g]];
      if (!tpl.existing || tpl.vpcConfig < 0) continue;
      for (const key of plan.vpcConfigs[tpl.vpcConfig].eniKeys) {
        if (this.eniState[key] === Eni.None) {
          if (!this.takeIp(key)) {
            this.violations.push(
              `existing functions need more ENIs than subnet ${plan.subnets[plan.eniKeys[key].subnet].id} has IPs`,
            );
            continue;
          }
          this.eniState[key] = Eni.Ready;
          this.eniReadyAtUs[key] = 0;
        }
        this.eniClaims[key]++;
      }
    }
    plan.faults.forEach((f, i) => {
      if (f.kind !== "subnetExhausted") return;
      this.c.at(f.fromUs, Timer.ExhaustSubnets, i, 0, 0);
      if (f.untilUs <= plan.untilUs) this.c.at(f.untilUs, Timer.RestoreSubnets, i, 0, 0);
    });
  }

  onMessage(kind: number, entity: number, a: number, b: number, seq: number): void {
    switch (kind) {
      case Msg.InvocationAcquire:
        this.acquire(entity, a, b, seq);
        return;
      case Msg.InvocationGranted:
        this.granted(entity);
        return;
      case Msg.InvocationRelease:
        this.release(entity);
        return;
      case Msg.ApiRequest:
        this.apiRequest(entity, a, b, seq);
        return;
      case Msg.EniClaim:
        this.claim(entity, a, b, seq);
        return;
      case Msg.EniRelease:
        this.unclaim(a);
        return;
      case Msg.ConcurrencyConfig:
        this.concurrencyConfig(entity, a, b, seq);
        return;
    }
  }

  /** Each partition's share of the unreserved pool and of the invocation request-rate bucket for an epoch. */
  beginEpoch(startUs: number, _endUs: number, grants: Float64Array, width: number): void {
    if (!this.grants) return;
    const partitions = grants.length / width;
    const free = this.unreservedPool - this.unreservedInFlight;
    const shape = this.buckets.shape(Bucket.AccountInvoke);
    const tokens = this.buckets.level(Bucket.AccountInvoke, startUs);
    const g = epochGrant(free, { tokens, ...shape }, partitions);
    for (let p = 0; p < partitions; p++) {
      const at = p * width;
      grants[at + Grant.Concurrency] = g.concurrency;
      grants[at + Grant.Tokens] = g.tokens;
      grants[at + Grant.TokensAtUs] = startUs;
      grants[at + Grant.RatePerUs] = g.ratePerSec / 1e6;
      grants[at + Grant.Burst] = g.burst;
    }
  }

  onTimer(kind: number, target: number, a: number): void {
    switch (kind) {
      case Timer.EniFailed:
        if (this.eniGeneration[target] === a && this.eniState[target] === Eni.Failing)
          this.removeEni(target, false);
        return;
      case Timer.EniDelete:
        if (
          this.eniGeneration[target] === a &&
          this.eniClaims[target] === 0 &&
          this.eniState[target] === Eni.Ready
        ) {
          this.removeEni(target, true);
        }
        return;
      case Timer.ExhaustSubnets:
      case Timer.RestoreSubnets: {
        const fault = this.plan.faults[target];
        if (fault.kind !== "subnetExhausted") return;
        for (const s of fault.subnets) {
          const u = this.subnets[s];
          if (kind === Timer.ExhaustSubnets) {
            const free = this.freeIps(s);
            this.exhaustedIps[s] += free;
            u.othersIps += free;
          } else {
            u.othersIps -= this.exhaustedIps[s];
            this.exhaustedIps[s] = 0;
          }
        }
        return;
      }
    }
  }

  /** Events the coordinator processed (for sample points). */
  get coordinatorEvents(): number {
    return this.c.eventsProcessed;
  }

  /**
   * ENIs by (subnet, state) at `nowUs`, for sample points (read-only, one pass
   * over the ENI keys): creating, in use (claimed), idle (unclaimed, awaiting
   * deletion) and failed (creation failed, not yet reclaimed). Index:
   * subnet * 4 + state, in the order of ENI_SAMPLE_STATES.
   */
  enisByState(nowUs: number): number[] {
    const out = new Array<number>(this.plan.subnets.length * 4).fill(0);
    for (let key = 0; key < this.eniState.length; key++) {
      const st = this.eniState[key];
      if (st === Eni.None) continue;
      let i: number;
      if (st === Eni.Failing) i = 3;
      else if (this.eniReadyAtUs[key] > nowUs) i = 0;
      else i = this.eniClaims[key] > 0 ? 1 : 2;
      out[this.plan.eniKeys[key].subnet * 4 + i]++;
    }
    return out;
  }

  // ---- Concurrency (D1) -------------------------------------------------------------------------

  /** An Invoke request the function's partition asks about: admitted or throttled, answered after the frontend latency. */
  private acquire(g: number, arrivalUs: number, ctx: number, seq: number): void {
    const atUs = this.c.nowUs + this.plan.defaults.invokeLatencyUs;
    const cause = this.admit(g);
    if (cause >= 0) this.c.deliver(atUs, Ev.InvocationThrottled, g, arrivalUs, ctx * 8 + cause, seq);
    else if (this.efs.fileSystemOf(g) >= 0) {
      // The invocation's IO shares its file system with every other in flight (V10).
      const slowdown = this.efs.admit(g, this.c.nowUs);
      this.c.deliver(atUs, Ev.InvocationAdmittedEfs, g, arrivalUs, packEfsAdmission(ctx, slowdown), seq);
    } else this.c.deliver(atUs, Ev.InvocationAdmitted, g, arrivalUs, ctx, seq);
  }

  /** An admission a partition took under its grant: it must be the one taken here, in global order. */
  private granted(g: number): void {
    if (this.reserved[g] >= 0)
      throw new InvariantError(
        `function ${this.plan.functions.names[g]} has reserved concurrency but was granted`,
      );
    if (this.efs.fileSystemOf(g) >= 0)
      throw new InvariantError(
        `function ${this.plan.functions.names[g]} mounts a file system but was granted`,
      );
    const cause = this.admit(g);
    if (cause >= 0) {
      throw new GrantConflict(
        this.c.nowUs,
        `function ${this.plan.functions.names[g]} was admitted under a grant, but in global order it is throttled (cause ${cause})`,
      );
    }
  }

  /** Admits one invocation of function g now, or returns the ThrottleCause that refuses it (-1: admitted). */
  private admit(g: number): number {
    const now = this.c.nowUs;
    const r = this.reserved[g];
    if (r >= 0) {
      // Provisioned environments hold their part of the reservation (V2).
      if (this.reservedInFlight[g] >= r - this.provisioned[g]) return ThrottleCause.ReservedConcurrency;
      if (!this.buckets.take(this.reservedBucket[g], now)) return ThrottleCause.ReservedRequestRate;
      this.reservedInFlight[g]++;
    } else {
      if (this.unreservedInFlight >= this.unreservedPool) return ThrottleCause.AccountConcurrency;
      if (!this.buckets.take(Bucket.AccountInvoke, now)) return ThrottleCause.AccountRequestRate;
      this.unreservedInFlight++;
      if (this.unreservedInFlight > this.peakUnreservedInFlight)
        this.peakUnreservedInFlight = this.unreservedInFlight;
      if (this.unreservedInFlight > this.unreservedPool)
        this.violations.push(`unreserved concurrency ${this.unreservedInFlight} above the pool at ${now}us`);
    }
    this.totalInFlight++;
    this.inFlight[g]++;
    if (this.totalInFlight > this.peakTotalInFlight) this.peakTotalInFlight = this.totalInFlight;
    if (this.totalInFlight + this.provisionedTotal > this.plan.account.concurrencyLimit) {
      this.violations.push(
        `concurrency ${this.totalInFlight} (and ${this.provisionedTotal} provisioned) above the account limit at ${now}us`,
      );
    }
    return -1;
  }

  private release(g: number): void {
    if (this.efs.fileSystemOf(g) >= 0) this.efs.release(g, this.c.nowUs);
    if (this.reserved[g] >= 0) this.reservedInFlight[g]--;
    else this.unreservedInFlight--;
    this.totalInFlight--;
    this.inFlight[g]--;
    if (this.totalInFlight < 0 || this.unreservedInFlight < 0 || this.reservedInFlight[g] < 0) {
      this.violations.push(`concurrency released below zero for function ${this.plan.functions.names[g]}`);
    }
  }

  // ---- Concurrency settings (V2, V4) ---------------------------------------------------------------

  /**
   * Sets function g's reserved concurrency (-1: none) and its provisioned
   * concurrency, unless that would leave the unreserved pool below the
   * account's minimum. A reservation takes the function's running
   * invocations into its own pool; they keep running.
   */
  private concurrencyConfig(g: number, reserved: number, packed: number, seq: number): void {
    const slot = packed % 16_777_216;
    const provisioned = (packed - slot) / 16_777_216;
    const taken = (r: number, p: number) => (r >= 0 ? r : p);
    const pool =
      this.unreservedPool + taken(this.reserved[g], this.provisioned[g]) - taken(reserved, provisioned);
    const now = this.c.nowUs;
    const refused =
      slot !== NO_TASK_SLOT && pool < this.unreservedPool && pool < this.plan.account.unreservedMinimum;
    if (!refused) {
      const was = this.reserved[g];
      if (was < 0 && reserved >= 0) {
        this.unreservedInFlight -= this.inFlight[g];
        this.reservedInFlight[g] = this.inFlight[g];
      } else if (was >= 0 && reserved < 0) {
        this.unreservedInFlight += this.inFlight[g];
        this.reservedInFlight[g] = 0;
      }
      this.reserved[g] = reserved;
      this.provisionedTotal += provisioned - this.provisioned[g];
      this.provisioned[g] = provisioned;
      this.unreservedPool = pool;
      if (pool > this.peakUnreservedPool) this.peakUnreservedPool = pool;
      const perC = this.plan.defaults.requestsPerSecPerConcurrency;
      this.buckets.reshape(Bucket.AccountInvoke, perC * pool, perC * pool, now);
      if (reserved >= 0) this.buckets.reshape(this.reservedBucket[g], perC * reserved, perC * reserved, now);
    }
    const error = refused ? ApiError.InvalidParameterValueException : ApiError.None;
    this.c.deliver(now + this.plan.defaults.apiLatencyUs, Ev.ConcurrencyConfigResult, g, error, slot, seq);
  }

  // ---- Control-plane rate limits (R15) --------------------------------------------------------------

  private apiRequest(g: number, op: number, slot: number, seq: number): void {
    const bucket = op === Operation.GetFunction ? Bucket.GetFunction : Bucket.ControlPlane;
    const atUs = this.c.nowUs + this.plan.defaults.apiLatencyUs;
    const ok = this.buckets.take(bucket, this.c.nowUs);
    this.c.deliver(atUs, ok ? Ev.ApiApply : Ev.ApiThrottled, g, op, slot, seq);
  }

  // ---- ENIs and subnets (R2, R3, R11, R19) --------------------------------------------------------------

  private claim(g: number, config: number, epoch: number, seq: number): void {
    const plan = this.plan;
    const now = this.c.nowUs;
    const keys = plan.vpcConfigs[config].eniKeys;
    let readyAtUs = now + plan.defaults.apiLatencyUs;
    let failAtUs = Number.POSITIVE_INFINITY;
    let failCode = 0;
    for (const key of keys) {
      if (this.eniState[key] === Eni.None) this.createEni(key);
      const st = this.eniState[key];
      if (st === Eni.Failing) {
        if (this.eniFailAtUs[key] < failAtUs) {
          failAtUs = this.eniFailAtUs[key];
          failCode = this.eniFailCode[key];
        }
      } else if (this.eniReadyAtUs[key] > now) {
        // Still being created: wait for it.
        if (this.eniReadyAtUs[key] > readyAtUs) readyAtUs = this.eniReadyAtUs[key];
      } else {
        // Ready (whether or not its creation was seen to finish): share it.
        const attachUs = now + sampleUs(plan.defaults.eniAttachDuration, this.eniRng, key);
        if (attachUs > readyAtUs) readyAtUs = attachUs;
      }
    }
    const earliest = now + plan.defaults.apiLatencyUs;
    if (failAtUs !== Number.POSITIVE_INFINITY) {
      // The claim fails as a whole; ENIs it started creating stay and are reclaimed unused.
      for (const key of keys) this.scheduleDeletionIfUnclaimed(key);
      this.c.deliver(
        Math.max(earliest, failAtUs),
        Ev.EniResult,
        g,
        epoch * CONFIG_SHIFT + config,
        failCode,
        seq,
      );
      return;
    }
    for (const key of keys) {
      this.eniClaims[key]++;
      this.eniGeneration[key]++; // cancels a pending deletion
    }
    this.c.deliver(
      Math.max(earliest, readyAtUs),
      Ev.EniResult,
      g,
      epoch * CONFIG_SHIFT + config,
      ReasonCode.None,
      seq,
    );
  }

  private unclaim(config: number): void {
    for (const key of this.plan.vpcConfigs[config].eniKeys) {
      this.eniClaims[key]--;
      if (this.eniClaims[key] < 0) {
        this.violations.push(
          `ENI claims below zero on ${this.plan.subnets[this.plan.eniKeys[key].subnet].id}`,
        );
        this.eniClaims[key] = 0;
      }
      this.scheduleDeletionIfUnclaimed(key);
    }
  }

  private scheduleDeletionIfUnclaimed(key: number): void {
    if (this.eniClaims[key] !== 0 || this.eniState[key] === Eni.None || this.eniState[key] === Eni.Failing)
      return;
    const gen = ++this.eniGeneration[key];
    const fromUs = Math.max(this.c.nowUs, this.eniReadyAtUs[key]);
    this.eniState[key] = Eni.Ready; // a creating ENI is deleted only after it is ready
    this.c.at(
      fromUs + sampleUs(this.plan.defaults.eniDeletionDelay, this.eniRng, key),
      Timer.EniDelete,
      key,
      gen,
      0,
    );
  }

  /** Starts creating the ENI of `key`, or records why it cannot be made. */
  private createEni(key: number): void {
    const plan = this.plan;
    const now = this.c.nowUs;
    const subnet = plan.eniKeys[key].subnet;
    const vpc = plan.subnets[subnet].vpc;
    const usage = this.subnets[subnet];
    const quota = plan.vpcs[vpc];
    this.eniGeneration[key]++;
    let code = 0;
    if (this.vpcEnis[vpc] + quota.enisUsedByOthers >= quota.eniQuota) code = ReasonCode.EniLimitExceeded;
    else if (!this.takeIp(key)) code = ReasonCode.SubnetOutOfIPAddresses;
    if (code !== 0) {
      usage.enisFailed++;
      this.eniState[key] = Eni.Failing;
      this.eniFailAtUs[key] = now;
      this.eniFailCode[key] = code;
      this.c.at(now, Timer.EniFailed, key, this.eniGeneration[key], 0);
      return;
    }
    usage.enisCreated++;
    const durationUs = sampleUs(plan.defaults.eniCreateDuration, this.eniRng, key);
    const injected = this.injectedEniFailure(subnet, key);
    if (injected !== 0) {
      usage.enisFailed++;
      this.eniState[key] = Eni.Failing;
      this.eniFailAtUs[key] = now + durationUs;
      this.eniFailCode[key] = injected;
      this.c.at(now + durationUs, Timer.EniFailed, key, this.eniGeneration[key], 0);
      return;
    }
    this.eniState[key] = Eni.Creating;
    this.eniReadyAtUs[key] = now + durationUs;
  }

  private injectedEniFailure(subnet: number, key: number): number {
    const now = this.c.nowUs;
    for (const f of this.plan.faults) {
      if (f.kind !== "eniCreationFailure" || now < f.fromUs || now >= f.untilUs) continue;
      if (f.subnets !== null && !f.subnets.includes(subnet)) continue;
      if (f.probability >= 1 || this.eniRng.next(key) < f.probability) return reasonCodeOf(f.code);
    }
    return 0;
  }

  private freeIps(subnet: number): number {
    const u = this.subnets[subnet];
    return this.plan.subnets[subnet].capacityIps - u.othersIps - u.usedIps;
  }

  /** Takes one IP of the key's subnet and counts the ENI against its VPC; false when none is free. */
  private takeIp(key: number): boolean {
    const subnet = this.plan.eniKeys[key].subnet;
    if (this.freeIps(subnet) <= 0) return false;
    const u = this.subnets[subnet];
    u.usedIps++;
    if (u.usedIps > u.peakUsedIps) u.peakUsedIps = u.usedIps;
    const vpc = this.plan.subnets[subnet].vpc;
    this.vpcEnis[vpc]++;
    if (this.vpcEnis[vpc] > this.vpcPeakEnis[vpc]) this.vpcPeakEnis[vpc] = this.vpcEnis[vpc];
    this.eniHoldsIp[key] = 1;
    return true;
  }

  private removeEni(key: number, deleted: boolean): void {
    const subnet = this.plan.eniKeys[key].subnet;
    const u = this.subnets[subnet];
    this.eniState[key] = Eni.None;
    this.eniClaims[key] = 0;
    if (deleted) u.enisDeleted++;
    if (this.eniHoldsIp[key] === 1) {
      this.eniHoldsIp[key] = 0;
      this.releaseIp(subnet);
    }
  }

  private releaseIp(subnet: number): void {
    const u = this.subnets[subnet];
    u.usedIps--;
    this.vpcEnis[this.plan.subnets[subnet].vpc]--;
    if (u.usedIps < 0) this.violations.push(`subnet ${this.plan.subnets[subnet].id}: IPs in use below zero`);
  }
}

/** Whether the scenario changes reserved or provisioned concurrency while it runs (V2, V4). */
export function configuresConcurrency(plan: Plan): boolean {
  return (
    plan.live === true ||
    plan.calls.some(
      (c) =>
        c.operation === "PutFunctionConcurrency" ||
        c.operation === "DeleteFunctionConcurrency" ||
        c.operation === "PutProvisionedConcurrencyConfig" ||
        c.operation === "DeleteProvisionedConcurrencyConfig",
    )
  );
}
