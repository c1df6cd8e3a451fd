import type { TraceRecord } from "./fleet-partition.js";

/**
 * Holds trace records until their epoch is complete, so that a run repeated
 * after a GrantConflict never shows a record the repeat does not confirm:
 * records of completed epochs were exact and are passed on at once; the
 * repeat skips them and passes on only what comes after.
 */
export class EpochTraces {
  private held: TraceRecord[] = [];
  /** Records before this time were already passed on (by an earlier attempt). */
  private resumeUs = Number.NEGATIVE_INFINITY;
  private committedUs = Number.NEGATIVE_INFINITY;

  constructor(private readonly emit: (r: TraceRecord) => void) {}

  readonly add = (r: TraceRecord): void => {
    if (r.timeUs >= this.resumeUs) this.held.push(r);
  };

  /** Everything before `endUs` has run: pass its records on. */
  readonly commit = (endUs: number): void => {
    for (const r of this.held) this.emit(r);
    this.held = [];
    this.committedUs = endUs;
  };

  /** The run starts again from the beginning: drop what is held, skip what was passed on. */
  restart(): void {
    this.held = [];
    if (this.committedUs > this.resumeUs) this.resumeUs = this.committedUs;
  }

  /** At the end of the run (complete or stopped): pass on what is held. */
  flush(): void {
    for (const r of this.held) this.emit(r);
    this.held = [];
  }
}
