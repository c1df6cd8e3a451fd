/**
 * Worker thread entry of `fleet-sim run`: runs the simulation (simulate.ts)
 * and posts its progress, then its report or its error, to the main thread.
 */
import { parentPort } from "node:worker_threads";
import type { Sample } from "../model/run.js";
import { type SimulateRequest, simulate } from "./simulate.js";

export type WorkerMessage =
  | { type: "progress"; simTimeUs: number; untilUs: number; events: number }
  | { type: "sample"; sample: Sample }
  | { type: "done"; result: Awaited<ReturnType<typeof simulate>> }
  | { type: "error"; message: string; stack: string | undefined };

export interface WorkerRequest extends SimulateRequest {
  /** Post progress messages (only when the main thread shows progress). */
  progress: boolean;
}

const port = parentPort;
if (port === null) throw new Error("run-worker.js must run in a worker thread");

const post = (m: WorkerMessage) => port.postMessage(m);
// The thread starts while the main thread still loads the scenario; the request follows.
port.once("message", async (req: WorkerRequest) => {
  try {
    const result = await simulate(
      req,
      req.progress ? (p) => post({ type: "progress", ...p }) : undefined,
      (sample) => post({ type: "sample", sample }),
    );
    post({ type: "done", result });
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    post({ type: "error", message: err.message, stack: err.stack });
  }
});
