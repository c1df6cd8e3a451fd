/**
 * `fleet-sim run A.yaml B.yaml ...` (issue 13): an experiment set. Every
 * scenario is loaded and checked first; the valid ones run on the worker
 * pool of one process (no process start per scenario), each printed as one
 * verdict line as soon as it and those before it have finished, then a table
 * of them all. `--out DIR` writes each report as DIR/<base name>.json. The
 * exit code is the worst of the set's (docs/cli.md, "Experiment sets").
 */
import { mkdirSync, statSync } from "node:fs";
import { basename, extname, join } from "node:path";
import {
  defaultExperimentWorkers,
  type MetricSource,
  type RunJob,
  runJobsSettled,
} from "../experiment/experiment.js";
import { type Report, violatedInvariants } from "../report/json-report.js";
import { formatStyled, valueStyle } from "../report/number-format.js";
import { RunsProgress } from "../report/runs-progress.js";
import { formatMetricValue, renderVerdict } from "../report/summary.js";
import { loadScenario } from "../scenario/load.js";
import { MAX_WORKERS } from "./cli-defaults.js";
import { describeInternalError, errorLines, ExitCode, stoppedExitCode, UserError } from "./exit-codes.js";
import { fsErrorReason, OutputError, OutputFiles } from "./output-files.js";
import {
  colorWanted,
  integerFlag,
  parseSimulationFlags,
  pathFlag,
  readScenario,
  reportError,
  stringFlag,
  type Terminal,
  untilFlag,
  writeWarnings,
} from "./run-command.js";
import { StopSignals, stoppingNote } from "./stop-signals.js";

export interface RunSetFlags {
  files: string[];
  seed?: unknown;
  partitions?: unknown;
  workers?: unknown;
  workerMemory?: unknown;
  until?: unknown;
  out?: unknown;
  metric?: unknown;
  quiet?: boolean;
  color?: boolean;
}

/** The metrics the table shows unless --metric names others: each only when some scenario has it. */
export const SET_DEFAULT_METRICS = [
  "invocations.requests",
  "invocations.failure_rate",
  "invocations.cold_start_ratio",
  "pending.create.p99",
  "concurrency.peak",
] as const;

/** How bad each outcome is, worst last: the set's exit code is its worst scenario's. */
const SEVERITY: readonly number[] = [
  ExitCode.Ok,
  ExitCode.ThresholdsFailed,
  ExitCode.BadInput,
  ExitCode.Internal,
];

/** The worse of two exit codes; a stop by a signal (128 + n) outranks them all. */
export function worseExitCode(a: number, b: number): number {
  if (a >= 128 || b >= 128) return Math.max(a >= 128 ? a : 0, b >= 128 ? b : 0);
  return SEVERITY.indexOf(a) >= SEVERITY.indexOf(b) ? a : b;
}

/** One scenario of the set and what became of it. */
interface Member {
  file: string;
  /** The report's name in --out DIR. */
  outName: string;
  job: RunJob | null;
  report: Report | null;
  /** Exit code of this scenario alone. */
  code: number;
  /** Why it has no report: "invalid", "failed", "not run". */
  missing: string;
}

export async function runSetCommand(
  flags: RunSetFlags,
  term: Terminal,
  metrics: MetricSource,
  options: { signals?: NodeJS.EventEmitter } = {},
): Promise<number> {
  try {
    return await runSet(flags, term, metrics, options);
  } catch (e) {
    return reportError(e, term);
  }
}

async function runSet(
  flags: RunSetFlags,
  term: Terminal,
  metrics: MetricSource,
  options: { signals?: NodeJS.EventEmitter },
): Promise<number> {
  const files = flags.files;
  if (files.includes("-"))
    throw new UserError('"-" (standard input) names one scenario: run it alone, not in a set');
  const { seed, partitions, workerMemoryMb } = parseSimulationFlags(flags);
  const workers =
    flags.workers === undefined || flags.workers === "auto"
      ? defaultExperimentWorkers()
      : integerFlag("--workers", flags.workers, 0, MAX_WORKERS);
  const untilUs = untilFlag(flags.until);
  const shown = chosenMetrics(flags.metric, metrics);
  const outDir = flags.out === undefined ? null : pathFlag("--out", flags.out);
  const color = flags.color !== false && colorWanted(term);
  const members = files.map((file): Member => ({
    file,
    outName: `${basename(file, extname(file))}.json`,
    job: null,
    report: null,
    code: ExitCode.Ok,
    missing: "not run",
  }));
  if (outDir !== null) checkOutNames(members, outDir);

  // Every scenario is read and checked before anything runs; a bad one is said and left out.
  for (const m of members) {
    try {
      const text = readScenario(m.file, term.env);
      const { plan, warnings } = loadScenario(text.text, text.name, {
        seed,
        untilUs,
      });
      writeWarnings(warnings, term);
      m.job = { plan, file: m.file, partitions, judgeThresholds: true };
    } catch (e) {
      m.code = reportError(e, term);
      m.missing = "invalid";
    }
  }
  const runnable = members.filter((m) => m.job !== null);
  const outputs =
    outDir === null
      ? null
      : OutputFiles.open(runnable.map((m) => ({ flag: `--out (${m.file})`, path: join(outDir, m.outName) })));
  try {
    const progress =
      term.stderr.isTTY === true && flags.quiet !== true ? new RunsProgress(term.stderr, "set") : null;
    const stop = new AbortController();
    const signals = new StopSignals(options.signals, (signal, count) => {
      if (count > 1) return;
      stop.abort();
      progress?.clear();
      term.stderr.write(`${stoppingNote(signal, "the set; the finished runs will be written")}\n`);
    });
    // Verdict lines in the set's order, each as soon as it and every one before it are done.
    let printed = 0;
    const printReady = () => {
      while (printed < runnable.length && runnable[printed].report !== null) {
        progress?.clear();
        term.stdout.write(
          `${renderVerdict(runnable[printed].report!, { color })}  (${runnable[printed].file})\n`,
        );
        printed++;
      }
    };
    let outcome;
    try {
      outcome = await runJobsSettled(
        runnable.map((m) => m.job!),
        {
          workers,
          workerMemoryMb,
          stop: stop.signal,
          onDone: (done, total) => progress?.update(done, total),
          onReport: (i, report) => {
            runnable[i].report = report;
            if (flags.quiet !== true) printReady();
          },
        },
      );
    } finally {
      signals.dispose();
      progress?.clear();
    }
    if (signals.count > 1) {
      term.stderr.write(
        "fleet-sim: aborted; no table or reports (existing output files left as they were)\n",
      );
      return signals.exitCode;
    }
    if (outcome.error !== null) {
      term.stderr.write(`${describeInternalError(outcome.error.cause, term.env)}\n`);
    }
    for (const [i, m] of runnable.entries()) {
      m.report = outcome.reports[i];
      if (m.report === null) {
        m.missing = outcome.error !== null ? "failed" : "not run";
        m.code = outcome.error !== null ? ExitCode.Internal : ExitCode.Ok;
        continue;
      }
      m.code = scenarioExitCode(m.report, m.file, term);
    }
    if (flags.quiet !== true) printReady();
    term.stdout.write(renderSetTable(members, shown, metrics, color));

    const failed: OutputError[] = [];
    if (outputs !== null) {
      for (const m of runnable) {
        if (m.report === null) continue;
        try {
          outputs.get(`--out (${m.file})`)!.writeAll(`${JSON.stringify(m.report, null, 2)}\n`);
        } catch (e) {
          if (!(e instanceof OutputError)) throw e;
          failed.push(e);
        }
      }
      if (flags.quiet !== true && failed.length < runnable.length)
        term.stderr.write(`fleet-sim: wrote ${runnable.length - failed.length} reports to ${outDir}\n`);
    }
    for (const e of failed) term.stderr.write(errorLines(e.message));
    let code = members.reduce((worst, m) => worseExitCode(worst, m.code), ExitCode.Ok as number);
    if (failed.length > 0) code = worseExitCode(code, ExitCode.BadInput);
    if (signals.first !== null) code = worseExitCode(code, stoppedExitCode(signals.first));
    return code;
  } finally {
    outputs?.discardAll();
  }
}

/** The exit code of one finished scenario, its failures said with its file. */
function scenarioExitCode(report: Report, file: string, term: Terminal): number {
  const broken = violatedInvariants(report);
  for (const b of broken)
    term.stderr.write(`fleet-sim: ${file}: invariant violated: ${b.name}: ${b.detail}\n`);
  if (broken.length > 0) return ExitCode.Internal;
  const failed = report.thresholds?.results.filter((t) => !t.ok) ?? [];
  for (const t of failed)
    term.stderr.write(
      `fleet-sim: ${file}: threshold failed: ${t.threshold} (observed ${formatMetricValue(t.observed, t.unit, t.threshold)})\n`,
    );
  if (failed.length > 0 || report.thresholds?.aborted != null) return ExitCode.ThresholdsFailed;
  return ExitCode.Ok;
}

/** --out DIR: made if missing; two scenarios with one base name would write one report. */
function checkOutNames(members: readonly Member[], dir: string): void {
  const byName = new Map<string, string>();
  for (const m of members) {
    const other = byName.get(m.outName);
    if (other !== undefined)
      throw new UserError(
        `--out ${dir}: ${other} and ${m.file} would both be written as ${join(dir, m.outName)}; rename one, or run them apart`,
      );
    byName.set(m.outName, m.file);
  }
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new UserError(`--out ${dir}: cannot make the directory: ${fsErrorReason(e)}`);
  }
  if (!statSync(dir).isDirectory())
    throw new UserError(`--out ${dir}: with several scenarios, --out names a directory`);
}

function chosenMetrics(flag: unknown, metrics: MetricSource): string[] {
  const named = flag === undefined ? [] : Array.isArray(flag) ? flag : [flag];
  const chosen = named.map((m) => stringFlag("--metric", m));
  for (const m of chosen)
    if (!metrics.names.includes(m))
      throw new UserError(
        `--metric: unknown metric "${m}" (docs/report-metrics.md lists every metric a report has)`,
      );
  return chosen.length > 0 ? chosen : [...SET_DEFAULT_METRICS];
}

/** The table at the end: one row per scenario, its verdict and the shown metrics. */
export function renderSetTable(
  members: readonly Pick<Member, "file" | "report" | "missing">[],
  wanted: readonly string[],
  metrics: MetricSource,
  color: boolean,
): string {
  const reports = members.map((m) => m.report).filter((r): r is Report => r !== null);
  // A default column nobody has a value for (no cold starts anywhere) is left out.
  const shown = wanted.filter((name) =>
    reports.some((r) => {
      const v = metrics.value(name, r);
      return Number.isFinite(v) && v !== 0;
    }),
  );
  const header = ["scenario", "verdict", ...shown];
  const rows = members.map((m) => {
    const r = m.report;
    if (r === null) return [m.file, m.missing, ...shown.map(() => "-")];
    return [
      m.file,
      verdictWord(r),
      ...shown.map((name) => {
        const v = metrics.value(name, r);
        const unit = metrics.unit?.(name) ?? "count";
        // Ratios read as percentages in a table of many scenarios.
        return Number.isFinite(v) ? formatStyled(v, unit === "ratio" ? "percent" : valueStyle(unit)) : "-";
      }),
    ];
  });
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c].length)));
  const line = (cells: string[]) => `  ${cells.map((x, c) => x.padEnd(widths[c])).join("  ")}`.trimEnd();
  const ok = members.filter((m) => m.report !== null && verdictWord(m.report) === "ok").length;
  const title = `${members.length} scenarios: ${ok} ok, ${members.length - ok} not`;
  const paint = (text: string) => (color ? `\x1b[1m${text}\x1b[0m` : text);
  return `${["", `  ${paint(title)}`, "", line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line), ""].join("\n")}\n`;
}

function verdictWord(r: Report): string {
  if (violatedInvariants(r).length > 0) return "invariant violated";
  if ((r.thresholds?.results.some((t) => !t.ok) ?? false) || r.thresholds?.aborted != null)
    return "threshold failed";
  return r.run.partial ? "partial" : "ok";
}
