#!/usr/bin/env node
// Writes synthetic traces in the exact published formats, for benches and
// tests of the trace readers (src/trace/): seeded and deterministic (its own
// PRNG), streamed to disk in chunks (memory bounded by the functions, never
// by the rows).
//
//   node scripts/synthetic-trace.mjs --format azure-2019|azure-2021|csv
//        [--functions N] [--rows R] [--days D] [--seed S] --out DIR
//
// azure-2019: D days (d01..), each invocations_per_function_md.anon.dNN.csv
//   (N functions, daily totals Zipf-like by a fixed popularity rank, a diurnal
//   shape, timers on a fixed period), function_durations_percentiles.anon.dNN.csv
//   and, for days 1-12 as in the published trace, app_memory_percentiles.anon.dNN.csv.
// azure-2021: AzureFunctionsInvocationTraceForTwoWeeksJan2021.txt, R rows over D
//   days sorted by end_timestamp, functions drawn Zipf-like from N.
// csv: trace.csv, fleet-sim's trace CSV (timestamp,function,duration), R rows over D days.
import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";

const { values: args } = parseArgs({
  options: {
    format: { type: "string" },
    functions: { type: "string", default: "1000" },
    rows: { type: "string", default: "1000000" },
    days: { type: "string", default: "1" },
    seed: { type: "string", default: "1" },
    out: { type: "string" },
  },
});
const FORMATS = ["azure-2019", "azure-2021", "csv"];
if (!FORMATS.includes(args.format) || !args.out) {
  console.error(
    `usage: synthetic-trace.mjs --format ${FORMATS.join("|")} [--functions N] [--rows R] [--days D] [--seed S] --out DIR`,
  );
  process.exit(2);
}
const functions = positive("functions");
const rows = positive("rows");
const days = positive("days");
const seed = Number(args.seed) >>> 0;
mkdirSync(args.out, { recursive: true });

function positive(name) {
  const value = Number(args[name]);
  if (!Number.isInteger(value) || value < 1) {
    console.error(`--${name} ${args[name]}: expected a whole number, 1 or more`);
    process.exit(2);
  }
  return value;
}

// mulberry32: 32-bit state, good enough for shapes and ids, and the same everywhere.
function rng(state) {
  let s = state >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const mix = (...parts) =>
  parts.reduce((h, p) => Math.imul(h ^ (p >>> 0), 0x9e3779b1) ^ (h >>> 13), 0x811c9dc5) >>> 0;

/** A 64-hex-digit id, fixed by (kind, index) and the seed: the same function on every day. */
function hexId(kind, index) {
  const next = rng(mix(seed, kind, index));
  let hex = "";
  for (let i = 0; i < 8; i++) hex += ((next() * 4294967296) >>> 0).toString(16).padStart(8, "0");
  return hex;
}

function gaussian(next) {
  return Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
}

function poisson(next, mean) {
  if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * gaussian(next)));
  const limit = Math.exp(-mean);
  let k = 0;
  for (let p = next(); p > limit; p *= next()) k++;
  return k;
}

/** A file written in ~1 MiB chunks. */
function writer(path) {
  const fd = openSync(path, "w");
  let pending = [];
  let size = 0;
  const flush = () => {
    if (pending.length > 0) writeSync(fd, pending.join(""));
    pending = [];
    size = 0;
  };
  return {
    line(text) {
      pending.push(text, "\n");
      size += text.length + 1;
      if (size >= 1 << 20) flush();
    },
    close() {
      flush();
      closeSync(fd);
    },
  };
}

/** Apps of 1-10 functions, owners of 1-4 apps; a popularity rank per function (1 = busiest), shuffled. */
function fleet() {
  const next = rng(mix(seed, 1));
  const appOf = new Int32Array(functions);
  const ownerOfApp = [];
  let app = -1;
  let owner = -1;
  let left = 0;
  for (let f = 0; f < functions; f++) {
    if (left === 0) {
      app++;
      left = 1 + Math.floor(10 * next() ** 3);
      if (owner < 0 || next() < 0.5) owner++;
      ownerOfApp.push(owner);
    }
    appOf[f] = app;
    left--;
  }
  const rank = Int32Array.from({ length: functions }, (_, i) => i + 1);
  for (let i = functions - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [rank[i], rank[j]] = [rank[j], rank[i]];
  }
  return { appOf, ownerOfApp, apps: app + 1, rank };
}

const TRIGGERS = [
  ["http", 0.55],
  ["timer", 0.16],
  ["queue", 0.1],
  ["orchestration", 0.07],
  ["storage", 0.05],
  ["others", 0.04],
  ["event", 0.03],
];

function pick(weighted, u) {
  for (const [value, weight] of weighted) {
    if (u < weight) return value;
    u -= weight;
  }
  return weighted[weighted.length - 1][0];
}

function azure2019() {
  const { appOf, ownerOfApp, apps, rank } = fleet();
  const ids = Array.from({ length: functions }, (_, f) => [
    hexId(2, ownerOfApp[appOf[f]]),
    hexId(3, appOf[f]),
    hexId(4, f),
  ]);
  const minutes = Array.from({ length: 1440 }, (_, m) => String(m + 1));
  for (let day = 1; day <= days; day++) {
    const dd = `d${String(day).padStart(2, "0")}`;
    const next = rng(mix(seed, 5, day));
    const invocations = writer(join(args.out, `invocations_per_function_md.anon.${dd}.csv`));
    const durations = writer(join(args.out, `function_durations_percentiles.anon.${dd}.csv`));
    invocations.line(["HashOwner", "HashApp", "HashFunction", "Trigger", ...minutes].join(","));
    durations.line(
      "HashOwner,HashApp,HashFunction,Average,Count,Minimum,Maximum," +
        "percentile_Average_0,percentile_Average_1,percentile_Average_25,percentile_Average_50," +
        "percentile_Average_75,percentile_Average_99,percentile_Average_100",
    );
    const counts = new Array(1440);
    for (let f = 0; f < functions; f++) {
      const shape = rng(mix(seed, 6, f));
      const trigger = pick(TRIGGERS, shape());
      const phase = shape();
      const medianMs = Math.exp(Math.log(300) + 1.5 * gaussian(shape));
      // Zipf-like daily totals (rank^-1.2 from 2 million), varying by day.
      const dailyMean = (2e6 / rank[f] ** 1.2) * Math.exp(0.3 * gaussian(next));
      let total = 0;
      if (trigger === "timer") {
        const period = [1, 5, 15, 60][Math.floor(shape() * 4)];
        for (let m = 0; m < 1440; m++) counts[m] = (m + Math.floor(phase * period)) % period === 0 ? 1 : 0;
      } else {
        for (let m = 0; m < 1440; m++) {
          const diurnal = 1 + 0.6 * Math.sin(2 * Math.PI * (m / 1440 + phase));
          counts[m] = poisson(next, (dailyMean / 1440) * diurnal);
        }
      }
      for (let m = 0; m < 1440; m++) total += counts[m];
      invocations.line(`${ids[f].join(",")},${trigger},${counts.join(",")}`);
      if (total === 0) continue;
      const spread = 0.2 + shape();
      const at = (z) => Math.max(1, Math.round(medianMs * Math.exp(spread * z)));
      const p = [-3.5, -2.3, -0.67, 0, 0.67, 2.3, 3.5].map(at);
      const average = Math.round(medianMs * Math.exp((spread * spread) / 2));
      durations.line([...ids[f], average, total, Math.max(0, p[0] - 1), p[6] + 1, ...p].join(","));
    }
    invocations.close();
    durations.close();
    if (day > 12) continue;
    const memory = writer(join(args.out, `app_memory_percentiles.anon.${dd}.csv`));
    memory.line(
      "HashOwner,HashApp,SampleCount,AverageAllocatedMb," +
        [1, 5, 25, 50, 75, 95, 99, 100].map((p) => `AverageAllocatedMb_pct${p}`).join(","),
    );
    for (let a = 0; a < apps; a++) {
      const shape = rng(mix(seed, 7, a));
      const medianMb = Math.exp(Math.log(150) + 0.5 * gaussian(shape));
      const mb = [-2.3, -1.6, -0.67, 0, 0.67, 1.6, 2.3, 3.5].map((z) =>
        Math.round(medianMb * Math.exp(0.15 * z)),
      );
      memory.line(
        [hexId(2, ownerOfApp[a]), hexId(3, a), 1 + Math.floor(next() * 20000), mb[3], ...mb].join(","),
      );
    }
    memory.close();
  }
}

/** Invocations over `days` days in end-time (azure-2021) or arrival (csv) order, functions Zipf-like. */
function perInvocation(line) {
  const { appOf, rank } = fleet();
  // Rank order: the CDF of the popularity, searched by bisection.
  const cdf = new Float64Array(functions);
  let sum = 0;
  for (let r = 0; r < functions; r++) cdf[r] = sum += 1 / (r + 1) ** 1.1;
  const byRank = new Int32Array(functions);
  for (let f = 0; f < functions; f++) byRank[rank[f] - 1] = f;
  const medianS = Float64Array.from({ length: functions }, (_, f) => {
    const shape = rng(mix(seed, 6, f));
    return Math.exp(Math.log(0.3) + 1.5 * gaussian(shape));
  });
  const next = rng(mix(seed, 8));
  const meanGapS = (days * 86400) / rows;
  let timeS = 0;
  for (let i = 0; i < rows; i++) {
    timeS += -Math.log(1 - next()) * meanGapS;
    const u = next() * sum;
    let lo = 0;
    let hi = functions - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    const f = byRank[lo];
    const durationS = Math.min(600, medianS[f] * Math.exp(0.5 * gaussian(next)));
    line(f, appOf[f], timeS, durationS);
  }
}

function azure2021() {
  const out = writer(join(args.out, "AzureFunctionsInvocationTraceForTwoWeeksJan2021.txt"));
  out.line("app,func,end_timestamp,duration");
  const appIds = new Map();
  const funcIds = Array.from({ length: functions }, (_, f) => hexId(4, f));
  perInvocation((f, app, endS, durationS) => {
    let appId = appIds.get(app);
    if (appId === undefined) appIds.set(app, (appId = hexId(3, app)));
    out.line(`${appId},${funcIds[f]},${endS},${durationS.toFixed(3)}`);
  });
  out.close();
}

function csv() {
  const out = writer(join(args.out, "trace.csv"));
  out.line("timestamp,function,duration");
  const width = String(functions).length;
  perInvocation((f, _app, atS, durationS) => {
    out.line(`${atS.toFixed(6)},fn-${String(f).padStart(width, "0")},${(durationS * 1000).toFixed(1)}`);
  });
  out.close();
}

({ "azure-2019": azure2019, "azure-2021": azure2021, csv })[args.format]();
