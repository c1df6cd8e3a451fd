import { Coordinator } from "./coordinator.js";
import { Partition } from "./partition.js";
import { RoundDecision } from "./round-decision.js";
import { WindowGrid } from "./window-grid.js";

export interface KernelOptions {
  /** The lookahead: the least delay of any answer the coordinator sends back. */
  windowUs: number;
  /**
   * Epoch length: how far partitions may run between synchronisations when
   * they send no request (grants are made per epoch). Defaults to windowUs.
   */
  epochUs?: number;
  /** Simulated end: events at or before this time run. */
  untilUs: number;
  /** Sample points every this much simulated time (0: none). Epochs are cut at sample points. */
  sampleIntervalUs: number;
  /** Called at each sample point once every event before it has run. */
  onSample?: (timeUs: number) => void;
  /** Called when an epoch is complete: everything before `endUs` has run and been decided. */
  onEpochEnd?: (endUs: number) => void;
  /** Called every few hundred thousand events; absent, nothing is computed for it. */
  onProgress?: (p: Progress) => void;
}

export interface Progress {
  simTimeUs: number;
  untilUs: number;
  events: number;
}

export interface KernelStats {
  /** Simulated time reached. */
  endUs: number;
  events: number;
  /** Synchronisation rounds (partitions run, then the coordinator decides). */
  windows: number;
  messages: number;
  /** Mean number of pending events at epoch ends (for the bench's reference loop). */
  meanPendingEvents: number;
}

/**
 * Conservative synchronisation in epochs and rounds. Time is cut into
 * epochs (a grid of `epochUs`, cut at sample points; empty stretches are
 * skipped). At an epoch start the coordinator grants each partition what it
 * may decide alone. Then in rounds: every partition runs to its horizon
 * (the epoch end, or the lookahead grid point after its first undecided
 * request); the coordinator decides, in (time, entity) order, every message
 * before the least horizon, answering no sooner than one lookahead later;
 * partitions whose requests were decided move their horizons on. The epoch
 * ends when every partition has reached its end.
 */
export class Kernel {
  readonly partitions: Partition[];
  readonly coordinator: Coordinator;
  /** The partitions' grants, `grantWidth` values each, partition p at p * grantWidth. */
  readonly grants: Float64Array;
  stopped = false;

  constructor(
    partitionCount: number,
    partitionOfEntity: Int32Array,
    readonly grantWidth = 0,
  ) {
    this.partitions = [];
    this.grants = new Float64Array(partitionCount * grantWidth);
    for (let p = 0; p < partitionCount; p++) {
      const part = new Partition(p);
      part.grant = this.grants.subarray(p * grantWidth, (p + 1) * grantWidth);
      this.partitions.push(part);
    }
    this.coordinator = new Coordinator(
      this.partitions.map((p) => p.inbox),
      partitionOfEntity,
    );
  }

  /** Asks the run to end after the current epoch. */
  stop(): void {
    this.stopped = true;
  }

  run(opts: KernelOptions): KernelStats {
    const lookaheadUs = opts.windowUs;
    const grid = new WindowGrid(opts.epochUs ?? lookaheadUs, opts.untilUs, opts.sampleIntervalUs);
    const decision = new RoundDecision(this.coordinator);
    const horizons = this.coordinator.horizons;
    const parts = this.partitions;
    let rounds = 0;
    let epochs = 0;
    let messages = 0;
    let lastProgressEvents = 0;
    let pendingSum = 0;
    const onProgress = opts.onProgress;

    while (!this.stopped) {
      // Sample points are taken between epochs, once all earlier events ran.
      for (let t = grid.takeDueSample(); t >= 0; t = grid.takeDueSample()) opts.onSample?.(t);
      if (grid.finished) break;
      const endUs = grid.windowEndUs();
      this.coordinator.beginEpoch(grid.startUs, endUs, this.grants, this.grantWidth);
      for (const p of parts) p.beginEpoch(endUs, lookaheadUs);
      for (;;) {
        let safeUs = endUs;
        for (const p of parts) {
          p.drainInbox();
          p.runToHorizon();
          decision.merged.append(p.outbox);
          p.outbox.clear();
          horizons[p.index] = p.horizonUs;
          if (p.horizonUs < safeUs) safeUs = p.horizonUs;
        }
        messages += decision.decide(safeUs);
        rounds++;
        if (safeUs >= endUs) break;
        for (const p of parts) p.decidedBefore(safeUs);
      }
      epochs++;
      opts.onEpochEnd?.(endUs);
      for (const p of parts) pendingSum += p.queue.length;

      if (onProgress !== undefined) {
        const events = this.eventsProcessed();
        if (events - lastProgressEvents >= 200_000 || epochs % 4096 === 0) {
          lastProgressEvents = events;
          onProgress({ simTimeUs: endUs, untilUs: opts.untilUs, events });
        }
      }
      grid.advance(endUs, this.nextEventUs());
    }
    if (!this.stopped)
      for (let t = grid.takeRemainingSample(); t >= 0; t = grid.takeRemainingSample()) opts.onSample?.(t);
    const endUs = this.stopped ? Math.min(grid.startUs, opts.untilUs) : opts.untilUs;
    for (const p of parts) if (p.nowUs < endUs) p.nowUs = endUs;
    const meanPendingEvents = epochs > 0 ? pendingSum / epochs : 0;
    return { endUs, events: this.eventsProcessed(), windows: rounds, messages, meanPendingEvents };
  }

  eventsProcessed(): number {
    let n = this.coordinator.eventsProcessed;
    for (const p of this.partitions) n += p.eventsProcessed;
    return n;
  }

  private nextEventUs(): number {
    let t = this.coordinator.timers.peekTimeUs();
    for (const p of this.partitions) {
      const q = p.queue.peekTimeUs();
      if (q < t) t = q;
      const inbox = p.inbox;
      for (let i = 0; i < inbox.length; i++) if (inbox.timeUs[i] < t) t = inbox.timeUs[i];
    }
    return t;
  }
}
