#!/usr/bin/env node
// Speed on experiment sets (issue 13, item 6): the single-function cold-start
// family (20 scenarios, 10^6 simulated seconds each, about 5.7 million
// requests) run as ONE `fleet-sim run 'DIR/*.yaml' --quiet` command, timed as
// a whole process, in simulated requests per second of wall time. Beside it,
// in the same run, the bare heap loop (bench/bare-heap.mjs) in one thread and
// in as many threads as the machine has cores: the machine's speed at that
// moment, so the ratio holds on a noisy machine. Commands run in turn
// (A B ... A B ...) so drift spreads over all of them; figures are medians.
//
//   npm run build && node bench/experiment-set.mjs            5 runs of each, the shipped family scenarios/coldstart
//   node bench/experiment-set.mjs --runs 9
//   node bench/experiment-set.mjs --dir DIR                   another family already written
//   node bench/experiment-set.mjs --stand-in                  the stand-in family (bench/coldstart-family.mjs) the
//                                                             first figures in bench/RESULTS.md were measured on
//   node bench/experiment-set.mjs --vs ../before              also another checkout (built), interleaved
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { bareHeapLoopThreads } from "./bare-heap.mjs";
import { fileURLToPath } from "node:url";
import { writeColdstartFamily } from "./coldstart-family.mjs";

const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const runs = Number(option("--runs") ?? 5);
const vs = option("--vs");
const scratch = mkdtempSync(join(tmpdir(), "fleet-sim-set-"));
const standIn = process.argv.includes("--stand-in");
const shipped = fileURLToPath(new URL("../scenarios/coldstart", import.meta.url));
const dir = standIn ? join(scratch, "family") : resolve(option("--dir") ?? shipped);
if (standIn) writeColdstartFamily(dir);
const glob = join(dir, "*.yaml");

const binOf = (checkout) =>
  join(checkout, JSON.parse(readFileSync(join(checkout, "package.json"), "utf8")).bin["fleet-sim"]);
const checkouts = [{ label: "this checkout", dir: process.cwd() }];
if (vs !== undefined) checkouts.push({ label: vs, dir: resolve(vs) });
const cases = checkouts.flatMap((c) => [
  { label: c.label, name: "workers auto", args: [binOf(c.dir), "run", glob, "--quiet"] },
  { label: c.label, name: "--workers 0", args: [binOf(c.dir), "run", glob, "--quiet", "--workers", "0"] },
]);

// The requests simulated: one untimed run writing every report.
const outDir = join(scratch, "reports");
const counted = spawnSync("node", [...cases[0].args, "--out", outDir], {
  stdio: ["ignore", "ignore", "pipe"],
});
if (counted.status !== 0) throw new Error(`fleet-sim exited ${counted.status}: ${counted.stderr}`);
let requests = 0;
let events = 0;
for (const f of readdirSync(outDir)) {
  const report = JSON.parse(readFileSync(join(outDir, f), "utf8"));
  requests += report.invocations.requests;
  events += report.run.events;
}

const scenarios = readdirSync(dir).filter((f) => f.endsWith(".yaml")).length;
const cores = availableParallelism();
// Enough bare-loop events to take about as long as a run of the set, a few pending (one function's).
const bareEvents = 10_000_000;
const barePending = 8;
const times = cases.map(() => []);
const bare1 = [];
const bareN = [];
const loads = [];
for (let r = -1; r < runs; r++) {
  for (const [i, c] of cases.entries()) {
    const t0 = process.hrtime.bigint();
    const res = spawnSync("node", c.args, { stdio: ["ignore", "ignore", "pipe"] });
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    if (res.status !== 0) throw new Error(`${c.name} (${c.label}) exited ${res.status}: ${res.stderr}`);
    if (r >= 0) times[i].push(s); // the first round warms the file cache
  }
  if (r < 0) continue;
  bare1.push(await bareHeapLoopThreads(1, barePending, bareEvents));
  bareN.push(await bareHeapLoopThreads(cores, barePending, bareEvents));
  loads.push(loadavg()[0]);
}
rmSync(scratch, { recursive: true, force: true });

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const m = (x) => `${(x / 1e6).toFixed(2)} M`;
const b1 = median(bare1);
const bN = median(bareN);
console.log(
  `Experiment set: ${scenarios} scenarios, ${requests} requests, ${events} events; ` +
    `${cores} cores, node ${process.version}, load average ${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)}; ` +
    `medians of ${runs} runs (whole process)\n`,
);
console.log(
  `| command | ${vs ? "checkout | " : ""}wall s | min-max s | requests/s | events/s | bare heap events/s (same threads) | heap / simulator events |`,
);
console.log(`| --- | ${vs ? "--- | " : ""}---: | ---: | ---: | ---: | ---: | ---: |`);
for (const [i, c] of cases.entries()) {
  const s = median(times[i]);
  const bare = c.name === "--workers 0" ? b1 : bN;
  const threads = c.name === "--workers 0" ? 1 : cores;
  console.log(
    `| fleet-sim run '${"DIR/*.yaml"}' --quiet${c.name === "--workers 0" ? " --workers 0" : ""} | ${vs ? `${c.label} | ` : ""}` +
      `${s.toFixed(2)} | ${Math.min(...times[i]).toFixed(2)}-${Math.max(...times[i]).toFixed(2)} | ` +
      `${m(requests / s)} | ${m(events / s)} | ${m(bare)} (${threads}) | ${(bare / (events / s)).toFixed(1)}x |`,
  );
}
