/**
 * What one entry of the measure catalogue (catalogue.ts) is: a quantity the
 * run counts or reads, declared once with everything each output needs.
 * Its Prometheus family feeds the exporters, the OpenMetrics file, the
 * dashboards and docs/metrics.md; its named metrics feed thresholds
 * (abortOnFail when they read a sample), sweeps, replications, steady state,
 * the HTML sweep page and docs/report-metrics.md. Both read the same Sample
 * fields, so a measure's reader is written once, beside its names.
 */
import type { CostInputs } from "../model/cost.js";
import type { Sample } from "../model/run.js";
import type { SampledHistogram } from "../model/sampling.js";
import type { PlanThreshold } from "../model/plan.js";
import type { MetricUnit, SampleLimits } from "./reading.js";
import type { Report } from "./report-shape.js";

/** What the exporters need to know about a run besides its samples (context.ts builds it from the plan). */
export interface MetricsContext {
  runId: string;
  scenario: string;
  seed: number;
  version: string;
  untilUs: number;
  concurrencyLimit: number;
  subnets: { id: string; vpc: string; capacityIps: number }[];
  vpcs: { id: string; eniQuota: number; enisUsedByOthers: number }[];
  /** EFS file systems (V10): the `file_system` label's values and their baselines. */
  fileSystems: { id: string; baselineMiBps: number }[];
  /** Function template names, by template index: the `template` label's values. */
  templates: string[];
  /** The `qualifier` label's values, by qualifier slot: $LATEST, version, then the scenario's alias names (qualifiers.ts). */
  qualifiers: string[];
  /** Whether the scenario deploys (updates code or shifts an alias; deploy-window.ts): only then are starts counted by deploy phase. */
  deploys: boolean;
  /** --metrics-function-labels: how many of the busiest functions get a `function` label (0: none). */
  functionLabels: number;
  /** Prices and architectures: the cost families price the samples' billing counters with them. */
  cost: CostInputs;
  /** The scenario's thresholds that can be read from a sample: the `threshold` label's values (thresholds.md). */
  thresholds: Pick<PlanThreshold, "source" | "metric" | "op" | "value">[];
}

export interface Measure {
  /** The Prometheus family; absent for a figure only the report has (a ratio, a value at the end). */
  readonly family?: MetricFamily;
  /** The named metrics read from it; absent for a family no threshold names. */
  readonly named?: readonly ReportMetric[];
}

export interface ReportMetric {
  /** Dotted name, as thresholds write it: "pending.create.p99". */
  readonly name: string;
  /** The name with its variable parts as placeholders ("api.<Operation>.requests"): docs/report-metrics.md's rows. */
  readonly family: string;
  readonly unit: MetricUnit;
  readonly description: string;
  /** The value in a finished run's report. */
  readonly fromReport: (report: Report) => number;
  /** The value at a sample point during the run; absent: only known at the end (no abortOnFail). */
  readonly fromSample?: (sample: Sample, limits: SampleLimits) => number;
}

export type MetricType = "counter" | "gauge" | "histogram";

export interface FamilyBase {
  /** Full name as exposed; a counter's ends in `_total`. */
  name: string;
  help: string;
  /** The family's own labels (COMMON_LABELS come first on every series). */
  labels: readonly string[];
  /** OpenMetrics UNIT, when the name ends in it. */
  unit?: "seconds";
  /** Label values of each series, in the order of `labels`. */
  series: (ctx: MetricsContext) => string[][];
}

export interface ScalarFamily extends FamilyBase {
  type: "counter" | "gauge";
  /** The value of each series, in the order of `series`. */
  values: (s: Sample, ctx: MetricsContext) => number[];
  /** Set on the families that take a `function` label when functions are labelled (ctx.functionLabels > 0). */
  byFunction?: FunctionLabelled;
}

/**
 * How a family reads with a `function` label (last of its labels): its
 * usual series become those of function="other" and take `other`'s
 * values, and the labelled functions' series follow.
 */
export interface FunctionLabelled {
  /** Values of the usual series for the functions without a label of their own. */
  other: (s: Sample, ctx: MetricsContext) => number[];
  /** Series of the labelled functions at this sample: own label values (function last) and values. */
  functions: (s: Sample, ctx: MetricsContext) => { series: string[][]; values: number[] };
}

export interface HistogramFamily extends FamilyBase {
  type: "histogram";
  /** Bucket upper bounds, in seconds (the +Inf bucket is the count). */
  boundsS: readonly number[];
  /** The histogram of each series (µs), in the order of `series`. */
  histograms: (s: Sample, ctx: MetricsContext) => SampledHistogram[];
}

export type MetricFamily = ScalarFamily | HistogramFamily;

/** A measure of one unlabelled series that is also one named metric: the common counter or gauge. */
export interface ScalarMeasure {
  /** Prometheus name (a counter's ends in `_total`), type and HELP. */
  family: string;
  type: "counter" | "gauge";
  help: string;
  /** The named metric: dotted name, unit and its description in docs/report-metrics.md. */
  name: string;
  unit: MetricUnit;
  description: string;
  /** The value in a finished run's report, and at a sample point (Prometheus reads the same). */
  fromReport: (report: Report) => number;
  fromSample: (sample: Sample) => number;
}

export function scalarMeasure(m: ScalarMeasure): Measure {
  return {
    family: {
      name: m.family,
      type: m.type,
      help: m.help,
      labels: [],
      series: () => [[]],
      values: (s) => [m.fromSample(s)],
    },
    named: [
      {
        name: m.name,
        family: m.name,
        unit: m.unit,
        description: m.description,
        fromReport: m.fromReport,
        fromSample: m.fromSample,
      },
    ],
  };
}

/** A named metric without a placeholder in its name. */
export function namedMetric(m: Omit<ReportMetric, "family">): ReportMetric {
  return { ...m, family: m.name };
}
