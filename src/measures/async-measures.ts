/** Measures of asynchronous invocation (V6, V7): events accepted, their fates, retries, queues, ages. */
import {
  ASYNC_DISPOSITION_NAMES,
  ASYNC_FAILURE_NAMES,
  ASYNC_RETRY_CAUSE_NAMES,
  AsyncFailure,
  Hist,
} from "../model/observations.js";
import type { Sample } from "../model/run.js";
import { histogramNamed } from "./duration-measures.js";
import { boundsS, names, one } from "./label-series.js";
import { type Measure, namedMetric, type ReportMetric } from "./measure.js";

const DISPOSITIONS = ASYNC_DISPOSITION_NAMES.length;

/** Fates of asynchronous events: succeeded, or never processed (where to, why). */
const ASYNC_FATES: readonly { fate: string; reason: string; index: number }[] = [
  { fate: "succeeded", reason: "none", index: -1 },
  ...ASYNC_FAILURE_NAMES.flatMap((reason, r) =>
    ASYNC_DISPOSITION_NAMES.map((fate, d) => ({ fate, reason, index: r * DISPOSITIONS + d })),
  ),
];

/** Events never processed that went to disposition d, summed over the reasons. */
const failedTo = (s: Sample, d: number) => {
  let n = 0;
  for (let i = d; i < s.counters.asyncFailures.length; i += DISPOSITIONS) n += s.counters.asyncFailures[i];
  return n;
};

/** How a disposition is named in metric names (dlq: the dead-letter queue). */
const DISPOSITION_METRIC_NAME: Record<(typeof ASYNC_DISPOSITION_NAMES)[number], string> = {
  dropped: "dropped",
  destination: "destination",
  deadLetterQueue: "dlq",
};

const fateNamed = (): ReportMetric[] => [
  namedMetric({
    name: "async.succeeded",
    unit: "count",
    description: "Asynchronous events whose invocation succeeded.",
    fromReport: (r) => r.async?.succeeded ?? 0,
    fromSample: (s) => s.counters.asyncSucceeded,
  }),
  ...ASYNC_DISPOSITION_NAMES.map((d, i): ReportMetric => ({
    name: `async.${DISPOSITION_METRIC_NAME[d]}`,
    family: "async.<disposition>",
    unit: "count",
    description: "Events never processed, by where they went (dlq: the dead-letter queue).",
    fromReport: (r) => r.async?.failed[d] ?? 0,
    fromSample: (s) => failedTo(s, i),
  })),
];

export const ASYNC_MEASURES: readonly Measure[] = [
  {
    family: {
      name: "fleetsim_async_events_accepted_total",
      type: "counter",
      help: "Asynchronous events accepted into a function's queue: Invoke calls with InvocationType Event answered 202, and self-triggered invocations (V7).",
      labels: [],
      series: one,
      values: (s) => [s.counters.asyncAccepted],
    },
    named: [
      namedMetric({
        name: "async.accepted",
        unit: "count",
        description: "Asynchronous events accepted into a queue (0 without asynchronous invocation).",
        fromReport: (r) => r.async?.accepted ?? 0,
        fromSample: (s) => s.counters.asyncAccepted,
      }),
      namedMetric({
        name: "async.self_triggered",
        unit: "count",
        description: "Of those, queued by a self-triggering function's success.",
        fromReport: (r) => r.async?.selfTriggered ?? 0,
        fromSample: (s) => s.counters.asyncSelfTriggered,
      }),
    ],
  },
  {
    family: {
      name: "fleetsim_async_event_fates_total",
      type: "counter",
      help: "Asynchronous events by fate: succeeded, or never processed and sent to an on-failure destination, the dead-letter queue, or dropped, with the reason (maximumEventAge, retriesExhausted, recursiveLoop, rejected).",
      labels: ["fate", "reason"],
      series: () => ASYNC_FATES.map((x) => [x.fate, x.reason]),
      values: (s) =>
        ASYNC_FATES.map((x) => (x.index < 0 ? s.counters.asyncSucceeded : s.counters.asyncFailures[x.index])),
    },
    named: fateNamed(),
  },
  {
    family: {
      name: "fleetsim_async_retries_total",
      type: "counter",
      help: "Asynchronous events sent back to the queue for another attempt, by cause (throttled, systemError, functionError).",
      labels: ["cause"],
      series: names(ASYNC_RETRY_CAUSE_NAMES),
      values: (s) => [...s.counters.asyncRetries],
    },
    named: [
      namedMetric({
        name: "async.retries",
        unit: "count",
        description: "Attempts after which an event went back to the queue, all causes.",
        fromReport: (r) => Object.values(r.async?.retries ?? {}).reduce((n, x) => n + x, 0),
        fromSample: (s) => s.counters.asyncRetries.reduce((n, x) => n + x, 0),
      }),
    ],
  },
  {
    family: {
      name: "fleetsim_recursive_loop_stops_total",
      type: "counter",
      help: "Invocation chains Lambda stopped as recursive loops after 16 invocations (RecursiveInvocationException).",
      labels: [],
      series: one,
      values: (s) => [recursiveStops(s)],
    },
    named: [
      namedMetric({
        name: "async.recursive_stops",
        unit: "count",
        description: "Chains stopped as recursive loops after 16 invocations.",
        fromReport: (r) => r.async?.recursiveStops ?? 0,
        fromSample: (s) => recursiveStops(s),
      }),
    ],
  },
  {
    family: {
      name: "fleetsim_async_queue_depth",
      type: "gauge",
      help: "Asynchronous events waiting in the functions' queues, for a first attempt or a retry.",
      labels: [],
      series: one,
      values: (s) => [s.asyncQueueDepth],
    },
    named: [
      namedMetric({
        name: "async.queued_at_end",
        unit: "count",
        description: "Events still waiting in the queues at the end.",
        fromReport: (r) => r.async?.queuedAtEnd ?? 0,
      }),
    ],
  },
  {
    family: {
      name: "fleetsim_async_oldest_event_age_seconds",
      type: "gauge",
      help: "Age of the oldest asynchronous event waiting in a queue (0 when none).",
      labels: [],
      unit: "seconds",
      series: one,
      values: (s) => [s.asyncOldestEventAgeUs / 1e6],
    },
  },
  {
    family: {
      name: "fleetsim_async_event_age_seconds",
      type: "histogram",
      help: "Age of asynchronous events when the poller takes them for an attempt (time since they were queued).",
      labels: [],
      unit: "seconds",
      boundsS: boundsS(Hist.AsyncEventAge),
      series: one,
      histograms: (s) => [s.histograms[Hist.AsyncEventAge]],
    },
    named: histogramNamed(Hist.AsyncEventAge),
  },
];

/** Chains stopped as recursive loops, summed over where their events went. */
function recursiveStops(s: Sample): number {
  let n = 0;
  for (let d = 0; d < DISPOSITIONS; d++)
    n += s.counters.asyncFailures[AsyncFailure.RecursiveLoop * DISPOSITIONS + d];
  return n;
}
