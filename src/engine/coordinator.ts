import { EventQueue } from "./event-queue.js";
import { InvariantError } from "./invariant-error.js";
import type { MessageBuffer } from "./message-buffer.js";

/** What a model runs in the coordinator: the owner of state many actors share. */
export interface CoordinatorHandler {
  /** A message an actor sent at `ctx.nowUs`; `seq` goes back on the answer to a request. */
  onMessage(kind: number, entity: number, a: number, b: number, seq: number): void;
  /** One of the coordinator's own timers. */
  onTimer(kind: number, target: number, a: number, b: number): void;
  /**
   * An epoch [startUs, endUs) begins: write what each partition may decide
   * on its own until it ends (`width` values per partition, partition p at
   * p * width). Absent, nothing is granted.
   */
  beginEpoch?(startUs: number, endUs: number, grants: Float64Array, width: number): void;
}

/**
 * The coordinator takes every decision on shared state. It sees all
 * messages of all partitions merged in (time, entity) order, with its own
 * timers first at equal times, so its decisions are those of a single
 * sequential simulation whatever the number of partitions.
 */
export class Coordinator {
  readonly timers = new EventQueue();
  nowUs = 0;
  eventsProcessed = 0;
  /** Each partition's horizon: a delivery may not land before it (the partition has run that far). */
  horizons: Float64Array;
  private handler: CoordinatorHandler | null = null;

  constructor(
    private readonly inboxes: readonly MessageBuffer[],
    private readonly partitionOfEntity: Int32Array,
  ) {
    this.horizons = new Float64Array(inboxes.length);
  }

  attach(handler: CoordinatorHandler): void {
    this.handler = handler;
  }

  /** Asks the handler for the partitions' grants of a new epoch (zeros when it grants nothing). */
  beginEpoch(startUs: number, endUs: number, grants: Float64Array, width: number): void {
    grants.fill(0);
    if (width > 0) this.handler?.beginEpoch?.(startUs, endUs, grants, width);
  }

  /** Schedules one of the coordinator's own timers. */
  at(timeUs: number, kind: number, target: number, a: number, b: number): void {
    if (timeUs < this.nowUs)
      throw new InvariantError(`coordinator timer at ${timeUs}us before now ${this.nowUs}us`);
    this.timers.push(timeUs, kind, target, a, b);
  }

  /**
   * Sends a consequence to an actor, in the place its request reserved
   * (`seq`). It may not arrive before the actor's partition horizon: that
   * is the lookahead that lets partitions run in parallel without ever
   * seeing a message from their past.
   */
  deliver(atUs: number, kind: number, entity: number, a: number, b: number, seq: number): void {
    const p = this.partitionOfEntity[entity];
    if (atUs < this.horizons[p]) {
      throw new InvariantError(
        `coordinator delivery at ${atUs}us breaks the lookahead (partition ${p} has run to ${this.horizons[p]}us)`,
      );
    }
    this.inboxes[p].push(atUs, entity, kind, a, b, seq);
  }

  /** Processes the first `count` merged messages (in `order`) and every timer before `untilUs`. */
  process(merged: MessageBuffer, order: Int32Array, count: number, untilUs: number): void {
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
      h.onMessage(merged.kind[i], merged.entity[i], merged.a[i], merged.b[i], merged.seq[i]);
      n++;
    }
    while (q.length > 0 && q.peekTimeUs() < untilUs) {
      q.pop();
      this.nowUs = q.timeUs;
      h.onTimer(q.kind, q.target, q.a, q.b);
      n++;
    }
    this.eventsProcessed += n;
  }
}
