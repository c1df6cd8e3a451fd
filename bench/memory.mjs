#!/usr/bin/env node
// Peak memory of one run, in a process of its own:
//   node bench/memory.mjs FILE [UNTIL] [--workers N]
// Prints "peak RSS <MB> MB": the process's maximum resident set size, which
// counts the worker threads too (they share the process).
import { runPlan, runPlanAsync } from "../dist/model/run.js";
import { loadScenarioFile } from "../dist/scenario/load.js";
import { parseDurationUs } from "../dist/scenario/units.js";

const args = process.argv.slice(2);
const w = args.indexOf("--workers");
const workers = w >= 0 ? Number(args[w + 1]) : 0;
const [file, until] = args.filter((a, i) => i !== w && i !== w + 1);
const plan = loadScenarioFile(file, until ? { untilUs: parseDurationUs(until) } : undefined);
const out =
  workers > 0 ? await runPlanAsync(plan, { partitions: 8, workers }) : runPlan(plan, { partitions: 8 });
const rssMb = Math.round(process.resourceUsage().maxRSS / 1024);
console.log(
  `${plan.functions.names.length} functions, ${out.kernel.events} events, ${(out.wallMs / 1000).toFixed(1)} s, peak RSS ${rssMb} MB`,
);
