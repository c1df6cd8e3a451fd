#!/usr/bin/env node
// Sweeps on the Redis queue (issue 15) against the local sweep. After `npm run build`:
//   node bench/queue-sweep.mjs [--redis redis-server] [--trivial 200] [--repeat 3]
// Starts a redis-server on 127.0.0.1 (a free port, a temporary directory, no
// persistence). Case 1: a 40-run sweep (4 points x 10 seeds of quickstart
// stretched to an hour at 300 invocations/s, about a second a run) made
// locally (`sweep --workers 2`: this machine's cores) and on the queue by 1,
// 2 and 3 `fleet-sim worker` processes (--concurrency 1 each), already
// waiting; each queue sweep's JSON is checked byte for byte against the
// local one. Case 2: the queue's overhead per job: a sweep of N trivial runs
// (a minute of 2 functions; default 200) locally on one thread (`--workers
// 1`) and on the queue by one worker; (queue wall - local wall) / N. Redis is
// flushed before each sweep, so nothing is resumed. Wall times are from the
// sweep command's start to its exit, its own start-up included. Every case
// is measured --repeat times, the cases interleaved so that load from other
// processes falls on all of them alike; the table gives the fastest and the
// median, and the load average before and after.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const { values: args } = parseArgs({
  options: {
    redis: { type: "string", default: "redis-server" },
    trivial: { type: "string", default: "200" },
    repeat: { type: "string", default: "3" },
  },
});
const CLI = here("../dist/bin/fleet-sim.js");
const dir = mkdtempSync(join(tmpdir(), "queue-bench-"));

const port = await new Promise((resolve) => {
  const s = createServer().listen(0, "127.0.0.1", () => {
    const p = s.address().port;
    s.close(() => resolve(p));
  });
});
const redis = spawn(
  args.redis,
  ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--appendonly", "no"],
  { stdio: "ignore" },
);
const url = `redis://127.0.0.1:${port}`;

/** Sends one inline command and resolves with the first reply line. */
function command(text) {
  return new Promise((resolve) => {
    const s = createConnection({ host: "127.0.0.1", port }, () => s.write(`${text}\r\n`));
    s.once("data", (d) => {
      s.destroy();
      resolve(d.toString().trim());
    });
    s.once("error", () => resolve(null));
  });
}
while ((await command("PING")) !== "+PONG") await sleep(50);

function timed(cliArgs) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [CLI, ...cliArgs], { encoding: "utf8" });
  const wallS = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`fleet-sim ${cliArgs.join(" ")} exited ${r.status}:\n${r.stderr}`);
  return wallS;
}

async function startWorkers(n) {
  const ws = [];
  for (let i = 0; i < n; i++) {
    const child = spawn(process.execPath, [CLI, "worker", "--queue", url], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    let err = "";
    child.stderr.on("data", (d) => (err += d));
    ws.push({ child, ready: () => err.includes("taking runs from") });
  }
  while (!ws.every((w) => w.ready())) await sleep(20);
  return ws;
}

async function stopWorkers(ws) {
  await Promise.all(
    ws.map(
      (w) =>
        new Promise((resolve) => {
          w.child.once("exit", resolve);
          w.child.kill("SIGTERM");
        }),
    ),
  );
}

const repeat = Number(args.repeat);
/** Wall times by case, in the order first measured. */
const walls = new Map();
const record = (what, n, s, same) => {
  const row = walls.get(what) ?? { n, s: [], same: true, checked: same !== null };
  row.s.push(s);
  if (same === false) row.same = false;
  walls.set(what, row);
};
const loadBefore = loadavg()[0];
try {
  const long = join(dir, "long.yaml");
  writeFileSync(
    long,
    readFileSync(here("../scenarios/quickstart.yaml"), "utf8")
      .replace(/^duration: 8m$/m, "duration: 60m")
      .replace("for: 5m", "for: 58m")
      .replace("rate: 50/s", "rate: 300/s"),
  );
  const sweep = [long, "--set", "account.concurrencyLimit=100,200,400,800", "-r", "10", "-q"];
  const trivialN = Number(args.trivial);
  const tiny = join(dir, "tiny.yaml");
  writeFileSync(
    tiny,
    [
      "name: tiny",
      "seed: 1",
      "duration: 1m",
      "functions:",
      "  - template: f",
      "    count: 2",
      '    name: "f-{i}"',
      "    existing: true",
      "workload:",
      "  - action: invoke",
      "    for: 1m",
      '    functions: "f-*"',
      "    arrival: { process: poisson, rate: 2/s }",
      "",
    ].join("\n"),
  );
  const limits = Array.from({ length: trivialN / 10 }, (_, i) => 100 + i).join(",");
  const tinySweep = [tiny, "--set", `account.concurrencyLimit=${limits}`, "-r", "10", "-q"];

  for (let rep = 0; rep < repeat; rep++) {
    // Case 1: 40 runs of about a second.
    const localOut = join(dir, "local.json");
    record("local, --workers 2", 40, timed(["sweep", ...sweep, "--workers", "2", "--out", localOut]), null);
    for (const n of [1, 2, 3]) {
      await command("FLUSHALL");
      const ws = await startWorkers(n);
      const out = join(dir, `queue-${n}.json`);
      const s = timed(["sweep", ...sweep, "--queue", url, "--out", out]);
      await stopWorkers(ws);
      const same = readFileSync(out, "utf8") === readFileSync(localOut, "utf8");
      record(`queue, ${n} worker process${n > 1 ? "es" : ""}`, 40, s, same);
    }
    // Case 2: the overhead per job, on trivial runs.
    const tinyLocalOut = join(dir, "tiny-local.json");
    const tinyLocalS = timed(["sweep", ...tinySweep, "--workers", "1", "--out", tinyLocalOut]);
    record("trivial runs, local --workers 1", trivialN, tinyLocalS, null);
    await command("FLUSHALL");
    const ws = await startWorkers(1);
    const tinyOut = join(dir, "tiny-queue.json");
    const tinyQueueS = timed(["sweep", ...tinySweep, "--queue", url, "--out", tinyOut]);
    await stopWorkers(ws);
    const same = readFileSync(tinyOut, "utf8") === readFileSync(tinyLocalOut, "utf8");
    record("trivial runs, queue, 1 worker process", trivialN, tinyQueueS, same);
    // The same sweep again: every run is found finished.
    record(
      "trivial runs, queue, run again (all resumed)",
      trivialN,
      timed(["sweep", ...tinySweep, "--queue", url]),
      null,
    );
    const overhead = ((tinyQueueS - tinyLocalS) / trivialN) * 1000;
    record("overhead", 1, overhead, null);
  }

  const median = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  };
  console.log(
    `${cpus().length} cores, Node ${process.version}, redis-server on 127.0.0.1; ${repeat} repeats; load average ${loadBefore.toFixed(1)} before, ${loadavg()[0].toFixed(1)} after\n`,
  );
  console.log(
    "| sweep | runs | fastest wall s | median wall s | median s per run | JSON identical to local |",
  );
  console.log("| --- | ---: | ---: | ---: | ---: | --- |");
  for (const [what, r] of walls) {
    if (what === "overhead") continue;
    const same = r.checked ? (r.same ? "yes" : "NO") : "";
    console.log(
      `| ${what} | ${r.n} | ${Math.min(...r.s).toFixed(1)} | ${median(r.s).toFixed(1)} | ${(median(r.s) / r.n).toFixed(3)} | ${same} |`,
    );
  }
  const o = walls.get("overhead").s;
  console.log(
    `\nqueue overhead per job (trivial runs, 1 worker vs 1 local thread): median ${median(o).toFixed(1)} ms (${o.map((x) => x.toFixed(1)).join(", ")})`,
  );
} finally {
  redis.kill("SIGTERM");
  await new Promise((r) => redis.once("exit", r));
  rmSync(dir, { recursive: true, force: true });
}
