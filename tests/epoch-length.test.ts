/**
 * The default epoch (run.ts defaultEpochUs): 10 s, shorter for a plan whose
 * streams could bring more than ARRIVALS_PER_EPOCH arrivals in it, longer (up
 * to MAX_EPOCH_US) for one whose streams bring fewer than
 * MIN_ARRIVALS_PER_EPOCH, so a sparse plan does not pay an epoch's fixed
 * cost per request. The epoch says when the engine synchronises, never what
 * a run decides: the report is the same at any length.
 */
import { describe, expect, it } from "vitest";
import { DEFAULT_EPOCH_US, defaultEpochUs, runPlan } from "../src/model/run.js";
import { ARRIVALS_PER_EPOCH, MAX_EPOCH_US, MIN_ARRIVALS_PER_EPOCH } from "../src/model/workload-rates.js";
import { buildReport, stripWallClock } from "../src/report/json-report.js";
import { loadScenario } from "../src/scenario/load.js";

/** One function (or `count`), Poisson arrivals at `rate` for `duration`. */
const plan = (rate: string, duration = "100000s", count = 1) =>
  loadScenario(
    `name: sparse
seed: 3
duration: ${duration}
functions:
  - template: fn
    count: ${count}
    name: "fn-{i}"
    existing: true
    runtime: python3.12
    duration: { uniform: [1900ms, 2100ms] }
    initDuration: { uniform: [200ms, 600ms] }
workload:
  - at: 0s
    action: invoke
    for: ${duration}
    functions: "fn*"
    arrival: { process: poisson, rate: ${rate} }
`,
    "sparse.yaml",
  ).plan;

describe("the default epoch", () => {
  it("is 10 s for a plan of between MIN_ARRIVALS_PER_EPOCH and ARRIVALS_PER_EPOCH arrivals in 10 s", () => {
    expect(defaultEpochUs(plan("100/s"))).toBe(DEFAULT_EPOCH_US);
    expect(defaultEpochUs(plan("20000/s", "60s"))).toBe(DEFAULT_EPOCH_US);
  });

  it("holds MIN_ARRIVALS_PER_EPOCH arrivals at the peak rate for a sparse plan", () => {
    // 2/s: 1,000 arrivals take 500 s.
    expect(defaultEpochUs(plan("2/s"))).toBe((MIN_ARRIVALS_PER_EPOCH / 2) * 1e6);
  });

  it("lasts at most MAX_EPOCH_US, also for a plan without streams", () => {
    expect(defaultEpochUs(plan("0.002/s"))).toBe(MAX_EPOCH_US);
    const noTraffic = { ...plan("1/s"), invokeStreams: [] };
    expect(defaultEpochUs(noTraffic)).toBe(MAX_EPOCH_US);
  });

  it("is shortened to hold ARRIVALS_PER_EPOCH arrivals for a dense plan", () => {
    expect(defaultEpochUs(plan("100000/s", "60s"))).toBe((ARRIVALS_PER_EPOCH / 100_000) * 1e6);
  });

  it("never changes the report: a sparse run in 10 s epochs and in its long default ones", () => {
    const p = plan("0.05/s", "200000s", 3);
    const report = (epochUs?: number) => {
      const outcome = runPlan(p, { partitions: 3, ...(epochUs === undefined ? {} : { epochUs }) });
      const r = stripWallClock(buildReport(outcome, { file: null, seed: p.seed, partitions: 3 }));
      return { epochs: r.run.windows, rest: JSON.stringify({ ...r, run: { ...r.run, windows: 0 } }) };
    };
    const long = report();
    const short = report(DEFAULT_EPOCH_US);
    expect(long.epochs).toBeLessThan(short.epochs / 10);
    expect(long.rest).toBe(short.rest);
  });
});
