/**
 * What a sample point gathers beyond functions by State: each partition's
 * counters and duration histograms (read as cumulative bucket counts) written
 * into its block of the sample vector, which can cross threads; and the
 * coordinator's concurrency and network figures. Everything here reads
 * counters the run keeps anyway; nothing runs per event. The metrics
 * exporters (src/metrics) turn samples into Prometheus series.
 */
import type * as hdr from "hdr-histogram-js";
import { THROTTLE_CAUSE_NAMES } from "./aws-names.js";
import {
  ERROR_COUNT,
  HIST_NAMES,
  type Observations,
  OPERATION_COUNT,
  WAITER_OUTCOME_NAMES,
} from "./observations.js";
import type { SharedState } from "./shared-state.js";

/** ENI states a sample counts per subnet (SharedState.enisByState). */
export const ENI_SAMPLE_STATES = ["creating", "in_use", "idle", "failed"] as const;
export type EniSampleState = (typeof ENI_SAMPLE_STATES)[number];

const s = (x: number) => Math.round(x * 1_000_000);
const PENDING_BOUNDS_S = [
  0.25, 0.5, 1, 2, 5, 10, 20, 30, 45, 60, 70, 80, 90, 120, 180, 300, 360, 600, 1800, 3600,
];

/**
 * Upper bounds (µs) at which each histogram is read, by Hist index. Chosen
 * around what the model produces: Pending 60-90 s with a VPC and stuck
 * Pending past 6 minutes; updates about 1 s or 25 s; invocations from tens
 * of milliseconds to the 15-minute timeout; init durations up to seconds.
 */
export const HIST_BUCKET_BOUNDS_US: readonly (readonly number[])[] = [
  PENDING_BOUNDS_S.map(s), // pendingCreate
  PENDING_BOUNDS_S.map(s), // pendingRestore
  [0.25, 0.5, 1, 2, 5, 10, 20, 30, 45, 60, 90, 120, 180, 300, 600, 1800].map(s), // updateInProgress
  PENDING_BOUNDS_S.map(s), // createToActiveClient
  [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900].map(s), // invocationLatency
  [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10].map(s), // initDuration
];

/** Counters of the partitions' Observations, summed; cumulative since the start of the run. */
export interface SampleCounters {
  /** Requests by (operation, outcome): index op * ERROR_COUNT + ApiError code, as in Observations. */
  api: number[];
  /** Throttled invocations by ThrottleCause. */
  throttles: number[];
  /** Control-plane requests refused by the rate buckets, by operation. */
  apiThrottles: number[];
  /** Waiters by WaiterOutcome. */
  waiters: number[];
  coldStarts: number;
  warmStarts: number;
  invocationRequests: number;
  invocationOutcomes: number;
  clientRetries: number;
  clientGaveUp: number;
  created: number;
  deleted: number;
  versionsPublished: number;
}

/** One histogram read at its bucket bounds, cumulative since the start of the run. */
export interface SampledHistogram {
  /** Recorded values at or below each bound of HIST_BUCKET_BOUNDS_US (to HDR's 3 significant digits). */
  buckets: number[];
  count: number;
  /** Sum of the recorded values in µs (each taken at the middle of its HDR bucket). */
  sumUs: number;
}

/** The coordinator's concurrency and network figures. */
export interface SampleShared {
  /** Concurrency left to functions without reserved concurrency. */
  unreservedPool: number;
  unreservedInFlight: number;
  peakConcurrency: number;
  /** Per subnet. */
  subnetOthersIps: number[];
  subnetPeakUsedIps: number[];
  enisCreated: number[];
  enisFailed: number[];
  enisDeleted: number[];
  /** ENIs by (subnet, state): index subnet * ENI_SAMPLE_STATES.length + state. */
  enisByState: number[];
  /** Per VPC: our ENIs counted against its quota, now and at peak. */
  vpcEnis: number[];
  vpcPeakEnis: number[];
}

/** What the partitions contribute to a sample, summed over partitions. */
export interface PartitionSums {
  /** Events the partitions processed. */
  events: number;
  counters: SampleCounters;
  histograms: SampledHistogram[];
}

const SCALARS = [
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
const ARRAYS = [
  ["api", OPERATION_COUNT * ERROR_COUNT],
  ["throttles", THROTTLE_CAUSE_NAMES.length],
  ["apiThrottles", OPERATION_COUNT],
  ["waiters", WAITER_OUTCOME_NAMES.length],
] as const;
const COUNTER_VALUES = ARRAYS.reduce((n, [, len]) => n + len, 0) + SCALARS.length;
const HIST_VALUES = HIST_BUCKET_BOUNDS_US.reduce((n, b) => n + b.length + 2, 0);

/** Where a partition's block starts in its gauges (after functions by State and by LastUpdateStatus). */
export const SAMPLE_BLOCK_OFFSET = 8;

/**
 * Values one partition writes into the sample vector at each sample point:
 * events processed, its counters, then per histogram its cumulative bucket
 * counts, count and sum (µs).
 */
export const PARTITION_SAMPLE_VALUES = 1 + COUNTER_VALUES + HIST_VALUES;

/** Writes one partition's block of the sample vector (PARTITION_SAMPLE_VALUES values at `offset`). */
export function writePartitionSample(
  part: { readonly obs: Observations; readonly eventsProcessed: number },
  out: Float64Array,
  offset: number,
): void {
  const o = part.obs;
  let k = offset;
  out[k++] = part.eventsProcessed;
  for (const [name] of ARRAYS) {
    const a = o[name];
    for (let i = 0; i < a.length; i++) out[k++] = a[i];
  }
  for (const name of SCALARS) out[k++] = o[name];
  for (let h = 0; h < HIST_NAMES.length; h++) {
    const r = readCached(o.histograms[h], HIST_BUCKET_BOUNDS_US[h]);
    for (const b of r.buckets) out[k++] = b;
    out[k++] = r.count;
    out[k++] = r.sumUs;
  }
}

/** Sums the partitions' blocks: block p starts at p * stride + offset. */
export function sumPartitionSamples(
  vector: Float64Array,
  partitions: number,
  stride: number,
  offset: number,
): PartitionSums {
  const total = new Float64Array(PARTITION_SAMPLE_VALUES);
  for (let p = 0; p < partitions; p++) {
    const base = p * stride + offset;
    for (let i = 0; i < PARTITION_SAMPLE_VALUES; i++) total[i] += vector[base + i];
  }
  let k = 0;
  const events = total[k++];
  const take = (n: number) => {
    const a = Array.from(total.subarray(k, k + n));
    k += n;
    return a;
  };
  const arrays = ARRAYS.map(([, len]) => take(len));
  const scalars = take(SCALARS.length);
  const counters = { api: arrays[0], throttles: arrays[1], apiThrottles: arrays[2], waiters: arrays[3] };
  const scalarRecord = Object.fromEntries(SCALARS.map((name, i) => [name, scalars[i]])) as Record<
    (typeof SCALARS)[number],
    number
  >;
  const histograms = HIST_BUCKET_BOUNDS_US.map((bounds) => {
    const buckets = take(bounds.length);
    const [count, sumUs] = take(2);
    return { buckets, count, sumUs };
  });
  return { events, counters: { ...counters, ...scalarRecord }, histograms };
}

/** The same sums from one (merged) Observations: for the sample at the end of a run. */
export function sumsOfObservations(obs: Observations, events: number): PartitionSums {
  const v = new Float64Array(PARTITION_SAMPLE_VALUES);
  writePartitionSample({ obs, eventsProcessed: events }, v, 0);
  return sumPartitionSamples(v, 1, PARTITION_SAMPLE_VALUES, 0);
}

/** The coordinator's figures at `timeUs`. */
export function sampleShared(shared: SharedState, timeUs: number): SampleShared {
  return {
    unreservedPool: shared.unreservedPool,
    unreservedInFlight: shared.unreservedInFlight,
    peakConcurrency: shared.peakTotalInFlight,
    subnetOthersIps: shared.subnets.map((u) => u.othersIps),
    subnetPeakUsedIps: shared.subnets.map((u) => u.peakUsedIps),
    enisCreated: shared.subnets.map((u) => u.enisCreated),
    enisFailed: shared.subnets.map((u) => u.enisFailed),
    enisDeleted: shared.subnets.map((u) => u.enisDeleted),
    enisByState: shared.enisByState(timeUs),
    vpcEnis: Array.from(shared.vpcEnis),
    vpcPeakEnis: Array.from(shared.vpcPeakEnis),
  };
}

/** What hdr-histogram-js keeps per histogram and does not declare on its interface. */
type Readable = hdr.Histogram & {
  countsArrayIndex(value: number): number;
  getCountAtIndex(index: number): number;
  unitMagnitude: number;
  subBucketHalfCount: number;
  /** The counts of hdr-histogram-js's typed-array histograms (the kind Observations builds). */
  _counts?: ArrayLike<number>;
};

/** Last read of each histogram: one whose count has not moved is not read again. */
const lastReads = new WeakMap<hdr.Histogram, SampledHistogram>();

function readCached(h: hdr.Histogram, boundsUs: readonly number[]): SampledHistogram {
  const last = lastReads.get(h);
  if (last !== undefined && last.count === h.totalCount) return last;
  const r = readHistogram(h, boundsUs);
  lastReads.set(h, r);
  return r;
}

/**
 * Cumulative counts of `h` at each bound, its count and its sum (µs): one
 * pass over the HDR buckets up to the largest value recorded. The values are
 * integers, so sums over partitions do not depend on how functions were
 * spread over them.
 */
export function readHistogram(h: hdr.Histogram, boundsUs: readonly number[]): SampledHistogram {
  const r: SampledHistogram = {
    buckets: new Array<number>(boundsUs.length).fill(0),
    count: h.totalCount,
    sumUs: 0,
  };
  if (h.totalCount === 0) return r;
  const hist = h as Readable;
  const lastIndex = hist.countsArrayIndex(h.maxValue);
  const boundIndex = boundsUs.map((b) => hist.countsArrayIndex(b));
  const counts = hist._counts;
  // HDR's layout: the first 2 * half slots step by 2^unit; then each run of `half` slots
  // doubles the step. A slot's middle value is its lowest value plus half its step (as
  // hdr-histogram-js's medianEquivalentValue, computed here without a call per slot).
  const half = hist.subBucketHalfCount;
  let step = 2 ** hist.unitMagnitude;
  let lowest = 0;
  let slotsLeft = 2 * half;
  let bound = 0;
  let below = 0;
  for (let i = 0; i <= lastIndex; i++) {
    if (slotsLeft === 0) {
      step *= 2;
      slotsLeft = half;
    }
    slotsLeft--;
    while (bound < boundIndex.length && boundIndex[bound] < i) r.buckets[bound++] = below;
    // Reading the typed array directly is several times faster than the method on long, sparse arrays.
    const n = counts !== undefined ? counts[i] : hist.getCountAtIndex(i);
    if (n !== 0) {
      below += n;
      r.sumUs += n * (lowest + Math.floor(step / 2));
    }
    lowest += step;
  }
  while (bound < boundIndex.length) r.buckets[bound++] = below;
  return r;
}
