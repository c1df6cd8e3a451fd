#!/usr/bin/env node
// Speed of the simulator, measured beside the physical limit of this machine:
// a bare typed-array binary-heap event loop with the same number of pending
// events, run in the same process. Writes bench/RESULTS.md.
//
//   npm run bench                 (builds first; 3 runs per case, medians)
//   node bench/run.mjs --runs 5
import { execSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { runPlan } from "../dist/model/run.js";
import { loadScenarioFile } from "../dist/scenario/load.js";

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const args = process.argv.slice(2);
const runs = Number(args[args.indexOf("--runs") + 1] || 3) || 3;

const cases = [
  { name: "vpc-burst-deploy", file: here("../scenarios/vpc-burst-deploy.yaml") },
  { name: "fleet-100k-1h", file: here("./scenarios/fleet-100k-1h.yaml") },
];

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
  const simRates = [];
  const refRates = [];
  let last;
  for (let r = 0; r < runs; r++) {
    const out = runPlan(plan, { partitions: 8 });
    last = out;
    simRates.push(out.kernel.events / (out.wallMs / 1000));
    const pending = Math.max(1, Math.round(out.kernel.meanPendingEvents));
    refRates.push(bareHeapLoop(pending, Math.min(out.kernel.events, 20_000_000)));
  }
  const sim = median(simRates);
  const ref = median(refRates);
  rows.push({
    name: c.name,
    functions: plan.functions.names.length,
    events: last.kernel.events,
    pending: Math.round(last.kernel.meanPendingEvents),
    wallS: last.wallMs / 1000,
    sim,
    ref,
  });
  console.log(
    `${c.name}: ${fmt(sim)}events/s (bare heap ${fmt(ref)}events/s, ratio ${(ref / sim).toFixed(1)}x), ${last.kernel.events} events, ${(last.wallMs / 1000).toFixed(1)} s`,
  );
}

let cpu = os.cpus()[0]?.model ?? "unknown";
try {
  cpu = execSync("lscpu | sed -n 's/^Model name: *//p'", { encoding: "utf8" }).trim() || cpu;
} catch {
  // lscpu is optional: keep the Node-reported model.
}
const lines = [
  "# Bench results",
  "",
  `Measured ${new Date().toISOString().slice(0, 10)} on ${os.cpus().length} cores (${cpu}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}.`,
  "",
  `Command: \`npm run bench\` (\`node bench/run.mjs --runs ${runs}\`); one thread, 8 logical partitions; figures are medians of ${runs} runs.`,
  "The reference is a bare typed-array binary-heap loop (pop one, push one) holding the run's mean number of pending events.",
  "Events count every event a partition runs and every message or timer the coordinator handles (an invocation is about five).",
  "",
  "| case | functions | events | mean pending | wall s | simulator events/s | bare heap events/s | heap / simulator |",
  "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ...rows.map(
    (r) =>
      `| ${r.name} | ${r.functions} | ${r.events} | ${r.pending} | ${r.wallS.toFixed(1)} | ${fmt(r.sim)} | ${fmt(r.ref)} | ${(r.ref / r.sim).toFixed(1)}x |`,
  ),
  "",
];
writeFileSync(here("./RESULTS.md"), lines.join("\n"));
console.log("wrote bench/RESULTS.md");
