/**
 * `fleet-sim import azure-2019` (issue 14 item 2): the busiest functions of a
 * day of the Azure Functions 2019 trace as a scenario that replays them. The
 * fixtures in tests/fixtures/azure-2019/ are in the published format: five
 * functions of two apps, day 1 with durations and memory, day 2 chained.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { importAzure2019, type ImportAzure2019Options } from "../src/import/azure-2019-import.js";
import { ERROR_COUNT, Hist, TEMPLATE_HIST_INDEX } from "../src/model/observations.js";
import { runPlan } from "../src/model/run.js";
import { loadScenarioText } from "../src/scenario/load.js";
import { readAzure2019Invocations } from "../src/trace/azure-2019.js";
import { traceFunctionName } from "../src/trace/trace-names.js";
import { ROOT } from "./helpers/build-cli.js";

const DIR = join(import.meta.dirname, "fixtures", "azure-2019");
const MAIN = join(ROOT, "dist", "bin", "fleet-sim.js");
const DAY1 = join(DIR, "invocations_per_function_md.anon.d01.csv");

const H = (s: string) => s.repeat(32);
const KEYS = {
  f1: `${H("a1")}/${H("c3")}/${H("e5")}`,
  f2: `${H("a1")}/${H("c3")}/${H("f6")}`,
  f3: `${H("b2")}/${H("d4")}/${H("07")}`,
  f5: `${H("b2")}/${H("d4")}/${H("29")}`,
};

interface Written {
  name: string;
  duration: string;
  functions: {
    template: string;
    count: number;
    name: string;
    memory?: number;
    timeout: string;
    existing: boolean;
  }[];
  workload: {
    action: string;
    trace: { format: string; files: string[]; durationFiles: string[]; arrivals: string };
    functions: string;
    match: { map: Record<string, string> };
  }[];
}

function imported(options: Partial<ImportAzure2019Options> = {}): { text: string; file: string } {
  const out = mkdtempSync(join(tmpdir(), "fleet-sim-az19-"));
  const file = join(out, "azure.yaml");
  const text = importAzure2019({
    dir: DIR,
    day: 1,
    days: 1,
    top: undefined,
    arrivals: "poisson",
    output: file,
    ...options,
  });
  writeFileSync(file, text);
  return { text, file };
}

describe("import azure-2019: the functions", () => {
  it("every function with invocations that day, grouped by trigger and memory, each trace function mapped to one", () => {
    const w = parse(imported().text) as Written;
    expect(w.functions.map((f) => [f.template, f.count, f.name])).toEqual([
      ["queue-704", 1, "queue-704-{i:1}"],
      ["timer-256", 1, "timer-256-{i:1}"],
      ["http-256", 1, "http-256-{i:1}"],
      ["http-704", 1, "http-704-{i:1}"],
    ]);
    expect(w.functions.every((f) => f.existing)).toBe(true);
    // Function 4 of the fixture has no invocation that day: nothing to replay.
    expect(w.workload[0].match.map).toEqual({
      [traceFunctionName(KEYS.f3)]: "queue-704-0",
      [traceFunctionName(KEYS.f2)]: "timer-256-0",
      [traceFunctionName(KEYS.f1)]: "http-256-0",
      [traceFunctionName(KEYS.f5)]: "http-704-0",
    });
  });

  it("--top N keeps the N busiest", () => {
    const w = parse(imported({ top: 2 }).text) as Written;
    expect(Object.keys(w.workload[0].match.map)).toEqual([KEYS.f3, KEYS.f2].map(traceFunctionName));
    expect(imported({ top: 2 }).text).toContain(
      "# The 2 busiest of 5 functions of day 1: 678 of 859 invocations (78.9%).",
    );
  });

  it("memory from the app's most allocated memory rounded up to 64 MB, timeout from the group's longest duration", () => {
    const byName = new Map((parse(imported().text) as Written).functions.map((f) => [f.template, f]));
    // App a1/c3: pct100 200 MB -> 256; f1's Maximum 4100 ms -> 5s, f2's 3200 ms -> 4s.
    expect(byName.get("http-256")).toMatchObject({ memory: 256, timeout: "5s" });
    expect(byName.get("timer-256")).toMatchObject({ memory: 256, timeout: "4s" });
    // App b2/d4: pct100 700 MB -> 704; f3's Maximum 610 ms -> Lambda's default 3s.
    expect(byName.get("queue-704")).toMatchObject({ memory: 704, timeout: "3s" });
    // f5 has no durations row: said beside its mapping.
    expect(imported().text).toMatch(/http-704-0 # .* 7; no durations row: the default duration/);
  });

  it("the replay step refers to the day files and their durations, chained with --days", () => {
    const w = parse(imported({ days: 2, arrivals: "uniform" }).text) as Written;
    expect(w.duration).toBe("2d");
    expect(w.workload).toHaveLength(1);
    expect(w.workload[0]).toMatchObject({
      action: "replay",
      functions: "*",
      trace: { format: "azure-2019", arrivals: "uniform" },
    });
    const base = (files: string[]) => files.map((f) => f.replace(/.*\//, ""));
    expect(base(w.workload[0].trace.files)).toEqual([
      "invocations_per_function_md.anon.d01.csv",
      "invocations_per_function_md.anon.d02.csv",
    ]);
    expect(base(w.workload[0].trace.durationFiles)).toEqual([
      "function_durations_percentiles.anon.d01.csv",
      "function_durations_percentiles.anon.d02.csv",
    ]);
  });

  it("the same input writes the same bytes", () => {
    expect(imported().text).toBe(imported().text);
  });
});

describe("import azure-2019: the run reproduces the trace", () => {
  it("the scenario validates and runs; each function's invocations per minute are the trace's (within the minute-end spill)", () => {
    const { text, file } = imported();
    const plan = loadScenarioText(text, file, { untilUs: 15 * 60e6 });
    const names = plan.functions.names;
    expect(names).toHaveLength(4);
    const out = runPlan(plan, { partitions: 3, sampleIntervalUs: 60e6 });
    expect(out.invariants.every((i) => i.ok)).toBe(true);
    const trace = new Map<string, Uint32Array>();
    const map = (parse(text) as Written).workload[0].match.map;
    for (const row of readAzure2019Invocations(DAY1))
      trace.set(map[traceFunctionName(row.key)] ?? row.key, row.countsPerMinute);
    for (const [g, name] of names.entries()) {
      const counts = trace.get(name)!;
      // Invocations ended by each sample point, from the function's template's counters (one function each).
      const t = plan.functions.template[g];
      const ended = out.samples.map((s) => {
        let n = 0;
        for (let e = 0; e < ERROR_COUNT; e++) n += s.counters.invocationsByTemplate[t * ERROR_COUNT + e];
        return n;
      });
      let arrived = 0;
      for (let m = 0; m < out.samples.length - 1; m++) {
        arrived += counts[m];
        // An invocation that arrives in a minute's last seconds ends in the next: a few at most.
        const spill = Math.ceil(counts[m] * (5 / 60)) + 3;
        expect(Math.abs(ended[m + 1] - arrived), `${name} minute ${m}`).toBeLessThanOrEqual(spill);
      }
    }
    const r = out.replays[0];
    const inWindow = [...trace.values()].reduce((n, c) => n + c.slice(0, 15).reduce((a, b) => a + b, 0), 0);
    expect(r).toMatchObject({
      rows: inWindow,
      unmatchedRows: 0,
      arrivals: inWindow,
      traceFunctions: 5,
      matchedFunctions: 4,
    });
  });

  it("each invocation's duration is drawn from its function's percentiles that day", () => {
    const { text, file } = imported();
    const plan = loadScenarioText(text, file, { untilUs: 60 * 60e6 });
    const out = runPlan(plan, { partitions: 2 });
    const latency = (template: string) => {
      const t = plan.templates.findIndex((x) => x.name === template);
      return out.obs.templateHistograms[
        TEMPLATE_HIST_INDEX[Hist.InvocationLatency] * plan.templates.length + t
      ];
    };
    // The timer function's percentiles run from 2,050 to 3,150 ms; the http-256 one's from 15 to 3,900 ms.
    const timer = latency("timer-256");
    expect(timer.totalCount).toBe(12);
    expect(timer.minNonZeroValue).toBeGreaterThanOrEqual(2_050_000);
    expect(timer.maxValue).toBeLessThan(3_150_000 + 1_500_000);
    const http = latency("http-256");
    expect(http.totalCount).toBe(174);
    expect(http.getValueAtPercentile(50)).toBeGreaterThan(80_000);
    expect(http.getValueAtPercentile(50)).toBeLessThan(160_000);
  });
});

describe("import azure-2019: the command", () => {
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, [MAIN, ...args], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });

  it("writes the scenario, which validates", () => {
    const out = join(mkdtempSync(join(tmpdir(), "fleet-sim-az19-")), "a.yaml");
    const r = cli("import", "azure-2019", DIR, "--day", "1", "--top", "3", "-o", out);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`wrote ${out}\n`);
    expect(cli("validate", out).status).toBe(0);
    expect(readFileSync(out, "utf8")).toContain("# The 3 busiest of 5 functions of day 1");
  });

  it("bad input: a missing day, a directory that is not the trace, a bad --top: exit 1 with the place", () => {
    const out = join(mkdtempSync(join(tmpdir(), "fleet-sim-az19-")), "a.yaml");
    const missing = cli("import", "azure-2019", DIR, "--day", "3", "-o", out);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/^fleet-sim: .*d03.*\n$/);
    const notTrace = cli("import", "azure-2019", join(ROOT, "scenarios"), "--day", "1", "-o", out);
    expect(notTrace.status).toBe(1);
    expect(notTrace.stderr).toMatch(/^fleet-sim: .*invocations_per_function_md\.anon\.d01\.csv/);
    const top = cli("import", "azure-2019", DIR, "--day", "1", "--top", "0", "-o", out);
    expect(top.status).toBe(1);
    expect(top.stderr).toBe("fleet-sim: --top: expected a whole number of functions, 1 or more, got 0\n");
    for (const r of [missing, notTrace, top]) expect(r.stderr).not.toMatch(/internal error|\.js:\d+/);
  });
});
