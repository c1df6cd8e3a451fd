import { Coordinator } from "./coordinator.js";
import { Partition } from "./partition.js";
import { WindowDecision } from "./window-decision.js";
import { WindowGrid } from "./window-grid.js";

export interface KernelOptions {
  /** Window length; at most the model's lookahead (the least delay of any coordinator consequence). */
  windowUs: number;
  /** Simulated end: events at or before this time run. */
  untilUs: number;
  /** Sample points every this much simulated time (0: none). Windows are cut at sample points. */
  sampleIntervalUs: number;
  /** Called at each sample point once every event before it has run. */
  onSample?: (timeUs: number) => void;
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
  windows: number;
  messages: number;
  /** Mean number of pending events over window boundaries (for the bench's reference loop). */
  meanPendingEvents: number;
}

/**
 * Conservative time-window synchronisation. Time is cut into windows on a
 * fixed grid of `windowUs`; in each window every partition runs its events
 * (independently: they could be on different threads), then the coordinator
 * takes the window's messages from all partitions in (time, entity) order and
 * answers with deliveries that land no earlier than the window's end.
 * Empty stretches of time are skipped to the next grid point with work.
 */
export class Kernel {
  readonly partitions: Partition[];
  readonly coordinator: Coordinator;
  stopped = false;

  constructor(partitionCount: number, partitionOfEntity: Int32Array) {
    this.partitions = [];
    for (let p = 0; p < partitionCount; p++) this.partitions.push(new Partition(p));
    this.coordinator = new Coordinator(
      this.partitions.map((p) => p.inbox),
      partitionOfEntity,
    );
  }

  /** Asks the run to end after the current window. */
  stop(): void {
    this.stopped = true;
  }

  run(opts: KernelOptions): KernelStats {
    const grid = new WindowGrid(opts.windowUs, opts.untilUs, opts.sampleIntervalUs);
    const decision = new WindowDecision(this.coordinator);
    let windows = 0;
    let messages = 0;
    let lastProgressEvents = 0;
    let pendingSum = 0;
    const onProgress = opts.onProgress;

    while (!this.stopped) {
      // Sample points are taken at window boundaries, once all earlier events ran.
      for (let t = grid.takeDueSample(); t >= 0; t = grid.takeDueSample()) opts.onSample?.(t);
      if (grid.finished) break;
      const endUs = grid.windowEndUs();
      for (const p of this.partitions) {
        p.drainInbox();
        p.runUntil(endUs);
        decision.merged.append(p.outbox);
        p.outbox.clear();
      }
      messages += decision.decide(endUs);
      windows++;
      for (const p of this.partitions) pendingSum += p.queue.length;

      if (onProgress !== undefined) {
        const events = this.eventsProcessed();
        if (events - lastProgressEvents >= 200_000 || windows % 4096 === 0) {
          lastProgressEvents = events;
          onProgress({ simTimeUs: endUs, untilUs: opts.untilUs, events });
        }
      }
      grid.advance(endUs, this.nextEventUs());
    }
    if (!this.stopped)
      for (let t = grid.takeRemainingSample(); t >= 0; t = grid.takeRemainingSample()) opts.onSample?.(t);
    const endUs = this.stopped ? Math.min(grid.startUs, opts.untilUs) : opts.untilUs;
    for (const p of this.partitions) if (p.nowUs < endUs) p.nowUs = endUs;
    const meanPendingEvents = windows > 0 ? pendingSum / windows : 0;
    return { endUs, events: this.eventsProcessed(), windows, messages, meanPendingEvents };
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
