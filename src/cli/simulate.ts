/**
 * One run, in whichever thread hosts the simulation: the Plan in, the JSON
 * report out, with the trace written and a stop request honoured on the way.
 *
 * The simulation loop is synchronous, so a SIGINT handler on the thread that
 * runs it would only fire after the run. `fleet-sim run` therefore runs this
 * in a worker thread (run-worker.ts) while the main thread listens for
 * Ctrl-C and raises `stopFlag`, a shared Int32 the progress callback reads.
 */
import picomatch from "picomatch";
import type { Plan } from "../model/plan.js";
import { newRunEmitter, prepareRun } from "../model/run.js";
import { buildReport, type Report } from "../report/json-report.js";
import type { ProgressPoint } from "../report/progress.js";
import { TraceWriter } from "../report/trace-writer.js";

export interface SimulateRequest {
  plan: Plan;
  /** The scenario file as the user named it, for the report. */
  file: string | null;
  partitions: number;
  /** Open file descriptor of the --trace file, or null; written to but left open (its opener closes it). */
  traceFd: number | null;
  /** Glob on function names (picomatch) choosing the traced functions. */
  traceFilter: string;
  /** Shared Int32Array buffer: a non-zero first element asks the run to stop after the current window. */
  stopFlag: SharedArrayBuffer | null;
}

export interface SimulateResult {
  report: Report;
  traceLines: number;
}

export function simulate(req: SimulateRequest, onProgress?: (p: ProgressPoint) => void): SimulateResult {
  const emitter = newRunEmitter();
  const traceFilter = req.traceFd === null ? null : functionMatcher(req.traceFilter);
  const handle = prepareRun(req.plan, { partitions: req.partitions, traceFilter, emitter });
  const writer = req.traceFd === null ? null : new TraceWriter(req.traceFd, false);
  writer?.attach(emitter);
  const stop = req.stopFlag === null ? null : new Int32Array(req.stopFlag);
  if (stop !== null || onProgress !== undefined) {
    emitter.on("progress", (p) => {
      if (stop !== null && Atomics.load(stop, 0) !== 0) handle.kernel.stop();
      onProgress?.(p);
    });
  }
  if (stop !== null && Atomics.load(stop, 0) !== 0) handle.kernel.stop();
  try {
    const outcome = handle.run();
    const report = buildReport(outcome, { file: req.file, seed: req.plan.seed, partitions: req.partitions });
    return { report, traceLines: writer?.lines ?? 0 };
  } finally {
    writer?.close();
  }
}

/** `--trace-filter`: a picomatch glob on function names ("*", "api-*", "{a,b}-?"). */
export function functionMatcher(glob: string): (name: string) => boolean {
  const isMatch = picomatch(glob, { dot: true });
  return (name) => isMatch(name);
}
