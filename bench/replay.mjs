#!/usr/bin/env node
// A day of the Azure Functions 2019 format replayed at 10,000 functions, end
// to end, and what its memory follows. After `npm run build`:
//   node bench/replay.mjs [--functions N] [--days D] [--rows R] [--runs K] [--workers W] [--dir DIR] [--keep]
// Writes a synthetic trace in the published format (scripts/synthetic-trace.mjs:
// N functions, default 10,000, D days, default 2) to a temporary directory or
// reads it from --dir, imports it with `fleet-sim import azure-2019 --day 1`
// (every function), and runs the scenario K times (default 3) with `fleet-sim
// run --quiet` (--workers, default auto). Printed per case: the invocations
// replayed, the median wall time, invocations/s, and the peak RSS of the run's
// process (its worker threads included). Cases: the first day; the same
// functions over D chained days (memory follows the functions, not the
// trace's length); a tenth of the functions (memory follows them); and
// the per-invocation format: an Azure 2021 file of R rows (default
// 5,000,000) over a day at the same functions, durations from the rows. The
// reading alone: one pass of the day file by the reader, times the threads
// that each read it once for their partitions, against the run's CPU time.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const { values: args } = parseArgs({
  options: {
    functions: { type: "string", default: "10000" },
    rows: { type: "string", default: "5000000" },
    days: { type: "string", default: "2" },
    runs: { type: "string", default: "3" },
    workers: { type: "string", default: "auto" },
    dir: { type: "string" },
    keep: { type: "boolean", default: false },
  },
});
const runs = Number(args.runs);
const days = Number(args.days);
const functions = Number(args.functions);
const CLI = here("../dist/bin/fleet-sim.js");
const PARTITIONS = 8;

const dir = args.dir ?? mkdtempSync(join(tmpdir(), "replay-bench-"));
const work = mkdtempSync(join(tmpdir(), "replay-bench-run-"));
const dayFile = (d) => join(dir, `invocations_per_function_md.anon.d${String(d).padStart(2, "0")}.csv`);
/** Writes a synthetic trace into dir unless `file` is there already. */
function synthesize(file, format, extra) {
  if (existsSync(file)) return;
  console.error(`writing a synthetic ${format} trace of ${functions} functions to ${dir}`);
  const flags = ["--format", format, "--functions", String(functions), "--seed", "1", "--out", dir, ...extra];
  const out = spawnSync(process.execPath, [here("../scripts/synthetic-trace.mjs"), ...flags], {
    stdio: "inherit",
  });
  if (out.status !== 0) process.exit(1);
}
synthesize(dayFile(days), "azure-2019", ["--days", String(days)]);

// The run's peak RSS, worker threads included: printed by the process itself as it exits.
const reporter = join(work, "rss.mjs");
writeFileSync(
  reporter,
  'process.on("exit", () => process.stderr.write(`\\nBENCH_MAX_RSS_KB=${process.resourceUsage().maxRSS}\\n`));\n',
);

function fleetSim(argv) {
  const t0 = performance.now();
  const out = spawnSync(process.execPath, ["--import", reporter, CLI, ...argv], { encoding: "utf8" });
  const seconds = (performance.now() - t0) / 1000;
  if (out.status !== 0) {
    console.error(out.stdout, out.stderr);
    process.exit(1);
  }
  const rssKb = Number(/BENCH_MAX_RSS_KB=(\d+)/.exec(out.stderr)?.[1] ?? NaN);
  return { seconds, rssMb: rssKb / 1024, stdout: out.stdout };
}

function importDays(name, top, dayCount) {
  const scenario = join(work, `${name}.yaml`);
  const flags = ["import", "azure-2019", dir, "--day", "1", "--days", String(dayCount), "-o", scenario];
  if (top !== undefined) flags.push("--top", String(top));
  fleetSim(flags);
  return scenario;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function replay(name, scenario) {
  const report = join(work, `${name}.json`);
  const results = [];
  for (let i = 0; i < runs; i++) {
    results.push(
      fleetSim([
        "run",
        scenario,
        "--quiet",
        "--workers",
        args.workers,
        "--partitions",
        String(PARTITIONS),
        "--out",
        report,
      ]),
    );
  }
  const r = JSON.parse(readFileSync(report, "utf8"));
  const invocations = r.replays.reduce((n, x) => n + x.arrivals, 0);
  const seconds = median(results.map((x) => x.seconds));
  return {
    name,
    functions: r.replays[0].matchedFunctions,
    simulated: r.run.simulatedUs / 86_400e6,
    invocations,
    seconds,
    perSecond: invocations / seconds,
    rssMb: median(results.map((x) => x.rssMb)),
    threads: r.run.workersReason ?? String(r.run.workers),
    workers: r.run.workers,
  };
}

// The per-invocation format: a day of Azure 2021 rows at the same functions.
const A21 = "AzureFunctionsInvocationTraceForTwoWeeksJan2021.txt";
synthesize(join(dir, A21), "azure-2021", ["--rows", args.rows, "--days", "1"]);
const a21 = join(work, "a21.yaml");
writeFileSync(
  a21,
  [
    "name: azure-2021-day",
    "duration: 1d",
    "functions:",
    `  - { template: fn, count: ${functions}, existing: true, timeout: 900s }`,
    "workload:",
    "  - action: replay",
    `    trace: { format: azure-2021, file: ${JSON.stringify(join(dir, A21))} }`,
    "    functions: { template: fn }",
    "    match: order",
    "",
  ].join("\n"),
);

const cases = [
  replay("one day", importDays("day", undefined, 1)),
  replay(`${days} days chained`, importDays("days", undefined, days)),
  replay("a tenth of the functions", importDays("tenth", Math.round(functions / 10), 1)),
  replay("azure-2021 rows, one day", a21),
];

// The reading alone: each partition reads the day file once.
const reader = spawnSync(
  process.execPath,
  [
    "--input-type=module",
    "-e",
    `const { readAzure2019Invocations } = await import(${JSON.stringify(here("../dist/trace/azure-2019.js"))});
     const t0 = performance.now(); let n = 0;
     for (const f of readAzure2019Invocations(${JSON.stringify(dayFile(1))})) n += f.total;
     console.log(JSON.stringify({ seconds: (performance.now() - t0) / 1000, invocations: n }));`,
  ],
  { encoding: "utf8" },
);
const read = JSON.parse(reader.stdout);

const fmt = (n) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : Math.round(n).toLocaleString("en-US"));
console.log(`| case | functions | days | invocations | median wall s | invocations/s | peak RSS MB |`);
console.log(`| --- | ---: | ---: | ---: | ---: | ---: | ---: |`);
for (const c of cases) {
  console.log(
    `| ${c.name} | ${c.functions.toLocaleString("en-US")} | ${c.simulated} | ${fmt(c.invocations)} | ${c.seconds.toFixed(2)} | ${fmt(c.perSecond)} | ${c.rssMb.toFixed(0)} |`,
  );
}
const threads = cases[0].workers + 1;
console.log(
  `\nReading the day file once: ${read.seconds.toFixed(3)} s (${fmt(read.invocations)} invocations counted); ` +
    `each of the run's ${threads} thread${threads === 1 ? "" : "s"} reads it once for its partitions: ` +
    `${(read.seconds * threads).toFixed(2)} s of CPU, ` +
    `${((read.seconds / cases[0].seconds) * 100).toFixed(1)}% of the one-day run's wall time on each. Threads: ${cases[0].threads}.`,
);
if (!args.dir && !args.keep) rmSync(dir, { recursive: true, force: true });
else console.error(`trace kept in ${dir}`);
rmSync(work, { recursive: true, force: true });
