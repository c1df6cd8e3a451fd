import { InvariantError } from "./invariant-error.js";

/**
 * Where epochs fall: a fixed grid of `epochUs`, cut at sample points, and
 * skipping empty stretches to the grid point of the next pending work. The
 * one loop walks it whatever runs the partitions, so epochs never depend on
 * how partitions are hosted.
 */
export class EpochGrid {
  /** Start of the next epoch. */
  startUs = 0;
  /** Next sample point, or +Infinity. */
  nextSampleUs: number;
  /** Epochs are half-open, so events at untilUs still run. */
  readonly lastUs: number;

  constructor(
    readonly epochUs: number,
    readonly untilUs: number,
    readonly sampleIntervalUs: number,
  ) {
    if (!(epochUs >= 1) || !Number.isInteger(epochUs)) throw new InvariantError(`bad epoch ${epochUs}us`);
    this.lastUs = untilUs + 1;
    this.nextSampleUs = sampleIntervalUs > 0 ? 0 : Number.POSITIVE_INFINITY;
  }

  /** The next sample point due before the coming epoch (then consumed), or -1. */
  takeDueSample(): number {
    const t = this.nextSampleUs;
    if (t <= this.startUs && t <= this.untilUs) {
      this.nextSampleUs += this.sampleIntervalUs;
      return t;
    }
    return -1;
  }

  /** Sample points left after the last epoch (the state is quiet by then), or -1. */
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

  /** End of the epoch starting at startUs. */
  epochEndUs(): number {
    let endUs = this.startUs + this.epochUs;
    if (endUs > this.lastUs) endUs = this.lastUs;
    if (endUs > this.nextSampleUs && this.nextSampleUs > this.startUs) endUs = this.nextSampleUs;
    return endUs;
  }

  /** Moves to the epoch of the next work after an epoch that ended at endUs. */
  advance(endUs: number, nextEventUs: number): void {
    const nextUs = Math.min(nextEventUs, this.nextSampleUs);
    if (nextUs >= this.lastUs) {
      this.startUs = this.lastUs;
      return;
    }
    const gridUs = Math.floor(nextUs / this.epochUs) * this.epochUs;
    this.startUs = gridUs > endUs ? gridUs : endUs;
  }
}
