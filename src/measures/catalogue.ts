/**
 * THE catalogue of measures: every quantity the run exposes, declared once
 * (measure.ts says what an entry holds), in the order the Prometheus
 * exposition lists them. Everything reads it: the exporters and the
 * OpenMetrics file (FAMILIES, through families.ts), thresholds, sweeps,
 * replications and steady state (METRICS, through report-metrics.ts), the
 * dashboards, and the generated tables of docs/report-metrics.md and docs/metrics.md.
 *
 * Adding a counter: count it in the model (an Observations field and its
 * line in COUNTER_ARRAYS or COUNTER_SCALARS, which say its size and whether
 * samples carry it; merging, thread hand-over and samples read those), then
 * add one entry to the section file here that reads it. The hot-path
 * fields stay plain typed-array slots and properties, written by name where
 * the model counts, so they cannot be generated from this list.
 */
import { API_MEASURES } from "./api-measures.js";
import { ASYNC_MEASURES } from "./async-measures.js";
import { CONCURRENCY_MEASURES, EFS_MEASURES, NETWORK_MEASURES } from "./capacity-measures.js";
import { CLIENT_MEASURES } from "./client-measures.js";
import { COST_MEASURES } from "./cost-measures.js";
import { DURATION_MEASURES } from "./duration-measures.js";
import { ENVIRONMENT_MEASURES } from "./environment-measures.js";
import { FUNCTION_MEASURES } from "./function-measures.js";
import { INVOCATION_MEASURES } from "./invocation-measures.js";
import type { Measure, MetricFamily, ReportMetric } from "./measure.js";
import { compare } from "./reading.js";
import type { Report } from "./report-shape.js";
import { RUN_MEASURES } from "./run-measures.js";

/** The measures the model counts, in exposition order; the threshold family follows them. */
const COUNTED: readonly Measure[] = [
  ...RUN_MEASURES,
  ...FUNCTION_MEASURES,
  ...API_MEASURES,
  ...INVOCATION_MEASURES,
  ...CLIENT_MEASURES,
  ...DURATION_MEASURES,
  ...ASYNC_MEASURES,
  ...CONCURRENCY_MEASURES,
  ...ENVIRONMENT_MEASURES,
  ...NETWORK_MEASURES,
  ...EFS_MEASURES,
  ...COST_MEASURES,
];

const BASE_METRICS: readonly ReportMetric[] = COUNTED.flatMap((m) => m.named ?? []);

/** Families that count since the start of the run: a difference of two samples is a count over the interval. */
const CUMULATIVE =
  /^(invocations|api|clients|async|pending|update|create_to_active|invocation|init|provisioned|environments)\./;

/** Whether a metric has a steady-state twin (steady-state.ts): cumulative, and readable from samples. */
export const isCumulative = (m: ReportMetric): boolean =>
  m.fromSample !== undefined && CUMULATIVE.test(m.name) && !m.name.endsWith("_at_end");

/** `steady.<metric>`: the metric over the steady state, after the scenario's warmup (the whole run without one). */
const steadyMetrics = (): ReportMetric[] =>
  BASE_METRICS.filter(isCumulative).map((m) => ({
    name: `steady.${m.name}`,
    family: `steady.${m.family}`,
    unit: m.unit,
    description: `${m.description} Steady state: from the first sample point after the scenario's warmup to the end (the whole run without a warmup).`,
    fromReport: (r: Report) => r.steadyState?.values[m.name] ?? m.fromReport(r),
  }));

/** Every named metric: what thresholds, sweeps and docs/report-metrics.md name. */
export const METRICS: readonly ReportMetric[] = Object.freeze([...BASE_METRICS, ...steadyMetrics()]);

const BY_NAME: ReadonlyMap<string, ReportMetric> = new Map(METRICS.map((m) => [m.name, m]));

export const METRIC_NAMES: readonly string[] = METRICS.map((m) => m.name);

export function metricByName(name: string): ReportMetric | undefined {
  return BY_NAME.get(name);
}

/** The metric's value in the report; throws for a name the catalogue does not have. */
export function metricValue(name: string, report: Report): number {
  const m = BY_NAME.get(name);
  if (m === undefined) throw new Error(`unknown report metric '${name}'`);
  return m.fromReport(report);
}

/** The scenario's thresholds, judged at each sample point: it reads the other measures' named metrics. */
const THRESHOLD_MEASURE: Measure = {
  family: {
    name: "fleetsim_threshold_ok",
    type: "gauge",
    help: "1 while a threshold of the scenario holds at the sample point, 0 while it fails (percentiles estimated from the sampled buckets).",
    labels: ["threshold"],
    series: (ctx) => ctx.thresholds.map((t) => [t.source]),
    values: (s, ctx) => {
      const limits = {
        concurrencyLimit: ctx.concurrencyLimit,
        subnetCapacityIps: ctx.subnets.map((x) => x.capacityIps),
        cost: ctx.cost,
      };
      return ctx.thresholds.map((t) =>
        compare(metricByName(t.metric)!.fromSample!(s, limits), t.op, t.value) ? 1 : 0,
      );
    },
  },
};

/** Every measure, in exposition order. */
export const MEASURES: readonly Measure[] = [...COUNTED, THRESHOLD_MEASURE];

/** Every Prometheus family, in exposition order. */
export const FAMILIES: readonly MetricFamily[] = MEASURES.flatMap((m) =>
  m.family === undefined ? [] : [m.family],
);
