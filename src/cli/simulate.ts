/**
 * One run: the Plan in, the JSON report out, with the trace written and a
 * stop request honoured on the way. The run gives the event loop a turn
 * every few hundred thousand events and waits without blocking when paced,
 * so Ctrl-C (which raises `stopFlag`), progress and the metrics server are
 * served on this same thread while it goes.
 */
import picomatch from "picomatch";
import type { MetricsContext } from "../metrics/context.js";
import { fdSink, type OpenMetricsStats, OpenMetricsWriter } from "../metrics/openmetrics-writer.js";
import { SeriesLayout } from "../metrics/series.js";
import type { Plan } from "../model/plan.js";
import {
  type CallAnswer,
  type LiveLink,
  newRunEmitter,
  prepareRun,
  type RunOptions,
  type Sample,
} from "../model/run.js";
import { buildReport, type Report } from "../report/json-report.js";
import { SteadyStateCollector, steadyStateSampleIntervalUs } from "../report/steady-state.js";
import { evaluateThresholds, THRESHOLD_SAMPLE_INTERVAL_US, ThresholdWatch } from "../report/thresholds.js";
import type { ProgressPoint } from "../report/progress.js";
import { type HtmlSeries, HtmlSeriesCollector } from "../report/html-series.js";
import { TraceWriter } from "../report/trace-writer.js";
import { Pacer } from "./pacer.js";

export interface SimulateRequest {
  plan: Plan;
  /** The scenario file as the user named it, for the report. */
  file: string | null;
  partitions: number;
  /** Open file descriptor of the --trace file, or null; written to but left open (its opener closes it). */
  traceFd: number | null;
  /** Glob on function names (picomatch) choosing the traced functions. */
  traceFilter: string;
  /** Shared Int32Array buffer: a non-zero first element asks the run to stop after the current epoch. */
  stopFlag: SharedArrayBuffer | null;
  /** Sampling for the metrics outputs; null: the run takes no samples. */
  metrics: MetricsRequest | null;
  /** Worker threads hosting the partitions; 0 runs them all on this thread; "auto" chooses by the plan (docs/parallel.md). */
  workers: number | "auto";
  /** Heap limit of each worker thread, in MB. */
  workerMemoryMb: number;
  /** fleet-sim serve: the live run's driver, and its epoch length; absent for a plain run. */
  live?: LiveLink;
  epochUs?: number;
  /** --html: sample every this much simulated time (the CLI's --sample-interval) and gather the page's series; null: no page. */
  htmlSampleIntervalUs?: number | null;
}

export interface MetricsRequest {
  context: MetricsContext;
  sampleIntervalUs: number;
  /** --speed: simulated time runs at most this many times faster than the wall clock; null: unpaced. */
  speed: number | null;
  /** --openmetrics: open file descriptor (written to, left open) and where simulated time 0 is placed. */
  openMetrics: { fd: number; startTimeMs: number } | null;
  /** Hand every sample to the caller (the live exporter and the Pushgateway run there). */
  forwardSamples: boolean;
}

export interface SimulateResult {
  report: Report;
  traceLines: number;
  openMetrics: OpenMetricsStats | null;
  /** The HTML report's time series, when htmlSampleIntervalUs asked for them. */
  htmlSeries: HtmlSeries | null;
  /** The file system's error when writing the trace failed (the run went on without it), else null. */
  traceError: Error | null;
  /** The file system's error when writing the OpenMetrics file failed, else null. */
  openMetricsError: Error | null;
  /** The final answer to each explicit call answered (--calls). */
  callAnswers: CallAnswer[];
}

export async function simulate(
  req: SimulateRequest,
  onProgress?: (p: ProgressPoint) => void,
  onSample?: (s: Sample) => void,
): Promise<SimulateResult> {
  const emitter = newRunEmitter();
  const traceFilter = req.traceFd === null ? null : functionMatcher(req.traceFilter);
  const m = req.metrics;
  let handle: { stop(): void } | null = null;
  const watch = new ThresholdWatch(req.plan, () => handle?.stop());
  const stop = req.stopFlag === null ? null : new Int32Array(req.stopFlag);
  const pacer =
    m !== null && m.speed !== null
      ? new Pacer(m.speed, stop ?? new Int32Array(new SharedArrayBuffer(4)))
      : null;
  const runOptions: RunOptions = {
    partitions: req.partitions,
    workers: req.workers,
    workerMemoryMb: req.workerMemoryMb,
    // Pacing holds the run at sample points, after every listener has seen the sample.
    pace:
      pacer === null
        ? undefined
        : (timeUs) =>
            pacer.waitFor(timeUs).then((due) => {
              if (!due) handle?.stop();
            }),
    traceFilter,
    emitter,
    // abortOnFail thresholds are checked at sample points: the metrics' interval, the HTML's, or the default one.
    sampleIntervalUs:
      m?.sampleIntervalUs ??
      req.htmlSampleIntervalUs ??
      (watch.active ? THRESHOLD_SAMPLE_INTERVAL_US : steadyStateSampleIntervalUs(req.plan)),
    functionLabels: m?.context.functionLabels ?? 0,
    // Samples feed the exporters only: the report stays what it is without them.
    keepSamples: false,
    ...(req.live !== undefined ? { live: req.live } : {}),
    ...(req.epochUs !== undefined ? { epochUs: req.epochUs } : {}),
  };
  const run = prepareRun(req.plan, runOptions);
  handle = run;
  // First, so an abort is decided before a paced run waits on the sample.
  // After Ctrl-C, the sample at the stop is the user's, not a threshold's.
  const intervalUs = runOptions.sampleIntervalUs ?? 0;
  if (watch.active)
    emitter.on("sample", (s) => {
      if (stop === null || Atomics.load(stop, 0) === 0) watch.check(s, intervalUs);
    });
  const steady = req.plan.warmupUs === undefined ? null : new SteadyStateCollector(req.plan.warmupUs);
  steady?.attach(emitter);
  const writer = req.traceFd === null ? null : new TraceWriter(req.traceFd, false);
  writer?.attach(emitter);
  const omSink = m?.openMetrics == null ? null : fdSink(m.openMetrics.fd, false);
  const om =
    m?.openMetrics == null || omSink === null
      ? null
      : new OpenMetricsWriter(new SeriesLayout(m.context), omSink, m.openMetrics.startTimeMs);
  if (om !== null) emitter.on("sample", (s) => om.add(s));
  const html = req.htmlSampleIntervalUs == null ? null : new HtmlSeriesCollector();
  if (html !== null) emitter.on("sample", html.add);
  if (m?.forwardSamples && onSample !== undefined) emitter.on("sample", onSample);
  if (stop !== null || onProgress !== undefined) {
    emitter.on("progress", (p) => {
      if (stop !== null && Atomics.load(stop, 0) !== 0) run.stop();
      onProgress?.(p);
    });
  }
  if (stop !== null && Atomics.load(stop, 0) !== 0) run.stop();
  try {
    const outcome = await run.run();
    const report = buildReport(outcome, { file: req.file, seed: req.plan.seed, partitions: req.partitions });
    const thresholds = req.plan.thresholds ?? [];
    const steadyState = steady?.report(req.plan) ?? null;
    if (steadyState !== null) report.steadyState = steadyState;
    if (thresholds.length > 0) report.thresholds = evaluateThresholds(report, thresholds, watch.aborted);
    const openMetrics = om?.finish() ?? null;
    writer?.close();
    return {
      report,
      traceLines: writer?.lines ?? 0,
      openMetrics,
      htmlSeries: html?.finish() ?? null,
      traceError: writer?.error ?? null,
      openMetricsError: omSink?.error() ?? null,
      callAnswers: outcome.callAnswers,
    };
  } finally {
    writer?.close();
  }
}

export { THRESHOLD_SAMPLE_INTERVAL_US };

/** `--trace-filter`: a picomatch glob on function names ("*", "api-*", "{a,b}-?"). */
export function functionMatcher(glob: string): (name: string) => boolean {
  const isMatch = picomatch(glob, { dot: true });
  return (name) => isMatch(name);
}
