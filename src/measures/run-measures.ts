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
