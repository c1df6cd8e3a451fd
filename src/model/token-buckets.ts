/**
 * Continuously refilled token buckets, many in a few typed arrays. A bucket
 * holds at most `burst` tokens and gains `ratePerSec` per second; a request
 * takes one token or is refused.
 */
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

  /** Tokens in bucket `i` at `nowUs`, without taking any. */
  level(i: number, nowUs: number): number {
    const t = this.tokens[i] + (nowUs - this.lastUs[i]) * this.ratePerUs[i];
    return t > this.burst[i] ? this.burst[i] : t;
  }

  /** Bucket `i`'s burst and refill rate per second. */
  shape(i: number): { burst: number; ratePerSec: number } {
    return { burst: this.burst[i], ratePerSec: this.ratePerUs[i] * 1e6 };
  }

  /** Takes one token at `nowUs`; false when the bucket is empty. */
  take(i: number, nowUs: number): boolean {
    let t = this.tokens[i] + (nowUs - this.lastUs[i]) * this.ratePerUs[i];
    const b = this.burst[i];
    if (t > b) t = b;
    this.lastUs[i] = nowUs;
    if (t >= 1) {
      this.tokens[i] = t - 1;
      return true;
    }
    this.tokens[i] = t;
    return false;
  }
}
