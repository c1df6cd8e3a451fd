/**
 * Thresholds (issue 6): the report-metric registry they name, parsing every
 * operator and value form, pass and fail on a real report, abortOnFail
 * stopping the run early (the same with worker threads), and
 * docs/report-metrics.md listing every metric. Exit code 99 is checked from the real CLI in cli.test.ts.
 */
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { simulate, THRESHOLD_SAMPLE_INTERVAL_US } from "../src/cli/simulate.js";
import { metricsContext } from "../src/metrics/context.js";
import { family } from "../src/measures/families.js";
import { API_ERROR_NAMES, OPERATION_NAMES } from "../src/model/aws-names.js";
import { HIST_NAMES } from "../src/model/observations.js";
import type { Plan } from "../src/model/plan.js";
import { newRunEmitter, prepareRun, type RunHandle, runPlan, type Sample } from "../src/model/run.js";
import { HIST_BUCKET_BOUNDS_US } from "../src/model/sampling.js";
import { buildReport, type Report, stripWallClock } from "../src/report/json-report.js";
import { compare, sampledStat, sampleLimitsOf } from "../src/measures/reading.js";
import { METRICS, metricByName, metricValue } from "../src/measures/report-metrics.js";
import { renderSummary, renderVerdict } from "../src/report/summary.js";
import { evaluateThresholds, ThresholdWatch, thresholdsFailed } from "../src/report/thresholds.js";
import { loadScenarioFile, loadScenarioText } from "../src/scenario/load.js";
import { parseThreshold } from "../src/scenario/thresholds.js";

const QUICKSTART = "scenarios/quickstart.yaml";

function reportOf(plan: Plan, samples = false): { report: Report; samples: Sample[] } {
  const outcome = runPlan(plan, { partitions: 2, sampleIntervalUs: samples ? 30_000_000 : 0 });
  return {
    report: buildReport(outcome, { file: null, seed: plan.seed, partitions: 2 }),
    samples: outcome.samples,
  };
}

/** The quickstart with a thresholds block appended. */
function quickstartWith(...thresholds: string[]): Plan {
  const text = readFileSync(QUICKSTART, "utf8");
  return loadScenarioText(
    `${text}\nthresholds:\n${thresholds.map((t) => `  - ${t}`).join("\n")}\n`,
    "q.yaml",
  );
}

describe("Thresholds: the report-metric registry", () => {
  let quickstart: { report: Report; samples: Sample[] };
  let asyncRun: { report: Report; samples: Sample[] };
  beforeAll(() => {
    quickstart = reportOf(loadScenarioFile(QUICKSTART), true);
    asyncRun = reportOf(loadScenarioFile("scenarios/async-retry-storm.yaml"), true);
  }, 60_000);

  it("has unique names: dotted, our words in snake_case, AWS's operations and codes as AWS spells them", () => {
    const names = METRICS.map((m) => m.name);
    expect(new Set(names).size).toBe(names.length);
    const aws = new Set<string>([...OPERATION_NAMES, ...API_ERROR_NAMES]);
    for (const name of names) {
      for (const part of name.split(".")) {
        expect(aws.has(part) || /^[a-z0-9_]+$/.test(part), `${name}: ${part}`).toBe(true);
      }
    }
  });

  it("covers what the issue names: rates, throttle causes, every API operation and error code, every histogram", () => {
    for (const name of [
      "invocations.requests",
      "invocations.success",
      "invocations.failure_rate",
      "invocations.throttle_rate",
      "invocations.cold_start_ratio",
      "invocations.throttles.account_concurrency",
      "invocations.provisioned.spillover_ratio",
      "invocations.outcomes.function_error",
      "invocations.outcomes.ResourceConflictException",
      "pending.create.p99",
      "subnets.min_headroom",
      "api.UpdateFunctionConfiguration.errors.ResourceConflictException",
      "concurrency.peak",
      "concurrency.peak_ratio",
      "async.dlq",
      "async.recursive_stops",
      "functions.failed",
    ]) {
      expect(metricByName(name), name).toBeDefined();
    }
    for (const op of OPERATION_NAMES)
      expect(metricByName(`api.${op}.errors.TooManyRequestsException`)).toBeDefined();
    expect(METRICS.filter((m) => m.name.startsWith("invocation.latency.")).map((m) => m.name)).toEqual(
      ["count", "mean", "p50", "p90", "p95", "p99", "max"].map((s) => `invocation.latency.${s}`),
    );
  });

  it("every metric reads a finite number from real reports of shipped scenarios, and from their samples", () => {
    for (const [run, file] of [
      [quickstart, QUICKSTART],
      [asyncRun, "scenarios/async-retry-storm.yaml"],
    ] as const) {
      const plan = loadScenarioFile(file);
      expect(run.samples.length).toBeGreaterThan(2);
      for (const m of METRICS) {
        expect(Number.isFinite(m.fromReport(run.report)), m.name).toBe(true);
        for (const s of run.samples) {
          if (m.fromSample !== undefined)
            expect(Number.isFinite(m.fromSample(s, sampleLimitsOf(plan))), m.name).toBe(true);
        }
      }
    }
  });

  it("reads what the report says", () => {
    const r = quickstart.report;
    expect(metricValue("invocations.requests", r)).toBe(r.invocations.requests);
    expect(metricValue("pending.create.p99", r)).toBe(r.histograms.pendingCreate.p99);
    expect(metricValue("concurrency.peak_ratio", r)).toBeCloseTo(
      r.concurrency.peak / r.concurrency.limit,
      12,
    );
    expect(metricValue("subnets.min_headroom", r)).toBe(Math.min(...r.subnets.map((s) => s.minHeadroom)));
    const answered = Object.values(r.invocations.outcomes).reduce((n, x) => n + x, 0);
    expect(metricValue("invocations.failure_rate", r)).toBeCloseTo(
      1 - r.invocations.outcomes.success / answered,
      12,
    );
    expect(metricValue("async.dlq", asyncRun.report)).toBe(asyncRun.report.async!.failed.deadLetterQueue);
    expect(() => metricValue("no.such.metric", r)).toThrow(/unknown report metric/);
  });

  it("at the last sample point, counters read from the sample equal the report's, and sampled percentiles fall near the report's", () => {
    const r = asyncRun.report;
    const last = asyncRun.samples[asyncRun.samples.length - 1];
    const plan = loadScenarioFile("scenarios/async-retry-storm.yaml");
    for (const name of [
      "invocations.requests",
      "invocations.success",
      "async.accepted",
      "async.dlq",
      "async.recursive_stops",
      "clients.retries",
    ]) {
      expect(metricByName(name)!.fromSample!(last, sampleLimitsOf(plan)), name).toBe(metricValue(name, r));
    }
    const h = HIST_NAMES.indexOf("invocationLatency");
    const bounds = HIST_BUCKET_BOUNDS_US[h];
    const p99 = sampledStat(last.histograms[h], bounds, "p99");
    // Within the bucket the report's p99 falls in.
    const exact = r.histograms.invocationLatency.p99 * 1e6;
    const upper = bounds.find((b) => b >= exact) ?? bounds[bounds.length - 1];
    const lower = [...bounds].reverse().find((b) => b < exact) ?? 0;
    expect(p99 * 1e6).toBeGreaterThanOrEqual(lower);
    expect(p99 * 1e6).toBeLessThanOrEqual(upper);
  });

  it("docs/report-metrics.md lists every metric a threshold can name (run `npm run docs` to update)", () => {
    const page = readFileSync("docs/report-metrics.md", "utf8");
    expect(METRICS.filter((m) => !page.includes(`\n${m.name}\n`)).map((m) => m.name)).toEqual([]);
  });
});

describe("Thresholds: the Prometheus family", () => {
  it("fleetsim_threshold_ok has one series per threshold readable from a sample: 1 while it holds, 0 while it fails", () => {
    const plan = quickstartWith(
      '"invocations.success < 1000"',
      '"concurrency.peak >= 0"',
      '"invocations.open_at_end == 0"',
    );
    const ctx = metricsContext(plan);
    const f = family("fleetsim_threshold_ok");
    expect(f.series(ctx)).toEqual([["invocations.success < 1000"], ["concurrency.peak >= 0"]]);
    const { samples } = reportOf(plan, true);
    if (f.type === "histogram") throw new Error("a gauge");
    expect(f.values(samples[0], ctx)).toEqual([1, 1]);
    expect(f.values(samples[samples.length - 1], ctx)).toEqual([0, 1]);
    expect(family("fleetsim_threshold_ok").series(metricsContext(loadScenarioFile(QUICKSTART)))).toEqual([]);
  });
});

describe("Thresholds: parsing", () => {
  it.each([
    ["invocations.failure_rate < 0.01", "<", 0.01],
    ["invocations.failure_rate <= 0.01", "<=", 0.01],
    ["invocations.requests > 100", ">", 100],
    ["invocations.requests >= 1e3", ">=", 1000],
    ["api.UpdateFunctionConfiguration.errors.ResourceConflictException == 0", "==", 0],
    ["functions.failed != 0", "!=", 0],
    ["  concurrency.peak<5  ", "<", 5],
  ] as const)("every operator: %s", (text, op, value) => {
    expect(parseThreshold(text)).toEqual({ metric: text.trim().split(/\s*[<>=!]/)[0], op, value });
  });

  it.each([
    ["pending.create.p99 < 120s", 120],
    ["pending.create.p99 < 250ms", 0.25],
    ["pending.create.p99 < 2m", 120],
    ["pending.create.p99 < 1h", 3600],
    ["pending.create.p99 < 1m30s", 90],
    ["pending.create.p99 < 90", 90],
    ["invocations.failure_rate < 1%", 0.01],
    ["invocations.failure_rate < 0.5%", 0.005],
    ["subnets.min_headroom > 0.2", 0.2],
  ] as const)("every value form: %s", (text, value) => {
    const parsed = parseThreshold(text);
    expect("error" in parsed ? parsed.error : parsed.value).toBeCloseTo(value, 12);
  });

  it.each([
    ["invocations.requests < 10s", "'invocations.requests' is a count, not a duration"],
    ["pending.create.p99 < 1%", "'pending.create.p99' is a duration in seconds, not a ratio"],
    ["invocations.failure_rate < 1s", "'invocations.failure_rate' is a ratio, not a duration"],
    ["invocations.requests =< 5", "cannot read threshold"],
    ["invocations.requests < five", 'cannot read the value "five"'],
    ["invocations.requests", "cannot read threshold"],
  ])("a value that does not fit: %s", (text, message) => {
    const parsed = parseThreshold(text);
    expect("error" in parsed ? parsed.error : "").toContain(message);
  });

  it("unknown metric rejected, with the closest name", () => {
    const parsed = parseThreshold("pending.create.p98 < 1s");
    expect("error" in parsed && parsed.error).toBe(
      "unknown metric 'pending.create.p98' (did you mean 'pending.create.p90'?); docs/report-metrics.md lists every metric",
    );
    const api = parseThreshold("api.UpdateFunctionConfiguration.errors.ResourceConflictExeption == 0");
    expect("error" in api && api.error).toContain(
      "did you mean 'api.UpdateFunctionConfiguration.errors.ResourceConflictException'?",
    );
  });
});

describe("Thresholds: pass and fail on a run's report", () => {
  it("every operator, on both sides of the observed value", () => {
    for (const [op, below, equal, above] of [
      ["<", true, false, false],
      ["<=", true, true, false],
      [">", false, false, true],
      [">=", false, true, true],
      ["==", false, true, false],
      ["!=", true, false, true],
    ] as const) {
      // observed 5 against thresholds 6 (observed below), 5, 4.
      expect([compare(5, op, 6), compare(5, op, 5), compare(5, op, 4)], op).toEqual([below, equal, above]);
    }
  });

  it("pass and fail in the report, the summary and the verdict", () => {
    const plan = quickstartWith(
      '"invocations.failure_rate < 50%"',
      '"invocations.outcomes.ResourceConflictException == 0"',
      '"pending.create.p99 < 10m"',
    );
    const { report } = reportOf(plan);
    report.thresholds = evaluateThresholds(report, plan.thresholds!);
    const results = report.thresholds.results;
    expect(results.map((r) => [r.threshold, r.ok])).toEqual([
      ["invocations.failure_rate < 50%", true],
      // The hasty script invokes while its functions are Pending.
      ["invocations.outcomes.ResourceConflictException == 0", false],
      ["pending.create.p99 < 10m", true],
    ]);
    expect(results[1].observed).toBe(report.invocations.outcomes.ResourceConflictException);
    expect(thresholdsFailed(report)).toBe(true);
    const summary = renderSummary(report, { color: false });
    expect(summary).toContain("  THRESHOLDS");
    expect(summary).toContain(`    ✓ pending.create.p99 < 10m: `);
    expect(summary).toMatch(/ {4}✓ invocations\.failure_rate < 50%: \d+(\.\d+)?%/);
    expect(summary).toContain(
      `    ✗ invocations.outcomes.ResourceConflictException == 0: ${report.invocations.outcomes.ResourceConflictException}`,
    );
    expect(renderVerdict(report, { color: false })).toContain(
      "threshold failed: invocations.outcomes.ResourceConflictException == 0",
    );
  });

  it("a scenario without thresholds has no thresholds section, and no THRESHOLDS in the summary", () => {
    const { report } = reportOf(loadScenarioFile(QUICKSTART));
    expect(report.thresholds).toBeUndefined();
    expect(renderSummary(report, { color: false })).not.toContain("THRESHOLDS");
  });
});

describe("Thresholds: abortOnFail", () => {
  const request = (plan: Plan, workers: number) => ({
    plan,
    file: null,
    partitions: 4,
    traceFd: null,
    traceFilter: "*",
    stopFlag: null,
    metrics: null,
    workers,
    workerMemoryMb: 512,
  });

  it("stops the run at the first sample point where it fails, deterministically and the same with worker threads", async () => {
    // The traffic starts at 2m: before it, no invocation can be counted.
    const plan = quickstartWith(
      '{ threshold: "invocations.success < 1000", abortOnFail: true }',
      '"concurrency.peak >= 0"',
    );
    const local = await simulate(request(plan, 0));
    const again = await simulate(request(plan, 0));
    const threads = await simulate(request(plan, 2));
    const r = local.report;
    expect(r.run.partial).toBe(true);
    expect(r.run.simulatedUs).toBeLessThan(r.scenario.untilUs);
    const aborted = r.thresholds!.aborted!;
    expect(aborted.threshold).toBe("invocations.success < 1000");
    // Checked every 15 s; it fails at the first check with 1000 successes, and the run ends within an epoch of it.
    expect(aborted.atUs % 15_000_000).toBe(0);
    expect(aborted.observed).toBeGreaterThanOrEqual(1000);
    expect(r.run.simulatedUs).toBeGreaterThanOrEqual(aborted.atUs);
    expect(r.run.simulatedUs).toBeLessThanOrEqual(aborted.atUs + 15_000_000);
    expect(r.thresholds!.results.map((x) => x.ok)).toEqual([false, true]);
    expect(stripWallClock(again.report)).toEqual(stripWallClock(r));
    expect(stripWallClock(threads.report)).toEqual(stripWallClock(r));
    expect(renderSummary(r, { color: false })).toMatch(
      /aborted \.+: at \d+m(\d+s)? by invocations\.success < 1000/,
    );
  }, 60_000);

  it("aborts at the same point with grants off (every admission decided by the coordinator)", async () => {
    const plan = quickstartWith('{ threshold: "invocations.success < 1000", abortOnFail: true }');
    const reference = (await simulate(request(plan, 0))).report;
    const emitter = newRunEmitter();
    let handle: RunHandle | null = null;
    const watch = new ThresholdWatch(plan, () => handle?.stop());
    emitter.on("sample", (s) => watch.check(s, THRESHOLD_SAMPLE_INTERVAL_US));
    handle = prepareRun(plan, {
      partitions: 4,
      grants: false,
      emitter,
      sampleIntervalUs: THRESHOLD_SAMPLE_INTERVAL_US,
      keepSamples: false,
    });
    const outcome = handle.runSync();
    const report = buildReport(outcome, { file: null, seed: plan.seed, partitions: 4 });
    report.thresholds = evaluateThresholds(report, plan.thresholds!, watch.aborted);
    expect(watch.aborted).toEqual(reference.thresholds!.aborted);
    // Rounds are scheduling bookkeeping: far more without grants; everything the run decided is the same.
    const decided = (r: Report) => {
      const { run, ...rest } = stripWallClock(r);
      const { windows: _rounds, ...facts } = run;
      return { ...rest, run: facts };
    };
    expect(decided(report)).toEqual(decided(reference));
  }, 60_000);

  it("does not check before delayAbortEval, and a threshold that holds lets the run end", async () => {
    const delayed = quickstartWith(
      '{ threshold: "invocations.success < 1000", abortOnFail: true, delayAbortEval: 5m }',
    );
    const first = quickstartWith('{ threshold: "invocations.success < 1000", abortOnFail: true }');
    const a = (await simulate(request(delayed, 0))).report.thresholds!.aborted!;
    const b = (await simulate(request(first, 0))).report.thresholds!.aborted!;
    expect(a.atUs).toBe(5 * 60_000_000);
    expect(b.atUs).toBeLessThan(a.atUs);
    const holds = quickstartWith('{ threshold: "functions.failed == 0", abortOnFail: true }');
    const r = (await simulate(request(holds, 0))).report;
    expect(r.run.partial).toBe(false);
    expect(r.thresholds).toEqual({
      results: [
        {
          threshold: "functions.failed == 0",
          metric: "functions.failed",
          unit: "count",
          observed: 0,
          ok: true,
          abortOnFail: true,
        },
      ],
      aborted: null,
    });
  }, 60_000);
});
