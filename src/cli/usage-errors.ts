/**
 * Messages for command lines yargs refuses, in the user's terms: a
 * misspelt command or flag gets "did you mean", a missing scenario file is
 * named as the usage line names it, and yargs's camelCase twins of flags
 * (it lists `metric-port, metricPort` for one typo) are left out.
 */
import { closest } from "../scenario/suggest.js";

/** Commands and what their positional arguments are called in the usage line. */
export const COMMAND_ARGUMENTS: Record<string, string> = {
  run: "FILE",
  validate: "FILE...",
  sweep: "FILE",
  worker: "",
  serve: "[FILE]",
  import: "SOURCE",
  help: "[COMMAND]",
  completion: "",
};

export const COMMAND_NAMES = Object.keys(COMMAND_ARGUMENTS);

/** `fleet-sim runn`: the command is unknown. */
export function unknownCommandMessage(name: string): string {
  const guess = closest(name, COMMAND_NAMES);
  const hint = guess === undefined ? "" : ` (did you mean "${guess}"?)`;
  return `unknown command "${name}": expected one of ${COMMAND_NAMES.join(", ")}${hint}`;
}

/**
 * Rewrites a yargs usage message. `command` is the command given (or
 * undefined), `known` the option keys yargs knows for it (kebab and camel
 * case alike, aliases included).
 */
export function usageMessage(message: string, command: string | undefined, known: readonly string[]): string {
  const unknown = /^Unknown arguments?: (.*)$/s.exec(message);
  if (unknown !== null) return unknownFlagsMessage(unknown[1].split(", "), known);
  if (/^Not enough non-option arguments/.test(message) && command !== undefined) {
    const args = COMMAND_ARGUMENTS[command] ?? "FILE";
    // import reads a source (aws, cloudtrail), not a scenario.
    const what =
      command === "import" ? "a SOURCE (aws or cloudtrail)" : `a scenario ${args.replace("...", "")}`;
    return `${command} needs ${what}: fleet-sim ${command} ${args} [options]`;
  }
  return message;
}

function unknownFlagsMessage(names: readonly string[], known: readonly string[]): string {
  const given = new Set(names);
  // yargs lists `metricPort` beside `metric-port` for the one flag the user typed.
  const typed = names.filter((n) => !(/[A-Z]/.test(n) && given.has(kebab(n))));
  const flags = known.filter((k) => !/[A-Z]/.test(k) && k !== "$0" && k !== "_");
  const parts = typed.map((n) => {
    const flag = n.length === 1 ? `-${n}` : `--${n}`;
    const guess = closest(n, flags);
    return guess === undefined ? flag : `${flag} (did you mean --${guess}?)`;
  });
  return `unknown ${typed.length === 1 ? "option" : "options"} ${parts.join(", ")}`;
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
