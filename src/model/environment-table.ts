/**
 * The on-demand execution environments of one partition as entities (D2):
 * one row per environment in typed-array columns, grown by doubling, rows
 * reused through a free list; no object per environment. Each environment
 * belongs to a pool (a function's $LATEST, or one published version's
 * on-demand environments) and, while idle, sits in its pool's idle list: a
 * doubly linked list in the order the environments went idle, newest at the
 * tail. Routing takes from the tail (mru), the head (lru) or anywhere
 * (random).
 *
 * An idle environment is warm until its expiry: the earlier of its
 * keep-alive after going idle and its retire-at time (born + maximum
 * lifetime). Nothing happens at the expiry itself: an expired environment
 * is found when routing passes it, or when its pool is dropped, or at the
 * end of the run, and counted then as of its expiry (expiredIdle, or
 * recycled when its retire-at came first). The warm pool's measures are
 * exact whatever the moment of discovery: each period adds its length when
 * it ends (env-measures.ts).
 */
import type { RandomStreams } from "../engine/random-streams.js";
import type { EnvMeasures } from "./env-measures.js";
import { Routing } from "./routing.js";

/** An environment row's state. */
export const EnvState = { Free: 0, Idle: 1, Busy: 2 } as const;

const NONE = -1;

export class EnvironmentTable {
  // Per environment.
  bornUs = new Float64Array(0);
  keepAliveUs = new Float64Array(0);
  retireAtUs = new Float64Array(0);
  /** Idle since (Idle) or busy since (Busy). */
  sinceUs = new Float64Array(0);
  /** The arrival time of the invocation it runs (Busy): InvocationEnd carries the environment instead. */
  arrivalUs = new Float64Array(0);
  poolOf = new Int32Array(0);
  templateOf = new Int32Array(0);
  memoryMb = new Int32Array(0);
  state = new Uint8Array(0);
  /** Idle-list links; `next` also chains the free rows. */
  prev = new Int32Array(0);
  next = new Int32Array(0);
  private freeHead = NONE;
  private rows = 0;

  // Per pool.
  head = new Int32Array(0);
  tail = new Int32Array(0);
  /** Environments in the idle list (some may have expired, not yet found). */
  idle = new Int32Array(0);
  busy = new Int32Array(0);
  /** The most environments the pool held at once (taken at each birth, when its idle list is empty). */
  peak = new Int32Array(0);
  /** The template of the pool's environments (of its first one). */
  poolTemplate = new Int32Array(0);
  poolCount = 0;

  constructor(
    pools: number,
    private readonly m: EnvMeasures,
  ) {
    this.growRows(16);
    this.growPools(Math.max(pools, 1));
    for (let p = 0; p < pools; p++) this.newPool();
  }

  /** A new, empty pool's id. */
  newPool(): number {
    if (this.poolCount === this.head.length) this.growPools(this.head.length * 2);
    const p = this.poolCount++;
    this.head[p] = NONE;
    this.tail[p] = NONE;
    this.poolTemplate[p] = -1;
    return p;
  }

  /** A new environment of `pool`, busy from `nowUs`. */
  create(
    pool: number,
    template: number,
    memoryMb: number,
    nowUs: number,
    keepAliveUs: number,
    lifetimeUs: number,
  ): number {
    let e = this.freeHead;
    if (e === NONE) {
      if (this.rows === this.state.length) this.growRows(this.state.length * 2);
      e = this.rows++;
    } else {
      this.freeHead = this.next[e];
    }
    this.bornUs[e] = nowUs;
    this.keepAliveUs[e] = keepAliveUs;
    this.retireAtUs[e] = nowUs + lifetimeUs;
    this.poolOf[e] = pool;
    this.templateOf[e] = template;
    this.memoryMb[e] = memoryMb;
    this.state[e] = EnvState.Busy;
    this.sinceUs[e] = nowUs;
    if (this.poolTemplate[pool] < 0) this.poolTemplate[pool] = template;
    const alive = this.idle[pool] + ++this.busy[pool];
    if (alive > this.peak[pool]) this.peak[pool] = alive;
    this.m.created(template);
    return e;
  }

  /** When idle environment e stops being warm. */
  expiryUs(e: number): number {
    const idleEnd = this.sinceUs[e] + this.keepAliveUs[e];
    const retire = this.retireAtUs[e];
    return retire < idleEnd ? retire : idleEnd;
  }

  /**
   * Takes a warm idle environment of `pool` at `nowUs` (it becomes busy), or
   * -1; expired ones on the way are gone. `random` draws from `rng`'s stream
   * of `entity`.
   */
  take(pool: number, nowUs: number, routing: number, rng: RandomStreams | null, entity: number): number {
    let e: number;
    if (routing === Routing.Mru) {
      while ((e = this.tail[pool]) !== NONE && nowUs > this.expiryUs(e)) this.expire(e);
    } else if (routing === Routing.Lru) {
      while ((e = this.head[pool]) !== NONE && nowUs > this.expiryUs(e)) this.expire(e);
    } else {
      // Uniform among the warm ones: the expired go first, so the draw does not depend on when they were found.
      for (let x = this.head[pool]; x !== NONE;) {
        const after = this.next[x];
        if (nowUs > this.expiryUs(x)) this.expire(x);
        x = after;
      }
      const n = this.idle[pool];
      if (n === 0) return NONE;
      e = this.head[pool];
      for (let k = Math.floor(rng!.next(entity) * n); k > 0; k--) e = this.next[e];
    }
    if (e === NONE) return NONE;
    this.m.idleEnded(this.templateOf[e], nowUs - this.sinceUs[e], this.memoryMb[e], this.expiryUs(e));
    this.m.busyStarted(this.templateOf[e]);
    this.unlink(e);
    this.state[e] = EnvState.Busy;
    this.sinceUs[e] = nowUs;
    this.busy[pool]++;
    return e;
  }

  /** Busy environment e finished its request at `nowUs`: it goes idle (newest) unless past its retire-at. */
  release(e: number, nowUs: number): void {
    this.m.busyEnded(this.templateOf[e], nowUs - this.sinceUs[e]);
    const pool = this.poolOf[e];
    this.busy[pool]--;
    if (nowUs > this.retireAtUs[e]) {
      this.m.recycled(this.templateOf[e]);
      this.free(e);
      return;
    }
    this.state[e] = EnvState.Idle;
    this.sinceUs[e] = nowUs;
    const t = this.tail[pool];
    this.prev[e] = t;
    this.next[e] = NONE;
    if (t === NONE) this.head[pool] = e;
    else this.next[t] = e;
    this.tail[pool] = e;
    this.idle[pool]++;
    this.m.idleStarted(this.templateOf[e], this.expiryUs(e));
  }

  /** Busy environment e is not kept (R8, R18, a failed mount, an error that stops the instance). */
  destroyBusy(e: number, nowUs: number): void {
    this.m.busyEnded(this.templateOf[e], nowUs - this.sinceUs[e]);
    this.busy[this.poolOf[e]]--;
    this.free(e);
  }

  /** Every idle environment of `pool` goes (an update, Inactive, a KMS refusal, a deletion). */
  dropIdle(pool: number, nowUs: number): void {
    for (let e = this.head[pool]; e !== NONE;) {
      const after = this.next[e];
      if (nowUs > this.expiryUs(e)) {
        this.expire(e);
      } else {
        this.m.idleEnded(this.templateOf[e], nowUs - this.sinceUs[e], this.memoryMb[e], this.expiryUs(e));
        this.free(e);
      }
      e = after;
    }
    this.head[pool] = NONE;
    this.tail[pool] = NONE;
    this.idle[pool] = 0;
  }

  /** The run ends at `endUs`: every period still open is counted, and each pool's peak. */
  finish(endUs: number): void {
    for (let p = 0; p < this.poolCount; p++)
      if (this.poolTemplate[p] >= 0) this.m.peak(this.poolTemplate[p], this.peak[p]);
    for (let e = 0; e < this.rows; e++) {
      const s = this.state[e];
      if (s === EnvState.Busy) {
        this.m.aliveAtEnd(this.templateOf[e], true);
        this.m.busyEnded(this.templateOf[e], endUs - this.sinceUs[e]);
      } else if (s === EnvState.Idle && endUs > this.expiryUs(e)) {
        this.expired(e);
      } else if (s === EnvState.Idle) {
        this.m.aliveAtEnd(this.templateOf[e], false);
        this.m.idleEnded(this.templateOf[e], endUs - this.sinceUs[e], this.memoryMb[e], this.expiryUs(e));
      }
    }
  }

  /** Idle environment e's expiry has passed: counted as of then, expiredIdle or (retire-at first) recycled. */
  private expired(e: number): void {
    const since = this.sinceUs[e];
    const expiry = this.expiryUs(e);
    const recycled = this.retireAtUs[e] < since + this.keepAliveUs[e];
    this.m.expired(this.templateOf[e], expiry - since, this.memoryMb[e], expiry, recycled);
  }

  /** Idle environment e was found expired: it is counted as of its expiry and goes. */
  private expire(e: number): void {
    this.expired(e);
    this.unlink(e);
    this.free(e);
  }

  private unlink(e: number): void {
    const pool = this.poolOf[e];
    const p = this.prev[e];
    const n = this.next[e];
    if (p === NONE) this.head[pool] = n;
    else this.next[p] = n;
    if (n === NONE) this.tail[pool] = p;
    else this.prev[n] = p;
    this.idle[pool]--;
  }

  private free(e: number): void {
    this.state[e] = EnvState.Free;
    this.next[e] = this.freeHead;
    this.freeHead = e;
  }

  private growRows(n: number): void {
    this.bornUs = grow(this.bornUs, n);
    this.keepAliveUs = grow(this.keepAliveUs, n);
    this.retireAtUs = grow(this.retireAtUs, n);
    this.sinceUs = grow(this.sinceUs, n);
    this.arrivalUs = grow(this.arrivalUs, n);
    this.poolOf = grow(this.poolOf, n);
    this.templateOf = grow(this.templateOf, n);
    this.memoryMb = grow(this.memoryMb, n);
    this.state = grow(this.state, n);
    this.prev = grow(this.prev, n);
    this.next = grow(this.next, n);
  }

  private growPools(n: number): void {
    this.head = grow(this.head, n);
    this.tail = grow(this.tail, n);
    this.idle = grow(this.idle, n);
    this.busy = grow(this.busy, n);
    this.peak = grow(this.peak, n);
    this.poolTemplate = grow(this.poolTemplate, n);
  }
}

type Column = Float64Array | Int32Array | Uint8Array;

function grow<T extends Column>(a: T, n: number): T {
  const b = new (a.constructor as new (n: number) => T)(n);
  b.set(a);
  return b;
}
