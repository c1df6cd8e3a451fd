#!/usr/bin/env node
// Speed of the simulator, measured beside the physical limit of this machine:
// a bare typed-array binary-heap event loop with the same number of pending
// events, run in the same process. Writes bench/RESULTS.md.
//
//   npm run bench                       builds, then all cases (about half an hour)
//   node bench/run.mjs --runs 5         more runs per case (medians)
//   node bench/run.mjs --day-runs 1     runs of the simulated-day case (default: --runs)
//   node bench/run.mjs --quick          skip the simulated-day and 1M-function cases
import { execFileSync, execSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { runPlan, runPlanAsync } from "../dist/model/run.js";
import { loadScenarioFile } from "../dist/scenario/load.js";
import { bareHeapLoopThreads } from "./bare-heap.mjs";

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) || fallback : fallback;
};
const runs = flag("--runs", 3);
const dayRuns = flag("--day-runs", runs);
const quick = args.includes("--quick");

/** Cases: each run with 0 workers (one thread) and with worker threads. */
const cases = [
  { name: "vpc-burst-deploy", file: here("../scenarios/vpc-burst-deploy.yaml"), runs },
  { name: "fleet-100k-1h", file: here("./scenarios/fleet-100k-1h.yaml"), runs },
  // The first hour of the day: creates, ENIs and traffic, where the coordinator is busiest.
  {
    name: "scale-100k (first hour)",
    file: here("../scenarios/scale/scale-100k.yaml"),
    untilUs: 3_600_000_000,
    runs,
  },
  ...(quick
    ? []
    : [{ name: "scale-100k (a day)", file: here("../scenarios/scale/scale-100k.yaml"), runs: dayRuns }]),
];
/** Worker threads beside the starting thread, which hosts a share of the partitions too. */
const workerCounts = [0, 1, 2];
/** Threads running partitions: the starting thread, plus the workers. */
const threadsOf = (workers) => workers + 1;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (x) => (x >= 1e6 ? `${(x / 1e6).toFixed(2)} M` : `${(x / 1e3).toFixed(1)} k`);

const rows = [];
for (const c of cases) {
  const plan = loadScenarioFile(c.file, c.untilUs === undefined ? {} : { untilUs: c.untilUs });
  for (const workers of workerCounts) {
    const rates = [];
    const walls = [];
    const refs = [];
    const timings = [];
    let last;
    for (let r = 0; r < c.runs; r++) {
      last =
        workers === 0
          ? runPlan(plan, { partitions: 8 })
          : await runPlanAsync(plan, { partitions: 8, workers });
      // Not a result: a check that the bench ran what it says.
      if (last.threads.workers !== workers)
        throw new Error(`asked for ${workers} workers, ran ${last.threads.workers}`);
      rates.push(last.kernel.events / (last.wallMs / 1000));
      walls.push(last.wallMs / 1000);
      if (last.kernel.timing) timings.push({ wallS: last.wallMs / 1000, ...last.kernel.timing });
      // The reference, in as many fresh threads as the run used for partitions, at once (a fresh
      // thread for one too: the run's own heap and its garbage collection would slow the loop).
      const pending = Math.max(1, Math.round(last.kernel.meanPendingEvents));
      const events = Math.min(last.kernel.events, 20_000_000);
      refs.push(await bareHeapLoopThreads(threadsOf(workers), pending, events));
    }
    const row = {
      name: c.name,
      workers,
      threads: threadsOf(workers),
      functions: plan.functions.names.length,
      events: last.kernel.events,
      windows: last.kernel.rounds,
      pending: Math.round(last.kernel.meanPendingEvents),
      wallS: median(walls),
      rate: median(rates),
      ref: median(refs),
      // The timing of the run whose wall time is the median.
      timing: timings.length > 0 ? timings.find((t) => t.wallS === median(walls)) : null,
      runs: c.runs,
    };
    rows.push(row);
    console.log(
      `${c.name}, ${workers} workers: ${fmt(row.rate)}events/s, ${row.wallS.toFixed(1)} s` +
        ` (bare heap, ${threadsOf(workers)} thread(s): ${fmt(row.ref)}events/s)`,
    );
  }
}

/** Peak memory of the whole 1M-function scenario on two workers, in a child process of its own. */
let memory = null;
if (!quick) {
  const out = execFileSync(
    process.execPath,
    [here("./memory.mjs"), here("../scenarios/scale/scale-1m.yaml"), "--workers", "1"],
    { encoding: "utf8" },
  );
  memory = out.trim();
  console.log(`scale-1m: ${memory}`);
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
  "The reference is a bare typed-array binary-heap loop (pop one, push one) holding the run's mean number of pending events, run in the same process, in as many fresh worker threads at once as the run ran partitions on.",
  "Events count every event a partition runs and every message or timer the coordinator handles (an invocation is about five).",
  "Workers 0 is one thread; workers N hosts the partitions in N piscina worker threads and on the main thread, which also coordinates: N + 1 threads.",
  `Runs per case: ${runs}${quick ? "" : `, the simulated day ${dayRuns}`}.`,
  "",
  "| case | workers | threads | runs | functions | events | rounds | wall s | events/s | vs one thread | bare heap events/s (same threads) | bare heap vs 1 thread | heap / simulator |",
  "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ...rows.map((r) => {
    const b = base(r.name);
    const refOne = b.ref;
    return `| ${r.name} | ${r.workers} | ${r.threads} | ${r.runs} | ${r.functions} | ${r.events} | ${r.windows} | ${r.wallS.toFixed(1)} | ${fmt(r.rate)} | ${(b.wallS / r.wallS).toFixed(2)}x | ${fmt(r.ref)} | ${(r.ref / refOne).toFixed(2)}x | ${(r.ref / r.rate).toFixed(1)}x |`;
  }),
  "",
  "Rounds: synchronisations between the partitions and the coordinator (docs/parallel.md). The bare heap with N threads runs N copies of the loop at once and sums their rates: what this machine's cores give work that shares nothing.",
  "",
  "Where the wall time of the threaded runs went (the median run): the busiest thread's partition work summed over rounds (the critical path; the main thread's share counts as a thread), the coordinator's deciding, during which no partition runs, and the rest (starting the pool and the workers' partitions, waking threads between rounds, copying messages).",
  "",
  "| case | workers | wall s | busiest thread's work s | all threads' work s | coordinator deciding s | rest s |",
  "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
  ...rows
    .filter((r) => r.timing)
    .map((r) => {
      const t = r.timing;
      const rest = t.wallS - t.criticalWorkMs / 1000 - t.decideMs / 1000;
      return `| ${r.name} | ${r.workers} | ${t.wallS.toFixed(1)} | ${(t.criticalWorkMs / 1000).toFixed(1)} | ${(t.hostWorkMs / 1000).toFixed(1)} | ${(t.decideMs / 1000).toFixed(1)} | ${rest.toFixed(1)} |`;
    }),
  "",
  ...(memory !== null
    ? [
        `Memory of scale-1m (1,000,000 functions), the whole scenario, 1 worker beside the main thread (\`node bench/memory.mjs scenarios/scale/scale-1m.yaml --workers 1\`): ${memory}.`,
        "",
      ]
    : []),
];
// The "## Earlier figures" section (before/after comparisons, older runs) is kept as it is.
const resultsPath = here("./RESULTS.md");
const previous = existsSync(resultsPath) ? readFileSync(resultsPath, "utf8") : "";
const earlier = previous.indexOf("\n## Earlier figures");
writeFileSync(resultsPath, lines.join("\n") + (earlier >= 0 ? previous.slice(earlier) : ""));
console.log("wrote bench/RESULTS.md");
