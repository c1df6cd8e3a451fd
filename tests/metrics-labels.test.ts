/**
 * The labels that slice the metrics by service: the `template` label (the
 * function template) on functions by State, invocations, starts, throttles
 * and the Pending and latency histograms, kept per template in the
 * partitions; and the opt-in `function` label (--metrics-function-labels N)
 * on the N busiest functions, the rest under function="other".
 */
import { describe, expect, it } from "vitest";
import { metricsContext } from "../src/metrics/context.js";
import { OpenMetricsWriter, stringSink } from "../src/metrics/openmetrics-writer.js";
import { MetricsRegistry } from "../src/metrics/registry.js";
import { SeriesLayout } from "../src/metrics/series.js";
import { ApiError, STATE_NAMES, ThrottleCause } from "../src/model/aws-names.js";
import { ERROR_COUNT, Hist, TEMPLATE_HIST_INDEX, THROTTLE_CAUSE_COUNT } from "../src/model/observations.js";
import { Operation } from "../src/model/aws-names.js";
import type { Plan } from "../src/model/plan.js";
import { FunctionLabeller, type FunctionSample } from "../src/model/function-labels.js";
import { FUNCTION_COLUMNS, newFunctionTable, STATE_COLUMN } from "../src/model/function-table.js";
import { type RunOptions, runPlan, runPlanAsync, type Sample } from "../src/model/run.js";
import { samplingOf } from "../src/model/sampler.js";
import { parseOpenMetrics } from "./helpers/openmetrics-check.js";
import { constant, PlanBuilder, sec } from "./helpers/plan-builder.js";

const STATES = STATE_NAMES.length;
const INTERVAL = sec(15);

/** Two templates: "api" invoked and half failing, "job" with no concurrency of its own (all throttled). */
function twoTemplates(): Plan {
  return new PlanBuilder(200)
    .template("api", { count: 3, existing: true, errorRate: 0.5, duration: constant(0.05) })
    .template("job", { count: 2, existing: true, reservedConcurrency: 0 })
    .stream(["api-0", "api-1", "api-2"], 30, 0, 120)
    .stream(["job-0", "job-1"], 10, 0, 120)
    .build();
}

describe("per-template counters", () => {
  const plan = twoTemplates();
  const out = runPlan(plan, { partitions: 2, sampleIntervalUs: INTERVAL });
  const last = out.samples.at(-1)!;
  const c = last.counters;
  const [API, JOB] = [0, 1];
  const inv = (t: number, code: number) => c.invocationsByTemplate[t * ERROR_COUNT + code];

  it("count each template's invocations by outcome, starts and throttles", () => {
    const jobInvocations = inv(JOB, ApiError.TooManyRequestsException);
    expect(jobInvocations).toBeGreaterThan(500);
    for (let code = 0; code < ERROR_COUNT; code++)
      if (code !== ApiError.TooManyRequestsException) expect(inv(JOB, code)).toBe(0);
    expect(c.throttlesByTemplate[JOB * THROTTLE_CAUSE_COUNT + ThrottleCause.ReservedConcurrency]).toBe(
      jobInvocations,
    );
    expect(c.startsByTemplate.slice(JOB * 2, JOB * 2 + 2)).toEqual([0, 0]);
    const apiRan = inv(API, ApiError.None) + inv(API, ApiError.FunctionError);
    expect(inv(API, ApiError.FunctionError)).toBeGreaterThan(apiRan * 0.4);
    expect(c.startsByTemplate[API * 2] + c.startsByTemplate[API * 2 + 1]).toBe(apiRan);
    expect(c.startsByTemplate[API * 2]).toBeGreaterThan(0); // cold starts
  });

  it("add up to the totals, in every sample", () => {
    for (const s of out.samples) {
      const k = s.counters;
      for (let code = 0; code < ERROR_COUNT; code++)
        expect(k.invocationsByTemplate[code] + k.invocationsByTemplate[ERROR_COUNT + code]).toBe(
          k.api[Operation.Invoke * ERROR_COUNT + code],
        );
      expect(k.startsByTemplate[0] + k.startsByTemplate[2]).toBe(k.coldStarts);
      expect(k.startsByTemplate[1] + k.startsByTemplate[3]).toBe(k.warmStarts);
      for (let cause = 0; cause < THROTTLE_CAUSE_COUNT; cause++)
        expect(k.throttlesByTemplate[cause] + k.throttlesByTemplate[THROTTLE_CAUSE_COUNT + cause]).toBe(
          k.throttles[cause],
        );
      for (let st = 0; st < STATES; st++)
        expect(s.statesByTemplate[st] + s.statesByTemplate[STATES + st]).toBe(s.states[st]);
      for (const h of [Hist.PendingCreate, Hist.PendingRestore, Hist.InvocationLatency]) {
        const [a, b] = [0, 1].map((t) => s.templateHistograms[TEMPLATE_HIST_INDEX[h] * 2 + t]);
        expect(a.count + b.count).toBe(s.histograms[h].count);
        expect(a.sumUs + b.sumUs).toBe(s.histograms[h].sumUs);
        expect(a.buckets.map((n, i) => n + b.buckets[i])).toEqual(s.histograms[h].buckets);
      }
    }
    expect(last.statesByTemplate).toEqual([0, 3, 0, 0, 0, 2, 0, 0]);
    expect(out.statesByTemplate).toEqual(last.statesByTemplate);
    const latency = (t: number) =>
      last.templateHistograms[TEMPLATE_HIST_INDEX[Hist.InvocationLatency] * 2 + t];
    expect(latency(JOB).count).toBe(0);
    expect(latency(API).count).toBe(out.obs.histograms[Hist.InvocationLatency].totalCount);
  });

  it("are exposed with a template label on each family", async () => {
    const registry = new MetricsRegistry(new SeriesLayout(metricsContext(plan)));
    registry.update(last);
    const text = await registry.metrics();
    const value = (name: string, labels: string) => {
      const line = text.split("\n").find((l) => l.startsWith(`${name}{${labels},run_id=`));
      expect(line, `${name}{${labels}}`).toBeDefined();
      return Number(line!.split(" ").at(-1));
    };
    expect(value("fleetsim_functions", 'state="Active",template="api"')).toBe(3);
    expect(value("fleetsim_functions", 'state="Active",template="job"')).toBe(2);
    expect(value("fleetsim_invocations_total", 'outcome="throttled",template="job"')).toBe(
      inv(JOB, ApiError.TooManyRequestsException),
    );
    expect(value("fleetsim_invocations_total", 'outcome="functionError",template="api"')).toBe(
      inv(API, ApiError.FunctionError),
    );
    expect(value("fleetsim_invocation_starts_total", 'start_type="cold",template="api"')).toBe(
      c.startsByTemplate[API * 2],
    );
    expect(
      value(
        "fleetsim_invocation_throttles_total",
        'cause="reservedConcurrency",reason="ReservedFunctionConcurrentInvocationLimitExceeded",template="job"',
      ),
    ).toBe(inv(JOB, ApiError.TooManyRequestsException));
    expect(value("fleetsim_invocation_latency_seconds_count", 'template="api"')).toBe(
      out.obs.histograms[Hist.InvocationLatency].totalCount,
    );
    expect(value("fleetsim_pending_duration_seconds_count", 'reason_code="Creating",template="api"')).toBe(0);
    expect(text).not.toContain('function="');
  });
});

/**
 * "early" is busy first, then stops; "late-0" and "late-1" take over at the
 * same constant rate (tied); "idle" is never invoked; one function is named
 * "other". With one or two labels the set changes during the run.
 */
function churn(): Plan {
  return new PlanBuilder(300)
    .template("early", { existing: true })
    .template("late", { count: 2, existing: true, duration: constant(0.01) })
    .template("idle", { existing: true })
    .template("other", { existing: true })
    .stream(["early"], 20, 0, 60, { process: "constant" })
    .stream(["late-0", "late-1"], 40, 60, 300, { process: "constant" })
    .stream(["other"], 50, 0, 300, { process: "constant" })
    .build();
}

type Opts = Pick<RunOptions, "partitions" | "functionLabels">;
const sampled = (plan: Plan, o: Opts) => runPlan(plan, { ...o, sampleIntervalUs: INTERVAL }).samples;
const invocationsOf = (f: NonNullable<Sample["functions"]>, i: number) =>
  f.invocations.slice(i * ERROR_COUNT, (i + 1) * ERROR_COUNT).reduce((a, b) => a + b, 0);

describe("choosing the labelled functions (FunctionLabeller)", () => {
  const plan = new PlanBuilder(60).template("a", { count: 3 }).template("b").template("other").build();
  const [A0, A1, A2, B, OTHER] = [0, 1, 2, 3, 4];
  const table = newFunctionTable(5, false);
  const success = (g: number, n: number) => {
    table[g * FUNCTION_COLUMNS + ApiError.None] += n;
  };
  const byTemplate = () => {
    const out = new Array<number>(3 * ERROR_COUNT).fill(0);
    for (let g = 0; g < 5; g++)
      for (let e = 0; e < ERROR_COUNT; e++)
        out[plan.functions.template[g] * ERROR_COUNT + e] += table[g * FUNCTION_COLUMNS + e];
    return out;
  };
  const states = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
  const labeller = new FunctionLabeller(plan, 2);
  const take = () => labeller.take(table, byTemplate(), states);
  const ok = (f: FunctionSample, i: number) => f.invocations[i * ERROR_COUNT + ApiError.None];
  const otherOk = (f: FunctionSample, t: number) => f.otherInvocations[t * ERROR_COUNT + ApiError.None];

  it("takes the busiest, ties by name, never one without invocations or named other; series start at 0", () => {
    success(A0, 5);
    success(A1, 5);
    success(B, 3);
    success(OTHER, 100);
    const f = take();
    expect(f.names).toEqual(["a-0", "a-1"]);
    expect([ok(f, 0), ok(f, 1)]).toEqual([0, 0]);
    expect(otherOk(f, 0)).toBe(10); // a-0 and a-1 before their labels
    expect(otherOk(f, 1)).toBe(3);
    expect(otherOk(f, 2)).toBe(100);
  });

  it("goes on counting a labelled function, starts one that enters at 0, and ends one that drops out", () => {
    success(A0, 2); // 7
    success(B, 10); // 13: b enters, a-1 (5) drops out
    success(A2, 1);
    let f = take();
    expect(f.names).toEqual(["b", "a-0"]);
    expect([ok(f, 0), ok(f, 1)]).toEqual([0, 2]);
    expect(otherOk(f, 0)).toBe(10 + 1); // a-1 and a-2
    expect(otherOk(f, 1)).toBe(13);
    success(A0, 1);
    success(A1, 2); // 7, still below a-0's 8
    success(B, 1);
    f = take();
    expect(f.names).toEqual(["b", "a-0"]);
    expect([ok(f, 0), ok(f, 1)]).toEqual([1, 3]);
    expect(otherOk(f, 0)).toBe(10 + 1 + 2);
    expect(otherOk(f, 1)).toBe(13);
    expect(table[A2 * FUNCTION_COLUMNS + STATE_COLUMN]).toBe(-1);
    expect(f.states).toEqual([-1, -1]); // none exists in this table
  });
});

describe("--metrics-function-labels", () => {
  const plan = churn();
  const names = plan.functions.names;

  it("costs nothing when off: no function table, no labelled functions in samples", () => {
    expect(samplingOf(plan, { sampleIntervalUs: INTERVAL }, false).functionTable).toBeNull();
    expect(sampled(plan, { partitions: 2 }).every((s) => s.functions === null)).toBe(true);
  });

  it("picks the N busiest so far (ties by name): early first, then late-0 (tied with late-1)", () => {
    const chosen = (n: number) =>
      sampled(plan, { partitions: 2, functionLabels: n }).map((s) => s.functions!.names);
    const one = chosen(1);
    expect([...new Set(one.flat())]).toEqual(["early", "late-0"]);
    expect(one.at(-1)).toEqual(["late-0"]);
    expect(chosen(2).at(-1)).toEqual(["late-0", "late-1"]);
    // Every invoked function, but never "idle" (no invocations) nor "other" (the bucket's own name).
    expect(chosen(1000).at(-1)!.sort()).toEqual(["early", "late-0", "late-1"]);
  });

  it("counts every invocation once: the series only grow, and with the dropped-out ones they sum to the total", () => {
    for (const n of [1, 2]) {
      const samples = sampled(plan, { partitions: 2, functionLabels: n });
      const last = new Map<string, number>(); // latest value of each series
      const dropped = new Float64Array(plan.templates.length * ERROR_COUNT);
      let previous: NonNullable<Sample["functions"]> | null = null;
      for (const s of samples) {
        const f = s.functions!;
        expect(f.names.length).toBeLessThanOrEqual(n);
        for (const [i, name] of (previous?.names ?? []).entries()) {
          if (f.names.includes(name)) continue;
          for (let e = 0; e < ERROR_COUNT; e++)
            dropped[previous!.templates[i] * ERROR_COUNT + e] += previous!.invocations[i * ERROR_COUNT + e];
        }
        const sum = f.otherInvocations.map((v, j) => v + dropped[j]);
        f.names.forEach((name, i) => {
          for (let e = 0; e < ERROR_COUNT; e++)
            sum[f.templates[i] * ERROR_COUNT + e] += f.invocations[i * ERROR_COUNT + e];
        });
        expect(sum).toEqual(s.counters.invocationsByTemplate);
        const values = [
          ...f.otherInvocations.map((v, j) => [`other/${j}`, v] as const),
          ...f.names.map((name, i) => [name, invocationsOf(f, i)] as const),
        ];
        for (const [key, v] of values) {
          // "other" and a function labelled at the last point as well go on; a new series starts at 0.
          const goesOn = key.startsWith("other/") || previous?.names.includes(key) === true;
          if (goesOn) expect(v, key).toBeGreaterThanOrEqual(last.get(key) ?? 0);
          else expect(v, key).toBe(0);
          last.set(key, v);
        }
        previous = f;
      }
      expect(dropped.reduce((a, b) => a + b, 0)).toBeGreaterThan(0); // a function did drop out
    }
  });

  it("counts the other functions' States by template, and each labelled function's State", () => {
    const s = sampled(plan, { partitions: 2, functionLabels: 2 }).at(-1)!;
    const f = s.functions!;
    expect(f.states).toEqual([1, 1]); // Active
    const labelledByTemplate = f.templates.reduce((n, t) => n + (t === 1 ? 1 : 0), 0);
    expect(f.otherStates[1 * STATES + 1]).toBe(2 - labelledByTemplate);
    expect(f.otherStates.reduce((a, b) => a + b, 0) + f.names.length).toBe(names.length);
  });

  it("samples the same whatever the partitions and worker threads", async () => {
    const reference = sampled(plan, { partitions: 1, functionLabels: 2 });
    expect(sampled(plan, { partitions: 8, functionLabels: 2 })).toEqual(reference);
    const workers = await runPlanAsync(plan, {
      partitions: 8,
      workers: 2,
      sampleIntervalUs: INTERVAL,
      functionLabels: 2,
    });
    expect(workers.samples).toEqual(reference);
  });

  it("writes the labelled functions' series where they were labelled, in a well-formed OpenMetrics file", () => {
    const samples = sampled(plan, { partitions: 2, functionLabels: 1 });
    const sink = stringSink();
    const w = new OpenMetricsWriter(
      new SeriesLayout(metricsContext(plan, "churn", 1)),
      sink,
      Date.UTC(2024, 0, 1),
    );
    for (const s of samples) w.add(s);
    const stats = w.finish();
    const parsed = parseOpenMetrics(sink.text());
    expect(parsed.problems).toEqual([]);
    const points = (fn: string) =>
      parsed.families
        .find((x) => x.name === "fleetsim_invocations")!
        .samples.filter((x) =>
          x.labels.includes(`outcome="success",template="${fn.split("-")[0]}",function="${fn}"`),
        );
    const early = points("early");
    const late = points("late-0");
    expect(early.length + late.length).toBe(samples.filter((s) => s.functions!.names.length > 0).length);
    expect(early.at(-1)!.timestamp).toBeLessThan(late[0].timestamp);
    expect(stats.series).toBeGreaterThan(new SeriesLayout(metricsContext(plan, "churn", 1)).seriesCount);
    const states = parsed.families.find((x) => x.name === "fleetsim_functions")!.samples;
    expect(states.some((x) => x.labels.includes('function="other"'))).toBe(true);
  });

  it("serves only the latest sample's labelled functions on /metrics", async () => {
    const samples = sampled(plan, { partitions: 2, functionLabels: 1 });
    const registry = new MetricsRegistry(new SeriesLayout(metricsContext(plan, "churn", 1)));
    const at = async (s: Sample) => {
      registry.update(s);
      return registry.metrics();
    };
    const early = await at(samples.find((s) => s.functions!.names[0] === "early")!);
    expect(early).toContain('function="early"');
    expect(early).not.toContain('function="late-0"');
    const late = await at(samples.at(-1)!);
    expect(late).toContain('function="late-0"');
    expect(late).not.toContain('function="early"');
    expect(late).toMatch(/fleetsim_functions\{state="Active",template="late",function="late-0",[^}]*\} 1/);
  });
});
