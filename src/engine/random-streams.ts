import { fnv1a32, mix32 } from "./hash.js";

/**
 * One independent xoshiro128** stream per entity, all kept in one typed
 * array. A stream's seed depends only on (run seed, entity key), so adding or
 * removing an entity never changes another entity's draws: common random
 * numbers across configurations, and identical draws whatever partition or
 * thread hosts the entity.
 */
export class RandomStreams {
  private readonly state: Uint32Array;

  constructor(runSeed: number, keys: readonly string[]) {
    this.state = new Uint32Array(keys.length * 4);
    for (let i = 0; i < keys.length; i++) {
      seedStream(this.state, i, runSeed, keys[i]);
      // Discard a few outputs so streams of similar keys decorrelate fully.
      for (let k = 0; k < 4; k++) this.next(i);
    }
  }

  /** Restarts entity i's stream as if it had been made with `key` (an entity named only once the run is under way). */
  reseed(i: number, runSeed: number, key: string): void {
    seedStream(this.state, i, runSeed, key);
    for (let k = 0; k < 4; k++) this.next(i);
  }

  get size(): number {
    return this.state.length >> 2;
  }

  /** Uniform draw in [0, 1) from the stream of `entity`. */
  next(entity: number): number {
    const s = this.state;
    const o = entity << 2;
    const s0 = s[o];
    const s1 = s[o + 1];
    const s2 = s[o + 2];
    const s3 = s[o + 3];
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = (s1 << 9) >>> 0;
    let n2 = (s2 ^ s0) >>> 0;
    let n3 = (s3 ^ s1) >>> 0;
    const n1 = (s1 ^ n2) >>> 0;
    const n0 = (s0 ^ n3) >>> 0;
    n2 = (n2 ^ t) >>> 0;
    n3 = rotl(n3, 11);
    s[o] = n0;
    s[o + 1] = n1;
    s[o + 2] = n2;
    s[o + 3] = n3;
    return result / 4294967296;
  }

  /** Uniform draw in (0, 1]: safe for logarithms. */
  nextOpen(entity: number): number {
    return 1 - this.next(entity);
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

function seedStream(state: Uint32Array, i: number, runSeed: number, key: string): void {
  const h = fnv1a32(key, mix32(runSeed >>> 0) ^ mix32(Math.floor(runSeed / 4294967296)));
  let x = h;
  const o = i << 2;
  for (let k = 0; k < 4; k++) {
    x = mix32(x + k);
    state[o + k] = x;
  }
  // xoshiro must not start from the all-zero state.
  if ((state[o] | state[o + 1] | state[o + 2] | state[o + 3]) === 0) state[o] = 1;
}

/** A single stream, for code off the hot path (tests, generators). */
export class RandomStream {
  private readonly streams: RandomStreams;
  constructor(runSeed: number, key: string) {
    this.streams = new RandomStreams(runSeed, [key]);
  }
  next(): number {
    return this.streams.next(0);
  }
}
