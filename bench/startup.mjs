#!/usr/bin/env node
// What a user waits for: whole-process wall time of short commands, beside a
// bare `node -e 0` measured in the same run. Commands are run in turn (A B C
// A B C ...) so drift in the machine's speed spreads over all of them; the
// figures are medians. With --vs DIR, the same commands run from another
// checkout (built) too, interleaved, so before and after are one run.
//
//   node bench/startup.mjs                 9 runs of each command
//   node bench/startup.mjs --runs 15
//   node bench/startup.mjs --vs ../before  the same commands in ../before, side by side
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";

const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const runs = Number(option("--runs") ?? 9);
const vs = option("--vs");

// Each checkout's own `bin`, as `npm link` or npx would run it.
const binOf = (dir) => JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).bin["fleet-sim"];

const commands = (dir) => [
  { name: "fleet-sim --version", cmd: "node", args: [binOf(dir), "--version"], cwd: dir },
  {
    name: "fleet-sim run scenarios/quickstart.yaml --quiet",
    cmd: "node",
    args: [binOf(dir), "run", "scenarios/quickstart.yaml", "--quiet"],
    cwd: dir,
  },
  { name: "npm start", cmd: "npm", args: ["start", "--silent"], cwd: dir },
  {
    name: "fleet-sim run bench/scenarios/one-function-1m.yaml --quiet",
    cmd: "node",
    args: [binOf(dir), "run", resolve("bench/scenarios/one-function-1m.yaml"), "--quiet"],
    cwd: dir,
  },
];

const here = process.cwd();
const cases = [{ name: "node -e 0", cmd: "node", args: ["-e", "0"], cwd: here, label: "" }];
for (const c of commands(here)) cases.push({ ...c, label: vs ? "this checkout" : "" });
if (vs) for (const c of commands(resolve(vs))) cases.push({ ...c, label: vs });

const times = cases.map(() => []);
for (let r = -1; r < runs; r++) {
  cases.forEach((c, i) => {
    const t0 = process.hrtime.bigint();
    const res = spawnSync(c.cmd, c.args, { cwd: c.cwd, stdio: ["ignore", "ignore", "pipe"] });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (res.status !== 0 && res.status !== 99) {
      process.stderr.write(`${c.name} (${c.cwd}) exited ${res.status}: ${res.stderr}\n`);
      process.exit(1);
    }
    if (r >= 0) times[i].push(ms); // the first round warms the file cache
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const bare = median(times[0]);
console.log(`Startup, whole-process wall time, median of ${runs} runs (min-max), node ${process.version}:\n`);
console.log(`| command | ${vs ? "checkout | " : ""}median s | min-max s | over node -e 0 s |`);
console.log(`| --- | ${vs ? "--- | " : ""}---: | ---: | ---: |`);
cases.forEach((c, i) => {
  const xs = times[i];
  const m = median(xs);
  const range = `${(Math.min(...xs) / 1000).toFixed(2)}-${(Math.max(...xs) / 1000).toFixed(2)}`;
  const checkout = vs ? `${c.label} | ` : "";
  console.log(
    `| ${c.name} | ${checkout}${(m / 1000).toFixed(2)} | ${range} | ${i === 0 ? "" : ((m - bare) / 1000).toFixed(2)} |`,
  );
});
