import type { Coordinator } from "./coordinator.js";
import { MessageBuffer } from "./message-buffer.js";

/** Above this many sorted runs the buffer is sorted instead (the runs are then short). */
const MAX_MERGED_RUNS = 32;

/**
 * The coordinator's half of a round: the messages partitions have sent,
 * merged and ordered by (time, entity, send order) — entity, never
 * partition, breaks ties — and decided in that order up to the round's
 * safe time. Later messages wait for a later round, in their order.
 *
 * Each partition's outbox is already in time order, so the merged buffer
 * is a few sorted runs: they are merged pairwise instead of sorted, which
 * keeps the coordinator's share of a round, the part no thread can share,
 * small.
 */
export class RoundDecision {
  /** Append the round's outboxes here (each partition's in its send order), then call decide. */
  readonly merged = new MessageBuffer(1024);
  private order = new Int32Array(1024);
  private scratch = new Int32Array(1024);
  private readonly runHead = new Int32Array(MAX_MERGED_RUNS + 1);
  private readonly runEnd = new Int32Array(MAX_MERGED_RUNS + 1);

  constructor(private readonly coordinator: Coordinator) {}

  /**
   * Decides every merged message before `untilUs` (every partition has run
   * at least that far, so none can still send an earlier one), and the
   * coordinator's timers before it. Returns how many messages it decided.
   */
  decide(untilUs: number): number {
    const merged = this.merged;
    const n = merged.length;
    if (this.order.length < n) {
      this.order = new Int32Array(Math.max(n, this.order.length * 2));
      this.scratch = new Int32Array(this.order.length);
    }
    if (!this.mergeRuns()) this.sortAll();
    const t = merged.timeUs;
    const order = this.order;
    let count = 0;
    while (count < n && t[order[count]] < untilUs) count++;
    this.coordinator.process(merged, order, count, untilUs);
    if (count === n) merged.clear();
    else merged.retainFrom(untilUs);
    return count;
  }

  /**
   * Orders the buffer by merging its sorted runs pairwise (each message is
   * moved once per level, log2(runs) times); false when there are too many
   * runs for that to pay.
   */
  private mergeRuns(): boolean {
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
          if (runs === MAX_MERGED_RUNS) return false;
          end[runs - 1] = i;
          head[runs++] = i;
        }
      }
      end[runs - 1] = n;
    }
    let src = this.order;
    let dst = this.scratch;
    for (let i = 0; i < n; i++) src[i] = i;
    while (runs > 1) {
      let w = 0;
      for (let r = 0; r < runs; r += 2) {
        if (r + 1 === runs) {
          dst.set(src.subarray(head[r], end[r]), head[r]);
          head[w] = head[r];
          end[w++] = end[r];
          continue;
        }
        // Runs r and r + 1 are adjacent in src: merge them into the same place in dst.
        let i = head[r];
        let j = head[r + 1];
        const iEnd = end[r];
        const jEnd = end[r + 1];
        let k = i;
        while (i < iEnd && j < jEnd) {
          const x = src[i];
          const y = src[j];
          if (t[y] < t[x] || (t[y] === t[x] && (e[y] < e[x] || (e[y] === e[x] && y < x)))) {
            dst[k++] = y;
            j++;
          } else {
            dst[k++] = x;
            i++;
          }
        }
        while (i < iEnd) dst[k++] = src[i++];
        while (j < jEnd) dst[k++] = src[j++];
        head[w] = head[r];
        end[w++] = jEnd;
      }
      runs = w;
      const swap = src;
      src = dst;
      dst = swap;
    }
    this.order = src;
    this.scratch = dst;
    return true;
  }

  /** Orders the buffer with a comparison sort. */
  private sortAll(): void {
    const m = this.merged;
    const n = m.length;
    const order = this.order;
    for (let i = 0; i < n; i++) order[i] = i;
    const t = m.timeUs;
    const e = m.entity;
    order.subarray(0, n).sort((x, y) => t[x] - t[y] || e[x] - e[y] || x - y);
  }
}
