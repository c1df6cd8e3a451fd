/**
 * What a partition hands back at the end of a run, as plain data that can
 * cross threads: counters as arrays, histograms in HDR's encoded form plus
 * their exact extremes (the encoding keeps counts, not the exact min and max).
 */
import * as hdr from "hdr-histogram-js";
import type { FleetPartition } from "./fleet-partition.js";
import { ERROR_COUNT, Observations } from "./observations.js";
import type { Plan } from "./plan.js";
import { partitionSampleValues, sampleBlockOffset, writePartitionSample } from "./sampling.js";

export interface SerializedObservations {
  arrays: Record<string, number[]>;
  scalars: Record<string, number>;
  invocationsByRevision: [number, number][];
  histograms: SerializedHistogram[];
  /** Observations.templateHistograms, in order. */
  templateHistograms: SerializedHistogram[];
}

interface SerializedHistogram {
  encoded: string;
  min: number;
  max: number;
  count: number;
}

export interface PartitionResult {
  obs: SerializedObservations;
  stateCount: number[];
  lusCount: number[];
  /** Functions by (template, State), as FleetPartition.stateByTemplate. */
  stateByTemplate: number[];
  openInvocations: number;
  openTasks: number;
  badTransitions: string[];
}

const ARRAY_FIELDS = [
  "api",
  "throttles",
  "apiThrottles",
  "waiters",
  "transitions",
  "invocationsByTemplate",
  "startsByTemplate",
  "throttlesByTemplate",
  "invocationsByQualifier",
  "spillovers",
  "startsByDeployPhase",
  "efsMountFailures",
  "efsIoStopped",
  "invocationsByCaller",
  "deniedByCaller",
] as const;
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
  "provisionedInvocations",
  "spilloverInvocations",
  "provisionedInitialized",
  "provisionedReleased",
  "aliasUpdates",
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
    histograms: o.histograms.map(serializeHistogram),
    templateHistograms: o.templateHistograms.map(serializeHistogram),
  };
}

function serializeHistogram(h: hdr.Histogram): SerializedHistogram {
  return {
    encoded: h.totalCount === 0 ? "" : hdr.encodeIntoCompressedBase64(h),
    min: h.minNonZeroValue,
    max: h.maxValue,
    count: h.totalCount,
  };
}

type Extremes = hdr.Histogram & { minNonZeroValue: number; maxValue: number };

export function deserializeObservations(s: SerializedObservations, templates: number): Observations {
  const o = new Observations(
    templates,
    s.arrays.efsIoStopped.length,
    s.arrays.invocationsByCaller.length,
    s.arrays.invocationsByQualifier.length / ERROR_COUNT,
  );
  for (const f of ARRAY_FIELDS) o[f].set(s.arrays[f]);
  for (const f of SCALAR_FIELDS) o[f] = s.scalars[f];
  for (const [rev, n] of s.invocationsByRevision) o.invocationsByRevision.set(rev, n);
  s.histograms.forEach((h, i) => {
    if (h.count > 0) o.histograms[i] = deserializeHistogram(h);
  });
  s.templateHistograms.forEach((h, i) => {
    if (h.count > 0) o.templateHistograms[i] = deserializeHistogram(h);
  });
  return o;
}

function deserializeHistogram(h: SerializedHistogram): hdr.Histogram {
  const decoded = hdr.decodeFromCompressedBase64(h.encoded, 32, false) as Extremes;
  // Restore the exact extremes the encoding rounded to bucket bounds.
  decoded.minNonZeroValue = h.min;
  decoded.maxValue = h.max;
  return decoded;
}

export function partitionResultOf(f: FleetPartition): PartitionResult {
  return {
    obs: serializeObservations(f.obs),
    stateCount: Array.from(f.stateCount),
    lusCount: Array.from(f.lusCount),
    stateByTemplate: Array.from(f.stateByTemplate),
    openInvocations: f.openInvocations,
    openTasks: f.openTasks,
    badTransitions: [...f.badTransitions],
  };
}

/**
 * Values a partition reports at each sample point: functions by State, by
 * LastUpdateStatus and by (template, State), then its block of counters and
 * histograms (sampling.ts, from sampleBlockOffset). The block grows with the
 * plan's number of templates, so the count is the plan's.
 */
export function gaugeCount(plan: Plan): number {
  const templates = plan.templates.length;
  return sampleBlockOffset(templates) + partitionSampleValues(templates);
}

export function writeGauges(f: FleetPartition, out: Float64Array, offset: number): void {
  for (let i = 0; i < 4; i++) out[offset + i] = f.stateCount[i];
  for (let i = 0; i < 4; i++) out[offset + 4 + i] = f.lusCount[i];
  const byTemplate = f.stateByTemplate;
  for (let i = 0; i < byTemplate.length; i++) out[offset + 8 + i] = byTemplate[i];
  writePartitionSample(f, out, offset + sampleBlockOffset(f.obs.templates));
}
