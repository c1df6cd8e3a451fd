/**
 * The progress line on stderr while a run goes: simulated time, percent,
 * events per second and ETA, redrawn in place at most ~10 times a second.
 * Only for a terminal; the caller decides (not a TTY or --quiet: no display).
 * Wall-clock time is read here, outside the simulation, for display only.
 */
import type { EventEmitter } from "eventemitter3";
import type { RunEvents } from "../model/run.js";
import { formatDurationUs } from "../scenario/units.js";
import { formatCount } from "./summary.js";

export interface ProgressPoint {
  simTimeUs: number;
  untilUs: number;
  events: number;
}

export interface ProgressSink {
  write(text: string): unknown;
  /** Terminal width, when known: the line is cut to fit. */
  columns?: number;
}

export interface ProgressOptions {
  /** Least wall time between redraws. */
  minIntervalMs?: number;
  /** Wall clock in ms; injectable for tests. */
  nowMs?: () => number;
}

export class ProgressDisplay {
  private readonly minIntervalMs: number;
  private readonly nowMs: () => number;
  private readonly startMs: number;
  private lastDrawMs = Number.NEGATIVE_INFINITY;
  private drawn = false;
  private last: ProgressPoint | null = null;

  constructor(
    private readonly sink: ProgressSink,
    opts: ProgressOptions = {},
  ) {
    this.minIntervalMs = opts.minIntervalMs ?? 100;
    this.nowMs = opts.nowMs ?? (() => performance.now());
    this.startMs = this.nowMs();
  }

  /** Records a progress point; redraws when the last redraw is old enough. */
  update(p: ProgressPoint): void {
    this.last = p;
    const now = this.nowMs();
    if (now - this.lastDrawMs < this.minIntervalMs) return;
    this.lastDrawMs = now;
    this.draw(renderProgress(p, now - this.startMs));
  }

  /** A line of its own, such as "stopping after the current epoch". */
  note(text: string): void {
    this.clear();
    this.sink.write(`${text}\n`);
    if (this.last !== null) this.draw(renderProgress(this.last, this.nowMs() - this.startMs));
  }

  /** Erases the line, leaving the cursor at the start of an empty line. */
  clear(): void {
    if (!this.drawn) return;
    this.sink.write("\r\x1b[2K");
    this.drawn = false;
  }

  private draw(text: string): void {
    const width = this.sink.columns;
    const fitted = width !== undefined && width > 1 && text.length >= width ? text.slice(0, width - 1) : text;
    this.sink.write(`\r\x1b[2K${fitted}`);
    this.drawn = true;
  }
}

/** Feeds the emitter's "progress" events to a display; returns the unsubscribe function. */
export function attachProgress(emitter: EventEmitter<RunEvents>, display: ProgressDisplay): () => void {
  const listener = (p: ProgressPoint) => display.update(p);
  emitter.on("progress", listener);
  return () => emitter.off("progress", listener);
}

/** "simulated 1h12m of 2h (60.0%)  1.52M events/s  ETA 3s". */
export function renderProgress(p: ProgressPoint, elapsedMs: number): string {
  const fraction = p.untilUs > 0 ? Math.min(p.simTimeUs / p.untilUs, 1) : 1;
  const parts = [
    `simulated ${formatDurationUs(roundForDisplay(p.simTimeUs, p.untilUs))} of ${formatDurationUs(p.untilUs)} (${(fraction * 100).toFixed(1)}%)`,
  ];
  if (elapsedMs > 0) {
    parts.push(`${formatCount((p.events * 1000) / elapsedMs)} events/s`);
    if (fraction > 0 && fraction < 1) {
      const etaMs = (elapsedMs * (1 - fraction)) / fraction;
      parts.push(`ETA ${formatDurationUs(Math.max(Math.round(etaMs / 1000), 1) * 1_000_000)}`);
    }
  }
  return parts.join("  ");
}

/** Simulated time to the second, or to the minute in runs of two hours or more. */
function roundForDisplay(us: number, untilUs: number): number {
  const step = untilUs >= 7_200_000_000 ? 60_000_000 : 1_000_000;
  return us >= step ? Math.floor(us / step) * step : us;
}
