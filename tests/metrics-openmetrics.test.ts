/**
 * The OpenMetrics writer (--openmetrics): what `promtool tsdb
 * create-blocks-from openmetrics` relies on. Families are not interleaved,
 * each series' points are together with increasing timestamps, counters'
 * samples end in _total, every family has its help text, the file ends in
 * `# EOF`; and the values are those of the samples.
 */
import { describe, expect, it } from "vitest";
import { deriveRunId, metricsContext } from "../src/metrics/context.js";
import { FAMILIES } from "../src/measures/families.js";
import { formatBound, formatTimestampMs, formatValue } from "../src/metrics/format.js";
import { OpenMetricsWriter, stringSink } from "../src/metrics/openmetrics-writer.js";
import { SeriesLayout } from "../src/metrics/series.js";
import { defaultStartTimeMs, parseStartTime } from "../src/metrics/start-time.js";
import { Hist } from "../src/model/observations.js";
import type { Plan } from "../src/model/plan.js";
import { runPlan, type Sample } from "../src/model/run.js";
import { parseOpenMetrics } from "./helpers/openmetrics-check.js";
import { PlanBuilder, sec } from "./helpers/plan-builder.js";

/**
 * Two VPC functions on a file system, created, invoked and updated (a
 * deploy, so starts are counted by deploy phase), one waited for: every
 * kind of family moves.
 */
/** Every family has series here: a file system, subnets, and a threshold. */
function smallPlan(): Plan {
  const plan = new PlanBuilder(600)
    .vpc("vpc-a", 10)
    .subnet("subnet-a", 20)
    .subnet("subnet-b", 20)
    .fileSystem("data", 10, 100, 1000)
    .template("web", {
      count: 2,
      vpc: { subnets: ["subnet-a", "subnet-b"], securityGroups: ["sg-1"] },
      fileSystem: "data",
    })
    .client("pipeline", "FunctionActiveV2")
    .step(0, "CreateFunction", ["web-0", "web-1"], { client: "pipeline", then: ["Invoke"] })
    .stream(["web-0", "web-1"], 5, 120, 400)
    .step(300, "UpdateFunctionCode", ["web-0"])
    .build();
  plan.thresholds = [
    {
      source: "functions.failed == 0",
      metric: "functions.failed",
      op: "==",
      value: 0,
      abortOnFail: false,
      delayAbortEvalUs: 0,
    },
  ];
  return plan;
}

function run(plan: Plan, intervalS: number): Sample[] {
  return runPlan(plan, { partitions: 2, sampleIntervalUs: sec(intervalS) }).samples;
}

const START_MS = Date.UTC(2024, 0, 1);

function write(plan: Plan, samples: Sample[]) {
  const sink = stringSink();
  const layout = new SeriesLayout(metricsContext(plan));
  const w = new OpenMetricsWriter(layout, sink, START_MS);
  for (const s of samples) w.add(s);
  const stats = w.finish();
  return { text: sink.text(), stats, layout };
}

describe("OpenMetrics writer", () => {
  const plan = smallPlan();
  const samples = run(plan, 15);
  const { text, stats, layout } = write(plan, samples);
  const parsed = parseOpenMetrics(text);

  it("samples every interval and once more at the end of the run", () => {
    expect(samples.map((s) => s.timeUs)).toEqual(Array.from({ length: 41 }, (_, i) => sec(15 * i)));
    const odd = run(new PlanBuilder(100).template("f").build(), 30);
    expect(odd.map((s) => s.timeUs)).toEqual([0, 30, 60, 90, 100].map(sec));
  });

  it("is well formed: families and series not interleaved, timestamps increasing, # EOF last", () => {
    expect(parsed.problems).toEqual([]);
    expect(text.endsWith("\n# EOF\n")).toBe(true);
    expect(stats.samples).toBe(samples.length);
    expect(stats.series).toBe(layout.seriesCount);
    expect(stats.lines).toBe(text.split("\n").length - 1);
  });

  it("has every family once, in order, with its TYPE, HELP and UNIT", () => {
    expect(parsed.families.map((f) => f.name)).toEqual(
      FAMILIES.map((f) => (f.type === "counter" ? f.name.replace(/_total$/, "") : f.name)),
    );
    parsed.families.forEach((pf, i) => {
      const f = FAMILIES[i];
      expect(pf.type).toBe(f.type);
      expect(pf.help).toBe(f.help);
      expect(pf.unit).toBe(f.unit ?? null);
    });
  });

  it("writes counters' samples with _total and histograms with _bucket (le ending at +Inf), _count, _sum", () => {
    for (const pf of parsed.families) {
      const names = new Set(pf.samples.map((s) => s.name));
      if (pf.type === "counter") expect([...names]).toEqual([`${pf.name}_total`]);
      else if (pf.type === "gauge") expect([...names]).toEqual([pf.name]);
      else {
        expect([...names].sort()).toEqual([`${pf.name}_bucket`, `${pf.name}_count`, `${pf.name}_sum`]);
        const les = pf.samples
          .filter((s) => s.name.endsWith("_bucket"))
          .map((s) => /le="([^"]+)"/.exec(s.labels)![1]);
        expect(les.at(-1)).toBe("+Inf");
      }
    }
  });

  it("puts run_id and scenario first on every series", () => {
    const runId = deriveRunId(plan.name, plan.seed);
    for (const pf of parsed.families) {
      for (const s of pf.samples)
        expect(s.labels.startsWith(`{run_id="${runId}",scenario="test"`)).toBe(true);
    }
  });

  it("timestamps each point at the start time plus its simulated time", () => {
    const times = parsed.families[0].samples.map((s) => s.timestamp);
    expect(times).toEqual(samples.map((s) => (START_MS + s.timeUs / 1000) / 1000));
  });

  it("writes the samples' values: counts, states, histogram buckets and sums", () => {
    const last = samples.at(-1)!;
    const at = (name: string, labels: string) =>
      parsed.families
        .flatMap((f) => f.samples)
        .filter((s) => s.name === name && s.labels.includes(labels))
        .at(-1)!.value;
    expect(at("fleetsim_functions", 'state="Active"')).toBe(last.states[1]);
    expect(at("fleetsim_functions_created_total", "")).toBe(2);
    expect(at("fleetsim_invocation_starts_total", 'start_type="cold"')).toBe(last.counters.coldStarts);
    const h = last.histograms[Hist.PendingCreate];
    expect(h.count).toBe(2);
    expect(at("fleetsim_pending_duration_seconds_count", 'reason_code="Creating"')).toBe(2);
    expect(
      at("fleetsim_pending_duration_seconds_bucket", 'reason_code="Creating",template="web",le="+Inf"'),
    ).toBe(2);
    // 60-90 s to create the ENIs: none by 45 s, both by 120 s.
    expect(
      at("fleetsim_pending_duration_seconds_bucket", 'reason_code="Creating",template="web",le="45.0"'),
    ).toBe(0);
    expect(
      at("fleetsim_pending_duration_seconds_bucket", 'reason_code="Creating",template="web",le="120.0"'),
    ).toBe(2);
    const sum = at("fleetsim_pending_duration_seconds_sum", 'reason_code="Creating"');
    expect(sum).toBeGreaterThan(120);
    expect(sum).toBeLessThan(190);
    expect(at("fleetsim_subnet_free_ips", 'subnet="subnet-a"')).toBe(20 - last.subnetUsedIps[0]);
  });

  it("keeps the later of two samples in the same millisecond", () => {
    const sink = stringSink();
    const w = new OpenMetricsWriter(new SeriesLayout(metricsContext(plan)), sink, START_MS);
    w.add(samples[0]);
    w.add({ ...samples[1], timeUs: 400 });
    expect(w.samples).toBe(1);
    w.finish();
    const p = parseOpenMetrics(sink.text());
    expect(p.problems).toEqual([]);
    expect(p.families.find((f) => f.name === "fleetsim_simulated_time_seconds")!.samples[0].value).toBe(
      0.0004,
    );
  });

  it("escapes label values", () => {
    const ctx = { ...metricsContext(plan), scenario: 'odd "name"\\with\nnewline' };
    const sink = stringSink();
    const w = new OpenMetricsWriter(new SeriesLayout(ctx), sink, START_MS);
    w.add(samples[0]);
    w.finish();
    expect(sink.text()).toContain('scenario="odd \\"name\\"\\\\with\\nnewline"');
    expect(parseOpenMetrics(sink.text()).problems).toEqual([]);
  });
});

describe("OpenMetrics number formats", () => {
  it.each([
    [0.005, "0.005"],
    [0.25, "0.25"],
    [1, "1.0"],
    [60, "60.0"],
    [3600, "3600.0"],
    [100000, "100000.0"],
    [1e6, "1e+06"],
    [1.5e-7, "1.5e-07"],
    [0.0001, "0.0001"],
    [1e-5, "1e-05"],
    [Number.POSITIVE_INFINITY, "+Inf"],
  ])("bound %d is %s", (v, text) => {
    expect(formatBound(v)).toBe(text);
  });

  it("writes values and timestamps", () => {
    expect(formatValue(42)).toBe("42");
    expect(formatValue(0.5)).toBe("0.5");
    expect(formatValue(Number.NaN)).toBe("NaN");
    expect(formatValue(Number.NEGATIVE_INFINITY)).toBe("-Inf");
    expect(formatTimestampMs(1_704_067_200_005)).toBe("1704067200.005");
    expect(formatTimestampMs(1_704_067_215_000)).toBe("1704067215.000");
  });
});

describe("--start-time", () => {
  it("reads ISO 8601 with a zone, or unix seconds", () => {
    expect(parseStartTime("2024-01-01T00:00:00Z")).toBe(START_MS);
    expect(parseStartTime("2024-01-01T01:00:00+01:00")).toBe(START_MS);
    expect(parseStartTime("1704067200")).toBe(START_MS);
    expect(parseStartTime("1704067200.5")).toBe(START_MS + 500);
    expect(parseStartTime("2024-01-01")).toBeNull();
    expect(parseStartTime("2024-01-01T00:00:00")).toBeNull();
    expect(parseStartTime("yesterday")).toBeNull();
  });

  it("by default places the run on a whole hour, ending more than 3 hours before now", () => {
    const now = Date.UTC(2024, 5, 1, 12, 30);
    const runUs = sec(7 * 86_400);
    const start = defaultStartTimeMs(now, runUs);
    expect(start % 3_600_000).toBe(0);
    expect(start + runUs / 1000).toBeLessThan(now - 3 * 3_600_000);
    expect(start + runUs / 1000).toBeGreaterThan(now - 5 * 3_600_000);
  });
});
