/**
 * Sweeps on a BullMQ queue over a real Redis (issue 15): Debian's
 * redis-server (.ci/run installs it), started here on 127.0.0.1 on a free
 * port with a temporary directory, one per test. The CLI is spawned as a
 * user runs it: `fleet-sim sweep --queue` and `fleet-sim worker` processes.
 *
 * - A sweep over 3 worker processes writes the same JSON and CSV, byte for
 *   byte, as the local sweep.
 * - A worker SIGKILLed mid-run loses nothing: its job is given back by
 *   BullMQ's stalled-job check and run by another; the result is identical.
 * - A grid point that fails on the worker is reported once, with its point,
 *   and not retried.
 * - The same sweep run again resumes: every run is found finished, none runs.
 * - An unreachable Redis is said at once; a lost one after --queue-timeout;
 *   one back (empty) before it: the lost runs are enqueued again.
 * - A worker stops cleanly on SIGTERM.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { decodeRunFailure, encodeRunFailure } from "../src/experiment/queue-sweep.js";
import { type QueuedRun, queuedRunId, queuedRunTask, textHash } from "../src/experiment/queued-run.js";
import { parseQueueUrl } from "../src/experiment/redis-queue-url.js";
import { loadScenarioText } from "../src/scenario/load.js";
import { assertBinaries, freePort, requireBinaries, sleep } from "./helpers/prometheus.js";

const ROOT = join(import.meta.dirname, "..");
const CLI = join(ROOT, "dist", "bin", "fleet-sim.js");
const bins = requireBinaries("the queue sweep tests", { redis: ["redis-server"] }, "redis-server");

interface Redis {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** A redis-server without persistence: stopped, it forgets everything. */
async function startRedis(bin: string, onPort?: number): Promise<Redis> {
  const dir = mkdtempSync(join(tmpdir(), "fleet-sim-redis-"));
  const port = onPort ?? (await freePort());
  const child = spawn(
    bin,
    ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--appendonly", "no"],
    { stdio: "ignore" },
  );
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (await pong(port)) return { url: `redis://127.0.0.1:${port}`, port, stop };
    await sleep(50);
  }
  await stop();
  throw new Error("redis-server did not answer PING in 10 s");
}

function pong(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ host: "127.0.0.1", port }, () => s.write("PING\r\n"));
    s.once("data", (d) => {
      s.destroy();
      resolve(d.toString().startsWith("+PONG"));
    });
    s.once("error", () => resolve(false));
  });
}

interface Done {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A spawned CLI, its output so far, and its end. */
class Cli {
  stdout = "";
  stderr = "";
  readonly child: ChildProcess;
  readonly done: Promise<Done>;

  constructor(args: string[], cwd = ROOT) {
    this.child = spawn(process.execPath, [CLI, ...args], { cwd, stdio: ["ignore", "pipe", "pipe"] });
    this.child.stdout!.on("data", (d: Buffer) => (this.stdout += d.toString()));
    this.child.stderr!.on("data", (d: Buffer) => (this.stderr += d.toString()));
    this.done = new Promise((resolve) =>
      this.child.once("close", (code) => resolve({ code, stdout: this.stdout, stderr: this.stderr })),
    );
  }

  async waitFor(text: string, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.stderr.includes(text)) {
      if (Date.now() > deadline) throw new Error(`no "${text}" in:\n${this.stderr}`);
      if (this.child.exitCode !== null) throw new Error(`exited ${this.child.exitCode}:\n${this.stderr}`);
      await sleep(20);
    }
  }
}

const workers: Cli[] = [];
function worker(url: string, cwd = ROOT): Cli {
  const w = new Cli(["worker", "--queue", url], cwd);
  workers.push(w);
  return w;
}

const runsOf = (w: Cli, word: string) =>
  w.stderr.split("\n").filter((l) => l.includes(`worker: ${word} `)).length;

let dir = "";

/** quickstart stretched to runs of a second or more, so that a kill lands mid-run. */
function longScenario(): string {
  const text = readFileSync(join(ROOT, "scenarios/quickstart.yaml"), "utf8")
    .replace(/^duration: 8m$/m, "duration: 60m")
    .replace("for: 5m", "for: 58m")
    .replace("rate: 50/s", "rate: 300/s");
  const file = join(dir, "long.yaml");
  writeFileSync(file, text);
  return file;
}
let redis: Redis | null = null;

describe("queue jobs (no Redis needed)", () => {
  const text = readFileSync(join(ROOT, "scenarios/quickstart.yaml"), "utf8");
  const run: QueuedRun = {
    scenarioHash: textHash(text),
    scenarioName: "scenarios/quickstart.yaml",
    file: "scenarios/quickstart.yaml",
    settings: [{ path: "account.concurrencyLimit", value: "500" }],
    baseSeed: 1,
    seed: 3,
    partitions: 8,
    version: "0.1.0",
  };

  it("a job's id is the same for the same run and differs with the scenario text, a value, a seed, the partitions or the version", () => {
    expect(queuedRunId({ ...run, settings: [...run.settings] })).toBe(queuedRunId(run));
    const others = [
      { ...run, scenarioHash: textHash(`${text}\n`) },
      { ...run, settings: [{ path: "account.concurrencyLimit", value: "600" }] },
      { ...run, seed: 4 },
      { ...run, baseSeed: 2 },
      { ...run, partitions: 3 },
      { ...run, version: "0.2.0" },
    ];
    const ids = new Set([run, ...others].map(queuedRunId));
    expect(ids.size).toBe(others.length + 1);
    // BullMQ refuses ids that are integers or hold ":".
    expect(queuedRunId(run)).toMatch(/^run-[0-9a-f]{64}$/);
  });

  it("a worker's task is the plan the local sweep runs: the point loaded with the base seed, then given the run's seed", () => {
    const local = loadScenarioText(text, run.scenarioName, { seed: 1, settings: run.settings });
    expect(queuedRunTask(run, text)).toEqual({ plan: { ...local, seed: 3 }, file: run.file, partitions: 8 });
  });

  it("--queue takes redis:// and rediss:// URLs with a password and a database, and shows them without the password", () => {
    expect(parseQueueUrl("rediss://:s3cret@cache.internal:6380/2")).toEqual({
      url: "rediss://:s3cret@cache.internal:6380/2",
      shown: "rediss://:***@cache.internal:6380/2",
    });
    expect(parseQueueUrl("redis://127.0.0.1:6379")).toEqual({
      url: "redis://127.0.0.1:6379",
      shown: "redis://127.0.0.1:6379",
    });
    expect(parseQueueUrl("http://127.0.0.1:6379")).toContain("expected a redis:// or rediss:// URL");
    expect(parseQueueUrl("127.0.0.1:6379")).toContain("expected a Redis URL like redis://");
    expect(parseQueueUrl("redis://h:6379/x")).toContain("the database after the port must be a number");
  });

  it("a run's failure travels as its exit code and message; BullMQ's own reasons are internal errors", () => {
    const f = { exitCode: 1, message: "fleet-sim: a.yaml:3:1: bad" };
    expect(decodeRunFailure(encodeRunFailure(f))).toEqual(f);
    expect(decodeRunFailure("job stalled more than allowable limit")).toEqual({
      exitCode: 70,
      message: "fleet-sim: internal error: the queue failed the run: job stalled more than allowable limit",
    });
  });
});

describe.runIf(bins.run)("sweeps on a BullMQ queue over Redis", () => {
  beforeAll(() => {
    assertBinaries(bins);
    dir = mkdtempSync(join(tmpdir(), "fleet-sim-queue-"));
  });
  afterEach(async () => {
    for (const w of workers.splice(0)) {
      w.child.kill("SIGKILL");
      await w.done;
    }
    await redis?.stop();
    redis = null;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** The local sweep's and the queue sweep's JSON and CSV, with `args` and the scenario `file`. */
  async function bothSweeps(args: string[], name: string, url: string, onStarted?: () => Promise<void>) {
    const out = (kind: string, ext: string) => join(dir, `${name}-${kind}.${ext}`);
    const local = await new Cli([
      "sweep",
      ...args,
      "-q",
      "--out",
      out("local", "json"),
      "--csv",
      out("local", "csv"),
    ]).done;
    expect(local.code, local.stderr).toBe(0);
    const sweep = new Cli([
      ...["sweep", ...args, "--queue", url],
      "--out",
      out("queue", "json"),
      "--csv",
      out("queue", "csv"),
    ]);
    await onStarted?.();
    const queued = await sweep.done;
    expect(queued.code, queued.stderr).toBe(0);
    for (const ext of ["json", "csv"])
      expect(readFileSync(out("queue", ext), "utf8")).toBe(readFileSync(out("local", ext), "utf8"));
    return queued;
  }

  it("a sweep over 3 worker processes writes the local sweep's JSON and CSV byte for byte, and resumes when run again", async () => {
    redis = await startRedis(bins.found.redis);
    const pool = [worker(redis.url), worker(redis.url), worker(redis.url)];
    const args = ["scenarios/quickstart.yaml", "--set", "account.concurrencyLimit=100,1000", "-r", "3"];
    const first = await bothSweeps(args, "three", redis.url);
    expect(first.stderr).toContain("0 of 6 runs already finished (resumed), 6 to run");
    // The same table as the local sweep, on stdout.
    const table = await new Cli(["sweep", ...args, "--workers", "1"]).done;
    expect(first.stdout).toBe(table.stdout);
    expect(pool.reduce((n, w) => n + runsOf(w, "finished"), 0)).toBe(6);

    // Resuming: the same command again finds every run finished; no worker runs one.
    const again = await bothSweeps(args, "again", redis.url);
    expect(again.stderr).toContain("6 of 6 runs already finished (resumed), 0 to run");
    expect(pool.reduce((n, w) => n + runsOf(w, "running"), 0)).toBe(6);
  });

  it("a worker SIGKILLed mid-run loses nothing: its job is run again elsewhere and the sweep is identical", async () => {
    redis = await startRedis(bins.found.redis);
    const file = longScenario();
    const victim = worker(redis.url);
    const args = [file, "--set", "account.concurrencyLimit=100,1000", "-r", "2"];
    const url = redis.url;
    await bothSweeps(args, "killed", url, async () => {
      await victim.waitFor("worker: running ");
      victim.child.kill("SIGKILL");
      await victim.done;
      worker(url);
      worker(url);
    });
    expect(runsOf(victim, "finished")).toBe(0);
    const others = workers.filter((w) => w !== victim);
    // The killed run too: four runs finished by the two others.
    expect(others.reduce((n, w) => n + runsOf(w, "finished"), 0)).toBe(4);
  });

  it("Redis lost mid-sweep and back empty within --queue-timeout: the sweep enqueues the lost runs again and is identical", async () => {
    redis = await startRedis(bins.found.redis);
    const file = longScenario();
    const w = worker(redis.url);
    const args = [file, "--set", "account.concurrencyLimit=100,1000", "-r", "2"];
    const first = redis;
    await bothSweeps(args, "restarted", first.url, async () => {
      await w.waitFor("worker: running ");
      await first.stop();
      redis = await startRedis(bins.found.redis, first.port);
    });
    expect(runsOf(w, "finished")).toBeGreaterThanOrEqual(4);
  });

  it("a grid point that fails on the worker is reported once, with its point, and not retried", async () => {
    redis = await startRedis(bins.found.redis);
    // The sweep's directory has both traces; the worker's only the first: its point fails there.
    const here = join(dir, "sweeper");
    const there = join(dir, "worker");
    mkdirSync(here);
    mkdirSync(there);
    const fixtures = join(ROOT, "tests/fixtures/replay");
    copyFileSync(join(fixtures, "replay-csv.yaml"), join(here, "replay-csv.yaml"));
    copyFileSync(join(fixtures, "orders.csv"), join(here, "orders.csv"));
    copyFileSync(join(fixtures, "orders.csv"), join(here, "orders-b.csv"));
    copyFileSync(join(fixtures, "orders.csv"), join(there, "orders.csv"));
    const w = worker(redis.url, there);
    const r = await new Cli(
      [
        "sweep",
        "replay-csv.yaml",
        "--set",
        "workload[0].trace.file=orders.csv,orders-b.csv",
        "-r",
        "2",
        "--queue",
        redis.url,
      ],
      here,
    ).done;
    expect(r.code, r.stderr).toBe(1);
    const failures = r.stderr.split("\n").filter((l) => l.includes("failed on a worker:"));
    expect(failures).toHaveLength(1);
    const failed = /the run at (workload\[0\]\.trace\.file=orders-b\.csv, seed \d+) failed on a worker:/.exec(
      failures[0],
    );
    expect(failed, r.stderr).not.toBeNull();
    // The scenario's own located message, as a local load gives it.
    expect(r.stderr).toMatch(
      /fleet-sim: replay-csv\.yaml:\d+:\d+: workload\[0\]\.trace\.file: .*orders-b\.csv/,
    );
    expect(r.stdout).toContain("partial: stopped by a failed run");
    // Failed once, not retried: the worker took that run once.
    await sleep(1500);
    expect(w.stderr.split("\n").filter((l) => l.endsWith(`running ${failed![1]}`))).toHaveLength(1);
    expect(w.stderr).toContain(`failed ${failed![1]}`);
  });

  it("an unreachable Redis is said at once with its URL; a lost one after --queue-timeout", async () => {
    const port = await freePort();
    const t0 = Date.now();
    const r = await new Cli([
      "sweep",
      "scenarios/quickstart.yaml",
      "--set",
      "account.concurrencyLimit=100",
      "--queue",
      `redis://:secret@127.0.0.1:${port}/0`,
    ]).done;
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`fleet-sim: --queue: cannot reach Redis at redis://:***@127.0.0.1:${port}/0`);
    expect(r.stderr).not.toContain("secret");
    expect(Date.now() - t0).toBeLessThan(10_000);
    const w = await new Cli(["worker", "--queue", `redis://127.0.0.1:${port}`]).done;
    expect(w.code).toBe(1);
    expect(w.stderr).toContain(`cannot reach Redis at redis://127.0.0.1:${port}`);

    redis = await startRedis(bins.found.redis);
    // No worker: the sweep waits; Redis goes away; the sweep fails after its timeout.
    const sweep = new Cli([
      "sweep",
      "scenarios/quickstart.yaml",
      "--set",
      "account.concurrencyLimit=100",
      "--queue",
      redis.url,
      "--queue-timeout",
      "2",
    ]);
    await sweep.waitFor("runs already finished");
    await redis.stop();
    redis = null;
    const lost = await sweep.done;
    expect(lost.code).toBe(1);
    expect(lost.stderr).toContain("lost Redis at redis://127.0.0.1:");
    expect(lost.stderr).toContain("for more than 2 s (--queue-timeout)");
  });

  it("a worker stops cleanly on SIGTERM", async () => {
    redis = await startRedis(bins.found.redis);
    const w = worker(redis.url);
    await w.waitFor("taking runs from");
    w.child.kill("SIGTERM");
    const r = await w.done;
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("fleet-sim worker: stopped; 0 runs done, 0 failed");
  });
});
