#!/usr/bin/env node
// Peak memory of one run, in a process of its own: node bench/memory.mjs FILE [UNTIL]
// Prints "peak RSS <MB> MB" (the process's maximum resident set size).
import { runPlan } from "../dist/model/run.js";
import { loadScenarioFile } from "../dist/scenario/load.js";
import { parseDurationUs } from "../dist/scenario/units.js";

const [file, until] = process.argv.slice(2);
const plan = loadScenarioFile(file, until ? { untilUs: parseDurationUs(until) } : undefined);
const out = runPlan(plan, { partitions: 8 });
const rssMb = Math.round(process.resourceUsage().maxRSS / 1024);
console.log(`${plan.functions.names.length} functions, ${out.kernel.events} events, peak RSS ${rssMb} MB`);
