/**
 * What a sample point gathers beyond functions by State: each partition's
 * counters and duration histograms (read as cumulative bucket counts) written
 * into its block of the sample vector, which can cross threads; and the
 * coordinator's concurrency and network figures. Everything here reads
 * counters the run keeps anyway; nothing runs per event. The metrics
 * exporters (src/metrics) turn samples into Prometheus series.
 */
import { STATE_NAMES } from "./aws-names.js";
import {
  COUNTER_ARRAY_NAMES,
  COUNTER_ARRAYS,
  COUNTER_SCALAR_NAMES,
  COUNTER_SCALARS,
  HIST_NAMES,
  type Observations,
  TEMPLATE_HIST_INDEX,
  TEMPLATE_HISTS,
} from "./observations.js";
import type { Histogram } from "./histogram.js";
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
  [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5].map(s), // firstInvokeLatency
  [0.1, 0.5, 1, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600].map(s), // asyncEventAge: to 6 h
];

type Sampled<T extends Record<string, { sampled: boolean }>> = {
  [K in keyof T]: T[K]["sampled"] extends true ? K : never;
}[keyof T];

/**
 * Counters of the partitions' Observations, summed; cumulative since the
 * start of the run. The arrays keep Observations' layout (see its fields).
 */
export type SampleCounters = Record<Sampled<typeof COUNTER_ARRAYS>, number[]> &
  Record<Sampled<typeof COUNTER_SCALARS>, number>;

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
  /** Per EFS file system (V10): burst credit balance (MiB), IO demand (MiB/s) and invocations in flight. */
  efsCreditsMiB: number[];
  efsDemandMiBps: number[];
  efsInFlight: number[];
}

/** What the partitions contribute to a sample, summed over partitions. */
export interface PartitionSums {
  /** Events the partitions processed. */
  events: number;
  counters: SampleCounters;
  /** By Hist index; those in TEMPLATE_HISTS are the sums of their templates'. */
  histograms: SampledHistogram[];
  /** TEMPLATE_HISTS[k] of template t at k * templates + t. */
  templateHistograms: SampledHistogram[];
}

/** The counters a sample carries (Observations' COUNTER_ARRAYS and COUNTER_SCALARS marked `sampled`). */
const SAMPLED_ARRAYS = COUNTER_ARRAY_NAMES.filter((name) => COUNTER_ARRAYS[name].sampled);
const SCALARS = COUNTER_SCALAR_NAMES.filter((name) => COUNTER_SCALARS[name].sampled) as Sampled<
  typeof COUNTER_SCALARS
>[];

/**
 * What a partition's block depends on besides the fixed names: the plan's
 * numbers of function templates and of qualifier slots (qualifiers.ts
 * qualifierSlotCount).
 */
export interface SampleShape {
  templates: number;
  qualifierSlots: number;
}

/** The shape of the blocks an Observations writes. */
export const shapeOf = (o: Observations): SampleShape => ({
  templates: o.templates,
  qualifierSlots: o.qualifierSlots,
});

/** The counter arrays of a block and their lengths, for a plan of `shape`. */
function arrayFields({ templates, qualifierSlots }: SampleShape): [Sampled<typeof COUNTER_ARRAYS>, number][] {
  const dims = { templates, qualifierSlots, fileSystems: 0, callers: 0 };
  return SAMPLED_ARRAYS.map((name) => [
    name as Sampled<typeof COUNTER_ARRAYS>,
    COUNTER_ARRAYS[name].length(dims),
  ]);
}

/** Histograms a block holds, in order: each Hist, those in TEMPLATE_HISTS once per template. */
function histogramsPerHist(templates: number): number[] {
  return HIST_NAMES.map((_, h) => (TEMPLATE_HIST_INDEX[h] >= 0 ? templates : 1));
}

/** Where a partition's block starts in its gauges: after functions by State, by LastUpdateStatus, and by (template, State). */
export function sampleBlockOffset(templates: number): number {
  return 8 + templates * STATE_NAMES.length;
}

/**
 * Values one partition writes into the sample vector at each sample point:
 * events processed, its counters, then per histogram (per template for
 * those in TEMPLATE_HISTS) its cumulative bucket counts, count and sum (µs).
 */
export function partitionSampleValues(shape: SampleShape): number {
  const counters = arrayFields(shape).reduce((n, [, len]) => n + len, 0) + SCALARS.length;
  const per = histogramsPerHist(shape.templates);
  const hists = HIST_BUCKET_BOUNDS_US.reduce((n, b, h) => n + per[h] * (b.length + 2), 0);
  return 1 + counters + hists;
}

/** Writes one partition's block of the sample vector (partitionSampleValues values at `offset`). */
export function writePartitionSample(
  part: { readonly obs: Observations; readonly eventsProcessed: number },
  out: Float64Array,
  offset: number,
): void {
  const o = part.obs;
  let k = offset;
  out[k++] = part.eventsProcessed;
  for (const [name] of arrayFields(shapeOf(o))) {
    const a = o[name];
    for (let i = 0; i < a.length; i++) out[k++] = a[i];
  }
  for (const name of SCALARS) out[k++] = o[name];
  for (let h = 0; h < HIST_NAMES.length; h++) {
    const at = TEMPLATE_HIST_INDEX[h];
    const bounds = HIST_BUCKET_BOUNDS_US[h];
    const n = at >= 0 ? o.templates : 1;
    for (let t = 0; t < n; t++) {
      const hist = at >= 0 ? o.templateHistograms[at * o.templates + t] : o.histograms[h];
      const r = readCached(hist, bounds);
      for (const b of r.buckets) out[k++] = b;
      out[k++] = r.count;
      out[k++] = r.sumUs;
    }
  }
}

/** Sums the partitions' blocks: block p starts at p * stride + offset. */
export function sumPartitionSamples(
  vector: Float64Array,
  partitions: number,
  stride: number,
  offset: number,
  shape: SampleShape,
): PartitionSums {
  const { templates } = shape;
  const values = partitionSampleValues(shape);
  const total = new Float64Array(values);
  for (let p = 0; p < partitions; p++) {
    const base = p * stride + offset;
    for (let i = 0; i < values; i++) total[i] += vector[base + i];
  }
  let k = 0;
  const events = total[k++];
  const take = (n: number) => {
    const a = Array.from(total.subarray(k, k + n));
    k += n;
    return a;
  };
  const arrays = Object.fromEntries(arrayFields(shape).map(([name, len]) => [name, take(len)]));
  const scalars = Object.fromEntries(SCALARS.map((name) => [name, take(1)[0]]));
  const per = histogramsPerHist(templates);
  const templateHistograms: SampledHistogram[] = new Array<SampledHistogram>(
    TEMPLATE_HISTS.length * templates,
  );
  const histograms = HIST_BUCKET_BOUNDS_US.map((bounds, h) => {
    const read: SampledHistogram[] = [];
    for (let t = 0; t < per[h]; t++) {
      const buckets = take(bounds.length);
      const [count, sumUs] = take(2);
      read.push({ buckets, count, sumUs });
    }
    const at = TEMPLATE_HIST_INDEX[h];
    if (at < 0) return read[0];
    read.forEach((r, t) => {
      templateHistograms[at * templates + t] = r;
    });
    return {
      buckets: bounds.map((_, b) => read.reduce((n, r) => n + r.buckets[b], 0)),
      count: read.reduce((n, r) => n + r.count, 0),
      sumUs: read.reduce((n, r) => n + r.sumUs, 0),
    };
  });
  const counters = { ...arrays, ...scalars } as SampleCounters;
  return { events, counters, histograms, templateHistograms };
}

/** The same sums from one (merged) Observations: for the sample at the end of a run. */
export function sumsOfObservations(obs: Observations, events: number): PartitionSums {
  const shape = shapeOf(obs);
  const values = partitionSampleValues(shape);
  const v = new Float64Array(values);
  writePartitionSample({ obs, eventsProcessed: events }, v, 0);
  return sumPartitionSamples(v, 1, values, 0, shape);
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
    efsCreditsMiB: Array.from(shared.efs.inFlight, (_, fs) => shared.efs.creditsAt(fs, timeUs)),
    efsDemandMiBps: Array.from(shared.efs.demandMiBps),
    efsInFlight: Array.from(shared.efs.inFlight),
  };
}

/** What hdr-histogram-js keeps per histogram and does not declare on its interface. */
type Readable = Histogram & {
  countsArrayIndex(value: number): number;
  getCountAtIndex(index: number): number;
  unitMagnitude: number;
  subBucketHalfCount: number;
  /** The counts of hdr-histogram-js's typed-array histograms (the kind Observations builds). */
  _counts?: ArrayLike<number>;
};

/** Last read of each histogram: one whose count has not moved is not read again. */
const lastReads = new WeakMap<Histogram, SampledHistogram>();

function readCached(h: Histogram, boundsUs: readonly number[]): SampledHistogram {
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
export function readHistogram(h: Histogram, boundsUs: readonly number[]): SampledHistogram {
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
