#!/usr/bin/env node
/**
 * `fleet-sim`: the command line. Only option parsing and wiring live here;
 * the commands' modules do the work (docs/cli.md), loaded only when their
 * command runs, so `--version` and `--help` start at once.
 */
import { packageVersion } from "../measures/package-version.js";
import {
  DEFAULT_METRICS_HOST,
  DEFAULT_PARTITIONS,
  DEFAULT_SAMPLE_INTERVAL,
  DEFAULT_SWEEP_REPLICATIONS,
  DEFAULT_TRACE_FILTER,
  DEFAULT_WORKER_MEMORY_MB,
  MAX_FUNCTION_LABELS,
} from "./cli-defaults.js";
import { describeInternalError, ExitCode, UserError } from "./exit-codes.js";
import { importCommandModule, importSource } from "./import-command.js";
import { expandScenarioFiles } from "./scenario-files.js";
import type { Terminal } from "./run-command.js";
import type { SweepFlags } from "./sweep-command.js";
import { COMMAND_NAMES, unknownCommandMessage, usageMessage } from "./usage-errors.js";

const EXIT_CODES =
  "Exit codes: 0 ok, 1 bad input (scenario, flag or file), 70 internal error or violated invariant, 99 a threshold failed, 130 stopped by Ctrl-C (SIGTERM 143, SIGHUP 129).";

const term: Terminal = { stdout: process.stdout, stderr: process.stderr, env: process.env };
/**
 * yargs drops a lone "-" given as a positional, so the scenario file "-"
 * (standard input) is handed over as this and turned back into "-".
 */
const STDIN_ARG = "\u0000stdin";
/** Flags that take no value: a "-" after one is a positional. */
const BOOLEAN_FLAGS = new Set([
  "--quiet",
  "-q",
  "--color",
  "--no-color",
  "--hold",
  "--no-hold",
  "--no-quiet",
]);
const fromArg = (file: string): string => (file === STDIN_ARG ? "-" : file);

function protectStdinArgs(argv: string[]): string[] {
  return argv.map((a, i) => {
    if (a !== "-") return a;
    const before = argv[i - 1];
    const afterValueFlag =
      i > 0 && before.startsWith("-") && !before.includes("=") && !BOOLEAN_FLAGS.has(before);
    return afterValueFlag ? a : STDIN_ARG;
  });
}

async function main(given: string[]): Promise<void> {
  if (given.length === 1 && given[0] === "--version") {
    process.stdout.write(`${packageVersion()}\n`);
    return;
  }
  const first = given[0];
  if (first !== undefined && !first.startsWith("-") && !COMMAND_NAMES.includes(first)) {
    process.stderr.write(`fleet-sim: ${unknownCommandMessage(first)}\nRun 'fleet-sim --help' for usage.\n`);
    process.exitCode = ExitCode.BadInput;
    return;
  }
  // `fleet-sim help [COMMAND]` is `fleet-sim [COMMAND] --help`.
  const argv = first === "help" ? [...given.slice(1, 2), "--help"] : given;
  const command = COMMAND_NAMES.includes(argv[0]) ? argv[0] : undefined;
  const { default: yargs } = await import("yargs");
  const cli = yargs(protectStdinArgs(argv))
    .scriptName("fleet-sim")
    .usage(
      "$0 <command> [options]\n\nDeterministic simulator of AWS Lambda function state lifecycles across fleets.",
    )
    .command(
      "run <files..>",
      "Run a scenario: print the end-of-run summary, optionally write the JSON report and a trace; several scenarios run as a set",
      (y) =>
        y
          .positional("files", {
            describe:
              "Scenario file (YAML or JSON); - reads it from standard input. Several files or globs run as an experiment set",
            type: "string",
            array: true,
            demandOption: true,
          })
          .option("seed", {
            describe: "Random seed, overriding the scenario's (an integer >= 0)",
            requiresArg: true,
          })
          .option("partitions", {
            alias: "p",
            describe: "Logical partitions the functions are spread over",
            default: DEFAULT_PARTITIONS,
            requiresArg: true,
          })
          .option("workers", {
            alias: "w",
            describe:
              'Worker threads hosting partitions beside this thread, which hosts a share too: "auto" uses one per core beyond the first only when the plan has parallel work for them; 0: all on one thread (docs/parallel.md)',
            defaultDescription: "auto",
            requiresArg: true,
          })
          .option("worker-memory", {
            describe: "Heap limit of each worker thread, in MB",
            default: DEFAULT_WORKER_MEMORY_MB,
            requiresArg: true,
          })
          .option("replications", {
            alias: "r",
            describe:
              "Run N seeds (base, base + 1, ...) on the worker pool and report each metric's mean and 95% CI (docs/sweep.md)",
            requiresArg: true,
          })
          .option("metric", {
            alias: "m",
            describe: "With --replications: a metric to show besides the thresholds' (repeatable)",
            type: "string",
            array: true,
            requiresArg: true,
          })
          .option("csv", {
            describe: "With --replications: write each metric's estimate as CSV",
            type: "string",
            requiresArg: true,
          })
          .option("until", {
            describe: 'End of the simulated run, overriding the scenario\'s duration ("90s", "2h", "14d")',
            type: "string",
            requiresArg: true,
          })
          .option("out", {
            alias: "o",
            describe: "Write the JSON report to this file (docs/report-schema.md)",
            type: "string",
            requiresArg: true,
          })
          .option("html", {
            describe: "Write a self-contained HTML report with charts to this file (docs/html-report.md)",
            type: "string",
            requiresArg: true,
          })
          .option("trace", {
            describe: "Write NDJSON of API calls and state transitions to this file",
            type: "string",
            requiresArg: true,
          })
          .option("trace-filter", {
            describe: "Glob on function names choosing which functions --trace records",
            type: "string",
            default: DEFAULT_TRACE_FILTER,
            requiresArg: true,
          })
          .option("calls", {
            describe:
              "Write NDJSON of each explicit call's final answer (the scenario's events) to this file",
            type: "string",
            requiresArg: true,
          })
          .option("quiet", {
            alias: "q",
            describe: "No progress, and only the one-line verdict instead of the summary",
            type: "boolean",
            default: false,
          })
          .option("color", {
            describe: "Color the summary when stdout is a terminal (--no-color: never)",
            type: "boolean",
            default: true,
          })
          .option("metrics-port", {
            describe:
              "Serve Prometheus metrics on /metrics at this port while the run goes (0: any free port)",
            requiresArg: true,
          })
          .option("metrics-host", {
            describe: "Address the metrics server listens on",
            type: "string",
            default: DEFAULT_METRICS_HOST,
            requiresArg: true,
          })
          .option("speed", {
            describe: "Pace simulated time at this many times the wall clock (default: as fast as possible)",
            requiresArg: true,
          })
          .option("hold", {
            describe: "Keep serving --metrics-port after the run ends, until Ctrl-C",
            type: "boolean",
            default: false,
          })
          .option("pushgateway", {
            describe: "Push the metrics to this Pushgateway at the end (and at every sample when paced)",
            type: "string",
            requiresArg: true,
          })
          .option("openmetrics", {
            describe:
              "Write the whole run as an OpenMetrics file for promtool tsdb create-blocks-from openmetrics",
            type: "string",
            requiresArg: true,
          })
          .option("sample-interval", {
            describe: "Simulated time between metric samples",
            type: "string",
            default: DEFAULT_SAMPLE_INTERVAL,
            requiresArg: true,
          })
          .option("start-time", {
            describe:
              "Wall-clock time of the run's start in --openmetrics (ISO 8601 or unix seconds; default: so the run ends 3h+ ago)",
            type: "string",
            requiresArg: true,
          })
          .option("run-id", {
            describe: "The run_id label of every series (default: <scenario>-seed<seed>)",
            type: "string",
            requiresArg: true,
          })
          .option("metrics-function-labels", {
            describe: `Label this many of the busiest functions by name on a few metric families, the rest as function="other" (0 to ${MAX_FUNCTION_LABELS}; 0: off)`,
            requiresArg: true,
          })
          .example("$0 run scenarios/quickstart.yaml", "Run a scenario and print its summary")
          .example(
            "$0 run scenarios/vpc-burst-deploy.yaml --seed 7 -o report.json",
            "Another seed; save the JSON report",
          )
          .example(
            "$0 run scenarios/inactive-wakeup.yaml --until 15d -p 1",
            "Stop at 15 days, on one partition",
          )
          .example(
            "$0 run scenarios/stuck-pending.yaml --trace trace.ndjson --trace-filter 'job-00?'",
            "Trace job-000 to job-009",
          )
          .example(
            "$0 run scenarios/vpc-burst-deploy.yaml --html report.html",
            "Write the charts as one HTML file that opens offline",
          )
          .example("$0 run scenarios/quickstart.yaml --quiet", "Only the verdict line (for CI)")
          .example(
            "$0 run scenarios/scale/scale-100k.yaml --workers 1",
            "Host the partitions on this thread and one worker thread",
          )
          .example(
            "$0 run scenarios/vpc-burst-deploy.yaml --metrics-port 9464 --speed 10 --hold",
            "Serve live metrics, 10x the wall clock, and keep serving afterwards",
          )
          .example(
            "$0 run scenarios/inactive-wakeup.yaml --openmetrics run.om --sample-interval 1m",
            "Write the run for promtool tsdb create-blocks-from openmetrics",
          )
          .example(
            "$0 run scenarios/noisy-neighbor.yaml --metrics-port 9464 --metrics-function-labels 20",
            "Also label the 20 busiest functions by name",
          )
          .epilogue(EXIT_CODES),
      async (args) => {
        const files = await scenarioFiles(args.files.map(fromArg));
        if (files === null) return;
        if (files.length > 1) {
          process.exitCode = await runSetCommand(files, args);
          return;
        }
        if (args.replications !== undefined && String(args.replications).trim() !== "1") {
          process.exitCode = await replicationsCommand({ ...args, file: files[0] });
          return;
        }
        const { runCommand } = await import("./run-command.js");
        process.exitCode = await runCommand(
          {
            file: files[0],
            seed: args.seed,
            partitions: args.partitions,
            workers: args.workers,
            workerMemory: args.workerMemory,
            until: args.until,
            out: args.out,
            html: args.html,
            trace: args.trace,
            traceFilter: args.traceFilter,
            calls: args.calls,
            quiet: args.quiet,
            color: args.color,
            metricsPort: args.metricsPort,
            metricsHost: args.metricsHost,
            speed: args.speed,
            hold: args.hold,
            pushgateway: args.pushgateway,
            openmetrics: args.openmetrics,
            sampleInterval: args.sampleInterval,
            startTime: args.startTime,
            runId: args.runId,
            metricsFunctionLabels: args.metricsFunctionLabels,
          },
          term,
          { signals: process },
        );
      },
    )
    .command(
      "validate <files..>",
      "Check scenario files without running them",
      (y) =>
        y
          .positional("files", {
            describe: "Scenario files (YAML or JSON); - reads one from standard input",
            type: "string",
            array: true,
            demandOption: true,
          })
          .example("$0 validate scenarios/quickstart.yaml", "Check one file")
          .example("$0 validate scenarios/*.yaml", "Check every shipped scenario")
          .epilogue("Exit codes: 0 every file is valid, 1 some file is not."),
      async (args) => {
        const { validateCommand } = await import("./validate-command.js");
        process.exitCode = validateCommand(args.files.map(fromArg), term);
      },
    )
    .command(
      "sweep <file>",
      "Run a scenario over a grid of values with replications: mean and 95% CI of each metric, and where each threshold holds",
      (y) =>
        y
          .positional("file", {
            describe: "Scenario file (YAML or JSON); - reads it from standard input",
            type: "string",
            demandOption: true,
          })
          .option("set", {
            describe: "A swept field and its values: PATH=V1,V2,... (repeat for a grid; docs/sweep.md)",
            type: "string",
            array: true,
            requiresArg: true,
          })
          .option("replications", {
            alias: "r",
            describe: "Runs per grid point, seeds base, base + 1, ... (the same at every point)",
            default: DEFAULT_SWEEP_REPLICATIONS,
            requiresArg: true,
          })
          .option("seed", { describe: "Base seed, overriding the scenario's", requiresArg: true })
          .option("partitions", {
            alias: "p",
            describe: "Logical partitions of each run",
            default: DEFAULT_PARTITIONS,
            requiresArg: true,
          })
          .option("workers", {
            alias: "w",
            describe: "Worker threads running the runs (0: all on this thread)",
            defaultDescription: "available parallelism",
            requiresArg: true,
          })
          .option("worker-memory", {
            describe: "Heap limit of each worker thread, in MB",
            default: DEFAULT_WORKER_MEMORY_MB,
            requiresArg: true,
          })
          .option("metric", {
            alias: "m",
            describe: "A metric to show in the table besides the thresholds' (repeatable)",
            type: "string",
            array: true,
            requiresArg: true,
          })
          .option("out", {
            alias: "o",
            describe: "Write the sweep as JSON (docs/sweep.md)",
            type: "string",
            requiresArg: true,
          })
          .option("csv", {
            describe: "Write one row per point and metric as CSV",
            type: "string",
            requiresArg: true,
          })
          .option("html", {
            describe:
              "Write a self-contained HTML page: each metric against the swept parameter, its 95% CI and threshold",
            type: "string",
            requiresArg: true,
          })
          .option("queue", {
            describe:
              "Run the runs on a BullMQ queue at this Redis URL (redis:// or rediss://) for `fleet-sim worker`s; alone: REDIS_URL (docs/sweep.md)",
            type: "string",
          })
          .option("queue-timeout", {
            describe: "With --queue: seconds to wait for a lost Redis before failing",
            default: 60,
            requiresArg: true,
          })
          .option("quiet", { alias: "q", describe: "Print nothing but errors", type: "boolean" })
          .example(
            "$0 sweep scenarios/capacity-concurrency.yaml --set account.concurrencyLimit=1000,1500,2000,3000",
            "Which account limit keeps throttles under the scenario's threshold",
          )
          .epilogue(
            "Exit codes: 0 ok, 1 bad input (flag, scenario or file), 70 internal error or violated invariant, 130 stopped by Ctrl-C (SIGTERM 143, SIGHUP 129).",
          ),
      async (args) => {
        const { sweepCommand } = await import("./sweep-command.js");
        const { REPORT_METRICS } = await import("../experiment/report-metric-source.js");
        process.exitCode = await sweepCommand(
          { ...sweepFlagsOf(args), queue: args.queue, queueTimeout: args.queueTimeout },
          term,
          REPORT_METRICS,
          undefined,
          { signals: process },
        );
      },
    )
    .command(
      "worker",
      "Make the runs of sweeps given --queue: pull them from the Redis queue and run them (docs/sweep.md)",
      (y) =>
        y
          .option("queue", {
            describe: "The Redis URL of the sweeps' queue (redis:// or rediss://); alone: REDIS_URL",
            type: "string",
            demandOption: true,
          })
          .option("concurrency", {
            alias: "c",
            describe: "Runs at once, each on its own thread",
            default: 1,
            requiresArg: true,
          })
          .option("worker-memory", {
            describe: "Heap limit of each run's thread, in MB",
            default: DEFAULT_WORKER_MEMORY_MB,
            requiresArg: true,
          })
          .option("quiet", { alias: "q", describe: "Print nothing but errors", type: "boolean" })
          .example("$0 worker --queue redis://10.0.0.5:6379 --concurrency 4", "Four runs at once")
          .epilogue(
            "Ctrl-C (or SIGTERM) finishes the runs in hand and stops; a second one ends the worker and leaves them to the queue. Exit codes: 0 stopped, 1 bad flag or Redis unreachable, 130 ended by a second Ctrl-C (SIGTERM 143, SIGHUP 129).",
          ),
      async (args) => {
        const { workerCommand } = await import("./worker-command.js");
        process.exitCode = await workerCommand(
          {
            queue: args.queue,
            concurrency: args.concurrency,
            workerMemory: args.workerMemory,
            quiet: args.quiet === true,
          },
          term,
          { signals: process },
        );
      },
    )
    .command(
      "serve [file]",
      "Answer the Lambda API on 127.0.0.1 over a live simulation of the scenario's account, for the AWS SDK and CLI (docs/serve.md)",
      (y) =>
        y
          .positional("file", {
            describe:
              "Scenario file whose account, network, functions and workload are served; none: a default account",
            type: "string",
          })
          .option("port", {
            describe: "Port of the Lambda API (0: any free port)",
            default: 9001,
            requiresArg: true,
          })
          .option("host", {
            describe: "Address the API listens on",
            type: "string",
            default: "127.0.0.1",
            requiresArg: true,
          })
          .option("speed", {
            describe: "Simulated time runs this many times faster than the wall clock (1: real time)",
            default: 60,
            requiresArg: true,
          })
          .option("seed", { describe: "Random seed, overriding the scenario's", requiresArg: true })
          .option("max-functions", {
            describe: "Functions the API may create in one session",
            default: 1000,
            requiresArg: true,
          })
          .option("out", {
            alias: "o",
            describe: "At the end, write the JSON report to this file",
            type: "string",
            requiresArg: true,
          })
          .option("html", {
            describe: "At the end, write the HTML report to this file",
            type: "string",
            requiresArg: true,
          })
          .option("openmetrics", {
            describe: "At the end, write the session as an OpenMetrics file",
            type: "string",
            requiresArg: true,
          })
          .option("record", {
            describe:
              "At the end, write every request the simulation received as a scenario that `run` replays",
            type: "string",
            requiresArg: true,
          })
          .option("calls", {
            describe: "At the end, write NDJSON of each request's answer as the simulation gave it",
            type: "string",
            requiresArg: true,
          })
          .option("metrics-port", {
            describe: "Serve Prometheus metrics on /metrics at this port while serving",
            requiresArg: true,
          })
          .option("metrics-host", {
            describe: "Address the metrics server listens on",
            type: "string",
            default: DEFAULT_METRICS_HOST,
            requiresArg: true,
          })
          .option("sample-interval", {
            describe: "Simulated time between metric samples",
            type: "string",
            default: DEFAULT_SAMPLE_INTERVAL,
            requiresArg: true,
          })
          .option("quiet", {
            alias: "q",
            describe: "No start line, and only the verdict at the end",
            type: "boolean",
            default: false,
          })
          .option("color", {
            describe: "Color the summary when stdout is a terminal",
            type: "boolean",
            default: true,
          })
          .example("$0 serve", "A default account on http://127.0.0.1:9001, 60x the wall clock")
          .example(
            "$0 serve scenarios/quickstart.yaml --speed 600 -o session.json",
            "Serve a scenario's account; write the report at Ctrl-C",
          )
          .example(
            "$0 serve --record session.yaml --calls answers.ndjson",
            "Record the session; `$0 run session.yaml --calls replay.ndjson` replays it",
          ),
      async (args) => {
        const { serveCommand } = await import("./serve-command.js");
        process.exitCode = await serveCommand(
          {
            ...(args.file !== undefined ? { file: fromArg(args.file) } : {}),
            port: args.port,
            host: args.host,
            speed: args.speed,
            seed: args.seed,
            maxFunctions: args.maxFunctions,
            out: args.out,
            html: args.html,
            openmetrics: args.openmetrics,
            record: args.record,
            calls: args.calls,
            metricsPort: args.metricsPort,
            metricsHost: args.metricsHost,
            sampleInterval: args.sampleInterval,
            quiet: args.quiet,
            color: args.color,
          },
          term,
          { signals: process },
        );
      },
    )
    .command(importCommandModule(command === "import" ? importSource(argv) : undefined, term))
    .example("$0 run scenarios/quickstart.yaml", "Run a scenario and print its summary")
    .example("$0 validate scenarios/*.yaml", "Check scenario files")
    .epilogue(EXIT_CODES)
    .command("help [command]", "Show the help of fleet-sim or of one command")
    .completion("completion", "Print a bash or zsh completion script (fleet-sim completion >> ~/.bashrc)")
    .demandCommand(1, "Name a command: run, validate, sweep, worker, serve or import.")
    .strict()
    .help()
    .alias("help", "h")
    .version(packageVersion())
    // Wrapping measures every help line's width: only worth it when help is printed.
    .wrap(
      argv.some((a) => a === "--help" || a === "-h") ? Math.min(120, process.stdout.columns ?? 120) : null,
    )
    .fail((message: string | undefined, error: Error | undefined, usage: object) => {
      // yargs reports bad usage as a message, or as a YError; anything else is a bug.
      if (error !== undefined && error !== null && error.name !== "YError") throw error;
      // The third argument is yargs's usage object: its descriptions name the command's options.
      const descriptions = (usage as { getDescriptions?: () => object }).getDescriptions?.() ?? {};
      const known = Object.keys(descriptions);
      const text = usageMessage(message ?? error?.message ?? "", command, known);
      const help = command === undefined ? "fleet-sim --help" : `fleet-sim ${command} --help`;
      process.stderr.write(`fleet-sim: ${text}\nRun '${help}' for usage.\n`);
      process.exit(ExitCode.BadInput);
    });
  skipHelpCache(cli);
  await cli.parseAsync();
}

/**
 * yargs renders a command's whole help text before running its handler, to
 * have it at hand for a showHelp() inside the handler. No handler here shows
 * help, and the rendering (every option's width measured) costs about 30 ms
 * of each run. Its internals are reached with care: missing, nothing changes.
 */
function skipHelpCache(cli: object): void {
  const internals = (
    cli as { getInternalMethods?: () => { getUsageInstance?: () => unknown } }
  ).getInternalMethods?.();
  const usage = internals?.getUsageInstance?.() as { cacheHelpMessage?: () => void } | undefined;
  if (typeof usage?.cacheHelpMessage === "function") usage.cacheHelpMessage = () => {};
}

/** The scenario files `run` names, globs expanded; null (said, exit code set) when a pattern matches nothing. */
async function scenarioFiles(given: string[]): Promise<string[] | null> {
  try {
    return await expandScenarioFiles(given);
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    process.stderr.write(`fleet-sim: ${e.message}\n`);
    process.exitCode = ExitCode.BadInput;
    return null;
  }
}

/** Which of these flags (yargs's camelCase keys) were given, spelt as the user spells them ("--html, --speed"); null: none. */
function givenFlags(args: Record<string, unknown>, keys: readonly string[]): string | null {
  const given = keys.filter((k) => args[k] !== undefined && args[k] !== false);
  if (given.length === 0) return null;
  return given.map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(", ");
}

/** `run A B ...`: an experiment set; the flags that shape one run's outputs or pacing do not apply. */
async function runSetCommand(files: string[], args: Record<string, unknown>): Promise<number> {
  const given = givenFlags(args, [
    "trace",
    "calls",
    "html",
    "metricsPort",
    "pushgateway",
    "openmetrics",
    "speed",
    "hold",
    "replications",
    "csv",
    "startTime",
    "runId",
    "metricsFunctionLabels",
  ]);
  if (given !== null) {
    process.stderr.write(
      `fleet-sim: ${files.length} scenarios make an experiment set, but ${given} shape one run: run that scenario alone to use them\n`,
    );
    return ExitCode.BadInput;
  }
  const { runSetCommand: runSet } = await import("./run-set-command.js");
  const { REPORT_METRICS } = await import("../experiment/report-metric-source.js");
  return runSet(
    {
      files,
      seed: args.seed,
      partitions: args.partitions,
      workers: args.workers,
      workerMemory: args.workerMemory,
      until: args.until,
      out: args.out,
      metric: args.metric,
      quiet: args.quiet === true,
      color: args.color !== false,
    },
    term,
    REPORT_METRICS,
    { signals: process },
  );
}

/** `run --replications N`: a sweep of no parameter; the flags that shape one run's outputs do not apply. */
async function replicationsCommand(args: Record<string, unknown>): Promise<number> {
  const given = givenFlags(args, [
    "trace",
    "calls",
    "html",
    "metricsPort",
    "pushgateway",
    "openmetrics",
    "speed",
    "hold",
    "until",
  ]);
  if (given !== null) {
    process.stderr.write(
      `fleet-sim: --replications runs many seeds, but ${given} shape one run's outputs: drop --replications to use them\n`,
    );
    return ExitCode.BadInput;
  }
  const { sweepCommand } = await import("./sweep-command.js");
  const { REPORT_METRICS } = await import("../experiment/report-metric-source.js");
  return sweepCommand(
    sweepFlagsOf(args),
    term,
    REPORT_METRICS,
    { replicationsOnly: true },
    { signals: process },
  );
}

/** The flags of `sweep`, and of `run --replications` (which has no --set and refuses --html above). */
function sweepFlagsOf(args: Record<string, unknown>): SweepFlags {
  return {
    file: fromArg(String(args.file)),
    set: args.set,
    replications: args.replications,
    seed: args.seed,
    partitions: args.partitions,
    workers: args.workers,
    workerMemory: args.workerMemory,
    metric: args.metric,
    out: args.out,
    csv: args.csv,
    html: args.html,
    quiet: args.quiet === true,
  };
}

main(process.argv.slice(2)).catch((e: unknown) => {
  process.stderr.write(`${describeInternalError(e, process.env)}\n`);
  process.exitCode = ExitCode.Internal;
});
