/** The report-metric registry as what replications summarise and sweeps compare. */
import { METRICS, metricByName, metricValue } from "../measures/report-metrics.js";
import type { MetricSource } from "./experiment.js";

export const REPORT_METRICS: MetricSource = {
  names: METRICS.map((m) => m.name),
  value: metricValue,
  unit: (name) => metricByName(name)?.unit ?? "count",
};
