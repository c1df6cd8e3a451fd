/** Measures of the simulated clients: retries, calls given up, SDK waiters. */
import { WAITER_OUTCOME_NAMES } from "../model/observations.js";
import { names, one, snakeCase } from "./label-series.js";
import { type Measure, type ReportMetric, scalarMeasure } from "./measure.js";

const STARTED = WAITER_OUTCOME_NAMES.indexOf("started");
/** The outcomes a waiter ends with, and their positions in the waiters counter. */
const ENDED = WAITER_OUTCOME_NAMES.filter((w) => w !== "started");
const ENDED_AT = ENDED.map((w) => WAITER_OUTCOME_NAMES.indexOf(w));

/** `clients.waiters.<outcome>`: the report's count of waiters started or ended so. */
function waiterMetric(i: number): ReportMetric {
  const w = WAITER_OUTCOME_NAMES[i];
  return {
    name: `clients.waiters.${snakeCase(w)}`,
    family: "clients.waiters.<outcome>",
    unit: "count",
    description: "Waiters started, and waiters that ended by outcome (succeeded, failed, timed_out).",
    fromReport: (r) => r.clients.waiters[w],
    fromSample: (s) => s.counters.waiters[i],
  };
}

export const CLIENT_MEASURES: readonly Measure[] = [
  scalarMeasure({
    family: "fleetsim_client_retries_total",
    type: "counter",
    help: "Client retries after a retryable error (SDK standard retry policy).",
    name: "clients.retries",
    unit: "count",
    description: "Calls the clients retried.",
    fromReport: (r) => r.clients.retries,
    fromSample: (s) => s.counters.clientRetries,
  }),
  scalarMeasure({
    family: "fleetsim_client_calls_given_up_total",
    type: "counter",
    help: "Client calls abandoned after their last attempt failed with a retryable error.",
    name: "clients.gave_up",
    unit: "count",
    description: "Calls the clients gave up on after their last attempt.",
    fromReport: (r) => r.clients.gaveUp,
    fromSample: (s) => s.counters.clientGaveUp,
  }),
  {
    family: {
      name: "fleetsim_waiters_started_total",
      type: "counter",
      help: "SDK waiters started; each ends in fleetsim_waiters_total (succeeded, failed or timedOut) or is still waiting.",
      labels: [],
      series: one,
      values: (s) => [s.counters.waiters[STARTED]],
    },
    named: [waiterMetric(STARTED)],
  },
  {
    // Starts have their own family, so summing this one over outcome counts each waiter once.
    family: {
      name: "fleetsim_waiters_total",
      type: "counter",
      help: "SDK waiters that ended, by how: succeeded, failed or timedOut (starts: fleetsim_waiters_started_total).",
      labels: ["outcome"],
      series: names(ENDED),
      values: (s) => ENDED_AT.map((i) => s.counters.waiters[i]),
    },
    named: ENDED_AT.map(waiterMetric),
  },
];
