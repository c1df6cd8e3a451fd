/**
 * `fleet-sim worker --queue URL [--concurrency N]`: makes the runs that
 * sweeps given --queue put on the Redis queue (docs/sweep.md, "Sweeps on
 * many machines"), until Ctrl-C or SIGTERM: the first finishes the runs in
 * hand, a second gives them back to the queue. Returns the exit code.
 */
import { describeQueuedRun, type QueuedRun } from "../experiment/queued-run.js";
import { QueueWorker } from "../experiment/queue-worker.js";
import type { RunFailure } from "../experiment/queue-sweep.js";
import { probeQueue } from "../experiment/redis-queue-url.js";
import { MAX_WORKERS } from "./cli-defaults.js";
import { describeInternalError, ExitCode, UserError } from "./exit-codes.js";
import { integerFlag, parseSimulationFlags, reportError, type Terminal } from "./run-command.js";
import { StopSignals } from "./stop-signals.js";
import { queueFlag } from "./sweep-command.js";

export interface WorkerFlags {
  queue: unknown;
  concurrency?: unknown;
  workerMemory?: unknown;
  quiet?: boolean;
}

export async function workerCommand(
  flags: WorkerFlags,
  term: Terminal,
  options: {
    signals?: NodeJS.EventEmitter;
    /** Ends the process at a second signal (process.exit); the runs in hand are left to the queue. */
    exit?: (code: number) => void;
  } = {},
): Promise<number> {
  try {
    const queue = queueFlag(flags.queue, term.env);
    const concurrency =
      flags.concurrency === undefined ? 1 : integerFlag("--concurrency", flags.concurrency, 1, MAX_WORKERS);
    const { workerMemoryMb } = parseSimulationFlags({ workerMemory: flags.workerMemory });
    const unreachable = await probeQueue(queue);
    if (unreachable !== null)
      throw new UserError(`--queue: cannot reach Redis at ${queue.shown}: ${unreachable}`);
    const say = (line: string) => {
      if (flags.quiet !== true) term.stderr.write(`${line}\n`);
    };
    let done = 0;
    let failed = 0;
    const running = new Set<QueuedRun>();
    const worker = new QueueWorker({
      queue,
      concurrency,
      workerMemoryMb,
      loadFailure: (e) => failureOf(e, term.env),
      runFailure: (e) => ({ exitCode: ExitCode.Internal, message: describeInternalError(e, term.env) }),
      onStart: (run) => {
        running.add(run);
        say(`fleet-sim worker: running ${describeQueuedRun(run)}`);
      },
      onEnd: (run, f) => {
        running.delete(run);
        if (f === null) done++;
        else failed++;
        say(
          `fleet-sim worker: ${f === null ? "finished" : "failed"} ${describeQueuedRun(run)}; ${done} done, ${failed} failed, ${running.size} running`,
        );
      },
    });
    say(`fleet-sim worker: taking runs from ${queue.shown}, ${concurrency} at a time (Ctrl-C stops)`);
    worker.start();
    const exit = options.exit ?? ((code: number) => process.exit(code));
    const stopped = await new Promise<number>((resolve) => {
      const signals = new StopSignals(options.signals, (signal, count) => {
        if (count > 1) {
          // The runs in hand are dropped with the process: their locks expire and the
          // stalled-job check gives them back, as for a worker that died.
          say(
            `fleet-sim worker: ${signal}: leaving the ${running.size} runs in hand; the queue gives them to another worker after their lock (10 s)`,
          );
          exit(signals.exitCode);
          return;
        }
        say(
          `fleet-sim worker: ${signal}: finishing the ${running.size} runs in hand (again to give them back)`,
        );
        void worker.close().finally(() => {
          signals.dispose();
          resolve(ExitCode.Ok);
        });
      });
    });
    say(`fleet-sim worker: stopped; ${done} runs done, ${failed} failed`);
    return stopped;
  } catch (e) {
    return reportError(e, term);
  }
}

/** A run's scenario failing to load on the worker: what the local sweep would have printed, and its exit code. */
function failureOf(e: unknown, env: NodeJS.ProcessEnv): RunFailure {
  let message = "";
  const exitCode = reportError(e, {
    stdout: { write: () => true },
    stderr: { write: (t: string) => ((message += t), true) },
    env,
  } as unknown as Terminal);
  return { exitCode, message: message.trimEnd() };
}
