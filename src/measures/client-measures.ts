/** Measures of the simulated clients: retries, calls given up, SDK waiters. */
import { WAITER_OUTCOME_NAMES } from "../model/observations.js";
import { names, snakeCase } from "./label-series.js";
import { type Measure, type ReportMetric, scalarMeasure } from "./measure.js";

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
      name: "fleetsim_waiters_total",
      type: "counter",
      help: "SDK waiters by what happened: started, then succeeded, failed or timedOut.",
      labels: ["outcome"],
      series: names(WAITER_OUTCOME_NAMES),
      values: (s) => [...s.counters.waiters],
    },
    named: WAITER_OUTCOME_NAMES.map((w, i): ReportMetric => ({
      name: `clients.waiters.${snakeCase(w)}`,
      family: "clients.waiters.<outcome>",
      unit: "count",
      description: "Waiters by outcome.",
      fromReport: (r) => r.clients.waiters[w],
      fromSample: (s) => s.counters.waiters[i],
    })),
  },
];
