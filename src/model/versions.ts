/**
 * Versions, aliases and provisioned concurrency of one function (V1-V3),
 * and the concurrency settings its partition must know (V4). Kept only for
 * the functions a scenario publishes, aliases, qualifies or configures;
 * every other function runs the $LATEST path alone.
 */
import { ProvisionedStatus } from "./aws-names.js";
import { aliasOf, isAlias, LATEST } from "./qualifiers.js";
import { refilledTokens } from "./token-buckets.js";

/** The execution environments of one published version. */
export class EnvPool {
  /** onDemand: the version's on-demand environments (their pool in the partition's environment table); memoryMb: the version's memory, which its provisioned environments are billed by. */
  constructor(
    readonly onDemand: number,
    readonly memoryMb: number,
  ) {}
  /** Provisioned environments the configurations ask for (V2, V3). */
  target = 0;
  /** Provisioned environments initialised, and of those: running, and never used yet. */
  ready = 0;
  busy = 0;
  fresh = 0;
  /** Provisioned environments being initialised. */
  starting = 0;
  /** The pool's request-rate bucket: 10 requests/s per ready provisioned environment (V2). */
  tokens = 0;
  tokensAtUs = 0;

  /** Ready provisioned environments not running anything. */
  get free(): number {
    return this.ready - this.busy;
  }

  /** Takes a token of the provisioned request rate at `nowUs` (rate and burst follow the ready count). */
  takeToken(nowUs: number, perEnvPerSec: number): boolean {
    const rate = this.ready * perEnvPerSec;
    const t = refilledTokens(this.tokens, this.tokensAtUs, nowUs, rate / 1e6, rate);
    this.tokensAtUs = nowUs;
    if (t >= 1) {
      this.tokens = t - 1;
      return true;
    }
    this.tokens = t;
    return false;
  }
}

/** An immutable snapshot of the function's code and configuration (PublishVersion). */
export interface Version {
  revision: number;
  memoryMb: number;
  timeoutUs: number;
  /** Pending until ready (R17); invocations of a Pending version conflict. */
  active: boolean;
  pool: EnvPool;
}

export interface ProvisionedConfig {
  /** A version (>= 1) or an alias (qualifiers.ts). */
  qualifier: number;
  requested: number;
  /** ProvisionedStatus. */
  status: number;
}

export class FunctionVersions {
  readonly versions: Version[] = [];
  /** By alias index: the version it points to (-1: no such alias), the routed version (0: none) and its weight. */
  readonly aliasVersion: Int32Array;
  readonly aliasRoutedVersion: Int32Array;
  readonly aliasRoutedWeight: Float64Array;
  readonly configs: ProvisionedConfig[] = [];
  /** Reserved concurrency as the coordinator last accepted it (-1: none). */
  reserved: number;
  /** Task slot of a concurrency change waiting for the coordinator, or -1 (one at a time, as AWS). */
  pendingSlot = -1;
  pendingChange: {
    reserved: number;
    config: ProvisionedConfig | null;
    deleteQualifier: number | null;
  } | null = null;
  /** The operation of the pending change (aws-names Operation). */
  pendingOperation = 0;
  /** When the next provisioned environment may start initialising (the allocation rate). */
  allocationNextUs = 0;
  /** Routes (qualifiers.ts) of requests waiting for the coordinator, oldest first: answers come in request order. */
  private readonly waiting: number[] = [];
  private waitingHead = 0;

  constructor(aliasCount: number, reserved: number) {
    this.aliasVersion = new Int32Array(aliasCount).fill(-1);
    this.aliasRoutedVersion = new Int32Array(aliasCount);
    this.aliasRoutedWeight = new Float64Array(aliasCount);
    this.reserved = reserved;
  }

  /** A new version; `onDemand`: the environment-table pool of its on-demand environments. */
  publish(revision: number, memoryMb: number, timeoutUs: number, onDemand: number): number {
    this.versions.push({
      revision,
      memoryMb,
      timeoutUs,
      active: false,
      pool: new EnvPool(onDemand, memoryMb),
    });
    return this.versions.length;
  }

  version(v: number): Version | null {
    return v >= 1 && v <= this.versions.length ? this.versions[v - 1] : null;
  }

  /**
   * The version a request runs: $LATEST (0), a version, or for an alias the
   * version its routing picks with the uniform draw `u` (probabilistic per
   * request, as the seed says). -1 when the qualifier names nothing.
   */
  resolve(q: number, u: number): number {
    if (q === LATEST) return 0;
    if (!isAlias(q)) return this.version(q) === null ? -1 : q;
    const a = aliasOf(q);
    const main = this.aliasVersion[a];
    if (main < 0) return -1;
    const routed = this.aliasRoutedVersion[a];
    return routed > 0 && u < this.aliasRoutedWeight[a] ? routed : main;
  }

  pushRoute(route: number): void {
    this.waiting.push(route);
  }

  shiftRoute(): number {
    const route = this.waiting[this.waitingHead++];
    if (this.waitingHead > 1024 && this.waitingHead * 2 > this.waiting.length) {
      this.waiting.splice(0, this.waitingHead);
      this.waitingHead = 0;
    }
    return route;
  }

  config(q: number): ProvisionedConfig | null {
    for (const c of this.configs) if (c.qualifier === q) return c;
    return null;
  }

  /** Provisioned concurrency of all configurations together. */
  provisionedTotal(): number {
    let total = 0;
    for (const c of this.configs) total += c.requested;
    return total;
  }

  /**
   * Each version's provisioned target from the configurations: a version's
   * own, plus an alias's split by the alias's weights (V3: updating the
   * alias shifts provisioned concurrency to the new version).
   */
  retarget(): void {
    for (const v of this.versions) v.pool.target = 0;
    for (const c of this.configs) {
      for (const [v, n] of this.shares(c)) {
        const version = this.version(v);
        if (version !== null) version.pool.target += n;
      }
    }
  }

  /** A configuration's environments by version: [version, count] pairs. */
  shares(c: ProvisionedConfig): [number, number][] {
    if (!isAlias(c.qualifier)) return [[c.qualifier, c.requested]];
    const a = aliasOf(c.qualifier);
    const main = this.aliasVersion[a];
    const routed = this.aliasRoutedVersion[a];
    if (main < 0) return [];
    if (routed <= 0 || routed === main) return [[main, c.requested]];
    const toRouted = Math.round(c.requested * this.aliasRoutedWeight[a]);
    return [
      [main, c.requested - toRouted],
      [routed, toRouted],
    ];
  }

  /** A configuration is READY once every version it feeds has its share initialised (FAILED stays). */
  refreshStatus(): void {
    for (const c of this.configs) {
      if (c.status === ProvisionedStatus.Failed) continue;
      let ready = true;
      for (const [v] of this.shares(c)) {
        const pool = this.version(v)?.pool;
        if (pool !== undefined && pool.ready < pool.target) ready = false;
      }
      c.status = ready ? ProvisionedStatus.Ready : ProvisionedStatus.InProgress;
    }
  }
}
