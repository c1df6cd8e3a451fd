import { EventQueue } from "./event-queue.js";
import { InvariantError } from "./invariant-error.js";
import { MessageBuffer } from "./message-buffer.js";

/** What a model runs inside one logical partition. */
export interface PartitionHandler {
  /** Handles one event; the partition's clock reads the event's time. */
  onEvent(kind: number, target: number, a: number, b: number): void;
}

/**
 * One logical partition: a private event queue and clock for the actors it
 * hosts, an outbox of timestamped messages to the coordinator and an inbox of
 * messages from it. Actors in a partition never touch shared state directly.
 *
 * Messages are requests (the coordinator answers, no sooner than one
 * lookahead later) or notices (no answer). A partition runs ahead through
 * its epoch until its horizon: the epoch's end, or, once it has sent a
 * request the coordinator has not decided yet, the lookahead grid point
 * after that request. No answer can land before that point, so the
 * partition never sees a message from its past.
 */
export class Partition {
  readonly queue = new EventQueue();
  readonly outbox = new MessageBuffer();
  readonly inbox = new MessageBuffer();
  nowUs = 0;
  eventsProcessed = 0;
  /** Events at or after this time wait for the coordinator. */
  horizonUs = 0;
  /**
   * What the coordinator granted this partition for the current epoch
   * (written at each epoch start, then spent by the model as it decides
   * locally what the grant covers). Its meaning is the model's.
   */
  grant: Float64Array = new Float64Array(0);
  private epochEndUs = 0;
  private lookaheadUs = 1;
  /** Send times of requests not yet decided, oldest first (a FIFO: they are sent in time order). */
  private openUs = new Float64Array(64);
  private openHead = 0;
  private openTail = 0;
  private handler: PartitionHandler | null = null;

  constructor(readonly index: number) {}

  attach(handler: PartitionHandler): void {
    this.handler = handler;
  }

  /** Schedules an event at an absolute time, never in the past. */
  at(timeUs: number, kind: number, target: number, a: number, b: number): void {
    if (timeUs < this.nowUs) {
      throw new InvariantError(
        `partition ${this.index}: event scheduled at ${timeUs}us, before now ${this.nowUs}us`,
      );
    }
    this.queue.push(timeUs, kind, target, a, b);
  }

  /** Schedules an event at an absolute time, in the place of a seq taken with queue.reserveSeqs. */
  atSeq(timeUs: number, seq: number, kind: number, target: number, a: number, b: number): void {
    if (timeUs < this.nowUs) {
      throw new InvariantError(
        `partition ${this.index}: event scheduled at ${timeUs}us, before now ${this.nowUs}us`,
      );
    }
    this.queue.pushAt(timeUs, seq, kind, target, a, b);
  }

  /** Schedules an event `delayUs` from now. */
  after(delayUs: number, kind: number, target: number, a: number, b: number): void {
    this.queue.push(this.nowUs + (delayUs > 0 ? delayUs : 0), kind, target, a, b);
  }

  /**
   * Schedules an event that stands for an answer decided here instead of by
   * the coordinator, at the place in the order a request sent now would
   * have had (see request()).
   */
  answerLocally(delayUs: number, kind: number, target: number, a: number, b: number): void {
    this.queue.pushAt(this.nowUs + delayUs, this.queue.reserveSeq(), kind, target, a, b);
  }

  /**
   * Sends a request to the coordinator, stamped with the current time. Its
   * answer takes the place in this queue's order of an event pushed now.
   */
  request(kind: number, entity: number, a: number, b: number): void {
    const now = this.nowUs;
    this.outbox.push(now, entity, kind, a, b, this.queue.reserveSeq());
    if (this.openTail === this.openUs.length) this.compactOpen();
    if (this.openHead === this.openTail) this.horizonUs = Math.min(this.epochEndUs, this.gridAfter(now));
    this.openUs[this.openTail++] = now;
  }

  /** Sends a notice (no answer) to the coordinator, stamped with the current time. */
  notify(kind: number, entity: number, a: number, b: number): void {
    this.outbox.push(this.nowUs, entity, kind, a, b, 0);
  }

  /**
   * A new epoch ending at `endUs`: run freely up to it until a request is
   * sent. Every earlier request was decided with the epoch before.
   */
  beginEpoch(endUs: number, lookaheadUs: number): void {
    this.epochEndUs = endUs;
    this.lookaheadUs = lookaheadUs;
    this.horizonUs = endUs;
    this.openHead = this.openTail = 0;
  }

  /** The coordinator decided every request sent before `decidedUs`: the horizon moves on. */
  decidedBefore(decidedUs: number): void {
    while (this.openHead < this.openTail && this.openUs[this.openHead] < decidedUs) this.openHead++;
    if (this.openHead === this.openTail) {
      this.openHead = this.openTail = 0;
      this.horizonUs = this.epochEndUs;
    } else {
      this.horizonUs = Math.min(this.epochEndUs, this.gridAfter(this.openUs[this.openHead]));
    }
  }

  /** Moves the coordinator's messages into the event queue, each at the place its request reserved. */
  drainInbox(): void {
    const m = this.inbox;
    for (let i = 0; i < m.length; i++)
      this.queue.pushAt(m.timeUs[i], m.seq[i], m.kind[i], m.entity[i], m.a[i], m.b[i]);
    m.clear();
  }

  /**
   * The event being handled is housekeeping every partition runs its own
   * copy of (a model's read of a shared input): it is left out of
   * eventsProcessed, which would otherwise depend on the partitioning.
   */
  notCounted(): void {
    this.eventsProcessed--;
  }

  /** Processes every event before the horizon (which a request sent meanwhile may pull in). */
  runToHorizon(): void {
    const q = this.queue;
    const h = this.handler;
    if (h === null) throw new InvariantError(`partition ${this.index} has no handler`);
    let n = 0;
    while (q.length > 0 && q.peekTimeUs() < this.horizonUs) {
      q.pop();
      this.nowUs = q.timeUs;
      h.onEvent(q.kind, q.target, q.a, q.b);
      n++;
    }
    this.eventsProcessed += n;
  }

  /** The first point of the lookahead grid strictly after `timeUs`: no answer to a request sent at timeUs lands before it. */
  private gridAfter(timeUs: number): number {
    return (Math.floor(timeUs / this.lookaheadUs) + 1) * this.lookaheadUs;
  }

  private compactOpen(): void {
    const n = this.openTail - this.openHead;
    if (n * 2 > this.openUs.length) {
      const grown = new Float64Array(this.openUs.length * 2);
      grown.set(this.openUs.subarray(this.openHead, this.openTail));
      this.openUs = grown;
    } else {
      this.openUs.copyWithin(0, this.openHead, this.openTail);
    }
    this.openHead = 0;
    this.openTail = n;
  }
}
