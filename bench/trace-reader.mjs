#!/usr/bin/env node
// How fast the trace readers (src/trace/) read, and that they read in constant
// memory. After `npm run build`:
//   node bench/trace-reader.mjs [--rows R] [--functions N] [--runs K] [--dir DIR] [--keep]
// Writes synthetic inputs in the published formats (scripts/synthetic-trace.mjs)
// to a temporary directory, or reads them from --dir: an azure-2021 file and a
// trace CSV of R rows (default 5,000,000) and one Azure 2019 day of N functions
// (default 10,000). Each reader runs in a process of its own, K times (default
// 5), reading every row; printed: the median's rows/s and MB/s, the first
// read's peak RSS growth over the process's RSS before it (the buffer, the key
// cache, compiled code, the young heap, and for the 2019 durations and memory
// files their Map of results), and how much the RSS still rose between a tenth
// of the rows and the end: about 0 when memory does not grow with the file.
// A bare read of each file (1 MiB readSync and a newline count) shows what the
// disk and page cache give.
import { Buffer } from "node:buffer";
import { spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, readSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const { values: args } = parseArgs({
  options: {
    rows: { type: "string", default: "5000000" },
    functions: { type: "string", default: "10000" },
    runs: { type: "string", default: "5" },
    dir: { type: "string" },
    keep: { type: "boolean", default: false },
    child: { type: "string" },
    file: { type: "string" },
  },
});
const runs = Number(args.runs);

if (args.child) {
  await child(args.child, args.file);
  process.exit(0);
}

const A21 = "AzureFunctionsInvocationTraceForTwoWeeksJan2021.txt";
const dir = args.dir ?? mkdtempSync(join(tmpdir(), "trace-bench-"));
const generate = (format, extra, file) => {
  if (existsSync(join(dir, file))) return;
  console.error(`writing ${format} to ${dir}`);
  const out = spawnSync(
    process.execPath,
    [here("../scripts/synthetic-trace.mjs"), "--format", format, "--out", dir, "--seed", "1", ...extra],
    { stdio: "inherit" },
  );
  if (out.status !== 0) process.exit(1);
};
generate("azure-2021", ["--rows", args.rows, "--functions", args.functions, "--days", "14"], A21);
generate("csv", ["--rows", args.rows, "--functions", args.functions, "--days", "1"], "trace.csv");
generate(
  "azure-2019",
  ["--functions", args.functions, "--days", "1"],
  "invocations_per_function_md.anon.d01.csv",
);

const cases = [
  ["azure-2021 (openAzure2021)", "azure-2021", A21],
  ["csv (openCsvTrace)", "csv", "trace.csv"],
  [
    `azure-2019 invocations (a ${Number(args.functions).toLocaleString("en-US")}-function day)`,
    "azure-2019-invocations",
    "invocations_per_function_md.anon.d01.csv",
  ],
  ["azure-2019 durations", "azure-2019-durations", "function_durations_percentiles.anon.d01.csv"],
  ["azure-2019 memory", "azure-2019-memory", "app_memory_percentiles.anon.d01.csv"],
];
const rows = [];
for (const [name, reader, file] of cases) {
  const path = join(dir, file);
  const out = spawnSync(
    process.execPath,
    [fileURLToPath(import.meta.url), "--child", reader, "--file", path, "--runs", String(runs)],
    {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  if (out.status !== 0) process.exit(1);
  const result = JSON.parse(out.stdout);
  const bare = bareRead(path);
  rows.push({ name, mb: statSync(path).size / 1e6, ...result, bareMbps: bare });
}

const fmt = (n, d = 2) => (n >= 1e6 ? `${(n / 1e6).toFixed(d)} M` : n.toFixed(0));
console.log(
  `| reader | file MB | rows | median s | rows/s | MB/s | bare read MB/s | first read's peak RSS growth MB | RSS rise, 10%-100% of rows, MB |`,
);
console.log(`| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |`);
for (const r of rows) {
  console.log(
    `| ${r.name} | ${r.mb.toFixed(0)} | ${r.rows} | ${r.medianS.toFixed(3)} | ${fmt(r.rows / r.medianS)} | ${(r.mb / r.medianS).toFixed(0)} | ${r.bareMbps.toFixed(0)} | ${r.growthMb.toFixed(1)} | ${r.lateGrowthMb === null ? "n/a (a Map per key)" : r.lateGrowthMb.toFixed(1)} |`,
  );
}
if (!args.dir && !args.keep) rmSync(dir, { recursive: true, force: true });
else console.error(`inputs kept in ${dir}`);

/** MB/s of reading the file in 1 MiB chunks and counting newlines: the ceiling for any reader. */
function bareRead(path) {
  const buf = Buffer.allocUnsafe(1 << 20);
  const times = [];
  for (let run = 0; run < runs; run++) {
    const t0 = performance.now();
    const fd = openSync(path, "r");
    let lines = 0;
    for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0;) {
      for (let i = buf.indexOf(10); i !== -1 && i < n; i = buf.indexOf(10, i + 1)) lines++;
    }
    closeSync(fd);
    times.push((performance.now() - t0) / 1000);
    if (lines === 0) console.error(`${path}: no lines`);
  }
  return statSync(path).size / 1e6 / median(times);
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * One reader, `runs` times, in this process: prints {rows, medianS, growthMb,
 * lateGrowthMb}, both from RSS samples taken during the first run (every 65,536
 * rows, 64 for the 2019 files, and at its end). growthMb: the highest over the
 * RSS before the read (the buffer, the key cache, compiled code, the young
 * heap, a Map of results). lateGrowthMb: the rise from a tenth of the rows to
 * the end, which constant memory keeps near 0 whatever the file's size.
 */
async function child(reader, path) {
  const cursors = await import("../dist/trace/row-cursor.js");
  const azure2019 = await import("../dist/trace/azure-2019.js");
  const samples = [];
  let sampling = true;
  const every = reader.startsWith("azure-2019") ? 64 : 65536;
  let seen = 0;
  const tick = () => {
    if (sampling && ++seen % every === 0) samples.push(process.memoryUsage.rss());
  };
  const readOnce = {
    "azure-2021": () => drain(cursors.openAzure2021(path), tick),
    csv: () => drain(cursors.openCsvTrace(path), tick),
    "azure-2019-invocations": () => {
      let n = 0;
      for (const f of azure2019.readAzure2019Invocations(path)) {
        n += f.total > -1 ? 1 : 0;
        tick();
      }
      return n;
    },
    "azure-2019-durations": () => azure2019.readAzure2019Durations(path).size,
    "azure-2019-memory": () => azure2019.readAzure2019Memory(path).size,
  }[reader];
  const rssBefore = process.memoryUsage.rss();
  const times = [];
  let count = 0;
  for (let run = 0; run < runs; run++) {
    const t0 = performance.now();
    count = readOnce();
    times.push((performance.now() - t0) / 1000);
    if (sampling) samples.push(process.memoryUsage.rss());
    sampling = false;
  }
  const growthMb = Math.max(0, (Math.max(...samples) - rssBefore) / 1e6);
  const tenth = Math.floor(samples.length / 10);
  const lateGrowthMb =
    samples.length >= 10 ? Math.max(0, (Math.max(...samples.slice(tenth)) - samples[tenth]) / 1e6) : null;
  console.log(JSON.stringify({ rows: count, medianS: median(times), growthMb, lateGrowthMb }));
}

function drain(cursor, tick) {
  let n = 0;
  let check = 0;
  while (cursor.next()) {
    n++;
    check += cursor.atUs + cursor.durationUs + cursor.key.length;
    tick();
  }
  cursor.close();
  return check === -1 ? -1 : n;
}
