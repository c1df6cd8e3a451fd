import type { Coordinator } from "./coordinator.js";
import { MessageBuffer } from "./message-buffer.js";

/**
 * The coordinator's half of a window: all partitions' messages, merged and
 * ordered by (time, entity, send order) — entity, never partition, breaks
 * ties — then decided in that order.
 */
export class WindowDecision {
  /** Append the window's outboxes here (each partition's in its send order), then call decide. */
  readonly merged = new MessageBuffer(1024);
  private order = new Int32Array(1024);

  constructor(private readonly coordinator: Coordinator) {}

  /** Decides the merged messages; returns how many there were. */
  decide(endUs: number): number {
    const merged = this.merged;
    const n = merged.length;
    if (this.order.length < n) this.order = new Int32Array(Math.max(n, this.order.length * 2));
    const order = this.order;
    for (let i = 0; i < n; i++) order[i] = i;
    const t = merged.timeUs;
    const e = merged.entity;
    order.subarray(0, n).sort((x, y) => t[x] - t[y] || e[x] - e[y] || x - y);
    this.coordinator.earliestDeliveryUs = endUs;
    this.coordinator.process(merged, order, n, endUs);
    merged.clear();
    return n;
  }
}
