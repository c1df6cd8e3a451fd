import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runPlan, runPlanAsync } from "../src/model/run.js";
import { PartitionHostError } from "../src/engine/threads/partition-host-error.js";
import { buildReport, stripWallClock } from "../src/report/json-report.js";
import { loadScenarioFile } from "../src/scenario/load.js";

// The worker entry is loaded from dist/ (piscina runs compiled JavaScript); `npm test` builds first.
const scenarioDir = new URL("../scenarios/", import.meta.url);
const scenarios = readdirSync(scenarioDir).filter((f) => f.endsWith(".yaml"));

function canonical(file: string, outcome: Parameters<typeof buildReport>[0]): string {
  return JSON.stringify(
    stripWallClock(buildReport(outcome, { file, seed: outcome.plan.seed, partitions: 8 })),
  );
}

describe("partitions on worker threads", () => {
  it.each(scenarios)(
    "%s: the report is identical with 0, 1, 2 and 4 workers",
    async (name) => {
      const file = `scenarios/${name}`;
      const plan = loadScenarioFile(new URL(name, scenarioDir).pathname);
      const reference = canonical(file, runPlan(plan, { partitions: 8 }));
      for (const workers of [1, 2, 4]) {
        const outcome = await runPlanAsync(plan, { partitions: 8, workers });
        expect(canonical(file, outcome), `${name} with ${workers} workers`).toBe(reference);
      }
    },
    180_000,
  );

  // The scale scenarios take minutes in full; their first simulated minutes exercise the same code.
  it.each([
    ["scale/scale-100k.yaml", 180_000_000],
    ["scale/scale-1m.yaml", 30_000_000],
  ])(
    "%s (first minutes): the report is identical with 0 and 2 workers",
    async (name, untilUs) => {
      const file = `scenarios/${name}`;
      const plan = loadScenarioFile(new URL(name, scenarioDir).pathname, { untilUs });
      const reference = canonical(file, runPlan(plan, { partitions: 8 }));
      const outcome = await runPlanAsync(plan, { partitions: 8, workers: 2 });
      expect(canonical(file, outcome)).toBe(reference);
    },
    180_000,
  );

  it("samples the same time series on worker threads as in one thread", async () => {
    const plan = loadScenarioFile(new URL("quickstart.yaml", scenarioDir).pathname);
    const local = runPlan(plan, { partitions: 8, sampleIntervalUs: 15_000_000 });
    const remote = await runPlanAsync(plan, { partitions: 8, workers: 2, sampleIntervalUs: 15_000_000 });
    expect(remote.samples.length).toBe(Math.floor(plan.untilUs / 15_000_000) + 1);
    expect(remote.samples).toEqual(local.samples);
  });

  it("V6: samples the async queue depth and oldest event age the same on worker threads", async () => {
    const plan = loadScenarioFile(new URL("async-retry-storm.yaml", scenarioDir).pathname, {
      untilUs: 1_200_000_000,
    });
    const local = runPlan(plan, { partitions: 8, sampleIntervalUs: 60_000_000 });
    const remote = await runPlanAsync(plan, { partitions: 8, workers: 2, sampleIntervalUs: 60_000_000 });
    expect(Math.max(...local.samples.map((s) => s.asyncQueueDepth))).toBeGreaterThan(1000);
    expect(remote.samples).toEqual(local.samples);
    expect(remote.async).toEqual(local.async);
  });

  it("V11: samples invocations by qualifier, provisioned concurrency and deploy phases the same on worker threads", async () => {
    const plan = loadScenarioFile(new URL("provisioned-alias-shift.yaml", scenarioDir).pathname);
    const local = runPlan(plan, { partitions: 8, sampleIntervalUs: 60_000_000 });
    const remote = await runPlanAsync(plan, { partitions: 8, workers: 2, sampleIntervalUs: 60_000_000 });
    const last = local.samples.at(-1)!.counters;
    expect(last.provisionedInvocations).toBe(local.obs.provisionedInvocations);
    expect(last.spilloverInvocations).toBeGreaterThan(0);
    expect(last.invocationsByQualifier).toEqual(Array.from(local.obs.invocationsByQualifier));
    expect(last.startsByDeployPhase).toEqual(Array.from(local.obs.startsByDeployPhase));
    expect(remote.samples).toEqual(local.samples);
  });
});

describe("faults in partition hosts", () => {
  const plan = () => loadScenarioFile(new URL("quickstart.yaml", scenarioDir).pathname);
  afterEach(() => {
    delete process.env.FLEET_SIM_INJECT_FAULT;
  });

  async function failure(run: Promise<unknown>): Promise<PartitionHostError> {
    const err = await run.then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(PartitionHostError);
    return err as PartitionHostError;
  }

  it("a partition on the coordinator's thread that throws is named the same way", async () => {
    // The coordinator's thread hosts partitions 0, 1, 5 and 7 here.
    process.env.FLEET_SIM_INJECT_FAULT = "throw:5:60";
    const err = await failure(runPlanAsync(plan(), { partitions: 8, workers: 2 }));
    expect(err.partition).toBe(5);
    expect(err.simTimeUs).toBeGreaterThanOrEqual(60_000_000);
    expect(err.simTimeUs).toBeLessThan(61_000_000);
    expect(err.message).toContain("partition 5 failed at simulated time 1m: injected fault in partition 5");
  });

  it("a partition that throws ends the run naming the partition, the simulated time and the cause", async () => {
    process.env.FLEET_SIM_INJECT_FAULT = "throw:3:60";
    const err = await failure(runPlanAsync(plan(), { partitions: 8, workers: 2 }));
    expect(err.partition).toBe(3);
    expect(err.simTimeUs).toBeGreaterThanOrEqual(60_000_000);
    expect(err.simTimeUs).toBeLessThan(61_000_000);
    expect(err.message).toContain("injected fault in partition 3");
  });

  it("a worker thread that exits ends the run instead of hanging", async () => {
    process.env.FLEET_SIM_INJECT_FAULT = "exit:2:30";
    const err = await failure(runPlanAsync(plan(), { partitions: 8, workers: 2 }));
    // The worker that died is named by the partitions it hosted, the faulty one among them.
    expect(hostedBy(err.message)).toContain(2);
  });

  it("the per-worker memory limit turns a runaway partition into the same clear error", async () => {
    // Partition 4 is on a worker thread (the coordinator's thread hosts 0, 1, 5 and 7 here).
    process.env.FLEET_SIM_INJECT_FAULT = "oom:4:10";
    const err = await failure(runPlanAsync(plan(), { partitions: 8, workers: 2, workerMemoryMb: 64 }));
    expect(hostedBy(err.message)).toContain(4);
    expect(err.message).toMatch(/memory/i);
  }, 60_000);
});

/** The partitions a "worker hosting partitions ... died" message names. */
function hostedBy(message: string): number[] {
  const m = /worker hosting partitions? ([\d, ]+) died/.exec(message);
  expect(m, message).not.toBeNull();
  return m![1].split(", ").map(Number);
}

describe("fleet-sim run --workers", () => {
  const cli = new URL("../dist/bin/fleet-sim.js", import.meta.url).pathname;
  const root = new URL("..", import.meta.url).pathname;

  function run(args: string[], env: Record<string, string> = {}) {
    return spawnSync(process.execPath, [cli, ...args], {
      cwd: root,
      encoding: "utf8",
      env: { ...process.env, ...env },
      timeout: 120_000,
    });
  }

  it("writes the same report with --workers 2 as with --workers 0", () => {
    const dir = mkdtempSync(join(tmpdir(), "fleet-sim-workers-"));
    const a = run([
      "run",
      "scenarios/stuck-pending.yaml",
      "--workers",
      "0",
      "--quiet",
      "--out",
      join(dir, "a.json"),
    ]);
    const b = run([
      "run",
      "scenarios/stuck-pending.yaml",
      "--workers",
      "2",
      "--quiet",
      "--out",
      join(dir, "b.json"),
    ]);
    expect(a.status).toBe(0);
    expect(b.status).toBe(0);
    const read = (f: string) =>
      JSON.stringify(stripWallClock(JSON.parse(readFileSync(join(dir, f), "utf8"))));
    expect(read("b.json")).toBe(read("a.json"));
  });

  it("exits 70 with the partition, the simulated time and the cause when a partition fails", () => {
    const r = run(["run", "scenarios/quickstart.yaml", "--workers", "2", "--quiet"], {
      FLEET_SIM_INJECT_FAULT: "throw:3:60",
    });
    expect(r.status).toBe(70);
    expect(r.stderr).toContain("partition 3 failed at simulated time 1m: injected fault in partition 3");
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  it("rejects a bad --workers value with exit code 1", () => {
    const r = run(["run", "scenarios/quickstart.yaml", "--workers", "lots"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('--workers: expected an integer from 0 to 64, got "lots"');
  });

  it("stops on Ctrl-C, closes the pool and writes the partial report", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fleet-sim-workers-"));
    const out = join(dir, "partial.json");
    const child = spawn(
      process.execPath,
      [cli, "run", "scenarios/scale/scale-100k.yaml", "--workers", "2", "--quiet", "--out", out],
      { cwd: root },
    );
    let stdout = "";
    child.stdout.on("data", (d) => {
      stdout += String(d);
    });
    await new Promise((r) => setTimeout(r, 5000));
    child.kill("SIGINT");
    const code = await new Promise<number | null>((r) => child.on("exit", (c) => r(c)));
    expect(code).toBe(130);
    const report = JSON.parse(readFileSync(out, "utf8"));
    expect(report.run.partial).toBe(true);
    expect(report.run.simulatedUs).toBeLessThan(24 * 3600 * 1e6);
    expect(stdout).toMatch(/stopped early/);
  }, 60_000);
});
