/**
 * `fleet-sim import SOURCE`: its options and its handler. Each source
 * (aws, cloudtrail) has its own flags; an importer reads, the scenario is
 * written whole or not at all (OutputFile), and bad input is said with its
 * file and place and exits 1. The importers are loaded only when the command
 * runs, so `fleet-sim --help` does not pay for them.
 */
import type { Argv, CommandModule } from "yargs";
import { ExitCode } from "./exit-codes.js";
import type { Terminal } from "./run-command.js";

export const IMPORT_SOURCES = ["aws", "cloudtrail"] as const;

type ImportArgs = Record<string, unknown> & { source: string; files?: string[]; output: string };

/** The options of `import <source>`: those of the source given, both sources' for `import --help`. */
function importOptions(y: Argv, source: string | undefined): Argv<ImportArgs> {
  let a = y
    .positional("source", {
      describe: "What to import: aws (the AWS CLI's JSON output) or cloudtrail (CloudTrail's records)",
      type: "string",
      choices: IMPORT_SOURCES,
      demandOption: true,
    })
    .positional("files", {
      describe:
        "cloudtrail: log files (JSON, gzipped or not), directories of them (aws s3 sync of the trail's bucket), aws cloudtrail lookup-events output, or records one per line",
      type: "string",
      array: true,
    });
  if (source !== "cloudtrail") {
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
  if (source !== "aws")
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
    .epilogue("Exit codes: 0 written, 1 bad input (the file and JSON path are named).") as Argv<ImportArgs>;
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
      "Write a scenario from an AWS account's fleet, as the AWS CLI prints it, or from the Lambda calls CloudTrail recorded",
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
    if (!(e instanceof ImportInputError)) throw e;
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
