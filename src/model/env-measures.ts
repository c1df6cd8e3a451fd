/**
 * The warm pool measured (issue 13 item 1): counts and exact time integrals
 * of a partition's on-demand environments by template, and of its
 * provisioned ones, kept in Observations so partitions merge by addition.
 *
 * Integrals are sums of whole microseconds (times MB for GB-seconds) in two
 * limbs (exactSum), so the sum is exact, and the same whatever the
 * partitioning. For sample points, the idle gauge leaves out environments
 * whose expiry has passed although nobody has found them yet: a ring of
 * counts by the sample interval their expiry falls in, swept at each sample.
 */
import type { Observations } from "./observations.js";

/** The low limb of an exact sum holds less than this; the high limb counts units of it. */
const LIMB = 2 ** 40;

/** Adds a whole number (< 2^52) to the exact sum at a[2i] (low) and a[2i + 1] (high). */
export function addExact(a: Float64Array, i: number, v: number): void {
  let lo = a[2 * i] + v;
  if (lo >= LIMB || lo < 0) {
    const carry = Math.floor(lo / LIMB);
    a[2 * i + 1] += carry;
    lo -= carry * LIMB;
  }
  a[2 * i] = lo;
}

/** Adds level * dt (whole numbers) to an exact sum, in steps whose products stay exact. */
function addProduct(a: Float64Array, i: number, level: number, dt: number): void {
  if (level === 0) return;
  const step = Math.max(1, Math.floor(2 ** 52 / Math.abs(level)));
  for (let left = dt; left > 0; left -= step) addExact(a, i, level * Math.min(step, left));
}

/** The value of an exact sum (rounded to a double once, at the end). */
export const exactSum = (a: ArrayLike<number>, i: number): number => a[2 * i + 1] * LIMB + a[2 * i];

/** Provisioned environments' integrals in Observations.envProvisioned: exact sums by this index. */
export const ProvisionedSum = { ReadyUs: 0, BusyUs: 1, IdleMbUs: 2 } as const;

export class EnvMeasures {
  /** On-demand environments busy, and in idle lists, by template (the sample gauges). */
  readonly busy: Float64Array;
  readonly idle: Float64Array;
  /** Environments in idle lists whose expiry fell before the last sample point swept, by template. */
  private readonly expiredUnseen: Float64Array;
  /** Idle environments by (expiry's sample interval mod slots, template); null when the run takes no samples. */
  private readonly ring: Float64Array | null;
  private readonly slots: number;
  /** Sample intervals before this one are swept out of the ring. */
  private swept = 0;
  // Provisioned environments: counts at lastUs (ready MB too), integrated at each change.
  private provReady = 0;
  private provBusy = 0;
  private provIdleMb = 0;
  private provAtUs = 0;

  constructor(
    private readonly obs: Observations,
    private readonly templates: number,
    private readonly intervalUs: number,
    /** No idle environment stays warm longer than this after going idle. */
    horizonUs: number,
  ) {
    this.busy = new Float64Array(templates);
    this.idle = new Float64Array(templates);
    this.expiredUnseen = new Float64Array(templates);
    this.slots = intervalUs > 0 ? Math.ceil(horizonUs / intervalUs) + 3 : 0;
    this.ring = intervalUs > 0 ? new Float64Array(this.slots * templates) : null;
  }

  created(t: number): void {
    this.obs.envCreated[t]++;
    this.busy[t]++;
  }

  /** A pool's peak, at the end: the template's peak is the sum of its pools'. */
  peak(t: number, n: number): void {
    this.obs.envPeak[t] += n;
  }

  recycled(t: number): void {
    this.obs.envRecycled[t]++;
  }

  /** A warm environment took a request (a new one counts busy from its creation). */
  busyStarted(t: number): void {
    this.busy[t]++;
  }

  /** A busy period of `lengthUs` ended. */
  busyEnded(t: number, lengthUs: number): void {
    addExact(this.obs.envBusyUs, t, lengthUs);
    this.busy[t]--;
  }

  /** An environment went idle; it stays warm until `expiryUs`. */
  idleStarted(t: number, expiryUs: number): void {
    this.idle[t]++;
    const ring = this.ring;
    if (ring !== null) ring[this.slotOf(expiryUs) * this.templates + t]++;
  }

  /** An idle period of `lengthUs` ended at or before its expiry (reused, dropped, or the run's end). */
  idleEnded(t: number, lengthUs: number, memoryMb: number, expiryUs: number): void {
    const obs = this.obs;
    addExact(obs.envIdleUs, t, lengthUs);
    addExact(obs.envIdleMbUs, t, lengthUs * memoryMb);
    this.idle[t]--;
    const ring = this.ring;
    if (ring === null) return;
    const k = Math.floor(expiryUs / this.intervalUs);
    if (k >= this.swept) ring[(k % this.slots) * this.templates + t]--;
    else this.expiredUnseen[t]--;
  }

  /** An idle environment's expiry passed (its idle period, `lengthUs`, ended then): expiredIdle, or recycled. */
  expired(t: number, lengthUs: number, memoryMb: number, expiryUs: number, recycled: boolean): void {
    if (recycled) this.obs.envRecycled[t]++;
    else this.obs.envExpiredIdle[t]++;
    this.idleEnded(t, lengthUs, memoryMb, expiryUs);
  }

  private slotOf(expiryUs: number): number {
    return Math.floor(expiryUs / this.intervalUs) % this.slots;
  }

  /**
   * Writes the gauges at sample point `atUs` (a multiple of the interval,
   * every event before it run): by template, environments busy, then warm
   * idle ones (expiry at or after atUs).
   */
  writeGauges(out: Float64Array, offset: number, atUs: number): void {
    const T = this.templates;
    const ring = this.ring;
    if (ring !== null) {
      const k = Math.floor(atUs / this.intervalUs);
      for (let j = this.swept; j < k && j < this.swept + this.slots; j++) {
        const o = (j % this.slots) * T;
        for (let t = 0; t < T; t++) {
          this.expiredUnseen[t] += ring[o + t];
          ring[o + t] = 0;
        }
      }
      if (k > this.swept) this.swept = k;
    }
    for (let t = 0; t < T; t++) {
      out[offset + t] = this.busy[t];
      out[offset + T + t] = this.idle[t] - this.expiredUnseen[t];
    }
  }

  /** Provisioned environments change at `nowUs`: ready and busy by these deltas, of `memoryMb` each. */
  provisioned(nowUs: number, readyDelta: number, busyDelta: number, memoryMb: number): void {
    const dt = nowUs - this.provAtUs;
    if (dt > 0) {
      const sums = this.obs.envProvisioned;
      addProduct(sums, ProvisionedSum.ReadyUs, this.provReady, dt);
      addProduct(sums, ProvisionedSum.BusyUs, this.provBusy, dt);
      addProduct(sums, ProvisionedSum.IdleMbUs, this.provIdleMb, dt);
      this.provAtUs = nowUs;
    }
    this.provReady += readyDelta;
    this.provBusy += busyDelta;
    this.provIdleMb += (readyDelta - busyDelta) * memoryMb;
  }

  /**
   * The run ends at `endUs`, after the table counted its open periods (an
   * idle environment still warm at the end is counted idle at the end): the
   * provisioned levels are integrated to it.
   */
  finish(endUs: number): void {
    this.provisioned(endUs, 0, 0, 0);
  }

  /** Counts an environment alive at the end of the run: busy, or idle and still warm. */
  aliveAtEnd(t: number, busy: boolean): void {
    this.obs.envAtEnd[busy ? t : this.templates + t]++;
  }
}
