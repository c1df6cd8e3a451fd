/**
 * The durations of trace arrivals in flight (issue 14): a replayed row that
 * carries its duration takes a slot here, its invocation carries the slot in
 * its context (TRACE_CTX_BASE + slot) through admission and the coordinator,
 * and the slot is given back at the invocation's one outcome. Typed arrays
 * and a free list: nothing is allocated per arrival once grown.
 */
import { ASYNC_CTX_BASE, TRACE_CTX_BASE } from "./protocol.js";

const MAX_SLOTS = ASYNC_CTX_BASE - TRACE_CTX_BASE;

export class TraceDurations {
  private durationUs = new Float64Array(256);
  private freeSlots = new Int32Array(256);
  private freeCount = 0;
  private used = 0;
  /** Slots taken and not yet given back (the run's self-check expects 0 at the end). */
  inFlight = 0;

  /** A context for an invocation that runs for `durationUs`. */
  take(durationUs: number): number {
    let slot: number;
    if (this.freeCount > 0) slot = this.freeSlots[--this.freeCount];
    else {
      if (this.used >= MAX_SLOTS)
        throw new Error(`more than ${MAX_SLOTS} trace invocations in flight in one partition`);
      if (this.used >= this.durationUs.length) this.grow();
      slot = this.used++;
    }
    this.durationUs[slot] = durationUs;
    this.inFlight++;
    return TRACE_CTX_BASE + slot;
  }

  /** The duration a trace context carries. */
  durationOf(ctx: number): number {
    return this.durationUs[ctx - TRACE_CTX_BASE];
  }

  /** The invocation had its outcome: its slot is free again. */
  release(ctx: number): void {
    this.freeSlots[this.freeCount++] = ctx - TRACE_CTX_BASE;
    this.inFlight--;
  }

  private grow(): void {
    const n = this.durationUs.length * 2;
    const d = new Float64Array(n);
    d.set(this.durationUs);
    this.durationUs = d;
    const free = new Int32Array(n);
    free.set(this.freeSlots);
    this.freeSlots = free;
  }
}

/** Whether an invocation context is a trace arrival's that carries a duration. */
export function isTraceCtx(ctx: number): boolean {
  return ctx >= TRACE_CTX_BASE && ctx < ASYNC_CTX_BASE;
}

/** Whether an invocation context is a client task's (task slot + 1). */
export function isTaskCtx(ctx: number): boolean {
  return ctx > 0 && ctx < TRACE_CTX_BASE;
}
