/**
 * `fleet-sim worker`'s loop (issue 15): pulls runs from the Redis queue and
 * makes each on a worker thread with the very task and code the local
 * sweep's pool uses (replication-worker.ts), returning the report.
 *
 * The run is on a thread so this one stays free to renew the job's lock
 * (loading the plan here takes about 2 s at a million functions): a
 * worker that dies (SIGKILL, a lost machine) stops renewing it, and after
 * LOCK_DURATION_MS another worker's stalled-job check gives the job back to
 * the queue. A run that throws is not retried: a run is deterministic, so
 * it would throw again anywhere.
 */
import { type Job, UnrecoverableError, Worker } from "bullmq";
import { Redis } from "ioredis";
import { Piscina } from "piscina";
import { packageVersion } from "../measures/package-version.js";
import type { Report } from "../report/json-report.js";
import { workerModuleUrl } from "./experiment.js";
import { encodeRunFailure, type RunFailure } from "./queue-sweep.js";
import { type QueuedRun, queuedRunTask, RUN_QUEUE, scenarioKey } from "./queued-run.js";
import type { ReplicationTask } from "./replication-worker.js";
import { connectionOptions, type QueueUrl } from "./redis-queue-url.js";

/** A job's lock: renewed every half of it while the run goes on; a dead worker's job is free after it. */
export const LOCK_DURATION_MS = 10_000;
/** How often each worker looks for jobs whose lock expired (stalled) and gives them back. */
export const STALLED_INTERVAL_MS = 5_000;
/** A job that stalls this often (say it kills every worker that takes it) fails instead. */
export const MAX_STALLED_COUNT = 2;

export interface QueueWorkerOptions {
  queue: QueueUrl;
  concurrency: number;
  workerMemoryMb: number;
  /** The failure the local sweep would report for an error loading the run's scenario. */
  loadFailure: (e: unknown) => RunFailure;
  /** The failure for an error of the run itself (on its thread). */
  runFailure: (e: unknown) => RunFailure;
  onStart?: (run: QueuedRun) => void;
  onEnd?: (run: QueuedRun, failure: RunFailure | null) => void;
}

export class QueueWorker {
  private readonly pool: Piscina<ReplicationTask, Report>;
  private readonly worker: Worker<QueuedRun, Report>;
  private readonly client: Redis;
  /** Scenario texts by hash: a sweep's scenario is fetched once. */
  private readonly texts = new Map<string, string>();

  constructor(private readonly o: QueueWorkerOptions) {
    const connection = connectionOptions(o.queue);
    this.client = new Redis(o.queue.url, connection);
    this.client.on("error", () => {});
    this.pool = new Piscina<ReplicationTask, Report>({
      filename: workerModuleUrl(),
      minThreads: o.concurrency,
      maxThreads: o.concurrency,
      concurrentTasksPerWorker: 1,
      resourceLimits: { maxOldGenerationSizeMb: o.workerMemoryMb },
    });
    this.worker = new Worker<QueuedRun, Report>(RUN_QUEUE, (job) => this.process(job), {
      connection,
      concurrency: o.concurrency,
      lockDuration: LOCK_DURATION_MS,
      stalledInterval: STALLED_INTERVAL_MS,
      maxStalledCount: MAX_STALLED_COUNT,
      autorun: false,
    });
    this.worker.on("error", () => {});
  }

  /** Pulls jobs until close(). */
  start(): void {
    void this.worker.run().catch(() => {});
  }

  /** Stops pulling, and finishes the runs in hand. */
  async close(): Promise<void> {
    await this.worker.close();
    await this.pool.destroy();
    this.client.disconnect();
  }

  private async process(job: Job<QueuedRun, Report>): Promise<Report> {
    const run = job.data;
    this.o.onStart?.(run);
    const fail = (f: RunFailure): never => {
      this.o.onEnd?.(run, f);
      throw new UnrecoverableError(encodeRunFailure(f));
    };
    if (run.version !== packageVersion())
      fail({
        exitCode: 1,
        message: `fleet-sim: the sweep is of fleet-sim ${run.version} and this worker is ${packageVersion()}: run workers of the sweep's version`,
      });
    const text = await this.scenarioText(run.scenarioHash);
    if (text === null)
      return fail({
        exitCode: 1,
        message: `fleet-sim: the scenario ${run.scenarioName} (${run.scenarioHash}) is no longer in Redis: run the sweep again`,
      });
    let task: ReplicationTask;
    try {
      task = queuedRunTask(run, text);
    } catch (e) {
      return fail(this.o.loadFailure(e));
    }
    let report: Report;
    try {
      report = await this.pool.run(task);
    } catch (e) {
      return fail(this.o.runFailure(e));
    }
    this.o.onEnd?.(run, null);
    return report;
  }

  private async scenarioText(hash: string): Promise<string | null> {
    const known = this.texts.get(hash);
    if (known !== undefined) return known;
    const text = await this.client.get(scenarioKey(hash));
    if (text !== null) this.texts.set(hash, text);
    return text;
  }
}
