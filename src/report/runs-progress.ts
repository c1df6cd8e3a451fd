/**
 * The progress line of many runs (replications, sweeps) on a terminal: runs
 * done, their share and an ETA from the mean time per run so far. Wall-clock
 * time is read here, for display only.
 */
import type { ProgressSink } from "./progress.js";
import { formatSeconds } from "./summary.js";

export class RunsProgress {
  private readonly startMs: number;
  private drawn = false;

  constructor(
    private readonly sink: ProgressSink,
    private readonly label: string,
    private readonly nowMs: () => number = () => performance.now(),
  ) {
    this.startMs = this.nowMs();
  }

  /** `note` follows the ETA (a sweep on a queue: the workers seen). */
  update(done: number, total: number, note?: string): void {
    const elapsedS = (this.nowMs() - this.startMs) / 1000;
    const etaS = done > 0 ? (elapsedS / done) * (total - done) : Number.NaN;
    const eta = Number.isFinite(etaS) ? ` ETA ${formatSeconds(etaS)}` : "";
    const pct = total > 0 ? Math.floor((100 * done) / total) : 100;
    let line = `${this.label}: ${done}/${total} runs (${pct}%), ${formatSeconds(elapsedS)} elapsed${eta}${note === undefined ? "" : `, ${note}`}`;
    // A terminal that reports 0 columns (some CI consoles) has no width to fit.
    const width = this.sink.columns;
    if (width !== undefined && width > 1 && line.length >= width) line = line.slice(0, width - 1);
    this.sink.write(`\r\x1b[2K${line}`);
    this.drawn = true;
  }

  /** Clears the line (before the results are printed). */
  clear(): void {
    if (this.drawn) this.sink.write("\r\x1b[2K");
    this.drawn = false;
  }
}
