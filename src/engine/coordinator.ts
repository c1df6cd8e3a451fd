import { EventQueue } from "./event-queue.js";
import { InvariantError } from "./invariant-error.js";
import type { MessageBuffer } from "./message-buffer.js";

/** What a model runs in the coordinator: the owner of state many actors share. */
export interface CoordinatorHandler {
  /** A message an actor sent at `ctx.nowUs`. */
  onMessage(kind: number, entity: number, a: number, b: number): void;
  /** One of the coordinator's own timers. */
  onTimer(kind: number, target: number, a: number, b: number): void;
}

/**
 * The coordinator takes every decision on shared state. Within a window it
 * sees all messages of all partitions merged in (time, entity) order, with its
 * own timers first at equal times, so its decisions are those of a single
 * sequential simulation whatever the number of partitions.
 */
export class Coordinator {
  readonly timers = new EventQueue();
  nowUs = 0;
  eventsProcessed = 0;
  /** Deliveries may not land before this time: the end of the window being decided. */
  earliestDeliveryUs = 0;
  private handler: CoordinatorHandler | null = null;

  constructor(
    private readonly inboxes: readonly MessageBuffer[],
    private readonly partitionOfEntity: Int32Array,
  ) {}

  attach(handler: CoordinatorHandler): void {
    this.handler = handler;
  }

  /** Schedules one of the coordinator's own timers. */
  at(timeUs: number, kind: number, target: number, a: number, b: number): void {
    if (timeUs < this.nowUs)
      throw new InvariantError(`coordinator timer at ${timeUs}us before now ${this.nowUs}us`);
    this.timers.push(timeUs, kind, target, a, b);
  }

  /**
   * Sends a consequence to an actor. It may not arrive before the end of the
   * current window: that is the lookahead that lets partitions run the
   * window in parallel without ever seeing a message from their past.
   */
  deliver(atUs: number, kind: number, entity: number, a: number, b: number): void {
    if (atUs < this.earliestDeliveryUs) {
      throw new InvariantError(
        `coordinator delivery at ${atUs}us breaks the lookahead (window ends at ${this.earliestDeliveryUs}us)`,
      );
    }
    this.inboxes[this.partitionOfEntity[entity]].push(atUs, entity, kind, a, b);
  }

  /** Processes the merged messages of a window (sorted by `order`) and the timers before `endUs`. */
  process(merged: MessageBuffer, order: Int32Array, count: number, endUs: number): void {
    const h = this.handler;
    if (h === null) throw new InvariantError("coordinator has no handler");
    const q = this.timers;
    let n = 0;
    for (let k = 0; k < count; k++) {
      const i = order[k];
      const t = merged.timeUs[i];
      while (q.length > 0 && q.peekTimeUs() <= t) {
        q.pop();
        this.nowUs = q.timeUs;
        h.onTimer(q.kind, q.target, q.a, q.b);
        n++;
      }
      this.nowUs = t;
      h.onMessage(merged.kind[i], merged.entity[i], merged.a[i], merged.b[i]);
      n++;
    }
    while (q.length > 0 && q.peekTimeUs() < endUs) {
      q.pop();
      this.nowUs = q.timeUs;
      h.onTimer(q.kind, q.target, q.a, q.b);
      n++;
    }
    this.eventsProcessed += n;
  }
}
