import { formatDurationUs } from "../duration-format.js";

/** A failure in a partition host: which partition, at what simulated time, and why. */
export class PartitionHostError extends Error {
  override name = "PartitionHostError";
  constructor(
    readonly partition: number,
    readonly simTimeUs: number,
    readonly causeText: string,
    readonly stackText?: string,
    /** The name of the error the partition threw (a user's bad input is told apart from a bug by it). */
    readonly causeName = "Error",
  ) {
    const where = partition >= 0 ? `partition ${partition}` : "a partition host";
    super(
      `${where} failed at simulated time ${formatDurationUs(Math.max(0, Math.round(simTimeUs)))}: ${causeText}`,
    );
  }
}
