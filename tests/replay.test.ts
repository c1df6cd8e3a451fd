/**
 * Trace replays (issue 14 item 2): a `replay` step's rows arrive at their
 * recorded times at the functions they map to, carry their durations, and
 * give the same run whatever the workers and partitions; bad traces are
 * said where they are wrong.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Plan } from "../src/model/plan.js";
import { runPlan, runPlanAsync } from "../src/model/run.js";
import { buildReport, stripWallClock } from "../src/report/json-report.js";
import { loadScenarioText, validateScenarioText } from "../src/scenario/load.js";
import { traceFunctionName } from "../src/trace/trace-names.js";
import { ROOT } from "./helpers/build-cli.js";
import { runTraced } from "./helpers/run-traced.js";

const FIXTURES = join(import.meta.dirname, "fixtures", "replay");

/** A scenario in FIXTURES (so its trace files are found beside it). */
function fixturePlan(name: string): Plan {
  const file = join(FIXTURES, name);
  return loadScenarioText(readFileSync(file, "utf8"), file);
}

/** A scenario written to `dir` with its files. */
function planIn(dir: string, yaml: string, files: Record<string, string> = {}): Plan {
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const file = join(dir, "scenario.yaml");
  writeFileSync(file, yaml);
  return loadScenarioText(yaml, file);
}

const MAIN = join(ROOT, "dist", "bin", "fleet-sim.js");
const fleetSim = (args: string[]) => {
  const r = spawnSync(process.execPath, [MAIN, ...args], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

const tmp = () => mkdtempSync(join(tmpdir(), "fleet-sim-replay-"));

/** Functions that do not exist refuse each Invoke at the instant it arrives: the trace shows the arrival times. */
function arrivalsOf(plan: Plan, partitions = 2): Map<string, number[]> {
  const { trace } = runTraced(plan, partitions);
  const out = new Map<string, number[]>();
  for (const r of trace) {
    if (r.operation !== "Invoke") continue;
    out.set(r.function, [...(out.get(r.function) ?? []), r.timeUs]);
  }
  return out;
}

const ABSENT_FUNCTIONS = `
functions:
  - { template: a, name: orders-api }
  - { template: b, name: billing }
  - { template: c, name: reports }
`;

/** 1440 per-minute counts, zero but where `at` says. */
function minuteCounts(at: Record<number, number>): string {
  const counts = new Array<number>(1440).fill(0);
  for (const [m, n] of Object.entries(at)) counts[Number(m)] = n;
  return counts.join(",");
}

const AZURE_2019_HEADER = `HashOwner,HashApp,HashFunction,Trigger,${Array.from({ length: 1440 }, (_, i) => i + 1).join(",")}`;

describe("replay: rows arrive at their recorded times", () => {
  it("csv: each row is an Invoke of its function at its timestamp, in file order within the lookahead", () => {
    const dir = tmp();
    const plan = planIn(
      dir,
      `name: t\nduration: 2m\n${ABSENT_FUNCTIONS}\nworkload:\n  - action: replay\n    trace: { format: csv, file: t.csv }\n    functions: [orders-api, billing, reports]\n`,
      {
        "t.csv":
          "timestamp,function\n0.5,orders-api\n1.25,billing\n3,orders-api\n2,reports\n30,orders-api\n30,orders-api\n59.999999,reports\n",
      },
    );
    const got = arrivalsOf(plan);
    expect(got.get("orders-api")).toEqual([500_000, 3_000_000, 30_000_000, 30_000_000]);
    expect(got.get("billing")).toEqual([1_250_000]);
    expect(got.get("reports")).toEqual([2_000_000, 59_999_999]);
  });

  it("csv with ISO-8601 instants: times count from the first row's instant", () => {
    const dir = tmp();
    const plan = planIn(
      dir,
      `name: t\nduration: 1m\n${ABSENT_FUNCTIONS}\nworkload:\n  - action: replay\n    trace: { format: csv, file: t.csv }\n    functions: [orders-api]\n`,
      {
        "t.csv": "timestamp,function\n2026-01-31T09:00:00Z,orders-api\n2026-01-31T09:00:10.250Z,orders-api\n",
      },
    );
    expect(arrivalsOf(plan).get("orders-api")).toEqual([0, 10_250_000]);
  });

  it("azure-2021: a row arrives at end_timestamp - duration; rows outside the window are left out", () => {
    const plan = fixturePlan("replay-azure-2021.yaml");
    // Absent functions: the same trace, every arrival refused at its instant.
    for (const t of plan.templates) t.existing = false;
    const got = arrivalsOf(plan);
    // match: order: a1b2/f001 -> fn-0, a1b2/f002 -> fn-1, c3d4/f001 -> fn-2.
    expect(got.get("fn-0")).toEqual([500_000, 2_050_000, 91_000_000]);
    expect(got.get("fn-1")).toEqual([1_400_000]);
    expect(got.get("fn-2")).toEqual([500_000]);
    expect(got.get("fn-3")).toBeUndefined();
  });

  it("trace.from and at: trace time `from` plays at the step's start", () => {
    const dir = tmp();
    const plan = planIn(
      dir,
      `name: t\nduration: 2m\n${ABSENT_FUNCTIONS}\nworkload:\n  - action: replay\n    at: 10s\n    for: 20s\n    trace: { format: csv, file: t.csv, from: 100s }\n    functions: [billing]\n`,
      { "t.csv": "timestamp,function\n99,billing\n100,billing\n105.5,billing\n119.9,billing\n120,billing\n" },
    );
    expect(arrivalsOf(plan).get("billing")).toEqual([10_000_000, 15_500_000, 29_900_000]);
  });

  it("a row out of order by more than the lookahead arrives at the next read, counted late", () => {
    const dir = tmp();
    const plan = planIn(
      dir,
      `name: t\nduration: 5m\n${ABSENT_FUNCTIONS}\nworkload:\n  - action: replay\n    trace: { format: csv, file: t.csv, lookahead: 10s }\n    functions: [billing]\n`,
      { "t.csv": "timestamp,function\n1,billing\n200,billing\n100,billing\n201,billing\n" },
    );
    const got = arrivalsOf(plan).get("billing");
    // Reads run each simulated minute up to a minute and 10 s ahead: 200 s is read at 180 s, and
    // the row of 100 s behind it only then, so it arrives at 180 s.
    expect(got).toEqual([1_000_000, 180_000_000, 200_000_000, 201_000_000]);
    const out = runPlan(plan, { partitions: 1 });
    expect(out.replays[0]).toMatchObject({ rows: 4, lateRows: 1, arrivals: 4 });
  });
});

describe("replay: which function plays a trace function", () => {
  const csv = "timestamp,function\n1,x\n2,y\n3,x\n4,z\n";
  const scenario = (match: string) =>
    `name: t\nduration: 1m\nfunctions:\n  - { template: p, count: 2, name: "p-{i}" }\n  - { template: x, name: x }\nworkload:\n  - action: replay\n    trace: { format: csv, file: t.csv }\n    functions: [p-0, p-1, x]\n    match: ${match}\n`;

  it("name (the default): a trace function plays the scenario function of its name; the others are counted unmatched", () => {
    const plan = planIn(tmp(), scenario("name"), { "t.csv": csv });
    expect(Object.fromEntries(arrivalsOf(plan))).toEqual({ x: [1_000_000, 3_000_000] });
    expect(runPlan(plan, { partitions: 1 }).replays[0]).toMatchObject({
      rows: 4,
      unmatchedRows: 2,
      traceFunctions: 3,
      matchedFunctions: 1,
      arrivals: 2,
    });
  });

  it("order: the k-th trace function to appear plays the k-th selected function; extras are unmatched", () => {
    const plan = planIn(tmp(), scenario("order"), { "t.csv": csv });
    expect(Object.fromEntries(arrivalsOf(plan))).toEqual({
      "p-0": [1_000_000, 3_000_000],
      "p-1": [2_000_000],
      x: [4_000_000],
    });
  });

  it("map: a CSV of trace_function,function pairs", () => {
    const plan = planIn(tmp(), scenario("{ map: map.csv }"), {
      "t.csv": csv,
      "map.csv": "trace_function,function\nx,p-1\nz,p-0\n",
    });
    expect(Object.fromEntries(arrivalsOf(plan))).toEqual({
      "p-1": [1_000_000, 3_000_000],
      "p-0": [4_000_000],
    });
  });

  it("azure keys: a trace function's name is az- and 16 hex digits of its key's SHA-256", () => {
    const name = traceFunctionName("a1b2/f002");
    expect(name).toMatch(/^az-[0-9a-f]{16}$/);
    const dir = tmp();
    writeFileSync(join(dir, "t.txt"), readFileSync(join(FIXTURES, "azure-2021.txt")));
    const plan = planIn(
      dir,
      `name: t\nduration: 2m\nfunctions:\n  - { template: a, name: ${name} }\nworkload:\n  - action: replay\n    trace: { format: azure-2021, file: t.txt }\n    functions: [${name}]\n`,
    );
    expect(Object.fromEntries(arrivalsOf(plan))).toEqual({ [name]: [1_400_000] });
  });
});

describe("replay: durations", () => {
  /** One warm function; its only invocation's latency is its duration plus the invoke latency. */
  const run = (durations: string) => {
    const dir = tmp();
    const plan = planIn(
      dir,
      `name: t\nduration: 1m\nmodel: { invokeLatency: 1us }\nfunctions:\n  - { template: a, name: a, existing: true, timeout: 60s, duration: 10ms, initDuration: 0s }\nworkload:\n  - action: replay\n    trace: { format: csv, file: t.csv, durations: ${durations} }\n    functions: [a]\n`,
      { "t.csv": "timestamp,function,duration\n1,a,1234.5\n" },
    );
    const out = runPlan(plan, { partitions: 1 });
    return buildReport(out, { file: null, seed: 1, partitions: 1 }).histograms.invocationLatency;
  };

  it("trace: a row's duration replaces the template's draw", () => {
    const h = run("trace");
    expect(h.count).toBe(1);
    expect(h.max).toBeCloseTo(1.2345, 3);
  });

  it("template: the template's duration is drawn instead", () => {
    const h = run("template");
    expect(h.max).toBeCloseTo(0.01, 3);
  });
});

describe("replay: azure-2019 per-minute counts", () => {
  const rows = [
    `o1,a1,f1,http,${minuteCounts({ 0: 3, 1: 5, 59: 2 })}`,
    `o1,a1,f2,timer,${minuteCounts({ 1: 1 })}`,
    `o2,a9,f1,queue,${minuteCounts({ 0: 4 })}`,
  ];
  const day = `${AZURE_2019_HEADER}\n${rows.join("\n")}\n`;
  const keys = ["o1/a1/f1", "o1/a1/f2", "o2/a9/f1"];
  const scenario = (arrivals: string, duration = "3m") =>
    `name: t\nduration: ${duration}\nfunctions:\n${keys.map((k, i) => `  - { template: t${i}, name: ${traceFunctionName(k)} }`).join("\n")}\nworkload:\n  - action: replay\n    trace: { format: azure-2019, files: [d01.csv], arrivals: ${arrivals} }\n    functions: { template: t0 }\n  - action: idle\n    for: 0s\n`;

  /** Arrivals per minute of each function. */
  const perMinute = (arrivals: Map<string, number[]>) =>
    Object.fromEntries(
      [...arrivals].map(([name, times]) => {
        const counts: Record<number, number> = {};
        for (const t of times) counts[Math.floor(t / 60e6)] = (counts[Math.floor(t / 60e6)] ?? 0) + 1;
        return [name, counts];
      }),
    );

  it("each minute's count becomes that many arrivals within the minute (poisson and uniform)", () => {
    for (const arrivals of ["poisson", "uniform"]) {
      const dir = tmp();
      const yaml = scenario(arrivals).replace(
        "functions: { template: t0 }",
        "functions: [" + keys.map(traceFunctionName).join(", ") + "]",
      );
      const plan = planIn(dir, yaml, { "d01.csv": day });
      const got = perMinute(arrivalsOf(plan));
      expect(got).toEqual({
        [traceFunctionName(keys[0])]: { 0: 3, 1: 5 },
        [traceFunctionName(keys[1])]: { 1: 1 },
        [traceFunctionName(keys[2])]: { 0: 4 },
      });
    }
  });

  it("uniform: a minute's arrivals are evenly spaced", () => {
    const dir = tmp();
    const name = traceFunctionName(keys[0]);
    const plan = planIn(
      dir,
      scenario("uniform").replace("functions: { template: t0 }", `functions: [${name}]`),
      {
        "d01.csv": day,
      },
    );
    const times = arrivalsOf(plan)
      .get(name)!
      .filter((t) => t >= 60e6 && t < 120e6);
    const gaps = times.slice(1).map((t, i) => t - times[i]);
    for (const g of gaps) expect(Math.abs(g - 12e6)).toBeLessThanOrEqual(1);
  });

  it("several days chain: day 2 follows day 1", () => {
    const dir = tmp();
    const name = traceFunctionName(keys[1]);
    writeFileSync(join(dir, "d02.csv"), `${AZURE_2019_HEADER}\no1,a1,f2,timer,${minuteCounts({ 0: 2 })}\n`);
    const plan = planIn(
      dir,
      `name: t\nduration: 2m\nfunctions:\n  - { template: t, name: ${name} }\nworkload:\n  - action: replay\n    trace: { format: azure-2019, files: [d01.csv, d02.csv], from: 1439m }\n    functions: [${name}]\n`,
      { "d01.csv": `${AZURE_2019_HEADER}\no1,a1,f2,timer,${minuteCounts({ 1439: 1 })}\n` },
    );
    expect(perMinute(arrivalsOf(plan))).toEqual({ [name]: { 0: 1, 1: 2 } });
  });

  it("the window must be whole minutes", () => {
    const dir = tmp();
    writeFileSync(join(dir, "d01.csv"), day);
    const yaml = scenario("poisson").replace(
      "trace: { format: azure-2019, files: [d01.csv], arrivals: poisson }",
      "trace: { format: azure-2019, files: [d01.csv], from: 30s }\n    for: 90s",
    );
    const file = join(dir, "s.yaml");
    writeFileSync(file, yaml);
    const issues = validateScenarioText(yaml, file).map((i) => `${i.path}: ${i.message}`);
    expect(issues).toEqual([
      "workload[0].trace.from: trace.from is 30s: an azure-2019 trace counts by the minute, so it must be whole minutes",
      "workload[0].for: the replay's length is 1m30s: an azure-2019 trace counts by the minute, so it must be whole minutes",
    ]);
  });
});

describe("replay: determinism", () => {
  it("the same report across workers 0/1/2 and partitions 1/3 (azure-2021 with durations, azure-2019 poisson with durations)", async () => {
    const dir = tmp();
    // A denser trace: 40 functions over 5 minutes, rows sorted by end time.
    const rows: string[] = [];
    let x = 12345;
    const rand = () => (x = (x * 1103515245 + 12345) % 2147483648) / 2147483648;
    const raw: [number, string, number][] = [];
    for (let i = 0; i < 3000; i++) {
      const start = rand() * 300;
      const duration = 0.01 + rand() * rand() * 2;
      const f = Math.floor(rand() * rand() * 40);
      raw.push([start + duration, `app${f % 3}/fn${f}`, duration]);
    }
    raw.sort((a, b) => a[0] - b[0]);
    for (const [end, key, duration] of raw) {
      const [app, func] = key.split("/");
      rows.push(`${app},${func},${end.toFixed(3)},${duration.toFixed(3)}`);
    }
    writeFileSync(join(dir, "t.txt"), `app,func,end_timestamp,duration\n${rows.join("\n")}\n`);
    const day = [AZURE_2019_HEADER];
    for (let f = 0; f < 20; f++) {
      const counts: Record<number, number> = {};
      for (let m = 0; m < 5; m++) counts[m] = Math.floor(rand() * 30);
      day.push(`o${f % 3},a${f % 5},f${f},http,${minuteCounts(counts)}`);
    }
    writeFileSync(join(dir, "d01.csv"), `${day.join("\n")}\n`);
    const durations = [
      "HashOwner,HashApp,HashFunction,Average,Count,Minimum,Maximum,percentile_Average_0,percentile_Average_1,percentile_Average_25,percentile_Average_50,percentile_Average_75,percentile_Average_99,percentile_Average_100",
    ];
    for (let f = 0; f < 20; f += 2)
      durations.push(`o${f % 3},a${f % 5},f${f},100,10,5,900,5,8,40,90,150,700,900`);
    writeFileSync(join(dir, "p01.csv"), `${durations.join("\n")}\n`);
    const plan = planIn(
      dir,
      `name: t\nduration: 5m\nseed: 11\nfunctions:\n  - { template: a, count: 40, name: "a-{i:2}", existing: true, memory: 512 }\n  - { template: b, count: 20, name: "b-{i:2}", existing: true, duration: { lognormal: { median: 50ms, p99: 900ms } } }\nworkload:\n  - action: replay\n    trace: { format: azure-2021, file: t.txt }\n    functions: { template: a }\n    match: order\n  - action: replay\n    at: 0s\n    trace: { format: azure-2019, files: [d01.csv], durationFiles: [p01.csv] }\n    functions: { template: b }\n    match: order\n`,
    );
    const reports = new Set<string>();
    for (const workers of [0, 1, 2])
      for (const partitions of [1, 3]) {
        const out = await runPlanAsync(plan, { partitions, workers, sampleIntervalUs: 30e6 });
        const report = stripWallClock(buildReport(out, { file: null, seed: 11, partitions: 1 }));
        expect(report.invariants.every((i) => i.ok)).toBe(true);
        expect(report.replays![0].arrivals).toBeGreaterThan(2500);
        const text = JSON.stringify(
          { ...report, run: { ...report.run, workers: 0, partitions: 0, threads: "" } },
          null,
          1,
        );
        reports.add(text);
      }
    expect(reports.size).toBe(1);
  });
});

describe("replay: bad input", () => {
  const issuesOf = (yaml: string, files: Record<string, string> = {}) => {
    const dir = tmp();
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    const file = join(dir, "s.yaml");
    writeFileSync(file, yaml);
    return validateScenarioText(yaml, file).map(
      (i) => `${i.line}:${i.column}: ${i.path}: ${i.message.replace(dir, "DIR")}`,
    );
  };
  const step = (trace: string) =>
    `name: t\nduration: 1m\nfunctions:\n  - { template: a, name: a }\nworkload:\n  - action: replay\n    trace: ${trace}\n    functions: [a]\n`;

  it("a missing trace file is named, resolved against the scenario's directory", () => {
    expect(issuesOf(step("{ format: csv, file: nope.csv }"))).toEqual([
      "7:33: workload[0].trace.file: no such file: DIR/nope.csv",
    ]);
  });

  it("a file of another format is said at load, with its place in the file", () => {
    const issues = issuesOf(step("{ format: azure-2021, file: t.csv }"), {
      "t.csv": "timestamp,function\n1,a\n",
    });
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(/^7:40: workload\[0\]\.trace\.file: DIR\/t\.csv:1:1: /);
  });

  it("fields that belong to another format are refused", () => {
    expect(
      issuesOf(step("{ format: csv, file: t.csv, arrivals: uniform }"), { "t.csv": "timestamp,function\n" }),
    ).toEqual([
      "7:50: workload[0].trace.arrivals: arrivals is for azure-2019 traces (per-minute counts); a csv trace has each arrival's time",
    ]);
    expect(issuesOf(step("{ format: azure-2019, file: d.csv }"))).toEqual([
      "7:12: workload[0].trace: an azure-2019 trace needs files: its invocations_per_function files, one per day",
      "7:40: workload[0].trace.file: an azure-2019 trace takes files (one per day), not file",
    ]);
  });

  it("a bad mapping file is said by line", () => {
    const yaml = `${step("{ format: csv, file: t.csv }")}    match: { map: m.csv }\n`;
    expect(
      issuesOf(yaml, {
        "t.csv": "timestamp,function\n",
        "m.csv": "trace_function,function\nx,a\ny,nobody\nz\n",
      }),
    ).toEqual([
      "9:19: workload[0].match.map: DIR/m.csv:3: function 'nobody' is not one of the replay's functions",
      "9:19: workload[0].match.map: DIR/m.csv:4: expected trace_function,function, found 'z'",
    ]);
  });

  it("a row found bad during the run stops it with exit 1 and the row's place, never a stack trace (workers 0 and 2)", () => {
    const dir = tmp();
    writeFileSync(join(dir, "t.csv"), `timestamp,function\n1,a\n${"2,a\n".repeat(100)}90,a,oops,extra\n`);
    const file = join(dir, "s.yaml");
    writeFileSync(file, step("{ format: csv, file: t.csv }").replace("duration: 1m", "duration: 3m"));
    for (const workers of ["0", "2"]) {
      const r = fleetSim([
        "run",
        file,
        "--workers",
        workers,
        "--partitions",
        "2",
        "--out",
        join(dir, "r.json"),
      ]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`^fleet-sim: bad trace: ${dir}/t\\.csv:103:\\d+: `, "m"));
      expect(r.stderr).not.toMatch(/internal error|at .*\.js:\d+/);
    }
  });
});
