/**
 * Partitions on this thread: the round is a loop over them. Standalone it
 * hosts every partition; inside ThreadRunner it hosts the coordinator's
 * thread's share, in the shared horizon, grant and gauge arrays.
 */
import type { MessageBuffer } from "./message-buffer.js";
import { Partition } from "./partition.js";
import type { HostedPartition, PartitionFactory, RoundRunner } from "./round-runner.js";
import type { Pause } from "./steps.js";

/** A share of a run's partitions, in arrays that span all of them. */
export interface PartitionShare {
  indices: number[];
  horizons: Float64Array;
  grants: Float64Array;
  gauges: Float64Array;
}

export class LocalRunner implements RoundRunner {
  /** The partitions hosted here, by position (not by partition index when hosting a share). */
  readonly partitions: Partition[];
  readonly inboxes: MessageBuffer[];
  readonly horizons: Float64Array;
  readonly grants: Float64Array;
  readonly gauges: Float64Array;
  /** The partition running now (for naming it in an error). */
  current: Partition | null = null;
  private hosted: HostedPartition[] = [];

  constructor(
    readonly partitionCount: number,
    grantWidth = 0,
    private readonly gaugeCount = 0,
    share?: PartitionShare,
  ) {
    this.horizons = share?.horizons ?? new Float64Array(partitionCount);
    this.grants = share?.grants ?? new Float64Array(partitionCount * grantWidth);
    this.gauges = share?.gauges ?? new Float64Array(partitionCount * gaugeCount);
    const indices = share?.indices ?? Array.from({ length: partitionCount }, (_, p) => p);
    this.partitions = indices.map((p) => {
      const part = new Partition(p);
      part.grant = this.grants.subarray(p * grantWidth, (p + 1) * grantWidth);
      return part;
    });
    this.inboxes = this.partitions.map((p) => p.inbox);
  }

  /** Makes the model's partitions, attaches and starts them. */
  host(factory: PartitionFactory, records: ((r: unknown) => void) | null): void {
    this.hosted = this.partitions.map((part) => {
      const h = factory(part, records);
      part.attach(h.handler);
      return h;
    });
    for (const h of this.hosted) h.start();
  }

  start(): Pause {
    return null;
  }

  beginEpoch(endUs: number, lookaheadUs: number): void {
    for (const p of this.partitions) p.beginEpoch(endUs, lookaheadUs);
  }

  decidedBefore(decidedUs: number): void {
    for (const p of this.partitions) p.decidedBefore(decidedUs);
  }

  runRound(): Pause {
    const horizons = this.horizons;
    for (const p of this.partitions) {
      this.current = p;
      p.drainInbox();
      p.runToHorizon();
      horizons[p.index] = p.horizonUs;
    }
    this.current = null;
    return null;
  }

  collectRound(merged: MessageBuffer): void {
    for (const p of this.partitions) {
      merged.append(p.outbox);
      p.outbox.clear();
    }
  }

  writeGauges(atUs: number): Pause {
    this.hosted.forEach((h, k) =>
      h.writeGauges(this.gauges, this.partitions[k].index * this.gaugeCount, atUs),
    );
    return null;
  }

  nextEventUs(): number {
    let t = Number.POSITIVE_INFINITY;
    for (const p of this.partitions) {
      const q = p.queue.peekTimeUs();
      if (q < t) t = q;
      const inbox = p.inbox;
      for (let i = 0; i < inbox.length; i++) if (inbox.timeUs[i] < t) t = inbox.timeUs[i];
    }
    return t;
  }

  pendingEvents(): number {
    let n = 0;
    for (const p of this.partitions) n += p.queue.length;
    return n;
  }

  eventsProcessed(): number {
    let n = 0;
    for (const p of this.partitions) n += p.eventsProcessed;
    return n;
  }

  finish(endUs: number): Pause {
    for (const p of this.partitions) if (p.nowUs < endUs) p.nowUs = endUs;
    return null;
  }

  results(): unknown[] {
    return this.hosted.map((h) => h.result(false));
  }

  close(): Pause {
    return null;
  }
}
