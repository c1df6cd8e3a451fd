/** `fleet-sim import aws`: writes the scenario the importer builds; bad input is said and exits 1. */
import { writeFileSync } from "node:fs";
import { importAws, type ImportAwsFiles } from "../import/aws-import.js";
import { ImportInputError } from "../import/json-input.js";
import { ExitCode } from "./exit-codes.js";
import type { Terminal } from "./run-command.js";

export function importCommand(files: ImportAwsFiles, output: string, term: Terminal): number {
  let text: string;
  try {
    text = importAws(files);
  } catch (e) {
    if (!(e instanceof ImportInputError)) throw e;
    term.stderr.write(`fleet-sim: ${e.message}\n`);
    return ExitCode.BadInput;
  }
  try {
    writeFileSync(output, text);
  } catch (e) {
    term.stderr.write(
      `fleet-sim: ${output}: cannot write: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`,
    );
    return ExitCode.BadInput;
  }
  term.stdout.write(`wrote ${output}\n`);
  return ExitCode.Ok;
}
