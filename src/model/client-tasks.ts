/**
 * Client tasks: the automation that drives one function through a workload
 * step (its call, SDK retries, a waiter, then further calls) or one explicit
 * call. Kept as a struct of arrays with a free list; a task is an integer.
 */
import type { OperationCode } from "./aws-names.js";
import type { WaiterSpec } from "./waiters.js";
import { TRACE_CTX_BASE } from "./protocol.js";

export class ClientTasks {
  fn: Int32Array<ArrayBuffer> = new Int32Array(64);
  /** Workload step index, or -1 for an explicit call. */
  step: Int32Array<ArrayBuffer> = new Int32Array(64);
  /** Explicit call index (when step is -1). */
  call: Int32Array<ArrayBuffer> = new Int32Array(64);
  /** -1 while on the step's own call, else the position in its `then` list. */
  thenPos: Int32Array<ArrayBuffer> = new Int32Array(64);
  op: Int32Array<ArrayBuffer> = new Int32Array(64);
  client: Int32Array<ArrayBuffer> = new Int32Array(64);
  /** SDK attempt of the current call, from 1. */
  attempt: Int32Array<ArrayBuffer> = new Int32Array(64);
  /** Waiter polls made so far; -1 when not waiting. */
  polls: Int32Array<ArrayBuffer> = new Int32Array(64);
  /** When the current call chain started (create-to-Active as the client sees it). */
  startUs: Float64Array<ArrayBuffer> = new Float64Array(64);
  /** The waiter being run, by slot (objects, but only one per waiting task). */
  waiter: (WaiterSpec | null)[] = [];
  private free: number[] = [];
  private next = 0;
  live = 0;

  alloc(fn: number, step: number, call: number, op: OperationCode, client: number, nowUs: number): number {
    let slot: number;
    if (this.free.length > 0) slot = this.free.pop()!;
    else {
      slot = this.next++;
      // Task contexts (slot + 1) stay below the trace arrivals' (protocol.ts).
      if (slot + 1 >= TRACE_CTX_BASE)
        throw new Error(`more than ${TRACE_CTX_BASE - 1} client calls in flight in one partition`);
      if (slot >= this.fn.length) this.grow();
    }
    this.fn[slot] = fn;
    this.step[slot] = step;
    this.call[slot] = call;
    this.thenPos[slot] = -1;
    this.op[slot] = op;
    this.client[slot] = client;
    this.attempt[slot] = 1;
    this.polls[slot] = -1;
    this.startUs[slot] = nowUs;
    this.waiter[slot] = null;
    this.live++;
    return slot;
  }

  release(slot: number): void {
    this.waiter[slot] = null;
    this.fn[slot] = -1;
    this.free.push(slot);
    this.live--;
  }

  private grow(): void {
    const n = this.fn.length * 2;
    this.fn = growI32(this.fn, n);
    this.step = growI32(this.step, n);
    this.call = growI32(this.call, n);
    this.thenPos = growI32(this.thenPos, n);
    this.op = growI32(this.op, n);
    this.client = growI32(this.client, n);
    this.attempt = growI32(this.attempt, n);
    this.polls = growI32(this.polls, n);
    const s = new Float64Array(n);
    s.set(this.startUs);
    this.startUs = s;
  }
}

function growI32(a: Int32Array, n: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(n);
  b.set(a);
  return b;
}
