/**
 * `fleet-sim sweep FILE --set PATH=V1,V2,... [--set ...]`: runs the grid of
 * the values (each point with the same replication seeds), prints a table of
 * each metric's mean and 95% confidence interval, writes CSV and JSON, and
 * for each of the scenario's thresholds names the edge of the swept
 * parameter where it holds. Returns the exit code; never throws.
 */
import {
  defaultExperimentWorkers,
  MAX_REPLICATIONS,
  type MetricSource,
  type JobsOutcome,
  replicationSeeds,
  runJobsSettled,
  summarise,
} from "../experiment/experiment.js";
import {
  answer,
  type GridPoint,
  judge,
  type SweepParameter,
  sweepGrid,
  type SweepResult,
  type SweepThreshold,
} from "../experiment/sweep.js";
import type { Plan } from "../model/plan.js";
import { DEFAULT_QUEUE_LOST_TIMEOUT_MS, runOnQueue } from "../experiment/queue-sweep.js";
import { type QueuedRun, describeQueuedRun, textHash } from "../experiment/queued-run.js";
import { packageVersion } from "../measures/package-version.js";
import { parseQueueUrl, probeQueue, type QueueUrl } from "../experiment/redis-queue-url.js";
import { type Report, violatedInvariants } from "../report/json-report.js";
import { sweepHtml } from "../report/html-report.js";
import { RunsProgress } from "../report/runs-progress.js";
import { loadScenario, loadScenarioText } from "../scenario/load.js";
import { parseSetFlag } from "../scenario/settings.js";
import { DEFAULT_SWEEP_REPLICATIONS, MAX_WORKERS } from "./cli-defaults.js";
import { describeInternalError, errorLines, ExitCode, UserError } from "./exit-codes.js";
import { checkDistinctOutputs, OutputError, OutputFiles, type OutputSpec } from "./output-files.js";
import { StopSignals, stoppingNote } from "./stop-signals.js";
import { sweepReportOf } from "./sweep-html.js";
import { formatEstimate, sweepStyle } from "./sweep-format.js";
import { formatStyled } from "../report/number-format.js";
import {
  integerFlag,
  parseSimulationFlags,
  pathFlag,
  readScenario,
  writeWarnings,
  type ScenarioInputText,
  reportError,
  stringFlag,
  type Terminal,
} from "./run-command.js";

/** A bound on the grid that keeps a typo from starting a day of runs. */
export const MAX_SWEEP_RUNS = 10_000;

export interface SweepFlags {
  file: string;
  set?: unknown;
  replications?: unknown;
  seed?: unknown;
  partitions?: unknown;
  workers?: unknown;
  workerMemory?: unknown;
  metric?: unknown;
  out?: unknown;
  csv?: unknown;
  html?: unknown;
  /** --queue URL: the runs go to a Redis queue for `fleet-sim worker`s (docs/sweep.md); "" takes REDIS_URL. */
  queue?: unknown;
  queueTimeout?: unknown;
  quiet?: boolean;
}

export interface SweepSettings {
  file: string;
  parameters: SweepParameter[];
  replications: number;
  seed: number | undefined;
  partitions: number;
  workers: number;
  workerMemoryMb: number;
  metrics: string[];
  out: string | null;
  csv: string | null;
  /** --html: the sweep page (docs/html-report.md). */
  html: string | null;
  /** --queue: run on this Redis queue instead of local threads. */
  queue: QueueUrl | null;
  /** --queue-timeout: how long a lost Redis is waited for. */
  queueLostTimeoutMs: number;
  quiet: boolean;
}

/** `run --replications N` is a sweep of no parameter: one point, N seeds. */
export interface SweepMode {
  replicationsOnly: boolean;
}

export interface SweepCommandOptions {
  /** Source of SIGINT, SIGTERM and SIGHUP (the process); absent, signals are not handled. */
  signals?: NodeJS.EventEmitter;
}

export async function sweepCommand(
  flags: SweepFlags,
  term: Terminal,
  metrics: MetricSource,
  mode: SweepMode = { replicationsOnly: false },
  options: SweepCommandOptions = {},
): Promise<number> {
  try {
    const s = parseSweepFlags(flags, metrics, mode, term.env);
    const scenario = readScenario(s.file, term.env);
    // A file that cannot be written is said before the runs, not after them; the files the flags
    // name stay untouched until each is replaced whole.
    const files = OutputFiles.open(sweepOutputs(s));
    try {
      return await sweepWith(s, scenario, term, metrics, mode, options, files);
    } finally {
      files.discardAll();
    }
  } catch (e) {
    return reportError(e, term);
  }
}

/** The output files of `sweep`, by flag. */
function sweepOutputs(s: Pick<SweepSettings, "out" | "csv" | "html">): OutputSpec[] {
  return [
    { flag: "--out", path: s.out },
    { flag: "--csv", path: s.csv },
    { flag: "--html", path: s.html },
  ];
}

async function sweepWith(
  s: SweepSettings,
  scenario: ScenarioInputText,
  term: Terminal,
  metrics: MetricSource,
  mode: SweepMode,
  options: SweepCommandOptions,
  files: OutputFiles,
): Promise<number> {
  const { plan: base, warnings } = loadScenario(scenario.text, scenario.name, { seed: s.seed });
  writeWarnings(warnings, term);
  const grid = sweepGrid(s.parameters);
  const seeds = replicationSeeds(base.seed, s.replications);
  if (grid.length * seeds.length > MAX_SWEEP_RUNS)
    throw new UserError(
      `the sweep would make ${grid.length * seeds.length} runs (${grid.length} points x ${seeds.length} replications), more than ${MAX_SWEEP_RUNS}`,
    );
  // Every point is loaded, and so checked, before anything runs.
  const plans = grid.map((point) => planFor(s, scenario, point, base.seed));
  const jobs = plans.flatMap((plan) =>
    seeds.map((seed) => ({ plan: { ...plan, seed }, file: s.file, partitions: s.partitions })),
  );
  if (s.queue !== null) {
    const unreachable = await probeQueue(s.queue);
    if (unreachable !== null)
      throw new UserError(`--queue: cannot reach Redis at ${s.queue.shown}: ${unreachable}`);
  }
  const label = mode.replicationsOnly ? "replications" : "sweep";
  const progress = term.stderr.isTTY === true && !s.quiet ? new RunsProgress(term.stderr, label) : null;
  // SIGINT, SIGTERM and SIGHUP: the first stops the sweep and writes the finished runs, a second gives that up.
  const stop = new AbortController();
  const signals = new StopSignals(options.signals, (signal, count) => {
    if (count > 1) return;
    stop.abort();
    progress?.clear();
    term.stderr.write(`${stoppingNote(signal, `the ${label}; the finished runs will be written`)}\n`);
  });
  let outcome: JobsOutcome;
  let queueProblem: QueueProblem | null = null;
  try {
    if (s.queue === null)
      outcome = await runJobsSettled(jobs, {
        workers: s.workers,
        workerMemoryMb: s.workerMemoryMb,
        onDone: (done, total) => progress?.update(done, total),
        stop: stop.signal,
      });
    else {
      const scenarioHash = textHash(scenario.text);
      const runs = grid.flatMap((point) =>
        seeds.map((seed) => queuedRun(s, scenario.name, scenarioHash, point, base.seed, seed)),
      );
      const q = await runOnQueue(runs, {
        queue: s.queue,
        scenarioText: scenario.text,
        scenarioHash,
        lostTimeoutMs: s.queueLostTimeoutMs,
        stop: stop.signal,
        onDone: (done, total, workers) =>
          progress?.update(done, total, `${workers} worker${workers === 1 ? "" : "s"}`),
        onResumed: (resumed, total) => {
          if (s.quiet) return;
          progress?.clear();
          term.stderr.write(
            `fleet-sim: queue ${s.queue!.shown}: ${resumed} of ${total} runs already finished (resumed), ${total - resumed} to run\n`,
          );
        },
      });
      outcome = { reports: q.reports, stopped: q.stopped, error: null };
      if (q.failure !== null)
        queueProblem = {
          by: "a failed run",
          exitCode: q.failure.failure.exitCode,
          message: `the run at ${describeQueuedRun(q.failure.run)} failed on a worker:\n${q.failure.failure.message}`,
        };
      else if (q.lost !== null)
        queueProblem = { by: "a lost queue", exitCode: ExitCode.BadInput, message: q.lost };
    }
  } finally {
    signals.dispose();
    progress?.clear();
  }
  if (signals.count > 1) {
    term.stderr.write(`fleet-sim: aborted; no report (existing output files left as they were)\n`);
    return signals.exitCode;
  }
  const finished = outcome.reports.filter((r): r is Report => r !== null);
  const stopped =
    outcome.error !== null || outcome.stopped || queueProblem !== null
      ? {
          by: outcome.error !== null ? "a failed run" : (queueProblem?.by ?? signals.first ?? "a stop"),
          runsFinished: finished.length,
          runsPlanned: jobs.length,
        }
      : null;
  const broken = finished.flatMap((r) => violatedInvariants(r).map((b) => `${b.name}: ${b.detail}`));
  const result = sweepResult(s, base, grid, seeds, outcome.reports, metrics, stopped);
  // `run --replications --quiet` keeps its result table, as `run --quiet` keeps its verdict: quiet drops the progress.
  if (!s.quiet || mode.replicationsOnly) term.stdout.write(renderSweep(result, s, metrics));
  // Each output is written on its own: one that fails is said (exit code 1), the others are still written.
  const failed: OutputError[] = [];
  const attempt = (flag: string, text: () => string) => {
    const file = files.get(flag);
    if (file === null) return;
    try {
      file.writeAll(text());
    } catch (e) {
      if (!(e instanceof OutputError)) throw e;
      failed.push(e);
    }
  };
  attempt("--out", () => `${JSON.stringify(result, null, 2)}\n`);
  attempt("--csv", () => sweepCsv(result));
  attempt("--html", () => {
    const partialNote = stopped === null ? "" : `${partialSentence(stopped)}. `;
    const input = sweepReportOf(
      result,
      shownMetrics(result, s, metrics),
      planThresholds(base),
      `${partialNote}${base.description ?? ""}`.trim(),
    );
    return sweepHtml(input);
  });
  for (const e of failed) term.stderr.write(errorLines(e.message));
  if (outcome.error !== null) {
    term.stderr.write(`${describeInternalError(outcome.error.cause, term.env)}\n`);
    return ExitCode.Internal;
  }
  if (queueProblem !== null) {
    term.stderr.write(errorLines(queueProblem.message));
    return queueProblem.exitCode;
  }
  if (broken.length > 0) {
    for (const b of new Set(broken)) term.stderr.write(`fleet-sim: invariant violated: ${b}\n`);
    return ExitCode.Internal;
  }
  if (stopped !== null) return signals.exitCode;
  // run --replications judges the thresholds on the means, as one run does on its values (k6's 99).
  if (mode.replicationsOnly && result.thresholds.some((t) => !t.passes[0])) {
    const failedThresholds = result.thresholds.filter((t) => !t.passes[0]).map((t) => t.threshold);
    term.stderr.write(`fleet-sim: threshold failed on the mean: ${failedThresholds.join("; ")}\n`);
    return ExitCode.ThresholdsFailed;
  }
  return failed.length > 0 ? ExitCode.BadInput : ExitCode.Ok;
}

/** "partial: stopped by SIGINT after 7 of 12 runs", for the table, the CSV and the page. */
function partialSentence(stopped: NonNullable<SweepResult["stopped"]>): string {
  return `partial: stopped by ${stopped.by} after ${stopped.runsFinished} of ${stopped.runsPlanned} runs; each estimate is over its finished runs (n)`;
}

export function parseSweepFlags(
  flags: SweepFlags,
  metrics: MetricSource,
  mode: SweepMode = { replicationsOnly: false },
  env: NodeJS.ProcessEnv = {},
): SweepSettings {
  const sets = flags.set === undefined ? [] : Array.isArray(flags.set) ? flags.set : [flags.set];
  if (sets.length === 0 && !mode.replicationsOnly)
    throw new UserError(
      "sweep needs at least one --set PATH=V1,V2,... (like --set account.concurrencyLimit=500,1000)",
    );
  const parameters: SweepParameter[] = sets.map((f) => {
    const parsed = parseSetFlag(stringFlag("--set", f));
    if (typeof parsed === "string") throw new UserError(parsed);
    return parsed;
  });
  const paths = parameters.map((p) => p.path);
  const twice = paths.find((p, i) => paths.indexOf(p) !== i);
  if (twice !== undefined)
    throw new UserError(`--set ${twice} is given twice: give all its values in one --set`);
  const replications =
    flags.replications === undefined
      ? DEFAULT_SWEEP_REPLICATIONS
      : integerFlag("--replications", flags.replications, 1, MAX_REPLICATIONS);
  const { seed, partitions, workerMemoryMb } = parseSimulationFlags(flags);
  const workers =
    flags.workers === undefined
      ? defaultExperimentWorkers()
      : integerFlag("--workers", flags.workers, 0, MAX_WORKERS);
  const named = flags.metric === undefined ? [] : Array.isArray(flags.metric) ? flags.metric : [flags.metric];
  const chosen = named.map((m) => stringFlag("--metric", m));
  for (const m of chosen) {
    if (!metrics.names.includes(m))
      throw new UserError(
        `--metric: unknown metric "${m}" (docs/report-metrics.md lists every metric a report has)`,
      );
  }
  const out = flags.out === undefined ? null : pathFlag("--out", flags.out);
  const csv = flags.csv === undefined ? null : pathFlag("--csv", flags.csv);
  const html = flags.html === undefined ? null : pathFlag("--html", flags.html);
  const queue = flags.queue === undefined ? null : queueFlag(flags.queue, env);
  const queueLostTimeoutMs =
    flags.queueTimeout === undefined
      ? DEFAULT_QUEUE_LOST_TIMEOUT_MS
      : integerFlag("--queue-timeout", flags.queueTimeout, 1, 86_400) * 1000;
  // One file named by two flags (under any spelling) would be written twice.
  checkDistinctOutputs(sweepOutputs({ out, csv, html }));
  return {
    file: flags.file,
    parameters,
    replications,
    seed,
    partitions,
    workers,
    workerMemoryMb,
    metrics: chosen,
    out,
    csv,
    html,
    queue,
    queueLostTimeoutMs,
    quiet: flags.quiet === true,
  };
}

/** --queue URL, or --queue alone: REDIS_URL. */
export function queueFlag(value: unknown, env: NodeJS.ProcessEnv): QueueUrl {
  let text = value === true ? "" : stringFlag("--queue", value);
  if (text.trim() === "") {
    text = env.REDIS_URL ?? "";
    if (text.trim() === "")
      throw new UserError("--queue without a URL takes it from REDIS_URL, which is not set");
  }
  const q = parseQueueUrl(text.trim());
  if (typeof q === "string") throw new UserError(q);
  return q;
}

/** Why a sweep on the queue ended before all its runs: a run failed on a worker, or Redis was lost. */
interface QueueProblem {
  by: string;
  exitCode: number;
  message: string;
}

/** One run of the sweep as a queue job: what a worker needs to make the plan planFor makes here. */
function queuedRun(
  s: SweepSettings,
  scenarioName: string,
  scenarioHash: string,
  point: GridPoint,
  baseSeed: number,
  seed: number,
): QueuedRun {
  return {
    scenarioHash,
    scenarioName,
    file: s.file,
    settings: s.parameters.map((p, i) => ({ path: p.path, value: point.values[i] })),
    baseSeed,
    seed,
    partitions: s.partitions,
    version: packageVersion(),
  };
}

/** The scenario at one grid point: loaded (and checked) with the point's values set. */
function planFor(s: SweepSettings, scenario: ScenarioInputText, point: GridPoint, seed: number): Plan {
  const settings = s.parameters.map((p, i) => ({ path: p.path, value: point.values[i] }));
  return loadScenarioText(scenario.text, scenario.name, { seed, settings });
}

/** The thresholds a sweep judges: the scenario's `thresholds:`. */
export function planThresholds(plan: Plan): SweepThreshold[] {
  return (plan.thresholds ?? []).map((t) => ({ text: t.source, metric: t.metric, op: t.op, limit: t.value }));
}

function sweepResult(
  s: SweepSettings,
  base: Plan,
  grid: GridPoint[],
  seeds: number[],
  reports: (Report | null)[],
  metrics: MetricSource,
  stopped: SweepResult["stopped"] | null,
): SweepResult {
  const r = seeds.length;
  const points = grid.map((point, i) => {
    // A stopped sweep's point holds the runs that finished (maybe none).
    const finished = reports.slice(i * r, (i + 1) * r).filter((x): x is Report => x !== null);
    return {
      values: point.values,
      metrics: finished.length === 0 ? {} : Object.fromEntries(summarise(finished, metrics)),
    };
  });
  const thresholds = planThresholds(base).map((t) => {
    const at = points.map((p) => {
      const e = p.metrics[t.metric];
      return e === undefined ? { passes: false, straddles: false } : judge(t, e);
    });
    const one = s.parameters.length === 1 && points.every((p) => p.metrics[t.metric] !== undefined);
    return {
      threshold: t.text,
      metric: t.metric,
      passes: at.map((x) => x.passes),
      straddles: at.map((x) => x.straddles),
      answer: one
        ? answer(
            s.parameters[0],
            t,
            points.map((p) => p.metrics[t.metric]),
            (v) => formatStyled(v, sweepStyle(t.metric, planThresholds(base), metrics)),
          )
        : null,
    };
  });
  return {
    schemaVersion: 1,
    scenario: { name: base.name, file: s.file, baseSeed: base.seed },
    parameters: s.parameters,
    replications: r,
    seeds,
    points,
    thresholds,
    ...(stopped === null ? {} : { partial: true as const, stopped }),
  };
}

/** The metrics a table shows: the thresholds', then --metric's, else a few that most sweeps care about. */
function shownMetrics(
  result: SweepResult,
  s: Pick<SweepSettings, "metrics">,
  metrics: MetricSource,
): string[] {
  const out = [...new Set([...result.thresholds.map((t) => t.metric), ...s.metrics])];
  if (out.length > 0) return out;
  return DEFAULT_SHOWN.filter((m) => metrics.names.includes(m) && result.points.some((p) => p.metrics[m]));
}

const DEFAULT_SHOWN = [
  "invocations.failure_rate",
  "invocations.throttle_rate",
  "pending.create.p99",
  "concurrency.peak",
];

export function renderSweep(
  result: SweepResult,
  s: Pick<SweepSettings, "metrics">,
  metrics: MetricSource,
): string {
  const shown = shownMetrics(result, s, metrics);
  const thresholds = result.thresholds.map((t) => ({ metric: t.metric, text: t.threshold }));
  const styleOf = (m: string) => sweepStyle(m, thresholds, metrics);
  const header = [...result.parameters.map((p) => p.path), ...shown];
  const rows = result.points.map((p) => [
    ...p.values,
    ...shown.map((m) => {
      const e = p.metrics[m];
      return e === undefined ? "-" : formatEstimate(e, styleOf(m));
    }),
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) => `  ${cells.map((x, c) => x.padEnd(widths[c])).join("  ")}`.trimEnd();
  const seeds = `seeds ${result.seeds[0]}-${result.seeds.at(-1)}`;
  const what =
    result.parameters.length === 0
      ? `${result.scenario.name}: ${result.replications} replications (${seeds}), mean [95% CI]`
      : `sweep ${result.scenario.name}: ${result.points.length} points x ${result.replications} replications (${seeds}), mean [95% CI]`;
  const lines = [
    "",
    `  ${what}`,
    ...(result.stopped === undefined ? [] : [`  ${partialSentence(result.stopped)}`]),
    "",
    line(header),
    line(widths.map((w) => "-".repeat(w))),
    ...rows.map(line),
    "",
  ];
  for (const t of result.thresholds) {
    if (t.answer !== null) lines.push(`  ${t.answer.sentence}`);
    else if (result.parameters.length === 0) {
      const e = result.points[0].metrics[t.metric];
      const seen = e === undefined ? "no value" : `mean ${formatEstimate(e, styleOf(t.metric))}`;
      lines.push(`  ${t.passes[0] ? "✓" : "✗"} ${t.threshold}: ${seen}`);
    } else
      lines.push(
        `  ${t.threshold}: holds at ${t.passes.filter(Boolean).length} of ${t.passes.length} points`,
      );
    const straddling = t.straddles.filter(Boolean).length;
    if (straddling > 0)
      lines.push(
        `    (the 95% interval straddles the limit at ${straddling} point${straddling > 1 ? "s" : ""}: more replications would tell)`,
      );
  }
  if (result.thresholds.length > 0) lines.push("");
  return `${lines.join("\n")}\n`;
}

/** One row per (point, metric): the parameters' values, then the estimate. */
export function sweepCsv(result: SweepResult): string {
  const head = [...result.parameters.map((p) => p.path), "metric", "n", "mean", "sd", "ci_low", "ci_high"];
  const rows = [head.map(csvCell).join(",")];
  // A partial sweep says so on a first comment line (pandas: read_csv(..., comment="#")).
  if (result.stopped !== undefined) rows.unshift(`# ${partialSentence(result.stopped)}`);
  for (const p of result.points) {
    for (const [name, e] of Object.entries(p.metrics))
      rows.push([...p.values, name, e.n, e.mean, e.sd, e.ciLow, e.ciHigh].map(csvCell).join(","));
  }
  return `${rows.join("\n")}\n`;
}

const csvCell = (v: string | number): string => {
  const t = String(v);
  return /[",\n]/.test(t) ? `"${t.replaceAll('"', '""')}"` : t;
};
