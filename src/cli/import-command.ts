/**
 * `fleet-sim import SOURCE`: its options and its handler. Each source
 * (aws, cloudtrail, azure-2019) has its own flags; an importer reads, the scenario is
 * written whole or not at all (OutputFile), and bad input is said with its
 * file and place and exits 1. The importers are loaded only when the command
 * runs, so `fleet-sim --help` does not pay for them.
 */
import type { Argv, CommandModule } from "yargs";
import { ExitCode } from "./exit-codes.js";
import type { Terminal } from "./run-command.js";

export const IMPORT_SOURCES = ["aws", "cloudtrail", "azure-2019"] as const;

type ImportArgs = Record<string, unknown> & { source: string; files?: string[]; output: string };

/** The options of `import <source>`: those of the source given, every source's for `import --help`. */
function importOptions(y: Argv, source: string | undefined): Argv<ImportArgs> {
  let a = y
    .positional("source", {
      describe:
        "What to import: aws (the AWS CLI's JSON output), cloudtrail (CloudTrail's records) or azure-2019 (a day of the Azure Functions 2019 trace)",
      type: "string",
      choices: IMPORT_SOURCES,
      demandOption: true,
    })
    .positional("files", {
      describe:
        "cloudtrail: log files (JSON, gzipped or not), directories of them (aws s3 sync of the trail's bucket), aws cloudtrail lookup-events output, or records one per line; azure-2019: the directory of the trace's day files",
      type: "string",
      array: true,
    });
  if (source === undefined || source === "aws") {
    a = a
      .option("functions", {
        describe: "aws lambda list-functions output (pages concatenated or as an array)",
        type: "string",
        demandOption: source === "aws",
      })
      .option("subnets", { describe: "aws ec2 describe-subnets output", type: "string" })
      .option("enis", { describe: "aws ec2 describe-network-interfaces output", type: "string" })
      .option("concurrency", {
        describe:
          "aws lambda get-function-concurrency output: a directory of <function>.json, or one file mapping function names to it",
        type: "string",
      })
      .option("provisioned", {
        describe: "aws lambda list-provisioned-concurrency-configs output",
        type: "string",
      })
      .option("account-settings", { describe: "aws lambda get-account-settings output", type: "string" });
  }
  if (source === undefined || source === "azure-2019")
    a = a
      .option("day", {
        describe: "azure-2019: the day to import (1 for the d01 files)",
        type: "string",
        default: "1",
      })
      .option("days", {
        describe: "azure-2019: days replayed, chained from --day",
        type: "string",
        default: "1",
      })
      .option("top", {
        describe: "azure-2019: the busiest N functions of the day (default: every function with invocations)",
        type: "string",
      })
      .option("arrivals", {
        describe: "azure-2019: how a minute's invocations spread within it",
        type: "string",
        choices: ["poisson", "uniform"],
        default: "poisson",
      });
  if (source === undefined || source === "cloudtrail")
    a = a.option("base", {
      describe:
        "cloudtrail: a scenario to replay the calls on (one `import aws` wrote): its functions, network and workload are kept, what it lacks is added",
      type: "string",
    });
  return a
    .option("redact", {
      describe: "Replace function names by a stable hash, for sharing",
      type: "boolean",
    })
    .option("output", {
      alias: "o",
      describe: "Scenario file to write",
      type: "string",
      demandOption: true,
    })
    .example(
      "$0 import aws --functions functions.json --subnets subnets.json -o fleet.yaml",
      "Write fleet.yaml from the AWS CLI's output",
    )
    .example(
      "$0 import cloudtrail trail/AWSLogs -o deploy.yaml",
      "Write deploy.yaml replaying the Lambda calls CloudTrail recorded",
    )
    .example(
      "$0 import azure-2019 azurefunctions-dataset2019 --day 1 --top 500 -o azure.yaml",
      "Write azure.yaml replaying day 1's 500 busiest functions",
    )
    .epilogue(
      "Exit codes: 0 written, 1 bad input (the file and the place in it are named).",
    ) as Argv<ImportArgs>;
}

/** The source an `import` command line names: the first word after `import` that is one, flags and their values aside. */
export function importSource(argv: readonly string[]): string | undefined {
  return argv.slice(1).find((a) => (IMPORT_SOURCES as readonly string[]).includes(a));
}

/** The `import` command; `source` is the word after `import` on the command line, if any. */
export function importCommandModule(
  source: string | undefined,
  term: Terminal,
): CommandModule<object, ImportArgs> {
  return {
    command: "import <source> [files..]",
    describe:
      "Write a scenario from an AWS account's fleet, as the AWS CLI prints it, from the Lambda calls CloudTrail recorded, or from a day of the Azure Functions 2019 trace",
    builder: (y) => importOptions(y, source),
    handler: async (args) => {
      process.exitCode = await importCommand(args, term);
    },
  };
}

export async function importCommand(args: ImportArgs, term: Terminal): Promise<number> {
  const { ImportInputError } = await import("../import/json-input.js");
  const { OutputFile, OutputError } = await import("./output-files.js");
  const files = args.files ?? [];
  const fail = (message: string): number => {
    term.stderr.write(`fleet-sim: ${message}\n`);
    return ExitCode.BadInput;
  };
  let text: string;
  try {
    if (args.source === "cloudtrail") {
      if (files.length === 0)
        return fail(
          "import cloudtrail needs FILE...: fleet-sim import cloudtrail FILE-or-DIR... -o scenario.yaml",
        );
      const { importCloudTrail } = await import("../import/cloudtrail-import.js");
      const imported = importCloudTrail({
        paths: files,
        redact: args["redact"] === true,
        ...(typeof args["base"] === "string" ? { base: args["base"] } : {}),
      });
      for (const line of imported.report) term.stderr.write(`fleet-sim: ${line}\n`);
      text = imported.text;
    } else if (args.source === "azure-2019") {
      if (files.length !== 1)
        return fail(
          "import azure-2019 needs the trace's directory: fleet-sim import azure-2019 DIR --day N [--top N] -o scenario.yaml",
        );
      const { importAzure2019 } = await import("../import/azure-2019-import.js");
      text = importAzure2019({
        dir: files[0],
        day: wholeFlag("--day", args["day"], "a day of the trace, 1 or more"),
        days: wholeFlag("--days", args["days"], "a number of days, 1 or more"),
        top:
          args["top"] === undefined
            ? undefined
            : wholeFlag("--top", args["top"], "a whole number of functions, 1 or more"),
        arrivals: args["arrivals"] === "uniform" ? "uniform" : "poisson",
        output: args.output,
      });
    } else {
      if (files.length > 0)
        return fail(`import aws takes no FILE (${files[0]}): its inputs are flags, --functions FILE ...`);
      const { importAws } = await import("../import/aws-import.js");
      text = importAws({
        functions: args["functions"] as string,
        subnets: args["subnets"] as string | undefined,
        enis: args["enis"] as string | undefined,
        concurrency: args["concurrency"] as string | undefined,
        provisioned: args["provisioned"] as string | undefined,
        accountSettings: args["account-settings"] as string | undefined,
        redact: args["redact"] === true,
      });
    }
  } catch (e) {
    if (!(e instanceof ImportInputError) && !(e instanceof FlagError)) throw e;
    return fail(e.message);
  }
  try {
    OutputFile.open("--output", args.output).writeAll(text);
  } catch (e) {
    if (!(e instanceof OutputError)) throw e;
    return fail(e.message);
  }
  term.stdout.write(`wrote ${args.output}\n`);
  return ExitCode.Ok;
}

class FlagError extends Error {}

/** A flag's whole number, 1 or more, or a FlagError saying what was expected. */
function wholeFlag(flag: string, value: unknown, expected: string): number {
  const text = String(value);
  if (Array.isArray(value)) throw new FlagError(`${flag} is given more than once`);
  if (!/^\s*\d+\s*$/.test(text) || Number(text) < 1)
    throw new FlagError(`${flag}: expected ${expected}, got ${text}`);
  return Number(text);
}
