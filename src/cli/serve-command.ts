/**
 * `fleet-sim serve [FILE]`: a Lambda API endpoint over a live simulation of
 * the scenario's account (or of a default one), paced at --speed times the
 * wall clock, until Ctrl-C; then the usual summary and outputs, as `run`
 * gives them (docs/serve.md).
 */
import { loadScenario } from "../scenario/load.js";
import { RUNTIMES } from "../serve/api/runtimes.js";
import { LambdaServer } from "../serve/http-server.js";
import { LambdaService } from "../serve/lambda-service.js";
import { recordScenario } from "../serve/record-scenario.js";
import { type ServePlan, servePlan } from "../serve/serve-plan.js";
import { ServeSession } from "../serve/session.js";
import { ExitCode, stoppedExitCode, UserError } from "./exit-codes.js";
import { checkDistinctOutputs, OutputError, OutputFile } from "./output-files.js";
import {
  execute,
  integerFlag,
  parseRunFlags,
  pathFlag,
  readScenario,
  reportError,
  type RunCommandOptions,
  type RunFlags,
  runOutputs,
  stringFlag,
  type Terminal,
  writeWarnings,
} from "./run-command.js";

export interface ServeFlags extends Omit<RunFlags, "file" | "until" | "workers" | "partitions"> {
  file?: string;
  port?: unknown;
  host?: unknown;
  maxFunctions?: unknown;
  record?: unknown;
}

export const DEFAULT_SERVE_PORT = 9001;
export const DEFAULT_SERVE_SPEED = 60;
export const DEFAULT_MAX_FUNCTIONS = 1000;
/** Wall-clock time between the session's epochs: how late an answer may be sent, at most. */
const EPOCH_WALL_MS = 20;

/** The account `serve` simulates without a scenario: docs/serve.md describes it. */
export const DEFAULT_ACCOUNT = `name: served-account
duration: 1m
network:
  vpcs:
    - id: vpc-default
      securityGroups: [sg-default]
      subnets:
        - { id: subnet-a, cidr: 10.0.0.0/20 }
        - { id: subnet-b, cidr: 10.0.16.0/20 }
        - { id: subnet-c, cidr: 10.0.32.0/20 }
`;

/** Writes the --record scenario; false (said on stderr) when it could not be written. */
function writeRecording(
  file: OutputFile,
  scenarioText: string,
  served: ServePlan,
  session: ServeSession,
  quiet: boolean,
  term: Terminal,
): boolean {
  const recorded = recordScenario(scenarioText, served, session.recording, /\.json$/i.test(file.path));
  for (const w of recorded.warnings) term.stderr.write(`fleet-sim: --record: ${w}\n`);
  try {
    file.writeAll(recorded.text);
  } catch (e) {
    if (!(e instanceof OutputError)) throw e;
    term.stderr.write(`fleet-sim: ${e.message}\n`);
    return false;
  }
  if (!quiet) term.stderr.write(`fleet-sim: wrote ${file.path}: ${recorded.calls} requests\n`);
  return true;
}

export async function serveCommand(
  flags: ServeFlags,
  term: Terminal,
  options: RunCommandOptions,
): Promise<number> {
  try {
    const file = flags.file ?? "<default account>";
    const settings = parseRunFlags(
      { ...flags, file, speed: flags.speed ?? String(DEFAULT_SERVE_SPEED), workers: "0", partitions: "1" },
      term,
    );
    const speed = settings.speed!;
    // The session paces the run itself, epoch by epoch; the sample-point pacer of `run --speed` stays off.
    settings.speed = null;
    const record = flags.record === undefined ? null : pathFlag("--record", flags.record);
    if (record !== null) {
      // The recording is written over nothing the session reads or writes.
      const served =
        flags.file === undefined || flags.file === "-" ? [] : [{ flag: "FILE", path: flags.file }];
      checkDistinctOutputs([...served, ...runOutputs(settings), { flag: "--record", path: record }]);
    }
    const text = flags.file === undefined ? DEFAULT_ACCOUNT : readScenario(flags.file, term.env).text;
    const { plan, warnings } = loadScenario(text, file, { seed: settings.seed });
    writeWarnings(warnings, term);
    const maxFunctions = integerFlag(
      "--max-functions",
      flags.maxFunctions ?? DEFAULT_MAX_FUNCTIONS,
      1,
      1_000_000,
    );
    const port = integerFlag("--port", flags.port ?? DEFAULT_SERVE_PORT, 0, 65_535);
    const host = flags.host === undefined ? "127.0.0.1" : stringFlag("--host", flags.host);
    const served = servePlan(plan, maxFunctions, RUNTIMES);
    // Opened before the session, so a path that cannot be written fails at once (written at the end).
    const recordFile = record === null ? null : OutputFile.open("--record", record);
    const session = new ServeSession(served, speed);
    const service = new LambdaService(session, Date.now());
    let server: LambdaServer;
    try {
      server = await LambdaServer.listen(service, host, port);
    } catch (e) {
      throw new UserError(`--port ${port} --host ${host}: cannot listen: ${(e as Error).message}`);
    }
    if (!settings.quiet)
      term.stderr.write(
        `fleet-sim: serving the Lambda API on ${server.url} at ${speed}x the wall clock (Ctrl-C ends the session)\n`,
      );
    try {
      const epochUs = Math.max(1000, Math.round(EPOCH_WALL_MS * 1000 * speed));
      let code = await execute(served.plan, settings, term, {
        ...options,
        live: { link: session, epochUs },
      });
      // Ctrl-C is how a session ends: not an interruption, as it is for `run`.
      if (code === stoppedExitCode("SIGINT")) code = ExitCode.Ok;
      if (recordFile !== null && !writeRecording(recordFile, text, served, session, settings.quiet, term))
        if (code === ExitCode.Ok) code = ExitCode.BadInput;
      return code;
    } finally {
      recordFile?.discard();
      session.stop();
      await server.close();
    }
  } catch (e) {
    if (e instanceof UserError) {
      term.stderr.write(`fleet-sim: ${e.message}\n`);
      return ExitCode.BadInput;
    }
    return reportError(e, term);
  }
}
