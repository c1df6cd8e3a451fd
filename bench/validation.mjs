#!/usr/bin/env node
// The model against published measurements of AWS Lambda (docs/validation.md):
// runs the cold-start family scenarios/coldstart/*.yaml as one `fleet-sim run`
// set and compares each report with the experiment it reproduces.
//
//   npm run build && node bench/validation.mjs
//   node bench/validation.mjs --reports DIR    compare reports already written by
//                                              fleet-sim run 'scenarios/coldstart/*.yaml' --out DIR
//   node bench/validation.mjs --markdown       the tables as Markdown (docs/validation.md)
//   node bench/validation.mjs --seed N         passed on to fleet-sim run
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { CLIENT_OVERHEAD_MS, loadMeasurements } from "../scripts/coldstart-scenarios.mjs";
import { LOW_RATE_LIMIT, lowRateColdProbability } from "./validation/coldstart-theory.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const markdown = args.includes("--markdown");

/** Runs the family as one set; returns the directory of its reports. */
function runFamily() {
  const dir = mkdtempSync(join(tmpdir(), "fleet-sim-validation-"));
  const cli = join(root, "dist/bin/fleet-sim.js");
  if (!existsSync(cli)) throw new Error("dist/ is missing: run npm run build first");
  const seed = option("--seed");
  const t0 = performance.now();
  execFileSync(
    process.execPath,
    [cli, "run", "scenarios/coldstart/*.yaml", "--out", dir, "--quiet", ...(seed ? ["--seed", seed] : [])],
    { cwd: root, stdio: ["ignore", "ignore", "inherit"] },
  );
  return { dir, wallS: (performance.now() - t0) / 1000 };
}

const given = option("--reports");
const { dir, wallS } = given ? { dir: given, wallS: null } : runFamily();
const experiments = loadMeasurements();
const rows = experiments.map((e, i) => {
  const name = `coldstart-${String(i + 1).padStart(2, "0")}`;
  const report = JSON.parse(readFileSync(join(dir, `${name}.json`), "utf8"));
  const { coldStarts, warmStarts } = report.invocations;
  // The environment fields are new (issue 13, item 1): n/a in reports without them.
  const env = report.environments;
  // The times the scenarios hold an environment for: AWS's durations (scripts/coldstart-scenarios.mjs).
  const warmS = (Math.round(e.serviceTimeWarmMs) - CLIENT_OVERHEAD_MS) / 1000;
  const coldS = (Math.round(e.serviceTimeColdMs) - CLIENT_OVERHEAD_MS) / 1000;
  return {
    name,
    e,
    requests: report.invocations.requests,
    cold: coldStarts / (coldStarts + warmStarts),
    theory:
      e.arrivalRate <= LOW_RATE_LIMIT
        ? lowRateColdProbability(e.arrivalRate, warmS, coldS, e.idleMinutesBeforeKill * 60)
        : null,
    instances: typeof env?.average?.total === "number" ? env.average.total : null,
    utilization: typeof env?.utilization === "number" ? env.utilization : null,
  };
});
if (!given) rmSync(dir, { recursive: true, force: true });

const relErr = (ours, measured) => (ours - measured) / measured;
const pct = (x, digits = 1) => `${x >= 0 ? "+" : ""}${(100 * x).toFixed(digits)}%`;
const fix = (x, digits) => (x === null ? "n/a" : x.toFixed(digits));
const mean = (xs) => xs.reduce((s, x) => s + x, 0) / xs.length;

/** Prints a table as aligned text, or as Markdown. */
function table(header, body) {
  if (markdown) {
    console.log(`| ${header.join(" | ")} |`);
    console.log(`| ${header.map(() => "---").join(" | ")} |`);
    for (const r of body) console.log(`| ${r.join(" | ")} |`);
    return;
  }
  const widths = header.map((h, j) => Math.max(h.length, ...body.map((r) => r[j].length)));
  const line = (r) => r.map((c, j) => c.padStart(widths[j])).join("  ");
  console.log(line(header));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const r of body) console.log(line(r));
}

const within = rows.filter(
  (r) => Math.abs(r.cold - r.e.coldStartProbability) <= 2 * r.e.coldStartProbabilitySE,
);
const coldMape = mean(rows.map((r) => Math.abs(relErr(r.cold, r.e.coldStartProbability))));

console.log(markdown ? "Cold-start probability:\n" : "COLD-START PROBABILITY");
table(
  ["#", "rate/s", "measured ± 2 SE", "ours", "error", "within 2 SE", "low-rate formula"],
  rows.map((r) => [
    r.name.slice(-2),
    r.e.arrivalRate.toPrecision(3),
    `${r.e.coldStartProbability.toFixed(5)} ± ${(2 * r.e.coldStartProbabilitySE).toFixed(5)}`,
    r.cold.toFixed(5),
    pct(relErr(r.cold, r.e.coldStartProbability)),
    within.includes(r) ? "yes" : "no",
    r.theory === null ? "-" : r.theory.toFixed(5),
  ]),
);
console.log("");
console.log(`within 2 SE in ${within.length} of ${rows.length}`);
console.log(`mean absolute relative error ${(100 * coldMape).toFixed(1)}%`);

console.log(
  markdown ? "\nAverage instances and utilisation (busy over instances, time-weighted):\n" : "\nENVIRONMENTS",
);
const envColumns = [
  ["instances", "averageInstanceCount", 3, "average.total"],
  ["utilization", "averageUtilization", 4, "utilization"],
];
table(
  ["#", "rate/s", "instances measured", "ours", "error", "utilisation measured", "ours", "error"],
  rows.map((r) => [
    r.name.slice(-2),
    r.e.arrivalRate.toPrecision(3),
    ...envColumns.flatMap(([key, field, digits]) => [
      r.e[field].toFixed(digits),
      fix(r[key], digits),
      r[key] === null ? "n/a" : pct(relErr(r[key], r.e[field])),
    ]),
  ]),
);
console.log("");
for (const [key, field, , reportField] of envColumns) {
  const have = rows.filter((r) => r[key] !== null);
  const label = key === "instances" ? "average instances" : "utilisation";
  console.log(
    have.length === 0
      ? `${label}: mean absolute relative error n/a (the reports have no environments.${reportField})`
      : `${label}: mean absolute relative error ${(100 * mean(have.map((r) => Math.abs(relErr(r[key], r.e[field]))))).toFixed(1)}%` +
          (have.length < rows.length ? ` over ${have.length} of ${rows.length}` : ""),
  );
}

if (wallS !== null) {
  const requests = rows.reduce((s, r) => s + r.requests, 0);
  console.log(
    `\nran ${rows.length} scenarios, ${requests} requests, in ${wallS.toFixed(1)} s (one fleet-sim run)`,
  );
}
