/**
 * Exit codes of `fleet-sim`, as docs/cli.md lists them. 70 is EX_SOFTWARE
 * (sysexits.h); 99 is k6's for failed thresholds; 130 is the shell's 128 + SIGINT.
 */
export const ExitCode = {
  Ok: 0,
  /** A bad scenario, a bad flag value, a file that cannot be read or written. */
  BadInput: 1,
  /** A bug: an internal error, or an invariant the run checks was violated. */
  Internal: 70,
  /** A threshold of the scenario failed, or an abortOnFail threshold stopped the run (as k6's 99). */
  ThresholdsFailed: 99,
  /** Stopped by Ctrl-C (SIGINT); the partial summary and report are still written. SIGTERM gives 143, SIGHUP 129. */
  Interrupted: 130,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** The signals that stop a run or a sweep the way Ctrl-C does, and their numbers. */
export const STOP_SIGNALS = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as const;
export type StopSignal = keyof typeof STOP_SIGNALS;

/** The exit code of a run or sweep stopped by a signal: 128 + its number, as the shell reports a process it killed. */
export function stoppedExitCode(signal: StopSignal | null): number {
  return signal === null ? ExitCode.Interrupted : 128 + STOP_SIGNALS[signal];
}

/** Bad input from the user: its message is printed as is, without a stack trace, and the exit code is 1. */
export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UserError";
  }
}

export const DEBUG_ENV = "FLEET_SIM_DEBUG";

/** The message for an unexpected error: one line, and the stack only when FLEET_SIM_DEBUG is set. */
export function describeInternalError(error: unknown, env: NodeJS.ProcessEnv): string {
  const e = error instanceof Error ? error : new Error(String(error));
  const first = `fleet-sim: internal error: ${e.message.split("\n")[0]}`;
  if (env[DEBUG_ENV] !== undefined && env[DEBUG_ENV] !== "" && env[DEBUG_ENV] !== "0") {
    return `${first}\n${e.stack ?? ""}`;
  }
  return `${first} (set ${DEBUG_ENV}=1 for the stack)`;
}

/** Every line of an error message on stderr starts with one "fleet-sim: ", whoever made the message. */
export function errorLines(message: string): string {
  return `${message
    .split("\n")
    .map((line) => (line.startsWith("fleet-sim: ") ? line : `fleet-sim: ${line}`))
    .join("\n")}\n`;
}
