/**
 * Replications and sweeps (issue 6): Student's t, confidence intervals that
 * cover the truth as often as they claim to, `--set` paths, the grid, the
 * edge answer of a sweep, and common random numbers.
 */
import { describe, expect, it } from "vitest";
import {
  longestFirst,
  replicationSeeds,
  runJobs,
  runJobsSettled,
  summarise,
} from "../src/experiment/experiment.js";
import { estimate, studentTQuantile } from "../src/experiment/statistics.js";
import { answer, holds, orderKey, sweepGrid } from "../src/experiment/sweep.js";
import { MODEL_DEFAULTS } from "../src/model/defaults.js";
import { runPlan } from "../src/model/run.js";
import { buildReport } from "../src/report/json-report.js";
import { metricValue } from "../src/measures/report-metrics.js";
import { loadScenarioText } from "../src/scenario/load.js";
import { applySetting, parseSetFlag, parseSettingPath } from "../src/scenario/settings.js";
import { constant, PlanBuilder } from "./helpers/plan-builder.js";

describe("Student's t and the confidence interval", () => {
  it("t quantiles match the published table", () => {
    // Two-sided 95%: t(0.975, df) from any statistics table.
    const table: [number, number][] = [
      [1, 12.706],
      [2, 4.303],
      [4, 2.776],
      [9, 2.262],
      [29, 2.045],
      [120, 1.98],
    ];
    for (const [df, t] of table) expect(studentTQuantile(0.975, df)).toBeCloseTo(t, 3);
    expect(studentTQuantile(0.975, 1e6)).toBeCloseTo(1.96, 3);
  });

  it("the interval is mean ± t·sd/√n, and a single replication has none", () => {
    const e = estimate([1, 2, 3, 4, 5]);
    expect(e.mean).toBe(3);
    expect(e.sd).toBeCloseTo(Math.sqrt(2.5), 12);
    expect(e.ciHigh - e.mean).toBeCloseTo(2.776445 * (Math.sqrt(2.5) / Math.sqrt(5)), 5);
    expect(estimate([7])).toEqual({ n: 1, mean: 7, sd: 0, ciLow: 7, ciHigh: 7 });
  });

  /*
   * A model with a known answer: Poisson arrivals at λ = 40/s, no limit,
   * handlers of exactly 100 ms after the 20 ms frontend latency, so by
   * Little's law the time-average concurrency is λ·S = 40 · 0.12 = 4.8 (the
   * first 60 s, where environments start cold, are left out). Each
   * experiment is 3 replications of 240 s with consecutive seeds; its 95%
   * interval (t with 2 degrees of freedom, 4.30) should cover 4.8 in 95% of
   * experiments. Over 200 experiments the count covering is binomial with
   * standard deviation √(200·0.95·0.05) ≈ 3.1, so a correct interval gives
   * 190 ± 6 and we accept 181 to 199 (3 standard deviations). An interval
   * using the normal's 1.96 instead of t would cover about 80%: 160, far
   * outside; one too wide (say 2·t) would cover nearly all: 200, rejected.
   */
  it("the 95% interval covers the true mean concurrency (Little's law) in about 95% of experiments", () => {
    const lambda = 40;
    const handlerS = 0.1;
    const truth = lambda * (handlerS + MODEL_DEFAULTS.invokeLatencyUs / 1e6);
    const runMean = (seed: number) => {
      const plan = new PlanBuilder(300)
        .seed(seed)
        .template("fn", { existing: true, duration: constant(handlerS), initDuration: constant(0.2) })
        .stream(["fn"], lambda, 0, 300)
        .build();
      const out = runPlan(plan, { partitions: 1, sampleIntervalUs: 1_000_000, keepSamples: true });
      const after = out.samples.filter((s) => s.timeUs > 60_000_000);
      return after.reduce((a, s) => a + s.concurrency, 0) / after.length;
    };
    let covered = 0;
    const experiments = 200;
    for (let k = 0; k < experiments; k++) {
      const e = estimate(replicationSeeds(1000 + 3 * k, 3).map(runMean));
      if (e.ciLow <= truth && truth <= e.ciHigh) covered++;
    }
    expect(covered).toBeGreaterThanOrEqual(181);
    expect(covered).toBeLessThanOrEqual(199);
  }, 120_000);
});

describe("--set paths", () => {
  const data = () => ({
    account: { concurrencyLimit: 1000 },
    network: { vpcs: [{ id: "vpc-a", subnets: [{ id: "subnet-a", cidr: "10.0.0.0/24" }] }] },
    functions: [{ template: "api", memory: 128 }],
  });

  it("addresses fields by key, [index] and [id/name/template], converting to the field's type", () => {
    const d = data();
    expect(applySetting(d, { path: "account.concurrencyLimit", value: "1500" })).toBeNull();
    expect(
      applySetting(d, { path: "network.vpcs[0].subnets[subnet-a].cidr", value: "10.0.0.0/25" }),
    ).toBeNull();
    expect(applySetting(d, { path: "functions[api].reservedConcurrency", value: "50" })).toBeNull();
    expect(applySetting(d, { path: "model.keepAlive", value: "5m" })).toBeNull();
    expect(applySetting(d, { path: "network.subnets[0].usedByOthers", value: "7" })).toBeNull();
    expect(d.account.concurrencyLimit).toBe(1500);
    expect(d.network.vpcs[0].subnets[0].cidr).toBe("10.0.0.0/25");
    expect((d.network.vpcs[0].subnets[0] as Record<string, unknown>).usedByOthers).toBe(7);
    expect((d.functions[0] as Record<string, unknown>).reservedConcurrency).toBe(50);
    expect((d as Record<string, unknown>).model).toEqual({ keepAlive: "5m" });
  });

  it("says what is wrong with a path", () => {
    expect(applySetting(data(), { path: "functions[web].memory", value: "1" })).toBe(
      "--set functions[web].memory: functions[web] is not in the scenario",
    );
    expect(parseSettingPath("account..limit")).toMatch(/is not a field name/);
    expect(parseSetFlag("account.concurrencyLimit")).toMatch(/expected PATH=V1,V2/);
    expect(parseSetFlag("account.concurrencyLimit=1,,2")).toMatch(/a value is empty/);
    expect(parseSetFlag("account.concurrencyLimit= 500, 1000")).toEqual({
      path: "account.concurrencyLimit",
      values: ["500", "1000"],
    });
  });

  it("a set value is checked like the file's own, at the field's line and column", () => {
    const text = "name: t\nduration: 1m\naccount:\n  concurrencyLimit: 1000\n";
    expect(() =>
      loadScenarioText(text, "t.yaml", { settings: [{ path: "account.concurrencyLimit", value: "0" }] }),
    ).toThrow("t.yaml:4:21: account.concurrencyLimit: must be at least 1, got 0");
  });
});

describe("the sweep grid and its answer", () => {
  it("the grid is every combination, the last parameter fastest", () => {
    expect(
      sweepGrid([
        { path: "a", values: ["1", "2"] },
        { path: "b", values: ["x", "y", "z"] },
      ]).map((p) => p.values.join("")),
    ).toEqual(["1x", "1y", "1z", "2x", "2y", "2z"]);
    expect(sweepGrid([])).toEqual([{ values: [] }]);
  });

  it("every operator", () => {
    expect([
      holds("<", 1, 2),
      holds("<=", 2, 2),
      holds(">", 3, 2),
      holds(">=", 2, 2),
      holds("==", 2, 2),
      holds("!=", 1, 2),
    ]).toEqual([true, true, true, true, true, true]);
    expect([holds("<", 2, 2), holds(">", 2, 2), holds("==", 1, 2), holds("!=", 2, 2)]).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });

  const e = (mean: number, half = 1) => ({ n: 5, mean, sd: 1, ciLow: mean - half, ciHigh: mean + half });
  const p99 = {
    text: "pending.create.p99 < 120s",
    metric: "pending.create.p99",
    op: "<" as const,
    limit: 120,
  };

  it("names the smallest subnet (by addresses, whatever the order given) that meets a threshold", () => {
    const parameter = {
      path: "network.vpcs[0].subnets[0].cidr",
      values: ["10.0.0.0/23", "10.0.0.0/24", "10.0.0.0/25", "10.0.0.0/26"],
    };
    const a = answer(parameter, p99, [e(80), e(90), e(110), e(300)], String);
    expect(a.edge?.value).toBe("10.0.0.0/25");
    expect(a.sentence).toBe(
      "subnet size 10.0.0.0/25 is the smallest with pending.create.p99 < 120s: 95% CI 109-111",
    );
    expect(orderKey("10.0.0.0/25", 0)).toEqual({ key: 128, kind: "subnet" });
  });

  it("names the largest value when the threshold holds below an edge, and says when none or no edge", () => {
    const limit = { path: "account.concurrencyLimit", values: ["3000", "1000", "2000"] };
    const under = {
      text: "concurrency.peak_ratio < 0.9",
      metric: "concurrency.peak_ratio",
      op: "<" as const,
      limit: 0.9,
    };
    const over = { ...under, text: "concurrency.peak_ratio > 0.5", op: ">" as const, limit: 0.5 };
    const ratios = [e(0.3, 0.1), e(0.95, 0.1), e(0.6, 0.1)];
    expect(answer(limit, under, ratios, String).sentence).toBe(
      "account.concurrencyLimit 2000 is the smallest with concurrency.peak_ratio < 0.9: 95% CI 0.5-0.7",
    );
    expect(answer(limit, over, ratios, String).sentence).toMatch(
      /^account.concurrencyLimit 2000 is the largest/,
    );
    expect(answer(limit, under, [e(1), e(1), e(1)], String).sentence).toBe(
      "no value of account.concurrencyLimit swept meets concurrency.peak_ratio < 0.9",
    );
    expect(answer(limit, under, [e(0.5), e(0.5), e(1)], String).sentence).toMatch(/not at one edge/);
  });
});

describe("common random numbers", () => {
  /*
   * Two neighbouring grid points (account limits 14 and 16, a function
   * offered about 15 concurrent executions) compared over 12 seeds: with the
   * same seeds at both points (what a sweep does), the difference of the
   * throttle rates varies far less than with independent seeds, because the
   * arrivals and durations are the same draws function by function.
   */
  it("neighbouring grid points differ by far less noise with the same seeds than with independent ones", async () => {
    const scenario = (
      limit: number,
    ) => `name: crn\nduration: 5m\naccount: { concurrencyLimit: ${limit}, unreservedMinimum: 1 }
functions:
  - { template: api, count: 5, existing: true, duration: { exponential: { mean: 1s } }, timeout: 10s }
workload:
  - { action: invoke, functions: "*", for: 5m, arrival: { rate: 15/s } }
`;
    const throttleRate = (limit: number, seed: number) => {
      const plan = loadScenarioText(scenario(limit), "crn.yaml", { seed });
      const r = buildReport(runPlan(plan, { partitions: 1 }), { file: null, seed, partitions: 1 });
      return r.invocations.outcomes.throttled / r.invocations.requests;
    };
    const seeds = replicationSeeds(1, 12);
    const same = seeds.map((s) => throttleRate(16, s) - throttleRate(14, s));
    const independent = seeds.map((s) => throttleRate(16, s) - throttleRate(14, s + 1000));
    const sdSame = estimate(same).sd;
    const sdIndependent = estimate(independent).sd;
    expect(estimate(same).mean).toBeLessThan(0); // a larger limit throttles less
    expect(sdSame).toBeLessThan(sdIndependent / 2);
  }, 60_000);
});

describe("runs on the worker pool", () => {
  it("reports are the same on 0 and 2 worker threads, in the jobs' order", async () => {
    const base = loadScenarioText(
      "name: pool\nduration: 2m\nfunctions:\n  - { template: api, count: 3, existing: true }\nworkload:\n  - { action: invoke, functions: '*', for: 2m, arrival: { rate: 20/s } }\n",
      "pool.yaml",
    );
    const jobs = replicationSeeds(5, 4).map((seed) => ({
      plan: { ...base, seed },
      file: null,
      partitions: 2,
    }));
    const local = await runJobs(jobs, { workers: 0, workerMemoryMb: 512 });
    const pooled = await runJobs(jobs, { workers: 2, workerMemoryMb: 512 });
    const strip = (r: (typeof local)[number]) => JSON.stringify({ ...r, run: null });
    expect(pooled.map(strip)).toEqual(local.map(strip));
    expect(new Set(local.map((r) => r.scenario.seed))).toEqual(new Set([5, 6, 7, 8]));
    const summary = summarise(local, { names: ["requests"], value: (_n, r) => r.invocations.requests });
    expect(summary.get("requests")?.n).toBe(4);
  }, 60_000);

  it("longest first: the pool starts the runs of most expected work first, ties in the jobs' order", async () => {
    const plan = (rate: number, duration = "2m") =>
      loadScenarioText(
        `name: r${rate}\nduration: ${duration}\nfunctions:\n  - { template: api, count: 1, existing: true }\nworkload:\n  - { action: invoke, functions: '*', for: ${duration}, arrival: { rate: ${rate}/s } }\n`,
        `r${rate}.yaml`,
      );
    // Expected invocations: 120, 2,400, 600, 2,400 (30 s at 80/s), 1,200.
    const rates = [1, 20, 5, 20, 10];
    const jobs = rates.map((rate) => ({ plan: plan(rate), file: null, partitions: 1 }));
    jobs[3] = { plan: plan(80, "30s"), file: null, partitions: 1 };
    expect(longestFirst(jobs)).toEqual([1, 3, 4, 2, 0]);
    // One thread runs them one at a time, in exactly that order; the reports keep the jobs' order.
    const finished: number[] = [];
    const outcome = await runJobsSettled(jobs, {
      workers: 1,
      workerMemoryMb: 512,
      onReport: (i) => finished.push(i),
    });
    expect(finished).toEqual([1, 3, 4, 2, 0]);
    expect(outcome.reports.map((r) => r?.scenario.name)).toEqual(["r1", "r20", "r5", "r80", "r10"]);
  }, 60_000);
});

describe("warmup: the steady state", () => {
  // 20 functions invoked from 0 s: their first invocations start cold; after 2 minutes the environments are warm.
  const text = (warmup: string) =>
    [
      "name: steady",
      "duration: 10m",
      ...(warmup === "" ? [] : [`warmup: ${warmup}`]),
      "functions:",
      "  - { template: api, count: 20, existing: true, duration: { exponential: { mean: 200ms } } }",
      "workload:",
      "  - { action: invoke, functions: '*', for: 10m, arrival: { rate: 50/s } }",
      "",
    ].join("\n");

  it("steady.<metric> leaves out the initial transient: cold starts after the warm-up are far rarer than over the run", async () => {
    const plan = loadScenarioText(text("2m"), "steady.yaml");
    expect(plan.warmupUs).toBe(120_000_000);
    const [report] = await runJobs([{ plan, file: null, partitions: 2 }], {
      workers: 0,
      workerMemoryMb: 512,
    });
    const steady = report.steadyState!;
    expect(steady.fromUs).toBe(120_000_000);
    expect(steady.toUs).toBe(600_000_000);
    const whole = metricValue("invocations.cold_start_ratio", report);
    const after = metricValue("steady.invocations.cold_start_ratio", report);
    expect(whole).toBeGreaterThan(0);
    expect(after).toBeLessThan(whole / 2);
    // About 8 of the 10 minutes' requests come after the warm-up (Poisson at 50/s).
    const share =
      metricValue("steady.invocations.requests", report) / metricValue("invocations.requests", report);
    expect(share).toBeGreaterThan(0.78);
    expect(share).toBeLessThan(0.82);
  });

  it("without a warmup the steady metrics are the whole run's; a warmup as long as the run is an error", async () => {
    const plan = loadScenarioText(text(""), "steady.yaml");
    const [report] = await runJobs([{ plan, file: null, partitions: 2 }], {
      workers: 0,
      workerMemoryMb: 512,
    });
    expect(report.steadyState).toBeUndefined();
    expect(metricValue("steady.invocations.cold_start_ratio", report)).toBe(
      metricValue("invocations.cold_start_ratio", report),
    );
    expect(() => loadScenarioText(text("10m"), "steady.yaml")).toThrow(
      "steady.yaml:3:9: warmup: warmup (10m) must be shorter than the duration (10m)",
    );
  });
});
