#!/usr/bin/env node
// A stand-in for the single-function cold-start family of issue 13 (item 5):
// 20 scenarios, one function each (existing, python3.12, no VPC), Poisson
// arrivals at rates log-spaced from 0.002/s so that the 20 rates total
// 5.7/s, warm service 1.9-2.1 s, init 200-600 ms, a 10-minute keep-alive,
// 10^6 simulated seconds: about 5.7 million requests in all.
//
//   node bench/coldstart-family.mjs DIR     writes DIR/coldstart-NN.yaml
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

export const FAMILY_SIZE = 20;
export const FAMILY_HORIZON_S = 1e6;
const LOWEST_RPS = 0.002;
const TOTAL_RPS = 5.7;

/** The 20 rates, log-spaced from LOWEST_RPS, the highest chosen (by bisection) so they total TOTAL_RPS. */
export function familyRates() {
  const rates = (top) =>
    Array.from({ length: FAMILY_SIZE }, (_, i) => LOWEST_RPS * (top / LOWEST_RPS) ** (i / (FAMILY_SIZE - 1)));
  const total = (top) => rates(top).reduce((a, b) => a + b, 0);
  let lo = LOWEST_RPS;
  let hi = TOTAL_RPS;
  for (let k = 0; k < 60; k++) {
    const mid = (lo + hi) / 2;
    if (total(mid) < TOTAL_RPS) lo = mid;
    else hi = mid;
  }
  // Rounded to 4 significant digits, so a file reads as a plain rate.
  return rates(lo).map((r) => Number(r.toPrecision(4)));
}

function scenario(index, rps) {
  const name = `coldstart-${String(index).padStart(2, "0")}`;
  return `# Bench stand-in (bench/coldstart-family.mjs): one function, Poisson ${rps}/s for 10^6 s.
name: ${name}
seed: 1
duration: ${FAMILY_HORIZON_S}s
model:
  keepAlive: 10m

functions:
  - template: fn
    count: 1
    name: fn
    runtime: python3.12
    existing: true
    duration: { uniform: [1900ms, 2100ms] }
    initDuration: { uniform: [200ms, 600ms] }

workload:
  - at: 0s
    action: invoke
    for: ${FAMILY_HORIZON_S}s
    functions: fn
    arrival: { process: poisson, rate: ${rps}/s }
`;
}

/** Writes the family into `dir` and gives the files' paths and the expected number of requests. */
export function writeColdstartFamily(dir) {
  mkdirSync(dir, { recursive: true });
  const rates = familyRates();
  const files = rates.map((rps, i) => {
    const file = join(dir, `coldstart-${String(i).padStart(2, "0")}.yaml`);
    writeFileSync(file, scenario(i, rps));
    return file;
  });
  const expectedRequests = rates.reduce((a, b) => a + b, 0) * FAMILY_HORIZON_S;
  return { files, rates, expectedRequests };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const dir = process.argv[2];
  if (dir === undefined) {
    process.stderr.write("usage: node bench/coldstart-family.mjs DIR\n");
    process.exit(2);
  }
  const { files, rates, expectedRequests } = writeColdstartFamily(dir);
  console.log(
    `${files.length} scenarios in ${dir}, rates ${rates[0]}/s to ${rates.at(-1)}/s, about ${(expectedRequests / 1e6).toFixed(2)} M requests`,
  );
}
