import { Coordinator } from "./coordinator.js";
import { InvariantError } from "./invariant-error.js";
import { MessageBuffer } from "./message-buffer.js";
import { Partition } from "./partition.js";

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
  private readonly merged = new MessageBuffer(1024);
  private order = new Int32Array(1024);
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
    const { windowUs, untilUs, sampleIntervalUs } = opts;
    if (!(windowUs >= 1) || !Number.isInteger(windowUs)) throw new InvariantError(`bad window ${windowUs}us`);
    const lastUs = untilUs + 1; // windows are half-open: events at untilUs still run
    let startUs = 0;
    let nextSampleUs = sampleIntervalUs > 0 ? 0 : Number.POSITIVE_INFINITY;
    let windows = 0;
    let messages = 0;
    let lastProgressEvents = 0;
    let pendingSum = 0;
    const onProgress = opts.onProgress;

    while (!this.stopped) {
      // Sample points are taken at window boundaries, once all earlier events ran.
      while (nextSampleUs <= startUs && nextSampleUs <= untilUs) {
        opts.onSample?.(nextSampleUs);
        nextSampleUs += sampleIntervalUs;
      }
      if (startUs >= lastUs) break;
      let endUs = startUs + windowUs;
      if (endUs > lastUs) endUs = lastUs;
      if (endUs > nextSampleUs && nextSampleUs > startUs) endUs = nextSampleUs;

      for (const p of this.partitions) {
        p.drainInbox();
        p.runUntil(endUs);
      }
      messages += this.decide(endUs);
      windows++;
      for (const p of this.partitions) pendingSum += p.queue.length;

      if (onProgress !== undefined) {
        const events = this.eventsProcessed();
        if (events - lastProgressEvents >= 200_000 || windows % 4096 === 0) {
          lastProgressEvents = events;
          onProgress({ simTimeUs: endUs, untilUs, events });
        }
      }

      // Jump to the grid point of the next pending work or sample point.
      const nextUs = Math.min(this.nextEventUs(), nextSampleUs);
      if (nextUs >= lastUs) {
        startUs = lastUs;
        break;
      }
      const gridUs = Math.floor(nextUs / windowUs) * windowUs;
      startUs = gridUs > endUs ? gridUs : endUs;
    }
    // Sample points after the last event still see the (now quiet) state.
    while (!this.stopped && nextSampleUs <= untilUs) {
      opts.onSample?.(nextSampleUs);
      nextSampleUs += sampleIntervalUs;
    }
    const endUs = this.stopped ? Math.min(startUs, untilUs) : untilUs;
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

  /** Merges all outboxes, orders them by (time, entity, send order) and lets the coordinator decide. */
  private decide(endUs: number): number {
    const merged = this.merged;
    merged.clear();
    for (const p of this.partitions) {
      merged.append(p.outbox);
      p.outbox.clear();
    }
    const n = merged.length;
    if (this.order.length < n) this.order = new Int32Array(Math.max(n, this.order.length * 2));
    const order = this.order;
    for (let i = 0; i < n; i++) order[i] = i;
    const t = merged.timeUs;
    const e = merged.entity;
    const view = order.subarray(0, n);
    view.sort((x, y) => t[x] - t[y] || e[x] - e[y] || x - y);
    this.coordinator.earliestDeliveryUs = endUs;
    this.coordinator.process(merged, order, n, endUs);
    return n;
  }
}
