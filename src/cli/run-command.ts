/**
 * `fleet-sim run FILE`: checks the flags, loads the scenario, runs it (on
 * this thread, which it leaves often enough for Ctrl-C to stop it; worker
 * threads host the partitions when the plan has parallel work for them),
 * then prints the summary and writes the report. Returns the exit code;
 * never throws.
 */
import { availableParallelism } from "node:os";
import type { Plan } from "../model/plan.js";
import type { LiveLink } from "../model/run.js";
import { type Report, violatedInvariants } from "../report/json-report.js";
import { callAnswersNdjson } from "../report/call-answers.js";
import { emptyHtmlSeries } from "../report/html-series.js";
import { ProgressDisplay, type ProgressPoint } from "../report/progress.js";
import { formatMetricValue, renderSummary, renderVerdict } from "../report/summary.js";
import { loadScenario, ScenarioError, type ScenarioIssue, scenarioName } from "../scenario/load.js";
import { formatIssue, MAX_SHOWN_ISSUES } from "../scenario/issues.js";
import {
  DEFAULT_MAX_SCENARIO_BYTES,
  MAX_SCENARIO_BYTES_ENV,
  parseByteSize,
  readScenarioText,
  ScenarioReadError,
} from "../scenario/read.js";
import { DURATION_HINT, parseDurationUs } from "../scenario/units.js";
import { RUN_ID_HINT, RUN_ID_PATTERN } from "../metrics/context.js";
import { pushgatewayUrlProblem } from "../metrics/pushgateway-url.js";
import { parseStartTime, START_TIME_HINT } from "../metrics/start-time.js";
import {
  DEFAULT_METRICS_HOST,
  DEFAULT_PARTITIONS,
  DEFAULT_SAMPLE_INTERVAL,
  DEFAULT_TRACE_FILTER,
  DEFAULT_WORKER_MEMORY_MB,
  MAX_FUNCTION_LABELS,
  MAX_PARTITIONS,
  MAX_WORKERS,
} from "./cli-defaults.js";
import {
  describeInternalError,
  errorLines,
  ExitCode,
  type StopSignal,
  stoppedExitCode,
  UserError,
} from "./exit-codes.js";
import { type MetricsSettings, MetricsOutputs } from "./metrics-outputs.js";
import { checkDistinctOutputs, OutputError, OutputFiles, type OutputSpec } from "./output-files.js";
import { StopSignals, stoppingNote } from "./stop-signals.js";
import { type SimulateRequest, type SimulateResult, simulate } from "./simulate.js";
import { TraceInputError } from "../trace/trace-input-error.js";
import { PartitionHostError } from "../engine/threads/partition-host-error.js";

/** The cores --workers auto may use (docs/parallel.md). */
export function availableCores(): number {
  return availableParallelism();
}

/** The flags as yargs hands them over (values not yet checked). */
export interface RunFlags {
  file: string;
  seed?: unknown;
  partitions?: unknown;
  workers?: unknown;
  workerMemory?: unknown;
  until?: unknown;
  out?: unknown;
  html?: unknown;
  trace?: unknown;
  traceFilter?: unknown;
  calls?: unknown;
  quiet?: boolean;
  color?: boolean;
  metricsPort?: unknown;
  metricsHost?: unknown;
  speed?: unknown;
  hold?: boolean;
  pushgateway?: unknown;
  openmetrics?: unknown;
  sampleInterval?: unknown;
  startTime?: unknown;
  runId?: unknown;
  metricsFunctionLabels?: unknown;
}

/** The flags once checked. */
export interface RunSettings extends MetricsSettings {
  file: string;
  seed: number | undefined;
  partitions: number;
  workers: number | "auto";
  workerMemoryMb: number;
  untilUs: number | undefined;
  out: string | null;
  /** --html: the self-contained HTML report (docs/html-report.md). */
  html: string | null;
  trace: string | null;
  traceFilter: string;
  /** --calls: NDJSON of each explicit call's final answer (report/call-answers.ts). */
  calls: string | null;
  quiet: boolean;
  color: boolean;
}

export interface OutputStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface Terminal {
  stdout: OutputStream;
  stderr: OutputStream;
  env: NodeJS.ProcessEnv;
}

export interface RunCommandOptions {
  /** Source of SIGINT (the process); absent, Ctrl-C is not handled. */
  signals?: NodeJS.EventEmitter;
  /** Stop flag to share (tests raise it before the run to get a partial run). */
  stopFlag?: SharedArrayBuffer;
  /** fleet-sim serve: the live run's driver (stopped by the first signal) and its epoch length. */
  live?: { link: LiveLink & { stop(): void }; epochUs: number };
}

export async function runCommand(
  flags: RunFlags,
  term: Terminal,
  options: RunCommandOptions,
): Promise<number> {
  try {
    const settings = parseRunFlags(flags, term);
    const scenario = readScenario(settings.file, term.env);
    const { plan, warnings } = loadScenario(scenario.text, scenario.name, {
      seed: settings.seed,
      untilUs: settings.untilUs,
    });
    writeWarnings(warnings, term);
    return await execute(plan, settings, term, options);
  } catch (e) {
    return reportError(e, term);
  }
}

/** The flags `run` and `sweep` share: the seed, the partitions of a run and the workers' heap. */
export function parseSimulationFlags(flags: {
  seed?: unknown;
  partitions?: unknown;
  workerMemory?: unknown;
}): {
  seed: number | undefined;
  partitions: number;
  workerMemoryMb: number;
} {
  const seed =
    flags.seed === undefined ? undefined : integerFlag("--seed", flags.seed, 0, Number.MAX_SAFE_INTEGER);
  const partitions =
    flags.partitions === undefined
      ? DEFAULT_PARTITIONS
      : integerFlag("--partitions", flags.partitions, 1, MAX_PARTITIONS);
  const workerMemoryMb =
    flags.workerMemory === undefined
      ? DEFAULT_WORKER_MEMORY_MB
      : integerFlag("--worker-memory", flags.workerMemory, 64, 1_048_576);
  return { seed, partitions, workerMemoryMb };
}

/** --until: the end of the simulated run, overriding the scenario's duration; undefined when not given. */
export function untilFlag(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const text = stringFlag("--until", value);
  let untilUs: number;
  try {
    untilUs = parseDurationUs(text);
  } catch {
    throw new UserError(`--until: expected ${DURATION_HINT}, got "${text}"`);
  }
  if (untilUs <= 0) throw new UserError(`--until: expected a duration greater than 0, got "${text}"`);
  return untilUs;
}

/** Checks every flag; a bad value is a UserError naming the flag and what it expects. */
export function parseRunFlags(flags: RunFlags, term?: Pick<Terminal, "stdout" | "env">): RunSettings {
  const { seed, partitions, workerMemoryMb } = parseSimulationFlags(flags);
  const workers = workersFlag(flags.workers);
  const untilUs = untilFlag(flags.until);
  const out = flags.out === undefined ? null : pathFlag("--out", flags.out);
  const trace = flags.trace === undefined ? null : pathFlag("--trace", flags.trace);
  const html = flags.html === undefined ? null : pathFlag("--html", flags.html);
  const calls = flags.calls === undefined ? null : pathFlag("--calls", flags.calls);
  const traceFilter =
    flags.traceFilter === undefined ? DEFAULT_TRACE_FILTER : stringFlag("--trace-filter", flags.traceFilter);
  if (traceFilter === "")
    throw new UserError(`--trace-filter: expected a glob on function names, like "api-*", got ""`);
  const metrics = parseMetricsFlags(flags);
  // One file named by two flags (under any spelling) would be written twice.
  checkDistinctOutputs(runOutputs({ out, trace, html, calls, openMetrics: metrics.openMetrics }));
  return {
    file: flags.file,
    seed,
    partitions,
    workers: workers === "auto" ? workers : Math.min(workers, partitions),
    workerMemoryMb,
    untilUs,
    out,
    html,
    trace,
    traceFilter,
    calls,
    quiet: flags.quiet === true,
    color: flags.color !== false && colorWanted(term),
    ...metrics,
  };
}

/** The metrics flags (docs/metrics.md). */
function parseMetricsFlags(flags: RunFlags): Omit<MetricsSettings, "quiet"> {
  const metricsPort =
    flags.metricsPort === undefined ? null : integerFlag("--metrics-port", flags.metricsPort, 0, 65535);
  const metricsHost =
    flags.metricsHost === undefined ? DEFAULT_METRICS_HOST : stringFlag("--metrics-host", flags.metricsHost);
  if (metricsHost.trim() === "")
    throw new UserError(`--metrics-host: expected a host name or address, got ""`);
  let speed: number | null = null;
  if (flags.speed !== undefined) {
    const text = stringFlag("--speed", flags.speed).trim();
    speed = /^\d+(\.\d+)?x?$/.test(text) ? Number(text.replace(/x$/, "")) : Number.NaN;
    if (!(speed > 0) || !Number.isFinite(speed))
      throw new UserError(
        `--speed: expected a number greater than 0 (times the wall clock), like 1 or 60, got "${text}"`,
      );
  }
  const hold = flags.hold === true;
  if (hold && metricsPort === null)
    throw new UserError("--hold keeps the --metrics-port server up: give --metrics-port too");
  let pushgateway: string | null = null;
  if (flags.pushgateway !== undefined) {
    pushgateway = stringFlag("--pushgateway", flags.pushgateway);
    const problem = pushgatewayUrlProblem(pushgateway);
    if (problem !== null) throw new UserError(`--pushgateway: ${problem}`);
  }
  const openMetrics = flags.openmetrics === undefined ? null : pathFlag("--openmetrics", flags.openmetrics);
  const intervalText =
    flags.sampleInterval === undefined
      ? DEFAULT_SAMPLE_INTERVAL
      : stringFlag("--sample-interval", flags.sampleInterval);
  let sampleIntervalUs: number;
  try {
    sampleIntervalUs = parseDurationUs(intervalText);
  } catch {
    throw new UserError(`--sample-interval: expected ${DURATION_HINT}, got "${intervalText}"`);
  }
  if (sampleIntervalUs < 1000 || sampleIntervalUs % 1000 !== 0)
    throw new UserError(
      `--sample-interval: expected a whole number of milliseconds, at least 1ms, got "${intervalText}"`,
    );
  let startTimeMs: number | null = null;
  if (flags.startTime !== undefined) {
    const text = stringFlag("--start-time", flags.startTime);
    startTimeMs = parseStartTime(text);
    if (startTimeMs === null) throw new UserError(`--start-time: expected ${START_TIME_HINT}, got "${text}"`);
    if (openMetrics === null)
      throw new UserError("--start-time places the --openmetrics file in time: give --openmetrics too");
  }
  let runId: string | null = null;
  if (flags.runId !== undefined) {
    runId = stringFlag("--run-id", flags.runId);
    if (!RUN_ID_PATTERN.test(runId)) throw new UserError(`--run-id: expected ${RUN_ID_HINT}, got "${runId}"`);
  }
  const functionLabels =
    flags.metricsFunctionLabels === undefined
      ? 0
      : integerFlag("--metrics-function-labels", flags.metricsFunctionLabels, 0, MAX_FUNCTION_LABELS);
  if (functionLabels > 0 && metricsPort === null && pushgateway === null && openMetrics === null)
    throw new UserError(
      "--metrics-function-labels labels metric series: give --metrics-port, --pushgateway or --openmetrics too",
    );
  return {
    metricsPort,
    metricsHost,
    speed,
    hold,
    pushgateway,
    openMetrics,
    sampleIntervalUs,
    startTimeMs,
    runId,
    functionLabels,
  };
}

export async function execute(
  plan: Plan,
  s: RunSettings,
  term: Terminal,
  options: RunCommandOptions,
): Promise<number> {
  // Every output is opened before the run (temporary files beside the targets, which stay untouched
  // until they are replaced whole); whatever is not committed at the end is discarded.
  const files = OutputFiles.open(runOutputs(s));
  try {
    const metrics = await MetricsOutputs.open(
      plan,
      s,
      files.get("--openmetrics")?.descriptor ?? null,
      term.stderr,
    );
    try {
      return await executeWith(plan, s, term, options, files, metrics);
    } finally {
      await metrics.close();
    }
  } finally {
    files.discardAll();
  }
}

/** The output files of `run`, by flag. */
export function runOutputs(
  s: Pick<RunSettings, "out" | "trace" | "html" | "calls" | "openMetrics">,
): OutputSpec[] {
  return [
    { flag: "--out", path: s.out },
    { flag: "--trace", path: s.trace },
    { flag: "--html", path: s.html },
    { flag: "--calls", path: s.calls },
    { flag: "--openmetrics", path: s.openMetrics },
  ];
}

async function executeWith(
  plan: Plan,
  s: RunSettings,
  term: Terminal,
  options: RunCommandOptions,
  files: OutputFiles,
  metrics: MetricsOutputs,
): Promise<number> {
  const progress = term.stderr.isTTY === true && !s.quiet ? new ProgressDisplay(term.stderr) : null;
  const stopFlag = options.stopFlag ?? new SharedArrayBuffer(4);
  const stop = new Int32Array(stopFlag);
  // SIGINT, SIGTERM and SIGHUP: the first stops the run after the current epoch, a second gives up the report.
  const signals = new StopSignals(options.signals, (signal, count) => {
    if (count === 1) {
      Atomics.store(stop, 0, 1);
      Atomics.notify(stop, 0); // ends a --speed wait at once
      options.live?.link.stop();
      const note = stoppingNote(signal, "after the current epoch");
      if (progress !== null) progress.note(note);
      else term.stderr.write(`${note}\n`);
    }
  });

  const traceFile = files.get("--trace");
  const htmlFile = files.get("--html");
  const req: SimulateRequest = {
    plan,
    file: s.file,
    partitions: s.partitions,
    traceFd: traceFile?.descriptor ?? null,
    traceFilter: s.traceFilter,
    stopFlag,
    metrics: metrics.request(),
    workers: s.workers,
    workerMemoryMb: s.workerMemoryMb,
    // The page's time series are sampled like the metrics, at --sample-interval.
    htmlSampleIntervalUs: htmlFile === null ? null : s.sampleIntervalUs,
    ...(options.live !== undefined ? { live: options.live.link, epochUs: options.live.epochUs } : {}),
  };
  const onProgress = progress === null ? undefined : (p: ProgressPoint) => progress.update(p);
  let result: SimulateResult;
  try {
    // A run that fails (a dead worker thread) has no report: the outputs are discarded, so the
    // files the flags name are left as they were.
    result = await simulate(req, onProgress, metrics.onSample);
  } finally {
    signals.dispose();
    progress?.clear();
  }
  if (signals.count > 1) {
    // A second signal: the user wants out, without the summary or the report.
    term.stderr.write("fleet-sim: aborted; no summary or report (existing output files left as they were)\n");
    return signals.exitCode;
  }

  const report = result.report;
  term.stdout.write(
    s.quiet
      ? `${renderVerdict(report, { color: s.color })}\n`
      : `${renderSummary(report, { color: s.color })}\n`,
  );
  // Each output is written on its own: one that fails is said (exit code 1), the others are still written.
  const failed: OutputError[] = [];
  const attempt = (write: () => void) => {
    try {
      write();
    } catch (e) {
      if (!(e instanceof OutputError)) throw e;
      failed.push(e);
    }
  };
  const outFile = files.get("--out");
  if (outFile !== null) attempt(() => outFile.writeAll(`${JSON.stringify(report, null, 2)}\n`));
  if (traceFile !== null)
    attempt(() => (result.traceError !== null ? traceFile.fail(result.traceError) : traceFile.commit()));
  if (htmlFile !== null) {
    const series = result.htmlSeries ?? emptyHtmlSeries();
    const { runHtml } = await import("../report/html-report.js");
    attempt(() => htmlFile.writeAll(runHtml(report, series)));
    if (htmlFile.committed && !s.quiet) {
      term.stderr.write(`fleet-sim: wrote ${s.html}: ${series.t.length} samples\n`);
      const coarser = coarserSampleInterval(series.t.length, report.run.simulatedUs);
      if (coarser !== null)
        term.stderr.write(
          `fleet-sim: for a lighter page of this long run, try --sample-interval ${coarser}\n`,
        );
    }
  }
  const callsFile = files.get("--calls");
  if (callsFile !== null) attempt(() => callsFile.writeAll(callAnswersNdjson(plan, result.callAnswers)));
  const omFile = files.get("--openmetrics");
  if (omFile !== null) {
    attempt(() =>
      result.openMetricsError !== null ? omFile.fail(result.openMetricsError) : omFile.commit(),
    );
    if (omFile.committed && result.openMetrics !== null && !s.quiet) {
      const om = result.openMetrics;
      term.stderr.write(
        `fleet-sim: wrote ${s.openMetrics}: ${om.series} series x ${om.samples} samples from ${metrics.openMetricsStart} (run_id ${metrics.context.runId})\n`,
      );
    }
  }
  for (const e of failed) term.stderr.write(errorLines(e.message));
  let code = exitCodeFor(report, term, signals.first);
  if (failed.length > 0 && code === ExitCode.Ok) code = ExitCode.BadInput;
  const pushProblem = await metrics.finishPush();
  if (pushProblem !== null) {
    term.stderr.write(`fleet-sim: ${pushProblem}\n`);
    if (code === ExitCode.Ok) code = ExitCode.BadInput;
  }
  await metrics.hold(options.signals, term.stderr);
  return code;
}

/** Samples past which a page gets heavy (megabytes of data, slow to draw). */
export const HTML_MANY_SAMPLES = 10_000;
const NICE_INTERVALS: [number, string][] = [
  [60e6, "1m"],
  [300e6, "5m"],
  [600e6, "10m"],
  [1800e6, "30m"],
  [3600e6, "1h"],
  [21_600e6, "6h"],
  [86_400e6, "1d"],
];

/** A --sample-interval giving about 2,000 samples, when the run took more than HTML_MANY_SAMPLES; else null. */
export function coarserSampleInterval(samples: number, simulatedUs: number): string | null {
  if (samples <= HTML_MANY_SAMPLES) return null;
  const wanted = simulatedUs / 2000;
  return (NICE_INTERVALS.find(([us]) => us >= wanted) ?? NICE_INTERVALS[NICE_INTERVALS.length - 1])[1];
}

/**
 * Exit code of a finished run: a violated invariant is a bug (70); a failed
 * threshold is 99 (k6's), also when an abortOnFail one stopped the run; a
 * run stopped by a signal is 128 + its number (Ctrl-C: 130, SIGTERM: 143, SIGHUP: 129).
 */
export function exitCodeFor(
  report: Report,
  term: Pick<Terminal, "stderr">,
  stoppedBy: StopSignal | null = null,
): number {
  const broken = violatedInvariants(report);
  if (broken.length > 0) {
    for (const b of broken) term.stderr.write(`fleet-sim: invariant violated: ${b.name}: ${b.detail}\n`);
    return ExitCode.Internal;
  }
  const th = report.thresholds;
  const failed = th?.results.filter((t) => !t.ok) ?? [];
  for (const t of failed)
    term.stderr.write(
      `fleet-sim: threshold failed: ${t.threshold} (observed ${formatMetricValue(t.observed, t.unit, t.threshold)})\n`,
    );
  if (th?.aborted != null) return ExitCode.ThresholdsFailed;
  if (report.run.partial) return stoppedExitCode(stoppedBy);
  return failed.length > 0 ? ExitCode.ThresholdsFailed : ExitCode.Ok;
}

/** --workers: a count of threads, or "auto" (the default): threads only when the plan has parallel work for them. */
export function workersFlag(value: unknown): number | "auto" {
  if (value === undefined || value === "auto") return "auto";
  return integerFlag("--workers", value, 0, MAX_WORKERS);
}

/** Prints an error the way its kind calls for and returns the exit code. */
export function reportError(e: unknown, term: Terminal): number {
  if (e instanceof ScenarioError) {
    term.stderr.write(errorLines(e.message));
    return ExitCode.BadInput;
  }
  if (e instanceof UserError) {
    term.stderr.write(errorLines(e.message));
    return ExitCode.BadInput;
  }
  // A trace found bad while a replay reads it, on this thread or a worker's.
  const traceProblem =
    e instanceof TraceInputError
      ? e.message
      : e instanceof PartitionHostError && e.causeName === "TraceInputError"
        ? e.causeText
        : null;
  if (traceProblem !== null) {
    term.stderr.write(errorLines(`bad trace: ${traceProblem}`));
    return ExitCode.BadInput;
  }
  term.stderr.write(`${describeInternalError(e, term.env)}\n`);
  return ExitCode.Internal;
}

/** A scenario's warnings on stderr, one "file:line:column: path: warning: ..." line each; they never fail a run. */
export function writeWarnings(warnings: readonly ScenarioIssue[], term: Terminal): void {
  for (const w of warnings.slice(0, MAX_SHOWN_ISSUES))
    term.stderr.write(errorLines(formatIssue({ ...w, message: `warning: ${w.message}` })));
  const more = warnings.length - MAX_SHOWN_ISSUES;
  if (more > 0) term.stderr.write(errorLines(`... and ${more} more warning${more === 1 ? "" : "s"}`));
}

/** A scenario as the commands load it: its text, and its name in messages (<stdin> for "-"). */
export interface ScenarioInputText {
  text: string;
  name: string;
}

/** The scenario's text (standard input for "-"), within the size limit, or a UserError saying why not. */
export function readScenario(file: string, env: NodeJS.ProcessEnv): ScenarioInputText {
  const maxBytes = maxScenarioBytes(env);
  try {
    return { text: readScenarioText(file, maxBytes), name: scenarioName(file) };
  } catch (e) {
    if (e instanceof ScenarioReadError)
      throw new UserError(`cannot read scenario file ${scenarioName(file)}: ${e.reason}`);
    throw e;
  }
}

/** The size limit of a scenario: FLEET_SIM_MAX_SCENARIO_BYTES, or 64 MiB. */
export function maxScenarioBytes(env: NodeJS.ProcessEnv): number {
  const text = env[MAX_SCENARIO_BYTES_ENV];
  if (text === undefined || text.trim() === "") return DEFAULT_MAX_SCENARIO_BYTES;
  const n = parseByteSize(text);
  if (n === null)
    throw new UserError(
      `${MAX_SCENARIO_BYTES_ENV}: expected a positive number of bytes, optionally with K, M or G (like 134217728 or 128M), got "${text.slice(0, 40)}"`,
    );
  return n;
}

export function integerFlag(flag: string, value: unknown, min: number, max: number): number {
  const text = stringFlag(flag, value);
  const expected =
    max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer from ${min} to ${max}`;
  if (!/^\s*\d+\s*$/.test(text)) throw new UserError(`${flag}: expected ${expected}, got "${text}"`);
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < min || n > max)
    throw new UserError(`${flag}: expected ${expected}, got ${text.trim()}`);
  return n;
}

export function stringFlag(flag: string, value: unknown): string {
  if (Array.isArray(value)) throw new UserError(`${flag} is given more than once`);
  if (typeof value === "boolean") throw new UserError(`${flag} needs a value`);
  if (typeof value !== "string" && typeof value !== "number")
    throw new UserError(`${flag}: unexpected value`);
  return String(value);
}

export function pathFlag(flag: string, value: unknown): string {
  const text = stringFlag(flag, value);
  if (text === "") throw new UserError(`${flag} needs a file name`);
  return text;
}

/**
 * Color on a terminal unless NO_COLOR is set (no-color.org); FORCE_COLOR
 * overrides both ways, as in Node and chalk: "0" or "false" never, any
 * other value always (a CI log that renders ANSI). --no-color wins over all.
 */
export function colorWanted(term: Pick<Terminal, "stdout" | "env"> | undefined): boolean {
  const force = term?.env.FORCE_COLOR;
  if (force !== undefined) return force !== "0" && force !== "false";
  const noColor = term?.env.NO_COLOR !== undefined && term.env.NO_COLOR !== "";
  return term?.stdout.isTTY === true && !noColor;
}
