/**
 * `fleet-sim validate FILE...`: loads each scenario as `run` would, without
 * running it, and says whether it is valid. Returns the exit code.
 */
import { loadScenario, ScenarioError, scenarioName } from "../scenario/load.js";
import { errorLines, ExitCode, UserError } from "./exit-codes.js";
import { readScenario, reportError, writeWarnings, type Terminal } from "./run-command.js";

export function validateCommand(files: readonly string[], term: Terminal): number {
  let code: number = ExitCode.Ok;
  for (const file of files) {
    code = Math.max(code, validateOne(file, term));
  }
  return code;
}

function validateOne(file: string, term: Terminal): number {
  try {
    const { text, name } = readScenario(file, term.env);
    const { plan, warnings } = loadScenario(text, name, undefined);
    writeWarnings(warnings, term);
    const functions = plan.functions.names.length;
    const steps = plan.steps.length + plan.invokeStreams.length;
    const calls = plan.calls.length > 0 ? `, ${plural(plan.calls.length, "explicit call")}` : "";
    term.stdout.write(
      `${scenarioName(file)}: ok (${plural(functions, "function")}, ${plural(steps, "step")}${calls})\n`,
    );
    return ExitCode.Ok;
  } catch (e) {
    if (e instanceof ScenarioError) {
      term.stderr.write(
        errorLines(`${e.message}\n${scenarioName(file)}: ${plural(e.issues.length, "problem")}`),
      );
      return ExitCode.BadInput;
    }
    if (e instanceof UserError) {
      term.stderr.write(errorLines(e.message));
      return ExitCode.BadInput;
    }
    return reportError(e, term);
  }
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
