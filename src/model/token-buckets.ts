/**
 * Continuously refilled token buckets, many in a few typed arrays. A bucket
 * holds at most `burst` tokens and gains `ratePerSec` per second; a request
 * takes one token or is refused.
 */
/** A bucket's level at `nowUs`: what it held at `lastUs` plus the refill since, at most `burst`. */
export function refilledTokens(
  tokens: number,
  lastUs: number,
  nowUs: number,
  ratePerUs: number,
  burst: number,
): number {
  const t = tokens + (nowUs - lastUs) * ratePerUs;
  return t > burst ? burst : t;
}

export class TokenBuckets {
  private readonly tokens: Float64Array;
  private readonly lastUs: Float64Array;
  private readonly ratePerUs: Float64Array;
  private readonly burst: Float64Array;

  constructor(count: number) {
    this.tokens = new Float64Array(count);
    this.lastUs = new Float64Array(count);
    this.ratePerUs = new Float64Array(count);
    this.burst = new Float64Array(count);
  }

  /** Configures bucket `i`, full. */
  set(i: number, ratePerSec: number, burst: number, nowUs = 0): void {
    this.ratePerUs[i] = ratePerSec / 1e6;
    this.burst[i] = burst;
    this.tokens[i] = burst;
    this.lastUs[i] = nowUs;
  }

  /** Changes bucket `i`'s rate and burst at `nowUs`, keeping its tokens (at most the new burst). */
  reshape(i: number, ratePerSec: number, burst: number, nowUs: number): void {
    const t = this.level(i, nowUs);
    this.ratePerUs[i] = ratePerSec / 1e6;
    this.burst[i] = burst;
    this.tokens[i] = t > burst ? burst : t;
    this.lastUs[i] = nowUs;
  }

  /** Tokens in bucket `i` at `nowUs`, without taking any. */
  level(i: number, nowUs: number): number {
    return refilledTokens(this.tokens[i], this.lastUs[i], nowUs, this.ratePerUs[i], this.burst[i]);
  }

  /** Bucket `i`'s burst and refill rate per second. */
  shape(i: number): { burst: number; ratePerSec: number } {
    return { burst: this.burst[i], ratePerSec: this.ratePerUs[i] * 1e6 };
  }

  /** Takes one token at `nowUs`; false when the bucket is empty. */
  take(i: number, nowUs: number): boolean {
    const t = refilledTokens(this.tokens[i], this.lastUs[i], nowUs, this.ratePerUs[i], this.burst[i]);
    this.lastUs[i] = nowUs;
    if (t >= 1) {
      this.tokens[i] = t - 1;
      return true;
    }
    this.tokens[i] = t;
    return false;
  }
}
