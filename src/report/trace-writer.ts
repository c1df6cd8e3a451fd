/**
 * `--trace`: one NDJSON line per API call and state transition of the traced
 * functions, from the run emitter's "transition" events.
 *
 * The simulation runs synchronously, so an asynchronous stream would hold the
 * whole trace in memory until the run ends; lines are instead gathered into
 * chunks and written with synchronous writes, which keeps memory flat.
 */
import { closeSync, openSync, writeSync } from "node:fs";
import type { EventEmitter } from "eventemitter3";
import type { TraceRecord } from "../model/fleet-partition.js";
import type { RunEvents } from "../model/run.js";

/** One line of the trace file: the record, with its simulated time in seconds first. */
export type TraceLine = { t: number } & TraceRecord;

export function traceLine(r: TraceRecord): TraceLine {
  return {
    t: r.timeUs / 1e6,
    timeUs: r.timeUs,
    function: r.function,
    operation: r.operation,
    outcome: r.outcome,
    message: r.message,
    reason: r.reason,
    stateBefore: r.stateBefore,
    stateAfter: r.stateAfter,
    lastUpdateStatus: r.lastUpdateStatus,
    stateReasonCode: r.stateReasonCode,
    lastUpdateStatusReasonCode: r.lastUpdateStatusReasonCode,
    revision: r.revision,
  };
}

const CHUNK_CHARS = 64 * 1024;
/** Records held back for ordering before a partial flush is tried. */
const HOLD_RECORDS = 4096;

/**
 * Partitions run an epoch's events one partition after the other, so their
 * records arrive up to one epoch out of time order. The writer holds them
 * back and writes them sorted by (time, function), keeping each function's
 * own order: the file is in time order, the same for any partition count.
 */
export class TraceWriter {
  private held: TraceRecord[] = [];
  /** Latest simulated time seen; records an epoch older than it can no longer be overtaken. */
  private latestUs = Number.NEGATIVE_INFINITY;
  private epochUs = Number.POSITIVE_INFINITY;
  private releaseAt = HOLD_RECORDS;
  private chunk: string[] = [];
  private chunkChars = 0;
  private closed = false;
  /** Lines written so far. */
  lines = 0;
  /**
   * The file system's error when a write failed (a full disk): the writer then
   * stops writing and the run goes on; its caller reports it.
   */
  error: Error | null = null;

  /** Writes to an open file descriptor, which close() closes unless `closeFd` is false. */
  constructor(
    private readonly fd: number,
    private readonly closeFd = true,
  ) {}

  /** Opens (truncates) `path`; throws the file system's error when it cannot. */
  static open(path: string): TraceWriter {
    return new TraceWriter(openSync(path, "w"));
  }

  /** Subscribes to the emitter's "started" and "transition" events; returns the unsubscribe function. */
  attach(emitter: EventEmitter<RunEvents>): () => void {
    const onStarted = (info: { epochUs: number }) => {
      this.epochUs = info.epochUs;
    };
    const onTransition = (r: TraceRecord) => this.write(r);
    emitter.on("started", onStarted);
    emitter.on("transition", onTransition);
    return () => {
      emitter.off("started", onStarted);
      emitter.off("transition", onTransition);
    };
  }

  write(r: TraceRecord): void {
    if (this.closed) return;
    this.held.push(r);
    if (r.timeUs > this.latestUs) this.latestUs = r.timeUs;
    if (this.held.length >= this.releaseAt) {
      this.release(this.latestUs - this.epochUs);
      // Whatever must still wait is waited for with room to grow, so sorting stays linear overall.
      this.releaseAt = Math.max(HOLD_RECORDS, 2 * this.held.length);
    }
  }

  /** Writes, in order, the held records older than `beforeUs`. */
  private release(beforeUs: number): void {
    const held = this.held;
    // A stable sort keeps each function's records in the order they happened.
    held.sort(
      (a, b) => a.timeUs - b.timeUs || (a.function < b.function ? -1 : a.function > b.function ? 1 : 0),
    );
    let n = 0;
    while (n < held.length && held[n].timeUs < beforeUs) n++;
    for (let i = 0; i < n; i++) this.append(JSON.stringify(traceLine(held[i])));
    this.held = n === held.length ? [] : held.slice(n);
  }

  private append(text: string): void {
    this.chunk.push(text);
    this.chunkChars += text.length + 1;
    this.lines++;
    if (this.chunkChars >= CHUNK_CHARS) this.flush();
  }

  private flush(): void {
    if (this.chunk.length === 0) return;
    const buf = Buffer.from(this.chunk.join("\n") + "\n", "utf8");
    this.chunk = [];
    this.chunkChars = 0;
    if (this.error !== null) return;
    try {
      let off = 0;
      while (off < buf.length) off += writeSync(this.fd, buf, off, buf.length - off);
    } catch (e) {
      this.error = e instanceof Error ? e : new Error(String(e));
      this.held = [];
      this.closed = true;
    }
  }

  /**
   * Writes everything held and closes the file (see closeFd); later records
   * are ignored. A write that fails is kept in `error`, not thrown.
   */
  close(): void {
    if (!this.closed) {
      this.release(Number.POSITIVE_INFINITY);
      this.flush();
      this.closed = true;
    }
    if (this.closeFd && !this.fdClosed) {
      this.fdClosed = true;
      closeSync(this.fd);
    }
  }
  private fdClosed = false;
}
