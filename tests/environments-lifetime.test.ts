/**
 * An execution environment's life (issue 13 item 2) and the warm pool
 * measured (item 1): each mechanism on a small deterministic case whose
 * cold starts are worked out by hand, then Little's law on the pool, the
 * exact idle gauge at sample points, and determinism across threads and
 * partitions.
 *
 * Timing in the hand-worked cases: an Invoke call at t reaches its
 * environment 20 ms later (invokeLatency) whichever environment it gets, so
 * every start is at call time + δ and the gaps between starts are the gaps
 * between calls. Init 0.2 s on a cold start, then the handler.
 */
import { describe, expect, it } from "vitest";
import { MODEL_DEFAULTS, type ModelDefaults } from "../src/model/defaults.js";
import type { Distribution, Plan } from "../src/model/plan.js";
import { runPlan, runPlanAsync, type RunOutcome } from "../src/model/run.js";
import { metricsContext } from "../src/measures/context.js";
import { sampleLimitsOf } from "../src/measures/reading.js";
import { FAMILIES } from "../src/measures/families.js";
import type { ScalarFamily } from "../src/measures/measure.js";
import { metricByName, metricValue } from "../src/measures/report-metrics.js";
import { buildReport, type Report } from "../src/report/json-report.js";
import { renderSummary } from "../src/report/summary.js";
import { loadScenarioText, validateScenarioText } from "../src/scenario/load.js";
import { evaluateThresholds } from "../src/report/thresholds.js";
import { constant, PlanBuilder, sec } from "./helpers/plan-builder.js";

const MIN = 60;

/** One existing function "f" invoked by explicit calls at these times (s). */
function calls(
  times: number[],
  opts: { durationS?: number; defaults?: Partial<ModelDefaults>; untilS?: number } = {},
): Plan {
  const b = new PlanBuilder(opts.untilS ?? Math.max(...times) + 60, opts.defaults ?? {}).template("f", {
    existing: true,
    duration: constant(opts.durationS ?? 1),
    initDuration: constant(0.2),
    timeoutS: 900,
  });
  for (const t of times) b.call(t, "Invoke", "f");
  return b.build();
}

function run(plan: Plan, sampleIntervalUs = 0): { outcome: RunOutcome; report: Report } {
  const outcome = runPlan(plan, { partitions: 1, sampleIntervalUs });
  return { outcome, report: buildReport(outcome, { file: null, seed: plan.seed, partitions: 1 }) };
}

const every = (fromS: number, toS: number, stepS: number): number[] =>
  Array.from({ length: Math.floor((toS - fromS) / stepS) + 1 }, (_, i) => fromS + i * stepS);

describe("environment lifetime (maxLifetime)", () => {
  it("an idle environment past its retire-at is not reused: the next request starts cold (recycled)", () => {
    // Calls every 5 min, 0-60 min; lifetime 27 min. Environment A (born 0) serves 0..25 and is
    // idle from 25 min + 1 s; its retire-at (27 min) comes before its keep-alive expiry (35 min),
    // so at 30 min it is gone: cold, environment B (born 30, retire 57) serves 30..55, and at 60
    // the same again. Cold starts 0, 30, 60: 3; recycled 2, none expired idle.
    const plan = calls(every(0, 60 * MIN, 5 * MIN), { defaults: { maxLifetime: constant(27 * MIN) } });
    const { outcome, report } = run(plan);
    expect(outcome.obs.coldStarts).toBe(3);
    expect(outcome.obs.warmStarts).toBe(10);
    const env = report.environments;
    expect(env.created).toBe(3);
    expect(env.recycled).toBe(2);
    expect(env.expiredIdle).toBe(0);
    expect(env.byTemplate.f.recycled).toBe(2);
  });

  it("an environment that ends a request past its retire-at is destroyed (recycled)", () => {
    // 90 s requests, lifetime 60 s: A (born 0) ends at 90.2 s, past its retire-at: gone. The call
    // at 120 s starts cold on B, which goes the same way at 210.2 s. Cold 2, recycled 2.
    const plan = calls([0, 120], { durationS: 90, defaults: { maxLifetime: constant(60) }, untilS: 300 });
    const { outcome, report } = run(plan);
    expect(outcome.obs.coldStarts).toBe(2);
    expect(report.environments.recycled).toBe(2);
    expect(report.environments.expiredIdle).toBe(0);
  });

  it("the default lifetime (drawn from 2 to 6 h) recycles an environment in continuous use", () => {
    // A call every 5 min for 7 h: without a lifetime one environment would serve all 85. A's
    // lifetime is drawn in [2 h, 6 h], so A goes at the end of the first call past its retire-at,
    // before 6 h 5 min; the next call starts B cold, and B (at least 2 h) lives past the end.
    // Cold 2, recycled 1, whatever the draw.
    expect(MODEL_DEFAULTS.maxLifetime).toEqual({
      kind: "uniform",
      minUs: sec(120 * MIN),
      maxUs: sec(360 * MIN),
    });
    const plan = calls(every(0, 420 * MIN, 5 * MIN));
    const { outcome, report } = run(plan);
    expect(outcome.obs.coldStarts).toBe(2);
    expect(report.environments.recycled).toBe(1);
  });
});

describe("keep-alive (keepAlive, keepAliveMax)", () => {
  it("a constant keep-alive keeps an idle environment warm for exactly that long", () => {
    // keep-alive 2 min. Gaps between calls (end to next start: gap - 1 s (- 0.2 s after a cold one)):
    // 0 cold; 2 min: idle 1 min 58.8 s, warm; 4 min 5 s: idle 2 min 4 s, cold; 5 min: warm. 2 cold.
    const plan = calls([0, 2 * MIN, 4 * MIN + 5, 5 * MIN], { defaults: { keepAlive: constant(2 * MIN) } });
    const { outcome, report } = run(plan);
    expect(outcome.obs.coldStarts).toBe(2);
    expect(report.environments.expiredIdle).toBe(1);
  });

  it("a drawn keep-alive: warm at a gap with probability P(keep-alive >= idle time)", () => {
    // 800 functions (under the scaling rate's 1,000 new environments per 10 s), each invoked at 0
    // and 2 min (idle 1 min 58.8 s in between); keep-alive uniform 1-3 min, drawn per
    // environment: warm with probability (3 - 1.98) / 2 = 0.51.
    const n = 800;
    const keepAlive: Distribution = { kind: "uniform", minUs: sec(MIN), maxUs: sec(3 * MIN) };
    const b = new PlanBuilder(4 * MIN, { keepAlive }).template("f", {
      count: n,
      existing: true,
      duration: constant(1),
      initDuration: constant(0.2),
    });
    for (let i = 0; i < n; i++) b.call(0, "Invoke", `f-${i}`).call(2 * MIN, "Invoke", `f-${i}`);
    const { outcome } = run(b.build());
    expect(outcome.obs.coldStarts + outcome.obs.warmStarts).toBe(2 * n);
    const warm = outcome.obs.warmStarts / n;
    const p = (3 * MIN - (2 * MIN - 1.2)) / (2 * MIN);
    const se = Math.sqrt((p * (1 - p)) / n);
    expect(Math.abs(warm - p)).toBeLessThan(4 * se);
  });

  it("a drawn keep-alive is clamped to keepAliveMax", () => {
    // A 2-hour keep-alive, clamped to the 1-hour default bound: idle 90 min is too long.
    const plan = calls([0, 90 * MIN], { defaults: { keepAlive: constant(120 * MIN) } });
    expect(run(plan).outcome.obs.coldStarts).toBe(2);
    const longer = calls([0, 90 * MIN], {
      defaults: { keepAlive: constant(120 * MIN), keepAliveMaxUs: sec(120 * MIN) },
    });
    expect(run(longer).outcome.obs.coldStarts).toBe(1);
  });
});

describe("routing among idle environments (routing)", () => {
  // Two concurrent calls at 0 and 0.5 s make A (idle from 1.2 s) and B (from 1.7 s); single calls
  // at 300 s and 550 s; two concurrent calls at 800 s and 800.5 s. Keep-alive 10 min.
  // mru: 300 and 550 both take B (newest), A expires at 601.2 s; at 800 B serves the first call
  //      and the second finds only expired A: cold. Cold 3, expired 1.
  // lru: 300 takes A (oldest), 550 takes B (idle since 1.7 s, warm until 601.7 s); at 800 both
  //      are warm (A idle since 301 s, B since 551 s): cold 2, none expired.
  const pattern = [0, 0.5, 300, 550, 800, 800.5];

  it("mru (the default) takes the most recently used environment and lets the others expire", () => {
    expect(MODEL_DEFAULTS.routing).toBe("mru");
    const { outcome, report } = run(calls(pattern, { untilS: 900 }));
    expect(outcome.obs.coldStarts).toBe(3);
    expect(report.environments.expiredIdle).toBe(1);
    expect(report.environments.created).toBe(3);
  });

  it("lru takes the least recently used environment and keeps them all warm", () => {
    const { outcome, report } = run(calls(pattern, { untilS: 900, defaults: { routing: "lru" } }));
    expect(outcome.obs.coldStarts).toBe(2);
    expect(report.environments.expiredIdle).toBe(0);
  });

  it("random picks uniformly among the warm ones: between mru and lru here, and reproducible", () => {
    const plan = calls(pattern, { untilS: 900, defaults: { routing: "random" } });
    const a = run(plan).outcome.obs.coldStarts;
    expect(a).toBeGreaterThanOrEqual(2);
    expect(a).toBeLessThanOrEqual(3);
    expect(run(plan).outcome.obs.coldStarts).toBe(a);
  });

  it("mru skips an expired newest environment for an older warm one (each has its own retire-at)", () => {
    // Lifetime 60 s. A (born 0) serves 0 and 5 s; B (born 5.5 s, A busy) ends at 6.7 s; the call at
    // 6.5 s finds only A idle, so A is the newest idle (from 7.5 s), B the older. At 62 s A's
    // retire-at (60 s) has passed while B (retire-at 65.5 s) is warm: mru skips A (recycled) and
    // takes B. Cold 2; clearing everything below an expired newest one, as a single keep-alive
    // allowed, would make it 3.
    const plan = calls([0, 5, 5.5, 6.5, 62], { untilS: 65, defaults: { maxLifetime: constant(60) } });
    const { outcome, report } = run(plan);
    expect(outcome.obs.coldStarts).toBe(2);
    expect(report.environments.recycled).toBe(1);
  });
});

describe("the warm pool measured", () => {
  it("one environment: busy and idle time add up to its life, idle GB-seconds by its memory", () => {
    // One call at 0 s: busy 1.2 s (init + handler) from 0.02 s, idle until the run ends at 60 s
    // (keep-alive 10 min). 128 MB.
    const { report } = run(calls([0], { untilS: 60 }));
    const env = report.environments;
    expect(env.average.busy).toBeCloseTo(1.2 / 60, 6);
    expect(env.average.idle).toBeCloseTo((60 - 1.22) / 60, 6);
    expect(env.average.total).toBeCloseTo((60 - 0.02) / 60, 6);
    expect(env.utilization).toBeCloseTo(1.2 / (60 - 0.02), 6);
    expect(env.idleGbSeconds).toBeCloseTo(((60 - 1.22) * 128) / 1024, 6);
    expect(env.peak).toBe(1);
    expect(env.created).toBe(1);
  });

  it("an idle period counts up to the expiry, not to when the expiry is found", () => {
    // Keep-alive 10 s: idle from 1.22 s to 11.22 s, found expired by the call at 99 s, whose new
    // environment is busy from 99.02 s to the end of the run at 100 s.
    const { report } = run(calls([0, 99], { untilS: 100, defaults: { keepAlive: constant(10) } }));
    expect(report.environments.average.idle * 100).toBeCloseTo(10, 6);
    expect(report.environments.average.busy * 100).toBeCloseTo(1.2 + 0.98, 6);
    expect(report.environments.expiredIdle).toBe(1);
  });

  it("the idle gauge leaves out environments whose keep-alive has passed, found or not", () => {
    const { outcome } = run(calls([0], { untilS: 20, defaults: { keepAlive: constant(10) } }), sec(1));
    // Idle from 1.22 s, warm until 11.22 s: idle at the sample points 2..11, gone from 12.
    const idleAt = new Map(outcome.samples.map((s) => [s.timeUs / 1e6, s.environments.idle[0]]));
    expect(idleAt.get(1)).toBe(0);
    for (let t = 2; t <= 11; t++) expect(idleAt.get(t), `t=${t}`).toBe(1);
    for (let t = 12; t <= 20; t++) expect(idleAt.get(t), `t=${t}`).toBe(0);
    expect(outcome.samples.find((s) => s.timeUs === sec(1))!.environments.busy[0]).toBe(1);
  });

  it("Little's law: average busy environments = arrival rate x mean (init + handler) time", () => {
    // Poisson arrivals, 20 functions at 2 req/s each, handler exponential with mean 0.5 s.
    const lambda = 40;
    const meanS = 0.5;
    const b = new PlanBuilder(2000).template("f", {
      count: 20,
      existing: true,
      duration: { kind: "exponential", meanUs: sec(meanS) },
      initDuration: constant(0.2),
      timeoutS: 60,
    });
    b.stream(
      Array.from({ length: 20 }, (_, i) => `f-${i}`),
      lambda,
      0,
      2000,
    );
    const { outcome, report } = run(b.build(), sec(1));
    const served = outcome.obs.coldStarts + outcome.obs.warmStarts;
    const rate = served / 2000;
    const expected = rate * (meanS + (0.2 * outcome.obs.coldStarts) / served);
    expect(Math.abs(rate - lambda) / lambda).toBeLessThan(0.02);
    expect(Math.abs(report.environments.average.busy - expected) / expected).toBeLessThan(0.03);
    expect(report.environments.average.total).toBeCloseTo(
      report.environments.average.busy + report.environments.average.idle,
      5,
    );
    // The sampled gauges tell the same story: never negative, and their mean over the
    // samples (one a second) is the exact time average within sampling noise.
    const samples = outcome.samples.filter((x) => x.timeUs > 0);
    const mean = (pick: (x: (typeof samples)[number]) => number) =>
      samples.reduce((sum, x) => sum + pick(x), 0) / samples.length;
    for (const x of samples) {
      expect(x.environments.busy[0]).toBeGreaterThanOrEqual(0);
      expect(x.environments.idle[0]).toBeGreaterThanOrEqual(0);
    }
    const { busy, idle } = report.environments.average;
    expect(Math.abs(mean((x) => x.environments.busy[0]) - busy) / busy).toBeLessThan(0.05);
    expect(Math.abs(mean((x) => x.environments.idle[0]) - idle) / idle).toBeLessThan(0.05);
  });

  it("determinism: every environment figure and gauge is the same across workers 0/1/2 and partitions 1/3", async () => {
    const b = new PlanBuilder(3 * 3600, {
      maxLifetime: { kind: "uniform", minUs: sec(1800), maxUs: sec(3600) },
    })
      .template("a", { count: 12, existing: true, duration: { kind: "exponential", meanUs: sec(2) } })
      .template("b", { count: 7, existing: true, memoryMb: 1024, duration: constant(0.3) });
    const names = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
    b.stream(names("a", 12), 3, 0, 3 * 3600);
    b.stream(names("b", 7), 0.05, 0, 3 * 3600);
    const plan = b.build();
    const seen = new Set<string>();
    for (const workers of [0, 1, 2])
      for (const partitions of [1, 3]) {
        const outcome = await runPlanAsync(plan, { partitions, workers, sampleIntervalUs: sec(60) });
        const report = buildReport(outcome, { file: null, seed: 7, partitions: 1 });
        seen.add(JSON.stringify([report.environments, outcome.samples.map((s) => s.environments)]));
      }
    expect(seen.size).toBe(1);
    const env = JSON.parse([...seen][0]) as [Report["environments"], unknown];
    expect(env[0].recycled).toBeGreaterThan(0);
    expect(env[0].expiredIdle).toBeGreaterThan(0);
  });
});

describe("the warm pool in every output", () => {
  // Two templates; one call each at 0 s (a busy 1.2 s, then idle), sampled every second.
  const b = new PlanBuilder(30)
    .template("a", { existing: true, duration: constant(1), initDuration: constant(0.2) })
    .template("b", { existing: true, memoryMb: 1024, duration: constant(1), initDuration: constant(0.2) });
  b.call(0, "Invoke", "a").call(0, "Invoke", "b");
  const plan = b.build();
  const { outcome, report } = run(plan, sec(1));

  it("summary: an ENVIRONMENTS section with the averages, peak, utilisation and lives, per template", () => {
    const text = renderSummary(report, { color: false });
    expect(text).toContain("ENVIRONMENTS");
    // 2 environments alive from 0.02 s to 30 s, busy 1.2 s each: average 1.997 (busy 0.08); idle
    // 28.78 s each, at 128 MB and 1024 MB: 3.6 + 28.8 GB-s.
    expect(text).toMatch(
      /on demand \.+: average 2\.00 \(busy 0\.08, idle 1\.92\), peak 2, utilization 4\.0%/,
    );
    expect(text).toMatch(/lives \.+: created=2 expiredIdle=0 recycled=0, idle 32\.4 GB-s/);
    expect(text).toMatch(/ {6}b \.+: average 1\.00 \(busy 0\.04, idle 0\.96\), peak 1, .*idle 28\.8 GB-s/);
  });

  it("threshold metrics: environments.* read the report", () => {
    expect(metricValue("environments.created", report)).toBe(2);
    expect(metricValue("environments.peak", report)).toBe(2);
    expect(metricValue("environments.average.total", report)).toBe(report.environments.average.total);
    expect(metricValue("environments.utilization", report)).toBe(report.environments.utilization);
    expect(metricValue("environments.idle_gb_seconds", report)).toBe(report.environments.idleGbSeconds);
    const verdict = evaluateThresholds(report, [
      {
        source: "environments.created <= 2",
        metric: "environments.created",
        op: "<=",
        value: 2,
        abortOnFail: false,
        delayAbortEvalUs: 0,
      },
      {
        source: "environments.utilization > 0.5",
        metric: "environments.utilization",
        op: ">",
        value: 0.5,
        abortOnFail: false,
        delayAbortEvalUs: 0,
      },
    ]);
    expect(verdict.results.map((r) => r.ok)).toEqual([true, false]);
    // Read from a sample too (abortOnFail): the counters the samples carry.
    const last = outcome.samples[outcome.samples.length - 1];
    expect(metricByName("environments.created")!.fromSample!(last, sampleLimitsOf(plan))).toBe(2);
  });

  it("Prometheus: fleetsim_environments{state, template} and the lives' counters at each sample", () => {
    const ctx = metricsContext(plan);
    const family = (name: string) => FAMILIES.find((f) => f.name === name)! as ScalarFamily;
    const at = (t: number) => outcome.samples.find((s) => s.timeUs === sec(t))!;
    const gauge = family("fleetsim_environments");
    expect(gauge.series(ctx)).toEqual([
      ["busy", "a"],
      ["busy", "b"],
      ["idle", "a"],
      ["idle", "b"],
    ]);
    expect(gauge.values(at(1), ctx)).toEqual([1, 1, 0, 0]);
    expect(gauge.values(at(5), ctx)).toEqual([0, 0, 1, 1]);
    expect(family("fleetsim_environments_created_total").values(at(5), ctx)).toEqual([1, 1]);
    expect(family("fleetsim_environments_expired_idle_total").values(at(5), ctx)).toEqual([0, 0]);
  });
});

describe("the environment keys under model:, checked", () => {
  const text = (...model: string[]) =>
    ["name: t", "duration: 1m", "model:", ...model, "functions:", "  - template: f", ""].join("\n");
  const problems = (t: string) =>
    validateScenarioText(t, "s.yaml").map((i) => `${i.line}:${i.column}: ${i.path}: ${i.message}`);

  it("routing: one of mru, lru, random, with the place and the choices", () => {
    expect(problems(text("  routing: newest"))).toEqual([
      '4:12: model.routing: expected one of mru, lru, random, got "newest"',
    ]);
    expect(problems(text("  routing: lru"))).toEqual([]);
  });

  it("keepAlive and maxLifetime: a plain duration (as before) or a distribution", () => {
    expect(
      problems(text("  keepAlive: 5m", "  maxLifetime: { uniform: [1h, 3h] }", "  keepAliveMax: 2h")),
    ).toEqual([]);
    const plan = loadScenarioText(text("  keepAlive: { uniform: [5m, 15m] }", "  maxLifetime: 3h"), "s.yaml");
    expect(plan.defaults.keepAlive).toEqual({ kind: "uniform", minUs: sec(5 * MIN), maxUs: sec(15 * MIN) });
    expect(plan.defaults.maxLifetime).toEqual({ kind: "constant", valueUs: sec(180 * MIN) });
    expect(problems(text("  maxLifetime: forever")).length).toBe(1);
  });
});
