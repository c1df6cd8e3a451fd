#!/usr/bin/env node
// Speed of the simulator, measured beside the physical limit of this machine:
// a bare typed-array binary-heap event loop with the same number of pending
// events, run in the same process. Writes bench/RESULTS.md.
//
//   npm run bench                       builds, then all cases (several minutes)
//   node bench/run.mjs --runs 5         more runs per case (medians)
//   node bench/run.mjs --quick          skip the simulated-day and 1M-function cases
import { execFileSync, execSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { runPlan } from "../dist/model/run.js";
import { runPlanParallel } from "../dist/parallel/run-parallel.js";
import { loadScenarioFile } from "../dist/scenario/load.js";

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const args = process.argv.slice(2);
const runs = Number(args[args.indexOf("--runs") + 1] || 3) || 3;
const quick = args.includes("--quick");

/** Cases: each run with 0 workers (one thread) and with worker threads. */
const cases = [
  { name: "vpc-burst-deploy", file: here("../scenarios/vpc-burst-deploy.yaml"), runs },
  { name: "fleet-100k-1h", file: here("./scenarios/fleet-100k-1h.yaml"), runs },
  ...(quick
    ? []
    : [{ name: "scale-100k (a day)", file: here("../scenarios/scale/scale-100k.yaml"), runs: 1 }]),
];
const workerCounts = [0, 1, 2];

/** The reference: pop the earliest of `pending` events and push one later event, `events` times. */
function bareHeapLoop(pending, events) {
  let cap = 1;
  while (cap < pending + 2) cap *= 2;
  const time = new Float64Array(cap);
  const seq = new Float64Array(cap);
  let n = 0;
  let nextSeq = 0;
  let x = 0x2545f491;
  const rnd = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
  const push = (t) => {
    const s = nextSeq++;
    let i = n++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (time[p] < t || (time[p] === t && seq[p] < s)) break;
      time[i] = time[p];
      seq[i] = seq[p];
      i = p;
    }
    time[i] = t;
    seq[i] = s;
  };
  const pop = () => {
    const top = time[0];
    const t = time[--n];
    const s = seq[n];
    let i = 0;
    const half = n >> 1;
    while (i < half) {
      let c = 2 * i + 1;
      if (c + 1 < n && (time[c + 1] < time[c] || (time[c + 1] === time[c] && seq[c + 1] < seq[c]))) c++;
      if (t < time[c] || (t === time[c] && s < seq[c])) break;
      time[i] = time[c];
      seq[i] = seq[c];
      i = c;
    }
    time[i] = t;
    seq[i] = s;
    return top;
  };
  for (let i = 0; i < pending; i++) push(rnd() * 1e6);
  const t0 = performance.now();
  for (let e = 0; e < events; e++) {
    const now = pop();
    push(now + rnd() * 1e6);
  }
  return events / ((performance.now() - t0) / 1000);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (x) => (x >= 1e6 ? `${(x / 1e6).toFixed(2)} M` : `${(x / 1e3).toFixed(1)} k`);

const rows = [];
for (const c of cases) {
  const plan = loadScenarioFile(c.file);
  for (const workers of workerCounts) {
    const rates = [];
    const walls = [];
    const refs = [];
    let last;
    for (let r = 0; r < c.runs; r++) {
      last =
        workers === 0
          ? runPlan(plan, { partitions: 8 })
          : await runPlanParallel(plan, { partitions: 8, workers });
      rates.push(last.kernel.events / (last.wallMs / 1000));
      walls.push(last.wallMs / 1000);
      if (workers === 0) {
        const pending = Math.max(1, Math.round(last.kernel.meanPendingEvents));
        refs.push(bareHeapLoop(pending, Math.min(last.kernel.events, 20_000_000)));
      }
    }
    const row = {
      name: c.name,
      workers,
      functions: plan.functions.names.length,
      events: last.kernel.events,
      windows: last.kernel.windows,
      pending: Math.round(last.kernel.meanPendingEvents),
      wallS: median(walls),
      rate: median(rates),
      ref: workers === 0 ? median(refs) : null,
      runs: c.runs,
    };
    rows.push(row);
    console.log(
      `${c.name}, ${workers} workers: ${fmt(row.rate)}events/s, ${row.wallS.toFixed(1)} s` +
        (row.ref ? ` (bare heap ${fmt(row.ref)}events/s)` : ""),
    );
  }
}

/** Peak memory of the 1M-function scenario (first simulated hour), in a child process of its own. */
let memory = null;
if (!quick) {
  const out = execFileSync(
    process.execPath,
    ["--max-old-space-size=8192", here("./memory.mjs"), here("../scenarios/scale/scale-1m.yaml"), "1h"],
    { encoding: "utf8" },
  );
  const m = /peak RSS (\d+) MB/.exec(out);
  memory = m ? Number(m[1]) : null;
  console.log(`scale-1m, first hour: peak RSS ${memory ?? "?"} MB`);
}

let cpu = os.cpus()[0]?.model ?? "unknown";
try {
  cpu = execSync("lscpu | sed -n 's/^Model name: *//p'", { encoding: "utf8" }).trim() || cpu;
} catch {
  // lscpu is optional: keep the Node-reported model.
}
const base = (name) => rows.find((r) => r.name === name && r.workers === 0);
const lines = [
  "# Bench results",
  "",
  `Measured ${new Date().toISOString().slice(0, 10)} on ${os.cpus().length} cores (${cpu}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}.`,
  "",
  `Command: \`npm run bench\` (\`node bench/run.mjs --runs ${runs}\`); 8 logical partitions; figures are medians of the runs shown.`,
  "The reference is a bare typed-array binary-heap loop (pop one, push one) holding the run's mean number of pending events, measured in the same process.",
  "Events count every event a partition runs and every message or timer the coordinator handles (an invocation is about five).",
  "Workers 0 is one thread; workers N hosts the partitions in N piscina worker threads with the coordinator on the main thread.",
  "",
  "| case | workers | runs | functions | events | windows | wall s | events/s | speed-up vs 0 | bare heap events/s | heap / simulator |",
  "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ...rows.map((r) => {
    const b = base(r.name);
    return `| ${r.name} | ${r.workers} | ${r.runs} | ${r.functions} | ${r.events} | ${r.windows} | ${r.wallS.toFixed(1)} | ${fmt(r.rate)} | ${(b.wallS / r.wallS).toFixed(2)}x | ${r.ref ? fmt(r.ref) : ""} | ${r.ref ? `${(r.ref / r.rate).toFixed(1)}x` : ""} |`;
  }),
  "",
  ...(memory !== null
    ? [
        `Peak memory of scale-1m (1,000,000 functions), first simulated hour, one thread: ${memory} MB RSS.`,
        "",
      ]
    : []),
];
writeFileSync(here("./RESULTS.md"), lines.join("\n"));
console.log("wrote bench/RESULTS.md");
