/**
 * What a sample point reads: HDR histograms at bucket bounds (the same
 * counts and middle-of-bucket sum hdr-histogram-js itself gives), the
 * partitions' counters summed through the sample vector, and the ENIs by
 * state and subnet.
 */
import { describe, expect, it } from "vitest";
import { newHistogram } from "../src/model/histogram.js";
import { ENI_SAMPLE_STATES, HIST_BUCKET_BOUNDS_US, readHistogram } from "../src/model/sampling.js";
import { runPlan } from "../src/model/run.js";
import { simulate } from "../src/cli/simulate.js";
import { metricsContext } from "../src/metrics/context.js";
import { SeriesLayout } from "../src/metrics/series.js";
import { PHASE_COUNT, Phase } from "../src/model/lifecycle-table.js";
import { Hist } from "../src/model/observations.js";
import { loadScenarioFile } from "../src/scenario/load.js";
import { PlanBuilder, sec } from "./helpers/plan-builder.js";

/** A deterministic spread of values from microseconds to hours (past the 6 h of the async event age bounds). */
function values(n: number, seed: number): number[] {
  let x = seed;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
    out.push(Math.floor(Math.exp((x / 2_147_483_648) * Math.log(3e10))));
  }
  return out;
}

type Lib = ReturnType<typeof newHistogram> & {
  countsArrayIndex(v: number): number;
  getCountAtIndex(i: number): number;
  valueFromIndex(i: number): number;
  medianEquivalentValue(v: number): number;
};

/** Recorded values in slots up to the bound's, with hdr-histogram-js's own methods. */
function countUpTo(h: Lib, b: number): number {
  let n = 0;
  for (let i = 0; i <= h.countsArrayIndex(b); i++) n += h.getCountAtIndex(i);
  return n;
}

describe("reading an HDR histogram at bucket bounds", () => {
  it.each([1, 2, 3])("agrees with hdr-histogram-js (seed %d)", (seed) => {
    const h = newHistogram();
    const vs = values(5000, seed);
    for (const v of vs) h.recordValue(v);
    for (const bounds of HIST_BUCKET_BOUNDS_US) {
      const r = readHistogram(h, bounds);
      expect(r.count).toBe(5000);
      bounds.forEach((b, k) => {
        expect(r.buckets[k]).toBe(countUpTo(h as Lib, b));
        // Exact to HDR's resolution: values at or below the bound, give or take 0.1%.
        expect(r.buckets[k]).toBeGreaterThanOrEqual(vs.filter((v) => v <= b).length);
        expect(r.buckets[k]).toBeLessThanOrEqual(vs.filter((v) => v <= b * 1.001).length);
      });
      expect(r.sumUs / r.count).toBeCloseTo(h.mean, 6);
    }
  });

  it("reads an empty histogram as zeros", () => {
    expect(readHistogram(newHistogram(), [1, 10])).toEqual({ buckets: [0, 0], count: 0, sumUs: 0 });
  });
});

describe("samples", () => {
  const plan = new PlanBuilder(1000, { eniDeletionDelay: { kind: "constant", valueUs: sec(600) } })
    .vpc("vpc-a", 10)
    .subnet("subnet-a", 20)
    .template("web", { count: 3, vpc: { subnets: ["subnet-a"], securityGroups: ["sg-1"] } })
    .template("job", { count: 2 })
    .step(0, "CreateFunction", ["web-0", "web-1", "web-2", "job-0", "job-1"], { then: ["Invoke"] })
    .step(300, "DeleteFunction", ["web-0", "web-1", "web-2"])
    .build();

  it("add up the partitions' counters the same on any number of partitions", () => {
    const one = runPlan(plan, { partitions: 1, sampleIntervalUs: sec(30) });
    const four = runPlan(plan, { partitions: 4, sampleIntervalUs: sec(30) });
    expect(four.samples).toEqual(one.samples);
    const last = one.samples.at(-1)!;
    expect(last.counters.created).toBe(5);
    expect(last.counters.deleted).toBe(3);
    expect(last.events).toBe(one.kernel.events);
    expect(last.counters.api).toEqual(Array.from(one.obs.api));
  });

  it("count ENIs by state: creating, in use, idle from the deletes until the deletion delay, then gone", () => {
    const out = runPlan(plan, { partitions: 2, sampleIntervalUs: sec(30) });
    const states = (t: number) => {
      const s = out.samples.find((x) => x.timeUs === sec(t))!;
      return Object.fromEntries(ENI_SAMPLE_STATES.map((st, i) => [st, s.shared.enisByState[i]]));
    };
    expect(states(30)).toEqual({ creating: 1, in_use: 0, idle: 0, failed: 0 });
    expect(states(120)).toEqual({ creating: 0, in_use: 1, idle: 0, failed: 0 });
    expect(states(330)).toEqual({ creating: 0, in_use: 0, idle: 1, failed: 0 });
    expect(states(870)).toEqual({ creating: 0, in_use: 0, idle: 1, failed: 0 });
    expect(states(930)).toEqual({ creating: 0, in_use: 0, idle: 0, failed: 0 });
  });
});

describe("issue 11, item 4: waiters and the Pending histogram read as the dashboards sum them", () => {
  const plan = loadScenarioFile("scenarios/stuck-pending.yaml");
  const out = runPlan(plan, { partitions: 2, sampleIntervalUs: sec(15) });
  const last = out.samples.at(-1)!;
  const layout = new SeriesLayout(metricsContext(plan));
  const row = new Float64Array(layout.width);
  layout.write(last, row);
  /** The family's series at the last sample: own labels and value (a histogram's: its count). */
  const series = (name: string) => {
    const fs = layout.families.find((f) => f.family.name === name);
    expect(fs, name).toBeDefined();
    const count = fs!.family.type === "histogram" ? fs!.columns - 2 : 0;
    return fs!.series.map((values, i) => ({
      labels: Object.fromEntries(fs!.labelNames.map((n, k) => [n, values[k]])),
      value: row[fs!.offset + i * fs!.columns + count],
    }));
  };
  const sum = (xs: { value: number }[]) => xs.reduce((n, x) => n + x.value, 0);

  it("11.4: fleetsim_waiters_total counts each waiter once (starts are fleetsim_waiters_started_total)", () => {
    const [started, succeeded, failed, timedOut] = last.counters.waiters;
    expect(started).toBeGreaterThan(0);
    expect(timedOut).toBeGreaterThan(0);
    const ended = series("fleetsim_waiters_total");
    expect(ended.map((s) => s.labels.outcome).sort()).toEqual(["failed", "succeeded", "timedOut"]);
    // Summed over outcome: the waiters that ended, never more than those started.
    expect(sum(ended)).toBe(succeeded + failed + timedOut);
    expect(sum(ended)).toBeLessThanOrEqual(started);
    expect(series("fleetsim_waiters_started_total").map((s) => s.value)).toEqual([started]);
  });

  it("11.4: functions cancelled to Failed after 6 minutes in Pending are in the Pending histogram", async () => {
    const t = (from: number, to: number) => out.obs.transitions[from * PHASE_COUNT + to];
    const cancelled = t(Phase.PendingCreating, Phase.Failed);
    expect(cancelled).toBeGreaterThan(0);
    // Every function that left Pending (Creating), to Active or Failed, is counted once.
    const left = t(Phase.PendingCreating, Phase.Active) + cancelled;
    const creating = series("fleetsim_pending_duration_seconds").filter(
      (s) => s.labels.reason_code === "Creating",
    );
    expect(sum(creating)).toBe(left);
    // The capacity dashboard's "over 6 min": count less the 360 s bucket, the cancelled functions.
    const h = last.histograms[Hist.PendingCreate];
    const at360 = h.buckets[HIST_BUCKET_BOUNDS_US[Hist.PendingCreate].indexOf(sec(360))];
    expect(h.count).toBe(left);
    expect(h.count - at360).toBe(cancelled);
    // The JSON report (and the summary made from it) counts the same functions.
    const { report } = await simulate({
      plan,
      file: "scenarios/stuck-pending.yaml",
      partitions: 2,
      traceFilter: "*",
      traceFd: null,
      stopFlag: null,
      metrics: null,
      workers: 0,
      workerMemoryMb: 4096,
    });
    expect(report.histograms.pendingCreate.count).toBe(left);
    expect(report.histograms.pendingCreate.max).toBeGreaterThan(360);
  });
});
