import type { Coordinator } from "./coordinator.js";
import { MessageBuffer } from "./message-buffer.js";

/**
 * The coordinator's half of a round: the messages partitions have sent,
 * merged and ordered by (time, entity, send order) — entity, never
 * partition, breaks ties — and decided in that order up to the round's
 * safe time. Later messages wait for a later round, in their order.
 */
export class RoundDecision {
  /** Append the round's outboxes here (each partition's in its send order), then call decide. */
  readonly merged = new MessageBuffer(1024);
  private order = new Int32Array(1024);

  constructor(private readonly coordinator: Coordinator) {}

  /**
   * Decides every merged message before `untilUs` (every partition has run
   * at least that far, so none can still send an earlier one), and the
   * coordinator's timers before it. Returns how many messages it decided.
   */
  decide(untilUs: number): number {
    const merged = this.merged;
    const n = merged.length;
    if (this.order.length < n) this.order = new Int32Array(Math.max(n, this.order.length * 2));
    const order = this.order;
    for (let i = 0; i < n; i++) order[i] = i;
    const t = merged.timeUs;
    const e = merged.entity;
    order.subarray(0, n).sort((x, y) => t[x] - t[y] || e[x] - e[y] || x - y);
    let count = 0;
    while (count < n && t[order[count]] < untilUs) count++;
    this.coordinator.process(merged, order, count, untilUs);
    if (count === n) merged.clear();
    else merged.retainFrom(untilUs);
    return count;
  }
}
