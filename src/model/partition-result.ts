/**
 * What a partition hands back at the end of a run, as plain data that can
 * cross threads: counters as arrays, histograms in HDR's encoded form plus
 * their exact extremes (the encoding keeps counts, not the exact min and max).
 */
import * as hdr from "hdr-histogram-js";
import type { FleetPartition } from "./fleet-partition.js";
import { Observations } from "./observations.js";
import { PARTITION_SAMPLE_VALUES, SAMPLE_BLOCK_OFFSET, writePartitionSample } from "./sampling.js";

export interface SerializedObservations {
  arrays: Record<string, number[]>;
  scalars: Record<string, number>;
  invocationsByRevision: [number, number][];
  histograms: { encoded: string; min: number; max: number; count: number }[];
}

export interface PartitionResult {
  obs: SerializedObservations;
  stateCount: number[];
  lusCount: number[];
  openInvocations: number;
  openTasks: number;
  badTransitions: string[];
}

const ARRAY_FIELDS = ["api", "throttles", "apiThrottles", "waiters", "transitions"] as const;
const SCALAR_FIELDS = [
  "coldStarts",
  "warmStarts",
  "invocationRequests",
  "invocationOutcomes",
  "clientRetries",
  "clientGaveUp",
  "created",
  "deleted",
  "versionsPublished",
] as const;

export function serializeObservations(o: Observations): SerializedObservations {
  const arrays: Record<string, number[]> = {};
  for (const f of ARRAY_FIELDS) arrays[f] = Array.from(o[f]);
  const scalars: Record<string, number> = {};
  for (const f of SCALAR_FIELDS) scalars[f] = o[f];
  return {
    arrays,
    scalars,
    invocationsByRevision: [...o.invocationsByRevision],
    histograms: o.histograms.map((h) => ({
      encoded: h.totalCount === 0 ? "" : hdr.encodeIntoCompressedBase64(h),
      min: h.minNonZeroValue,
      max: h.maxValue,
      count: h.totalCount,
    })),
  };
}

type Extremes = hdr.Histogram & { minNonZeroValue: number; maxValue: number };

export function deserializeObservations(s: SerializedObservations): Observations {
  const o = new Observations();
  for (const f of ARRAY_FIELDS) o[f].set(s.arrays[f]);
  for (const f of SCALAR_FIELDS) o[f] = s.scalars[f];
  for (const [rev, n] of s.invocationsByRevision) o.invocationsByRevision.set(rev, n);
  s.histograms.forEach((h, i) => {
    if (h.count === 0) return;
    const decoded = hdr.decodeFromCompressedBase64(h.encoded, 32, false) as Extremes;
    // Restore the exact extremes the encoding rounded to bucket bounds.
    decoded.minNonZeroValue = h.min;
    decoded.maxValue = h.max;
    o.histograms[i] = decoded;
  });
  return o;
}

export function partitionResultOf(f: FleetPartition): PartitionResult {
  return {
    obs: serializeObservations(f.obs),
    stateCount: Array.from(f.stateCount),
    lusCount: Array.from(f.lusCount),
    openInvocations: f.openInvocations,
    openTasks: f.openTasks,
    badTransitions: [...f.badTransitions],
  };
}

/**
 * Values a partition reports at each sample point: functions by State, then
 * by LastUpdateStatus, then its block of counters and histograms
 * (sampling.ts, from SAMPLE_BLOCK_OFFSET).
 */
export const GAUGE_COUNT = SAMPLE_BLOCK_OFFSET + PARTITION_SAMPLE_VALUES;

export function writeGauges(f: FleetPartition, out: Float64Array, offset: number): void {
  for (let i = 0; i < 4; i++) out[offset + i] = f.stateCount[i];
  for (let i = 0; i < 4; i++) out[offset + 4 + i] = f.lusCount[i];
  writePartitionSample(f, out, offset + SAMPLE_BLOCK_OFFSET);
}
