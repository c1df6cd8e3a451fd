/**
 * What a partition hands back at the end of a run, as plain data that can
 * cross threads: counters as arrays, histograms in HDR's encoded form plus
 * their exact extremes (the encoding keeps counts, not the exact min and max).
 */
import type { FleetPartition } from "./fleet-partition.js";
import { decodeHistogram, encodeHistogram, type Histogram } from "./histogram.js";
import { COUNTER_ARRAY_NAMES, COUNTER_SCALAR_NAMES, ERROR_COUNT, Observations } from "./observations.js";
import type { Plan } from "./plan.js";
import { qualifierSlotCount } from "./qualifiers.js";
import {
  partitionSampleValues,
  sampleBlockOffset,
  type SampleShape,
  writePartitionSample,
} from "./sampling.js";

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
  /** Encoded when the result crossed threads; the partition's own otherwise. */
  obs: SerializedObservations | Observations;
  stateCount: number[];
  lusCount: number[];
  /** Functions by (template, State), as FleetPartition.stateByTemplate. */
  stateByTemplate: number[];
  openInvocations: number;
  openTasks: number;
  /** Asynchronous events waiting in the queues, being invoked, and the oldest waiting one's enqueue time (+Infinity: none). */
  asyncQueued: number;
  asyncInFlight: number;
  asyncOldestQueuedUs: number;
  /** Provisioned concurrency at the end (FleetPartition.provisionedTotals). */
  provisioned: number[];
  badTransitions: string[];
  /** Arrivals per invoke stream at this partition's functions (Plan.invokeStreams order). */
  streamArrivals: number[];
  /** What each trace replay saw (Plan.replays order): rows, unmatched and late rows, functions, this partition's arrivals. */
  replays: ReplayTally[];
  /** Answers to explicit calls of this partition's functions: (call, error, time) triples. */
  callAnswers: number[];
}

/** One replay's counts as a partition reports them (trace-replay.ts ReplayCounts). */
export interface ReplayTally {
  /** Invocations in the trace within the replay's window. */
  rows: number;
  /** Of them, invocations of trace functions no scenario function plays. */
  unmatchedRows: number;
  /** Rows read after their arrival time had passed (out of order beyond the lookahead): they arrived late. */
  lateRows: number;
  /** Distinct trace functions seen, and how many of them a scenario function played. */
  traceFunctions: number;
  matchedFunctions: number;
  /** Invocations the replay made (equal to rows - unmatchedRows when the run reached its end). */
  arrivals: number;
}

export function serializeObservations(o: Observations): SerializedObservations {
  const arrays: Record<string, number[]> = {};
  for (const f of COUNTER_ARRAY_NAMES) arrays[f] = Array.from(o[f]);
  const scalars: Record<string, number> = {};
  for (const f of COUNTER_SCALAR_NAMES) scalars[f] = o[f];
  return {
    arrays,
    scalars,
    invocationsByRevision: [...o.invocationsByRevision],
    histograms: o.histograms.map(serializeHistogram),
    templateHistograms: o.templateHistograms.map(serializeHistogram),
  };
}

function serializeHistogram(h: Histogram): SerializedHistogram {
  return {
    encoded: h.totalCount === 0 ? "" : encodeHistogram(h),
    min: h.minNonZeroValue,
    max: h.maxValue,
    count: h.totalCount,
  };
}

type Extremes = Histogram & { minNonZeroValue: number; maxValue: number };

export function deserializeObservations(s: SerializedObservations, templates: number): Observations {
  const o = new Observations(
    templates,
    s.arrays.efsIoStopped.length,
    s.arrays.invocationsByCaller.length,
    s.arrays.invocationsByQualifier.length / ERROR_COUNT,
  );
  for (const f of COUNTER_ARRAY_NAMES) o[f].set(s.arrays[f]);
  for (const f of COUNTER_SCALAR_NAMES) o[f] = s.scalars[f];
  for (const [rev, n] of s.invocationsByRevision) o.invocationsByRevision.add(rev, n);
  s.histograms.forEach((h, i) => {
    if (h.count > 0) o.histograms[i] = deserializeHistogram(h);
  });
  s.templateHistograms.forEach((h, i) => {
    if (h.count > 0) o.templateHistograms[i] = deserializeHistogram(h);
  });
  return o;
}

function deserializeHistogram(h: SerializedHistogram): Histogram {
  const decoded = decodeHistogram(h.encoded) as Extremes;
  // Restore the exact extremes the encoding rounded to bucket bounds.
  decoded.minNonZeroValue = h.min;
  decoded.maxValue = h.max;
  return decoded;
}

export function partitionResultOf(f: FleetPartition, crossesThreads: boolean): PartitionResult {
  f.finishEnvironments();
  return {
    obs: crossesThreads ? serializeObservations(f.obs) : f.obs,
    stateCount: Array.from(f.stateCount),
    lusCount: Array.from(f.lusCount),
    stateByTemplate: Array.from(f.stateByTemplate),
    openInvocations: f.openInvocations,
    openTasks: f.openTasks,
    asyncQueued: f.async?.events.queued ?? 0,
    asyncInFlight: f.async?.events.inFlight ?? 0,
    asyncOldestQueuedUs: f.async?.events.oldestQueuedUs() ?? Number.POSITIVE_INFINITY,
    provisioned: f.provisionedTotals(),
    badTransitions: [...f.badTransitions],
    streamArrivals: Array.from(f.streamArrivals),
    replays: f.replayCounts().map((r) => ({ ...r })),
    callAnswers: [...f.callAnswers],
  };
}

/**
 * Values a partition reports at each sample point: functions by State, by
 * LastUpdateStatus and by (template, State), then its block of counters and
 * histograms (sampling.ts, from sampleBlockOffset), then its async queue
 * (TAIL_GAUGES). The block grows with the plan's numbers of templates and
 * qualifier slots (sampleShape), so the count is the plan's.
 */
export function gaugeCount(plan: Plan): number {
  return (
    sampleBlockOffset(plan.templates.length) +
    partitionSampleValues(sampleShape(plan)) +
    envGaugeCount(plan) +
    TAIL_GAUGES
  );
}

/** The warm pool's gauges, before the tail: by template, on-demand environments busy, then warm idle ones. */
export const envGaugeCount = (plan: Plan): number => 2 * plan.templates.length;

/** The shape of a plan's sample blocks: what every partition's Observations has. */
export function sampleShape(plan: Plan): SampleShape {
  return { templates: plan.templates.length, qualifierSlots: qualifierSlotCount(plan.aliases) };
}

/**
 * The last values of a partition's gauges: events waiting in its async
 * queues, and the oldest one's enqueue time (+Infinity when none), apart from
 * the sums of the block since the oldest of all is a minimum; then its
 * provisioned environments running a request and initialised (V2). The
 * warm pool's gauges come just before (envGaugeCount).
 */
export const TAIL_GAUGES = 4;

export function writeGauges(f: FleetPartition, out: Float64Array, offset: number, atUs: number): void {
  for (let i = 0; i < 4; i++) out[offset + i] = f.stateCount[i];
  for (let i = 0; i < 4; i++) out[offset + 4 + i] = f.lusCount[i];
  const byTemplate = f.stateByTemplate;
  for (let i = 0; i < byTemplate.length; i++) out[offset + 8 + i] = byTemplate[i];
  writePartitionSample(f, out, offset + sampleBlockOffset(f.obs.templates));
  const end = offset + gaugeCount(f.plan);
  f.writeEnvironmentGauges(out, end - TAIL_GAUGES - envGaugeCount(f.plan), atUs);
  out[end - 4] = f.async?.events.queued ?? 0;
  out[end - 3] = f.async?.events.oldestQueuedUs() ?? Number.POSITIVE_INFINITY;
  out[end - 2] = f.provisionedBusy;
  out[end - 1] = f.provisionedReady;
}
