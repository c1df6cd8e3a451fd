/**
 * What runs the partitions' half of each round, and the model's partitions
 * as the engine hosts them. The loop (kernel.ts) is written once against
 * this interface; LocalRunner runs every partition on this thread,
 * ThreadRunner (threads/) in piscina worker threads. Same epochs, same
 * rounds, same decisions: the runner never changes a result.
 */
import type { MessageBuffer } from "./message-buffer.js";
import type { Partition, PartitionHandler } from "./partition.js";
import type { Pause } from "./steps.js";

export interface RoundRunner {
  readonly partitionCount: number;
  /** The coordinator's deliveries, one buffer per partition, handed over at the next round. */
  readonly inboxes: readonly MessageBuffer[];
  /** Each partition's horizon after its last round (the coordinator checks deliveries against it). */
  readonly horizons: Float64Array;
  /** Each partition's grant, `grantWidth` values from p * grantWidth (written at epoch starts). */
  readonly grants: Float64Array;
  /** Before the first epoch: whatever must be ready first (threads started, partitions made). */
  start(): Pause;
  /** An epoch ending at `endUs` begins: partitions run freely to it until they send a request. */
  beginEpoch(endUs: number, lookaheadUs: number): void;
  /** The coordinator decided every request sent before `decidedUs`: horizons move on. */
  decidedBefore(decidedUs: number): void;
  /** Hands over the inboxes and runs every partition to its horizon. */
  runRound(): Pause;
  /** After runRound: appends the partitions' outboxes to `merged` (each partition's in send order). */
  collectRound(merged: MessageBuffer): void;
  /** The partitions' gauges, `gaugeCount` values each from p * gaugeCount (written by writeGauges). */
  readonly gauges: Float64Array;
  /** Has every partition write its gauges at sample point `atUs` (between epochs: every earlier event ran). */
  writeGauges(atUs: number): Pause;
  /** Earliest pending event or undelivered message of any partition (+Infinity: none). */
  nextEventUs(): number;
  pendingEvents(): number;
  eventsProcessed(): number;
  /** Moves every partition's clock to `endUs` and gathers their results. */
  finish(endUs: number): Pause;
  /** The partitions' results, by partition, once finish is done. */
  results(): unknown[];
  /** Releases what the runner holds (threads); safe to call more than once. */
  close(): Pause;
  /** Where a threaded runner's wall time went (for the bench; never part of a result). */
  readonly timing?: RunnerTiming;
}

export interface RunnerTiming {
  criticalWorkMs: number;
  decideMs: number;
  hostWorkMs: number;
}

/** A model's actors of one logical partition. */
export interface HostedPartition {
  /** Attached to the partition: it handles every event. */
  readonly handler: PartitionHandler;
  /** Schedules the first events. */
  start(): void;
  /** Writes `gaugeCount` values from `offset`: the partition's state at sample point `atUs`. */
  writeGauges(out: Float64Array, offset: number, atUs: number): void;
  /**
   * What the partition hands back at the end. With `crossesThreads` it must
   * be structured-cloneable; otherwise it stays on this thread and may hand
   * its live objects over (no encoding for a run on one thread).
   */
  result(crossesThreads: boolean): unknown;
}

/**
 * Makes a model's partition for the engine. `records` carries what the
 * model reports along the way (trace records), or is null when nothing is
 * asked; records cross threads, so they must be structured-cloneable.
 */
export type PartitionFactory = (
  partition: Partition,
  records: ((r: unknown) => void) | null,
) => HostedPartition;

/**
 * How worker threads load a model: `moduleUrl` names a module exporting
 * `hostModel(init): PartitionFactory`; `init` is structured-cloned into each
 * thread (typed arrays on a SharedArrayBuffer stay shared).
 */
export interface ModelModule<Init> {
  moduleUrl: string;
  init: Init;
}
