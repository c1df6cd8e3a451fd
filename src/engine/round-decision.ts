import type { Coordinator } from "./coordinator.js";
import { MessageBuffer } from "./message-buffer.js";

/** Above this many sorted runs a comparison sort beats the merge's linear scan of run heads. */
const MAX_MERGED_RUNS = 32;

/**
 * The coordinator's half of a round: the messages partitions have sent,
 * merged and ordered by (time, entity, send order) — entity, never
 * partition, breaks ties — and decided in that order up to the round's
 * safe time. Later messages wait for a later round, in their order.
 *
 * Each partition's outbox is already in time order, so the merged buffer
 * is a few sorted runs: they are merged (a scan of the run heads per
 * message) instead of sorted, which keeps the coordinator's share of a
 * round, the part no thread can share, small.
 */
export class RoundDecision {
  /** Append the round's outboxes here (each partition's in its send order), then call decide. */
  readonly merged = new MessageBuffer(1024);
  private order = new Int32Array(1024);
  private readonly runHead = new Int32Array(MAX_MERGED_RUNS);
  private readonly runEnd = new Int32Array(MAX_MERGED_RUNS);

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
    const count = this.mergeRuns(untilUs) ?? this.sortAll(untilUs);
    this.coordinator.process(merged, this.order, count, untilUs);
    if (count === n) merged.clear();
    else merged.retainFrom(untilUs);
    return count;
  }

  /** Orders the messages before `untilUs` by merging the buffer's sorted runs; null when there are too many runs. */
  private mergeRuns(untilUs: number): number | null {
    const m = this.merged;
    const n = m.length;
    const t = m.timeUs;
    const e = m.entity;
    const head = this.runHead;
    const end = this.runEnd;
    let runs = 0;
    if (n > 0) {
      head[runs++] = 0;
      for (let i = 1; i < n; i++) {
        if (t[i] < t[i - 1] || (t[i] === t[i - 1] && e[i] < e[i - 1])) {
          if (runs === MAX_MERGED_RUNS) return null;
          end[runs - 1] = i;
          head[runs++] = i;
        }
      }
      end[runs - 1] = n;
    }
    const order = this.order;
    let count = 0;
    for (;;) {
      // The earliest head by (time, entity, index); indices never tie.
      let best = -1;
      let bt = untilUs;
      let be = 0;
      for (let r = 0; r < runs; r++) {
        const i = head[r];
        if (i === end[r]) continue;
        const ti = t[i];
        if (ti < bt || (ti === bt && best >= 0 && (e[i] < be || (e[i] === be && i < head[best])))) {
          best = r;
          bt = ti;
          be = e[i];
        }
      }
      if (best < 0) return count;
      order[count++] = head[best]++;
    }
  }

  /** Orders the messages before `untilUs` with a comparison sort of the whole buffer. */
  private sortAll(untilUs: number): number {
    const m = this.merged;
    const n = m.length;
    const order = this.order;
    for (let i = 0; i < n; i++) order[i] = i;
    const t = m.timeUs;
    const e = m.entity;
    order.subarray(0, n).sort((x, y) => t[x] - t[y] || e[x] - e[y] || x - y);
    let count = 0;
    while (count < n && t[order[count]] < untilUs) count++;
    return count;
  }
}
