/**
 * A sweep's runs on the Redis queue (issue 15): every run is enqueued as a
 * BullMQ job under its deterministic id (queued-run.ts), and the reports the
 * workers return are collected as they finish. Runs that a sweep run earlier
 * finished are taken as they are (resuming); runs that failed then are tried
 * again. What comes back is what the local pool gives: the reports in the
 * runs' order, null for a run that did not finish.
 */
import { Queue, QueueEvents } from "bullmq";
import { Redis } from "ioredis";
import type { Report } from "../report/json-report.js";
import { type QueuedRun, queuedRunId, RUN_QUEUE, scenarioKey } from "./queued-run.js";
import { connectionOptions, type QueueUrl } from "./redis-queue-url.js";

/** How a worker fails a run: the exit code and the message the local sweep would have given. */
export interface RunFailure {
  exitCode: number;
  message: string;
}

export function encodeRunFailure(f: RunFailure): string {
  return JSON.stringify(f);
}

/** A job's failedReason as a RunFailure; BullMQ's own reasons (a job that stalled too often) are internal. */
export function decodeRunFailure(reason: string): RunFailure {
  try {
    const f = JSON.parse(reason) as Partial<RunFailure>;
    if (typeof f.exitCode === "number" && typeof f.message === "string")
      return { exitCode: f.exitCode, message: f.message };
  } catch {
    // not ours
  }
  return { exitCode: 70, message: `fleet-sim: internal error: the queue failed the run: ${reason}` };
}

/** Default of --queue-timeout: how long a sweep waits for a lost Redis before failing. */
export const DEFAULT_QUEUE_LOST_TIMEOUT_MS = 60_000;

export interface QueueSweepOptions {
  queue: QueueUrl;
  scenarioText: string;
  scenarioHash: string;
  /** Fail when Redis has not answered for this long. */
  lostTimeoutMs: number;
  stop?: AbortSignal;
  /** After each finished run (and once after the resumed ones), with the workers last seen. */
  onDone?: (done: number, total: number, workers: number) => void;
  /** Once, after enqueueing: how many runs were finished already. */
  onResumed?: (resumed: number, total: number) => void;
}

export interface QueueSweepOutcome {
  reports: (Report | null)[];
  stopped: boolean;
  /** The first run that failed, and how. */
  failure: { run: QueuedRun; failure: RunFailure } | null;
  /** Redis lost for longer than the timeout: the sentence to say. */
  lost: string | null;
}

const POLL_MS = 500;
const RECONCILE_MS = 5000;
const CHUNK = 500;

export async function runOnQueue(
  runs: readonly QueuedRun[],
  o: QueueSweepOptions,
): Promise<QueueSweepOutcome> {
  const reports: (Report | null)[] = runs.map(() => null);
  const ids = runs.map(queuedRunId);
  const indexOf = new Map(ids.map((id, i) => [id, i]));
  const connection = connectionOptions(o.queue);
  // Commands fail at once while Redis is away, so the sweep notices and times the outage.
  const client = new Redis(o.queue.url, {
    ...connection,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    lazyConnect: true,
  });
  client.on("error", () => {});
  const queue = new Queue(RUN_QUEUE, { connection });
  queue.on("error", () => {});
  const events = new QueueEvents(RUN_QUEUE, { connection });
  events.on("error", () => {});
  let failure: QueueSweepOutcome["failure"] = null;
  let lost: string | null = null;
  let workers = 0;
  const pending = new Set(ids);
  let done = 0;

  /** Looks at a job; records it when finished. */
  /** Jobs Redis no longer has (it restarted without its data): enqueued again. */
  const missing = new Set<string>();
  const settle = async (id: string): Promise<void> => {
    if (!pending.has(id)) return;
    // The state first: a job read before it completes has no return value yet.
    const state = await queue.getJobState(id);
    if (state === "unknown") {
      missing.add(id);
      return;
    }
    if (state !== "completed" && state !== "failed") return;
    const job = await queue.getJob(id);
    if (job === undefined || !pending.has(id)) return;
    if (state === "completed") {
      if (job.returnvalue === null || job.returnvalue === undefined) return;
      pending.delete(id);
      reports[indexOf.get(id)!] = job.returnvalue as Report;
      done++;
      o.onDone?.(done, runs.length, workers);
    } else if (failure === null) {
      failure = { run: runs[indexOf.get(id)!], failure: decodeRunFailure(job.failedReason) };
    }
  };
  const inChunks = async (list: string[], f: (id: string) => Promise<void>) => {
    for (let i = 0; i < list.length; i += CHUNK) await Promise.all(list.slice(i, i + CHUNK).map(f));
  };

  try {
    await client.connect();
    await events.waitUntilReady();
    events.on("completed", ({ jobId }) => void settle(jobId).catch(() => {}));
    events.on("failed", ({ jobId }) => void settle(jobId).catch(() => {}));
    const enqueue = async (which: readonly number[]) => {
      await client.set(scenarioKey(o.scenarioHash), o.scenarioText);
      for (let i = 0; i < which.length; i += CHUNK) {
        await queue.addBulk(
          which.slice(i, i + CHUNK).map((r) => ({
            name: "run",
            data: runs[r],
            // Kept when done: they are the results a sweep run again resumes from.
            opts: { jobId: ids[r], attempts: 1, removeOnComplete: false, removeOnFail: false },
          })),
        );
      }
    };
    await enqueue(runs.map((_, i) => i));
    // Runs that failed in an earlier sweep are tried again; finished ones are taken as they are.
    await inChunks(ids, async (id) => {
      const job = await queue.getJob(id);
      if (job !== undefined && (await job.getState()) === "failed") await job.retry("failed");
    });
    await inChunks(ids, settle);
    o.onResumed?.(done, runs.length);
    o.onDone?.(done, runs.length, workers);

    let lastAnswerMs = Date.now();
    let lastReconcileMs = Date.now();
    while (pending.size > 0 && failure === null && o.stop?.aborted !== true) {
      await sleep(POLL_MS, o.stop);
      try {
        // The fail-fast client first: BullMQ's own connections wait for Redis to come back.
        await client.ping();
        workers = await queue.getWorkersCount();
        lastAnswerMs = Date.now();
        if (Date.now() - lastReconcileMs >= RECONCILE_MS) {
          // Events are not stored for ever, nor seen while Redis was away: look at the jobs themselves.
          lastReconcileMs = Date.now();
          await inChunks([...pending], settle);
          if (missing.size > 0) {
            await enqueue([...missing].map((id) => indexOf.get(id)!));
            missing.clear();
          }
        }
        o.onDone?.(done, runs.length, workers);
      } catch {
        if (Date.now() - lastAnswerMs > o.lostTimeoutMs) {
          lost = `lost Redis at ${o.queue.shown} for more than ${Math.round(o.lostTimeoutMs / 1000)} s (--queue-timeout); the finished runs stay in Redis: run the same sweep again to resume`;
          break;
        }
      }
    }
  } finally {
    // With Redis gone, closing waits for it: the connections are dropped as well, and the wait is bounded.
    const closing = [events.close(), queue.close(), client.quit().catch(() => undefined)];
    if (lost !== null)
      closing.push(events.disconnect(), queue.disconnect(), Promise.resolve(client.disconnect()));
    await closeAll(closing);
  }
  return { reports, stopped: o.stop?.aborted === true && pending.size > 0, failure, lost };
}

function sleep(ms: number, stop?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      stop?.removeEventListener("abort", done);
      resolve();
    }
    stop?.addEventListener("abort", done);
  });
}

/** Closing waits for Redis; with Redis gone, it gives up after a few seconds. */
async function closeAll(closing: Promise<unknown>[]): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise((resolve) => (timer = setTimeout(resolve, 3000)));
  await Promise.race([Promise.allSettled(closing), late]);
  clearTimeout(timer);
}
