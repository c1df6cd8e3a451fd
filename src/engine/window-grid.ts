import { InvariantError } from "./invariant-error.js";

/**
 * Where windows fall: a fixed grid of `windowUs`, cut at sample points, and
 * skipping empty stretches to the grid point of the next pending work. Every
 * runner (one thread or many) walks the same grid, so windows never depend
 * on how partitions are hosted.
 */
export class WindowGrid {
  /** Start of the next window. */
  startUs = 0;
  /** Next sample point, or +Infinity. */
  nextSampleUs: number;
  /** Windows are half-open, so events at untilUs still run. */
  readonly lastUs: number;

  constructor(
    readonly windowUs: number,
    readonly untilUs: number,
    readonly sampleIntervalUs: number,
  ) {
    if (!(windowUs >= 1) || !Number.isInteger(windowUs)) throw new InvariantError(`bad window ${windowUs}us`);
    this.lastUs = untilUs + 1;
    this.nextSampleUs = sampleIntervalUs > 0 ? 0 : Number.POSITIVE_INFINITY;
  }

  /** The next sample point due before the coming window (then consumed), or -1. */
  takeDueSample(): number {
    const t = this.nextSampleUs;
    if (t <= this.startUs && t <= this.untilUs) {
      this.nextSampleUs += this.sampleIntervalUs;
      return t;
    }
    return -1;
  }

  /** Sample points left after the last window (the state is quiet by then), or -1. */
  takeRemainingSample(): number {
    const t = this.nextSampleUs;
    if (t <= this.untilUs) {
      this.nextSampleUs += this.sampleIntervalUs;
      return t;
    }
    return -1;
  }

  get finished(): boolean {
    return this.startUs >= this.lastUs;
  }

  /** End of the window starting at startUs. */
  windowEndUs(): number {
    let endUs = this.startUs + this.windowUs;
    if (endUs > this.lastUs) endUs = this.lastUs;
    if (endUs > this.nextSampleUs && this.nextSampleUs > this.startUs) endUs = this.nextSampleUs;
    return endUs;
  }

  /** Moves to the window of the next work after a window that ended at endUs. */
  advance(endUs: number, nextEventUs: number): void {
    const nextUs = Math.min(nextEventUs, this.nextSampleUs);
    if (nextUs >= this.lastUs) {
      this.startUs = this.lastUs;
      return;
    }
    const gridUs = Math.floor(nextUs / this.windowUs) * this.windowUs;
    this.startUs = gridUs > endUs ? gridUs : endUs;
  }
}
