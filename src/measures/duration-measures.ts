/**
 * Measures of durations: the HDR histograms the run records, exposed as
 * Prometheus histograms at fixed bounds and named as statistics
 * (`pending.create.p99`) for thresholds.
 */
import { Hist, HIST_NAMES, type HistName } from "../model/observations.js";
import { HIST_BUCKET_BOUNDS_US } from "../model/sampling.js";
import { boundsS, byTemplate, one, templateHistograms } from "./label-series.js";
import type { Measure, ReportMetric } from "./measure.js";
import { HISTOGRAM_STATS, sampledStat } from "./reading.js";
import type { HistogramReport } from "./report-shape.js";

/** How each histogram is named in the summary and in metric names. */
export const HISTOGRAM_LABELS: Readonly<Record<HistName, string>> = {
  pendingCreate: "pending.create",
  pendingRestore: "pending.restore",
  updateInProgress: "update.in_progress",
  createToActiveClient: "create_to_active.client",
  invocationLatency: "invocation.latency",
  initDuration: "init.duration",
  firstInvokeLatency: "provisioned.first_invoke",
  asyncEventAge: "async.event_age",
};

/** The named statistics of Hist `h`: `<histogram>.count`, `.mean`, `.p50` … `.max`. */
export function histogramNamed(h: number): ReportMetric[] {
  const hist = HIST_NAMES[h];
  return HISTOGRAM_STATS.map((stat) => ({
    name: `${HISTOGRAM_LABELS[hist]}.${stat}`,
    family: `<histogram>.${stat}`,
    unit: stat === "count" ? "count" : "seconds",
    description:
      stat === "count"
        ? "Durations recorded in the histogram."
        : `The histogram's ${stat}, in seconds (0 when empty).`,
    fromReport: (r) => r.histograms[hist][stat satisfies keyof HistogramReport],
    fromSample: (s) => sampledStat(s.histograms[h], HIST_BUCKET_BOUNDS_US[h], stat),
  }));
}

export const DURATION_MEASURES: readonly Measure[] = [
  {
    family: {
      name: "fleetsim_pending_duration_seconds",
      type: "histogram",
      help: "Time functions spent in Pending, counted when they leave it (to Active, or to Failed or Inactive, a stuck operation cancelled after 6 minutes included; not when deleted), by StateReasonCode (Creating: after CreateFunction; Restoring: waking an Inactive function) and function template.",
      labels: ["reason_code", "template"],
      unit: "seconds",
      boundsS: boundsS(Hist.PendingCreate),
      series: byTemplate([["Creating"], ["Restoring"]]),
      histograms: (s, ctx) => [
        ...templateHistograms(s, Hist.PendingCreate, ctx.templates.length),
        ...templateHistograms(s, Hist.PendingRestore, ctx.templates.length),
      ],
    },
    named: [...histogramNamed(Hist.PendingCreate), ...histogramNamed(Hist.PendingRestore)],
  },
  {
    family: {
      name: "fleetsim_update_in_progress_duration_seconds",
      type: "histogram",
      help: "Time updates spent with LastUpdateStatus InProgress.",
      labels: [],
      unit: "seconds",
      boundsS: boundsS(Hist.UpdateInProgress),
      series: one,
      histograms: (s) => [s.histograms[Hist.UpdateInProgress]],
    },
    named: histogramNamed(Hist.UpdateInProgress),
  },
  {
    family: {
      name: "fleetsim_client_create_to_active_seconds",
      type: "histogram",
      help: "Time from a client's CreateFunction to its waiter seeing the function Active.",
      labels: [],
      unit: "seconds",
      boundsS: boundsS(Hist.CreateToActiveClient),
      series: one,
      histograms: (s) => [s.histograms[Hist.CreateToActiveClient]],
    },
    named: histogramNamed(Hist.CreateToActiveClient),
  },
  {
    family: {
      name: "fleetsim_invocation_latency_seconds",
      type: "histogram",
      help: "Time from an invocation's arrival to its end, init duration included, by function template.",
      labels: ["template"],
      unit: "seconds",
      boundsS: boundsS(Hist.InvocationLatency),
      series: (ctx) => ctx.templates.map((t) => [t]),
      histograms: (s, ctx) => templateHistograms(s, Hist.InvocationLatency, ctx.templates.length),
    },
    named: histogramNamed(Hist.InvocationLatency),
  },
  {
    family: {
      name: "fleetsim_init_duration_seconds",
      type: "histogram",
      help: "Init duration of cold starts.",
      labels: [],
      unit: "seconds",
      boundsS: boundsS(Hist.InitDuration),
      series: one,
      histograms: (s) => [s.histograms[Hist.InitDuration]],
    },
    named: histogramNamed(Hist.InitDuration),
  },
  {
    family: {
      name: "fleetsim_provisioned_first_invoke_latency_seconds",
      type: "histogram",
      help: "Extra latency of the first invocation on a provisioned environment (JIT runtimes' lazy loading; more at low memory).",
      labels: [],
      unit: "seconds",
      boundsS: boundsS(Hist.FirstInvokeLatency),
      series: one,
      histograms: (s) => [s.histograms[Hist.FirstInvokeLatency]],
    },
    named: histogramNamed(Hist.FirstInvokeLatency),
  },
];
