#!/usr/bin/env node
// One thread against two, run in turn, each run a fresh process: on a shared
// machine whose speed moves 10-20% from minute to minute, only ratios taken
// within one round of runs mean anything. Prints each round and the medians.
//
//   node bench/pairs.mjs                          first hour of scale-100k, 7 rounds
//   node bench/pairs.mjs --rounds 9 --until 600 SCENARIO
//   node bench/pairs.mjs --vs ../other-checkout   adds that build's two-thread run to each round
//
// Simulation time is the run's own wall time (RunOutcome.wallMs: making the
// partitions, the loop and the results; not loading the scenario).
import { execFileSync } from "node:child_process";
import { resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  if (i < 0) return fallback;
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
};

if (args[0] === "--child") {
  // One run: --child ROOT SCENARIO UNTIL_S WORKERS PARTITIONS
  const [, root, file, untilS, workers, partitions] = args;
  const dist = (p) => pathToFileURL(resolve(root, "dist", p)).href;
  const { runPlan, runPlanAsync } = await import(dist("model/run.js"));
  const { loadScenarioFile } = await import(dist("scenario/load.js"));
  const plan = loadScenarioFile(file, Number(untilS) > 0 ? { untilUs: Number(untilS) * 1e6 } : {});
  const opts = { partitions: Number(partitions), workers: Number(workers) };
  const out = opts.workers === 0 ? runPlan(plan, opts) : await runPlanAsync(plan, opts);
  process.stdout.write(`${out.wallMs / 1000}\n`);
  process.exit(0);
}

const here = fileURLToPath(new URL("..", import.meta.url));
const rounds = Number(opt("--rounds", "7"));
const untilS = Number(opt("--until", "3600"));
const partitions = Number(opt("--partitions", "8"));
const workers = Number(opt("--workers", "1"));
const vs = opt("--vs", null);
const file = resolve(args[0] ?? resolve(here, "scenarios/scale/scale-100k.yaml"));
const self = fileURLToPath(import.meta.url);

const run = (root, w) =>
  Number(
    execFileSync(
      process.execPath,
      [self, "--child", root, file, String(untilS), String(w), String(partitions)],
      {
        encoding: "utf8",
      },
    ).trim(),
  );
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

console.log(
  `${file}, ${untilS > 0 ? `first ${untilS} s` : "whole"}, ${partitions} partitions, ${rounds} rounds`,
);
const cols = ["one thread s", `${workers + 1} threads s`, "ratio"];
if (vs) cols.push(`${vs} ${workers + 1} threads s`, "ratio");
console.log(cols.join("\t"));
const ratios = [];
const vsRatios = [];
for (let r = 0; r < rounds; r++) {
  const one = run(here, 0);
  const cells = [one.toFixed(2)];
  if (vs) {
    const other = run(resolve(vs), workers);
    vsRatios.push(one / other);
    cells.push("", "", other.toFixed(2), (one / other).toFixed(3));
  }
  const two = run(here, workers);
  ratios.push(one / two);
  cells[1] = two.toFixed(2);
  cells[2] = (one / two).toFixed(3);
  console.log(cells.join("\t"));
}
console.log(
  `median ratio: ${median(ratios).toFixed(3)}${vs ? `; ${vs}: ${median(vsRatios).toFixed(3)}` : ""}`,
);
