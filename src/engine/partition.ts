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
 */
export class Partition {
  readonly queue = new EventQueue();
  readonly outbox = new MessageBuffer();
  readonly inbox = new MessageBuffer();
  nowUs = 0;
  eventsProcessed = 0;
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

  /** Schedules an event `delayUs` from now. */
  after(delayUs: number, kind: number, target: number, a: number, b: number): void {
    this.queue.push(this.nowUs + (delayUs > 0 ? delayUs : 0), kind, target, a, b);
  }

  /** Sends a message to the coordinator, stamped with the current time. */
  send(kind: number, entity: number, a: number, b: number): void {
    this.outbox.push(this.nowUs, entity, kind, a, b);
  }

  /** Moves the coordinator's messages into the event queue. */
  drainInbox(): void {
    const m = this.inbox;
    for (let i = 0; i < m.length; i++) this.queue.push(m.timeUs[i], m.kind[i], m.entity[i], m.a[i], m.b[i]);
    m.clear();
  }

  /** Processes every event strictly before `endUs`. */
  runUntil(endUs: number): void {
    const q = this.queue;
    const h = this.handler;
    if (h === null) throw new InvariantError(`partition ${this.index} has no handler`);
    let n = 0;
    while (q.length > 0 && q.peekTimeUs() < endUs) {
      q.pop();
      this.nowUs = q.timeUs;
      h.onEvent(q.kind, q.target, q.a, q.b);
      n++;
    }
    this.eventsProcessed += n;
  }
}
