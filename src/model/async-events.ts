/**
 * Asynchronous invocation (V6, V7): each function's event queue in one
 * partition, and Lambda's poller that takes events from it, invokes the
 * function through the ordinary path (the partition's invoke) and applies
 * the retry policy (async-policy.ts) to each attempt's outcome.
 *
 * Events are records in a pool of typed arrays with a free list, so an event
 * costs no object; an event waiting in the queue (for its first attempt or a
 * retry) is one kernel event at its due time. A partition whose scenario
 * never invokes asynchronously never makes one.
 */
import type { Partition } from "../engine/partition.js";
import type { RandomStreams } from "../engine/random-streams.js";
import {
  classifyAttempt,
  FUNCTION_ERROR_RETRY_DELAYS_US,
  NOT_RETRYABLE,
  RECURSION_HOP_LIMIT,
  SUCCEEDED,
  throttleRetryDelayUs,
} from "./async-policy.js";
import {
  ASYNC_DISPOSITION_NAMES,
  AsyncFailure,
  AsyncRetryCause,
  Hist,
  type Observations,
} from "./observations.js";
import { DEFAULT_ASYNC_CONFIG, type Plan } from "./plan.js";
import { ASYNC_CTX_BASE, Ev } from "./protocol.js";

const FREE = 0;
const QUEUED = 1;
const IN_FLIGHT = 2;
/** Slots are carried in invocation contexts above ASYNC_CTX_BASE, which must stay below 2^24. */
const MAX_SLOTS = ASYNC_CTX_BASE;

/** What a traced function's trace shows of its events (the partition renders the record). */
export const AsyncTrace = { Accepted: 0, Retry: 1, Succeeded: 2, Failed: 3 } as const;
/**
 * Told of a traced function's event: kind, then for Retry the AsyncRetryCause and
 * the delay (µs), for Failed the AsyncFailure and the OnFailure code.
 */
export type AsyncTracer = (f: number, kind: number, code: number, detail: number) => void;

/** The event records of one partition: struct of arrays, grown by doubling. */
export class AsyncEventPool {
  fn: Int32Array<ArrayBuffer> = new Int32Array(0);
  /** When the event entered the queue (its age is measured from here). */
  enqueuedUs: Float64Array<ArrayBuffer> = new Float64Array(0);
  /** Number of this event's invocation in its chain of requests (V7): 1 for a client's event. */
  hop: Int32Array<ArrayBuffer> = new Int32Array(0);
  /** What the Invoke named (qualifiers.ts): the poller's attempts name it too (V1). */
  qualifier: Int32Array<ArrayBuffer> = new Int32Array(0);
  /** Retries after function errors so far. */
  errorRetries: Int32Array<ArrayBuffer> = new Int32Array(0);
  /** Retries after throttles and system errors so far (the backoff exponent). */
  throttleRetries: Int32Array<ArrayBuffer> = new Int32Array(0);
  state: Uint8Array<ArrayBuffer> = new Uint8Array(0);
  private free: Int32Array<ArrayBuffer> = new Int32Array(0);
  private freeTop = 0;
  /** Slots ever used: the high-water mark. */
  private used = 0;
  /** Events waiting in the queue (first attempt or retry), and events being invoked. */
  queued = 0;
  inFlight = 0;

  alloc(f: number, nowUs: number, hop: number, qualifier: number): number {
    let slot: number;
    if (this.freeTop > 0) slot = this.free[--this.freeTop];
    else {
      if (this.used >= MAX_SLOTS)
        throw new Error(`more than ${MAX_SLOTS} asynchronous events in one partition`);
      if (this.used >= this.fn.length) this.grow();
      slot = this.used++;
    }
    this.fn[slot] = f;
    this.enqueuedUs[slot] = nowUs;
    this.hop[slot] = hop;
    this.qualifier[slot] = qualifier;
    this.errorRetries[slot] = 0;
    this.throttleRetries[slot] = 0;
    this.state[slot] = QUEUED;
    this.queued++;
    return slot;
  }

  release(slot: number): void {
    if (this.state[slot] === QUEUED) this.queued--;
    else this.inFlight--;
    this.state[slot] = FREE;
    this.free[this.freeTop++] = slot;
  }

  /** Enqueue time of the oldest event waiting in the queue, or +Infinity: read at sample points only. */
  oldestQueuedUs(): number {
    let oldest = Number.POSITIVE_INFINITY;
    if (this.queued === 0) return oldest;
    const state = this.state;
    const at = this.enqueuedUs;
    for (let i = 0; i < this.used; i++) if (state[i] === QUEUED && at[i] < oldest) oldest = at[i];
    return oldest;
  }

  private grow(): void {
    const n = Math.max(64, this.fn.length * 2);
    const i32 = (a: Int32Array) => {
      const b = new Int32Array(n);
      b.set(a);
      return b;
    };
    this.fn = i32(this.fn);
    this.hop = i32(this.hop);
    this.qualifier = i32(this.qualifier);
    this.errorRetries = i32(this.errorRetries);
    this.throttleRetries = i32(this.throttleRetries);
    this.free = i32(this.free);
    const t = new Float64Array(n);
    t.set(this.enqueuedUs);
    this.enqueuedUs = t;
    const s = new Uint8Array(n);
    s.set(this.state);
    this.state = s;
  }
}

/** Each template's asynchronous settings as typed arrays (read per event). */
class TemplateAsyncSettings {
  readonly maximumEventAgeUs: Float64Array;
  readonly maximumRetryAttempts: Int32Array;
  readonly onFailure: Uint8Array;
  readonly recursionProbability: Float64Array;

  constructor(plan: Plan) {
    const n = plan.templates.length;
    this.maximumEventAgeUs = new Float64Array(n);
    this.maximumRetryAttempts = new Int32Array(n);
    this.onFailure = new Uint8Array(n);
    this.recursionProbability = new Float64Array(n);
    plan.templates.forEach((t, i) => {
      const a = t.async ?? DEFAULT_ASYNC_CONFIG;
      this.maximumEventAgeUs[i] = a.maximumEventAgeUs;
      this.maximumRetryAttempts[i] = a.maximumRetryAttempts;
      this.onFailure[i] = a.onFailure;
      this.recursionProbability[i] = t.recursion?.probability ?? 0;
    });
  }
}

/** Whether a plan invokes anything asynchronously: only then does a partition build the queue. */
export function usesAsync(plan: Plan): boolean {
  return (
    plan.live === true ||
    plan.invokeStreams.some((s) => s.invocationType === "Event") ||
    plan.calls.some((c) => c.invocationType === "Event") ||
    plan.templates.some((t) => t.recursion !== undefined)
  );
}

export class AsyncInvocations {
  readonly events = new AsyncEventPool();
  private readonly settings: TemplateAsyncSettings;

  constructor(
    private readonly p: Partition,
    plan: Plan,
    /** Template of each local function. */
    private readonly templateOf: Int32Array,
    private readonly obs: Observations,
    /** The poller's own per-function streams (backoff jitter, self-trigger draws). */
    private readonly rng: RandomStreams,
    private readonly pollDelayUs: number,
    private readonly tracer: AsyncTracer | null,
  ) {
    this.settings = new TemplateAsyncSettings(plan);
  }

  /** An event is accepted into f's queue (the 202 of an Event Invoke, or a self-trigger's). */
  accept(f: number, hop: number, selfTriggered: boolean, qualifier: number): void {
    const slot = this.events.alloc(f, this.p.nowUs, hop, qualifier);
    this.obs.asyncAccepted++;
    if (selfTriggered) this.obs.asyncSelfTriggered++;
    this.tracer?.(f, AsyncTrace.Accepted, 0, 0);
    this.p.after(this.pollDelayUs, Ev.AsyncDispatch, f, slot, 0);
  }

  /**
   * The poller takes event `slot`. Returns the invocation context to invoke
   * f with, or 0 when the event took its fate instead: past its maximum age,
   * or the chain's 17th invocation (V7).
   */
  dispatch(slot: number): number {
    const ev = this.events;
    const f = ev.fn[slot];
    const now = this.p.nowUs;
    const t = this.templateOf[f];
    if (now - ev.enqueuedUs[slot] >= this.settings.maximumEventAgeUs[t]) {
      this.fail(slot, AsyncFailure.MaximumEventAge);
      return 0;
    }
    if (ev.hop[slot] > RECURSION_HOP_LIMIT) {
      this.fail(slot, AsyncFailure.RecursiveLoop);
      return 0;
    }
    this.obs.record(Hist.AsyncEventAge, now - ev.enqueuedUs[slot]);
    ev.state[slot] = IN_FLIGHT;
    ev.queued--;
    ev.inFlight++;
    return ASYNC_CTX_BASE + slot;
  }

  /** Number in its chain of the invocation a context ran: an event's hop, 1 for any other caller. */
  hopOf(ctx: number): number {
    return ctx >= ASYNC_CTX_BASE ? this.events.hop[ctx - ASYNC_CTX_BASE] : 1;
  }

  /** What the Invoke behind a context named: an event's qualifier, $LATEST for any other caller. */
  qualifierOf(ctx: number): number {
    return ctx >= ASYNC_CTX_BASE ? this.events.qualifier[ctx - ASYNC_CTX_BASE] : 0;
  }

  /** Whether a successful invocation of f triggers the next one of its chain (V7). */
  selfTriggers(f: number): boolean {
    const p = this.settings.recursionProbability[this.templateOf[f]];
    return p >= 1 || (p > 0 && this.rng.next(f) < p);
  }

  /** The outcome of an attempt: the event's fate, or back to the queue for a retry. */
  answer(slot: number, error: number): void {
    const ev = this.events;
    const f = ev.fn[slot];
    const cause = classifyAttempt(error);
    if (cause === SUCCEEDED) {
      this.obs.asyncSucceeded++;
      this.tracer?.(f, AsyncTrace.Succeeded, 0, 0);
      ev.release(slot);
      return;
    }
    if (cause === NOT_RETRYABLE) {
      this.fail(slot, AsyncFailure.Rejected);
      return;
    }
    let delayUs: number;
    if (cause === AsyncRetryCause.FunctionError) {
      const k = ev.errorRetries[slot];
      if (k >= this.settings.maximumRetryAttempts[this.templateOf[f]]) {
        this.fail(slot, AsyncFailure.RetriesExhausted);
        return;
      }
      ev.errorRetries[slot] = k + 1;
      delayUs = FUNCTION_ERROR_RETRY_DELAYS_US[k];
    } else {
      delayUs = throttleRetryDelayUs(ev.throttleRetries[slot]++, this.rng.next(f));
    }
    this.obs.asyncRetries[cause]++;
    this.tracer?.(f, AsyncTrace.Retry, cause, delayUs);
    ev.state[slot] = QUEUED;
    ev.inFlight--;
    ev.queued++;
    // Due at the retry, or at the maximum age if that comes first (the poller then discards it).
    const expiryUs = ev.enqueuedUs[slot] + this.settings.maximumEventAgeUs[this.templateOf[f]];
    const now = this.p.nowUs;
    this.p.at(Math.max(now, Math.min(now + delayUs, expiryUs)), Ev.AsyncDispatch, f, slot, 0);
  }

  /** The event is never processed: to the on-failure destination, the DLQ, or dropped. */
  private fail(slot: number, reason: number): void {
    const f = this.events.fn[slot];
    const onFailure = this.settings.onFailure[this.templateOf[f]];
    this.obs.asyncFailures[reason * ASYNC_DISPOSITION_NAMES.length + onFailure]++;
    this.tracer?.(f, AsyncTrace.Failed, reason, onFailure);
    this.events.release(slot);
  }
}
