/** Measures of the run itself: which run, how far it has got, how much work it did. */
import type { Measure } from "./measure.js";
import { one } from "./label-series.js";

export const RUN_MEASURES: readonly Measure[] = [
  {
    family: {
      name: "fleetsim_run_info",
      type: "gauge",
      help: "Always 1; labels say which seed and simulator version made the run.",
      labels: ["seed", "version"],
      series: (ctx) => [[String(ctx.seed), ctx.version]],
      values: () => [1],
    },
  },
  {
    family: {
      name: "fleetsim_simulated_time_seconds",
      type: "gauge",
      help: "Simulated time the run has reached.",
      labels: [],
      unit: "seconds",
      series: one,
      values: (s) => [s.timeUs / 1e6],
    },
  },
  {
    // The simulated clock as a counter: dashboards divide every rate() by its rate, so a rate is
    // per simulated second whatever the pace (--speed) or the timestamps (live or backfilled).
    family: {
      name: "fleetsim_simulated_seconds_total",
      type: "counter",
      help: "Simulated seconds elapsed since the start of the run: divide a rate() by rate() of this counter to get it per simulated second, whatever --speed.",
      labels: [],
      unit: "seconds",
      series: one,
      values: (s) => [s.timeUs / 1e6],
    },
  },
  {
    family: {
      name: "fleetsim_run_until_seconds",
      type: "gauge",
      help: "Simulated time the run stops at (the scenario's duration, or --until).",
      labels: [],
      unit: "seconds",
      series: one,
      values: (_s, ctx) => [ctx.untilUs / 1e6],
    },
  },
  {
    family: {
      name: "fleetsim_events_processed_total",
      type: "counter",
      help: "Simulation events processed (partitions and coordinator).",
      labels: [],
      series: one,
      values: (s) => [s.events],
    },
  },
];
