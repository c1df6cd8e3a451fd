/**
 * `fleet-sim import azure-2019`: the busiest functions of days of the Azure
 * Functions 2019 trace as a scenario that replays them. The trace is read
 * as a stream (only each function's key and day total are kept while
 * choosing); the scenario names each function by its trace name
 * (trace-names.ts) and refers to the day files, which the run reads again.
 */
import { dirname, relative, resolve } from "node:path";
import {
  type Azure2019Durations,
  azure2019Files,
  type Azure2019Memory,
  readAzure2019Durations,
  readAzure2019Invocations,
  readAzure2019Memory,
} from "../trace/azure-2019.js";
import { TraceInputError } from "../trace/trace-input-error.js";
import { traceFunctionName } from "../trace/trace-names.js";
import { ImportInputError } from "./json-input.js";

export interface ImportAzure2019Options {
  /** The directory of the trace's day files. */
  dir: string;
  /** The first day (1 for d01). */
  day: number;
  /** Days chained from `day`. */
  days: number;
  /** The busiest this many functions of the first day; undefined: every function. */
  top: number | undefined;
  arrivals: "poisson" | "uniform";
  /** Where the scenario will be written: the day files are named relative to its directory. */
  output: string;
}

/** Lambda's memory bounds and the step imported sizes are rounded up to. */
const MIN_MEMORY_MB = 128;
const MAX_MEMORY_MB = 10_240;
const MEMORY_STEP_MB = 64;
/** Lambda's default timeout, and its maximum. */
const MIN_TIMEOUT_S = 3;
const MAX_TIMEOUT_S = 900;

interface Chosen {
  key: string;
  trigger: string;
  total: number;
}

/** The scenario's text; bad input is an ImportInputError with the file and line. */
export function importAzure2019(o: ImportAzure2019Options): string {
  try {
    const days = Array.from({ length: o.days }, (_, i) => azure2019Files(o.dir, o.day + i));
    const { chosen, functions, invocations } = busiest(days[0].invocations, o.top);
    const keys = new Set(chosen.map((c) => c.key));
    const apps = new Set(chosen.map((c) => appOf(c.key)));
    const durations = readAzure2019Durations(days[0].durations, (k) => keys.has(k));
    const memory =
      days[0].memory === undefined ? null : readAzure2019Memory(days[0].memory, (a) => apps.has(a));
    if (chosen.length === 0)
      throw new ImportInputError(`${days[0].invocations}: no function has an invocation that day`);
    const files = { invocations: days.map((d) => d.invocations), durations: days.map((d) => d.durations) };
    return writeAzureScenario(o, files, { chosen, functions, invocations, durations, memory });
  } catch (e) {
    if (e instanceof TraceInputError) throw new ImportInputError(e.message);
    throw e;
  }
}

/** The first day's functions by their total, busiest first (ties by key, so the choice is stable). */
function busiest(
  file: string,
  top: number | undefined,
): { chosen: Chosen[]; functions: number; invocations: number } {
  const all: Chosen[] = [];
  let invocations = 0;
  for (const row of readAzure2019Invocations(file)) {
    invocations += row.total;
    all.push({ key: row.key, trigger: row.trigger, total: row.total });
  }
  all.sort((a, b) => b.total - a.total || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const chosen = all.filter((c) => c.total > 0).slice(0, top ?? all.length);
  return { chosen, functions: all.length, invocations };
}

const appOf = (key: string): string => key.slice(0, key.lastIndexOf("/"));

/** The app's most allocated memory, rounded up to Lambda's sizes. */
function memoryMbOf(m: Azure2019Memory | undefined): number | undefined {
  if (m === undefined) return undefined;
  const mb = Math.ceil(m.percentilesMb.p100 / MEMORY_STEP_MB) * MEMORY_STEP_MB;
  return Math.min(MAX_MEMORY_MB, Math.max(MIN_MEMORY_MB, mb));
}

/** The longest duration, rounded up to whole seconds, within Lambda's timeouts. */
function timeoutSOf(d: Azure2019Durations | undefined): number {
  if (d === undefined) return MIN_TIMEOUT_S;
  const longestMs = d.maximumMs >= 0 ? d.maximumMs : d.percentilesMs.p100;
  return Math.min(MAX_TIMEOUT_S, Math.max(MIN_TIMEOUT_S, Math.ceil(longestMs / 1000)));
}

const count = (n: number): string => n.toLocaleString("en-US");

/** Functions of one trigger and memory size: one template, busiest first. */
interface Group {
  name: string;
  trigger: string;
  memoryMb: number | undefined;
  timeoutS: number;
  members: Chosen[];
  total: number;
}

function groupsOf(
  chosen: Chosen[],
  durations: Map<string, Azure2019Durations>,
  memory: Map<string, Azure2019Memory> | null,
): Group[] {
  const groups = new Map<string, Group>();
  for (const c of chosen) {
    const memoryMb = memory === null ? undefined : memoryMbOf(memory.get(appOf(c.key)));
    const trigger = c.trigger.replace(/[^A-Za-z0-9_-]/g, "_") || "trigger";
    const name = memoryMb === undefined ? trigger : `${trigger}-${memoryMb}`;
    let g = groups.get(name);
    if (g === undefined) {
      g = { name, trigger: c.trigger, memoryMb, timeoutS: MIN_TIMEOUT_S, members: [], total: 0 };
      groups.set(name, g);
    }
    g.members.push(c);
    g.total += c.total;
    g.timeoutS = Math.max(g.timeoutS, timeoutSOf(durations.get(c.key)));
  }
  return [...groups.values()].sort((a, b) => b.total - a.total || (a.name < b.name ? -1 : 1));
}

function writeAzureScenario(
  o: ImportAzure2019Options,
  files: { invocations: string[]; durations: string[] },
  read: {
    chosen: Chosen[];
    functions: number;
    invocations: number;
    durations: Map<string, Azure2019Durations>;
    memory: Map<string, Azure2019Memory> | null;
  },
): string {
  const { chosen, durations, memory } = read;
  const chosenTotal = chosen.reduce((n, c) => n + c.total, 0);
  const share = read.invocations > 0 ? ` (${((chosenTotal / read.invocations) * 100).toFixed(1)}%)` : "";
  const outDir = dirname(resolve(o.output));
  const dd = `d${String(o.day).padStart(2, "0")}`;
  const groups = groupsOf(chosen, durations, memory);
  const out = [
    "# Imported by `fleet-sim import azure-2019` from the Azure Functions 2019 trace:",
    `#   ${o.dir}, day ${o.day}${o.days > 1 ? ` to ${o.day + o.days - 1}` : ""}`,
    `# ${o.top === undefined ? "Every" : `The ${count(chosen.length)} busiest of`} ${count(read.functions)} functions of day ${o.day}: ` +
      `${count(chosenTotal)} of ${count(read.invocations)} invocations${share}.`,
    "# Functions are grouped by trigger and memory, one template a group, busiest first. Memory is the app's",
    "# most allocated memory that day (Azure counts memory per app), rounded up to 64 MB; the timeout is the",
    "# group's longest duration, at least 3s. Each invocation's duration is drawn from its function's",
    "# percentiles that day (durationFiles). The trace has no runtime: every function has the default one.",
    `name: azure-2019-${dd}`,
    "seed: 1",
    `duration: ${o.days}d`,
    "",
  ];
  if (memory === null) {
    out.push(
      `# No app_memory_percentiles file for day ${o.day} (Azure published days 1 to 12): memory is Lambda's default, 128 MB.`,
    );
  }
  out.push("functions:");
  const names = new Map<string, string>();
  for (const g of groups) {
    const digits = String(g.members.length - 1).length;
    out.push(
      `  # ${g.trigger}: ${count(g.members.length)} functions, ${count(g.total)} invocations on day ${o.day}`,
    );
    out.push(
      `  - template: ${g.name}`,
      `    count: ${g.members.length}`,
      `    name: "${g.name}-{i:${digits}}"`,
    );
    if (g.memoryMb !== undefined) out.push(`    memory: ${g.memoryMb}`);
    out.push(`    timeout: ${g.timeoutS}s`, "    existing: true");
    g.members.forEach((c, i) => names.set(c.key, `${g.name}-${String(i).padStart(digits, "0")}`));
  }
  // Relative to the scenario when the trace is near it (the two move together), else absolute.
  const shown = (list: string[]) =>
    list.map((f) => {
      const near = relative(outDir, resolve(f));
      return JSON.stringify(near.startsWith("../../") || near === "" ? resolve(f) : near);
    });
  out.push(
    "",
    "workload:",
    "  - action: replay",
    "    trace:",
    "      format: azure-2019",
    `      files: [${shown(files.invocations).join(", ")}]`,
    `      durationFiles: [${shown(files.durations).join(", ")}]`,
    `      arrivals: ${o.arrivals}`,
    '    functions: "*"',
    "    # Each trace function (named az- and 16 hex digits of the SHA-256 of HashOwner/HashApp/HashFunction)",
    "    # plays one function; trace functions not imported are counted as unmatched in the report.",
    "    match:",
    "      map:",
  );
  for (const c of chosen) {
    const noDurations = durations.has(c.key) ? "" : "; no durations row: the default duration";
    out.push(
      `        ${traceFunctionName(c.key)}: ${names.get(c.key)} # ${shortKey(c.key)} ${count(c.total)}${noDurations}`,
    );
  }
  out.push("");
  return out.join("\n");
}

/** A key's hashes cut to 8 hex digits each, for comments (the name is the exact mapping). */
const shortKey = (key: string): string =>
  key
    .split("/")
    .map((h) => h.slice(0, 8))
    .join("/");
