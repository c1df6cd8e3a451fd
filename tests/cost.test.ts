/**
 * Cost (issue 13 item 3): what the model bills, priced; checked against a
 * bill worked out by hand, with the pricing overrides, the CPU-scaling rule,
 * across engine settings, as a threshold, and with bad input.
 */
import { describe, expect, it } from "vitest";
import { simulate } from "../src/cli/simulate.js";
import { metricByName } from "../src/measures/report-metrics.js";
import { sampleLimitsOf } from "../src/measures/reading.js";
import { durationFactor, scaledRunUs } from "../src/model/cpu-scaling.js";
import type { Plan } from "../src/model/plan.js";
import { DEFAULT_PRICING } from "../src/model/pricing.js";
import { runPlan } from "../src/model/run.js";
import { buildReport, type Report } from "../src/report/json-report.js";
import { costTable } from "../src/report/html-report.js";
import { renderSummary } from "../src/report/summary.js";
import { evaluateThresholds } from "../src/report/thresholds.js";
import { loadScenarioFile, loadScenarioText, validateScenarioText } from "../src/scenario/load.js";
import { FunctionService } from "../src/serve/function-service.js";
import { FunctionViews } from "../src/serve/function-views.js";
import { servePlan } from "../src/serve/serve-plan.js";
import { ServeSession } from "../src/serve/session.js";

/**
 * Three functions, every duration constant:
 * - od (x86_64, 128 MB): invoked at 1 s, 2 s, 3 s: one cold start (init 250 ms + run 100.4 ms), two warm.
 * - arm (arm64, 128 MB): one cold start at 1 s.
 * - pc (x86_64, 512 MB): version 1 gets 2 provisioned environments (config at 5 s), invoked twice on them.
 */
const SMALL = `
name: cost-small
duration: 60s
model:
  publishDuration: 1s
  apiLatency: 10ms
  invokeLatency: 20ms
  firstInvokeLatencyByRuntime: { nodejs: 2ms }
functions:
  - { template: od, name: od, memory: 128, existing: true, duration: 100400us, initDuration: 250ms }
  - { template: arm, name: arm, memory: 128, architecture: arm64, existing: true, duration: 100400us, initDuration: 250ms }
  - { template: pc, name: pc, memory: 512, existing: true, duration: 50ms, initDuration: 300ms }
events:
  - { at: 1s, call: Invoke, function: od }
  - { at: 2s, call: Invoke, function: od }
  - { at: 3s, call: Invoke, function: od }
  - { at: 1s, call: Invoke, function: arm }
  - { at: 0s, call: PublishVersion, function: pc }
  - { at: 5s, call: PutProvisionedConcurrencyConfig, function: pc, qualifier: 1, provisionedConcurrentExecutions: 2 }
  - { at: 20s, call: Invoke, function: pc, qualifier: 1 }
  - { at: 21s, call: Invoke, function: pc, qualifier: 1 }
`;

function reportOf(plan: Plan, partitions = 2, sampleIntervalUs = 0): Report {
  const outcome = runPlan(plan, { partitions, sampleIntervalUs });
  return buildReport(outcome, { file: null, seed: plan.seed, partitions });
}

/** MB-ms in a GB-second: Lambda's GB is 1,024 MB. */
const GB_S = 1024 * 1000;
const P = DEFAULT_PRICING;

describe("cost: the bill of a small scenario, by hand", () => {
  const cost = reportOf(loadScenarioText(SMALL, "small.yaml")).cost;

  it("bills each invocation that ran one request, its init and duration rounded up to 1 ms, times memory", () => {
    // od: cold 250 + 100.4 = 350.4 -> 351 ms; warm 100.4 -> 101 ms, twice.
    const od = ((351 + 101 + 101) * 128) / GB_S;
    const arm = (351 * 128) / GB_S;
    expect(cost.byTemplate.od.usage).toMatchObject({
      requests: 3,
      provisionedRequests: 0,
      onDemandGbSeconds: od,
    });
    expect(cost.byTemplate.arm.usage).toMatchObject({ requests: 1, onDemandGbSeconds: arm });
    expect(cost.byTemplate.od.onDemand.requests).toBeCloseTo(3 * 0.2e-6, 15);
    expect(cost.byTemplate.od.onDemand.duration).toBeCloseTo(od * 0.0000166667, 15);
    // arm64 at its own price.
    expect(cost.byTemplate.arm.architecture).toBe("arm64");
    expect(cost.byTemplate.arm.onDemand.duration).toBeCloseTo(arm * 0.0000133334, 15);
  });

  it("bills provisioned environments for the time they are ready, their inits and requests at the provisioned rates", () => {
    // The config takes effect at 5.02 s (event 5 s + API latency 10 ms + the coordinator's answer 10 ms);
    // environments start 10 ms apart (6,000 a minute), each ready after its 300 ms init: at 5.32 s and 5.33 s.
    const allocatedS = 60 - 5.32 + (60 - 5.33);
    const pc = cost.byTemplate.pc;
    expect(pc.usage.allocatedGbSeconds).toBeCloseTo(allocatedS * 0.5, 9);
    // Two inits of 300 ms, the first request 2 ms lazy loading + 50 ms, the second 50 ms.
    expect(pc.usage.provisionedGbSeconds).toBeCloseTo(((300 + 300 + 52 + 50) * 512) / GB_S, 12);
    // Busy from the request's start: invoke latency 20 ms + (2 ms) + 50 ms each.
    const busyS = 0.02 + 0.002 + 0.05 + (0.02 + 0.05);
    expect(pc.usage.idleGbSeconds).toBeCloseTo((allocatedS - busyS) * 0.5, 9);
    expect(pc.usage.provisionedRequests).toBe(2);
    expect(pc.provisioned.allocated).toBeCloseTo(allocatedS * 0.5 * 0.0000041667, 14);
    expect(pc.provisioned.duration).toBeCloseTo(pc.usage.provisionedGbSeconds * 0.0000097222, 15);
    expect(pc.provisioned.requests).toBeCloseTo(2 * 0.2e-6, 15);
    expect(pc.idleProvisioned).toBeCloseTo((allocatedS - busyS) * 0.5 * 0.0000041667, 14);
  });

  it("adds up: the total is every component of every template, per million invocations that ran", () => {
    const parts = Object.values(cost.byTemplate).flatMap((t) => [
      t.onDemand.requests,
      t.onDemand.duration,
      t.provisioned.requests,
      t.provisioned.allocated,
      t.provisioned.duration,
    ]);
    const sum = parts.reduce((a, b) => a + b, 0);
    expect(cost.total).toBeCloseTo(sum, 14);
    expect(cost.perMillionInvocations).toBeCloseTo((cost.total / 6) * 1e6, 9);
    expect(cost.prices).toEqual(DEFAULT_PRICING);
  });

  it("the HTML report has a cost table: a row per template and the total", () => {
    const html = costTable(reportOf(loadScenarioText(SMALL, "small.yaml")));
    expect(html).toContain('<section id="cost">');
    expect(html).toContain("<td>arm (arm64)</td>");
    expect(html).toMatch(/<td>total<\/td>(<td>\$[^<]+<\/td>){5}/);
  });

  it("prints a COST section", () => {
    const report = reportOf(loadScenarioText(SMALL, "small.yaml"));
    const text = renderSummary(report, { color: false });
    expect(text).toMatch(/^ {2}COST$/m);
    expect(text).toMatch(/^ {4}total \.+: \$0\.0002342 \(\$39\.03 per million invocations\)$/m);
    expect(text).toMatch(
      /^ {4}provisioned \.+: allocated \$\S+ \(idle \$\S+\) requests \$4e-7 duration \$\S+$/m,
    );
  });
});

describe("architecture: where the function's settings are shown", () => {
  it("fleet-sim serve answers a scenario function's Architectures from its template", () => {
    const served = servePlan(loadScenarioText(SMALL, "small.yaml"), 1, ["nodejs20.x"]);
    const fail = () => {
      throw new Error("no call is made");
    };
    const service = new FunctionService(
      new ServeSession(served, 1),
      new FunctionViews(served, 0),
      fail,
      () => {},
    );
    expect(service.records.get("arm")?.architectures).toEqual(["arm64"]);
    expect(service.records.get("od")?.architectures).toEqual(["x86_64"]);
  });
});

describe("pricing: a scenario's overrides", () => {
  it("replace the prices they name, per architecture; initBilled: false bills only the handler", () => {
    const text = `${SMALL}pricing:\n  requestsPerMillion: 1\n  durationPerGbSecond: { arm64: 0.00002 }\n  initBilled: false\n`;
    const cost = reportOf(loadScenarioText(text, "small.yaml")).cost;
    expect(cost.prices).toEqual({
      ...P,
      requestsPerMillion: 1,
      durationPerGbSecond: { x86_64: P.durationPerGbSecond.x86_64, arm64: 0.00002 },
      initBilled: false,
    });
    // Without the init: 101 ms each.
    expect(cost.byTemplate.od.usage.onDemandGbSeconds).toBe((3 * 101 * 128) / GB_S);
    expect(cost.byTemplate.arm.onDemand.duration).toBeCloseTo(((101 * 128) / GB_S) * 0.00002, 15);
    expect(cost.byTemplate.od.onDemand.requests).toBeCloseTo(3e-6, 15);
  });

  it("without pricing:, AWS's us-east-1 prices with their first duration tier", () => {
    expect(P).toEqual({
      requestsPerMillion: 0.2,
      durationPerGbSecond: { x86_64: 0.0000166667, arm64: 0.0000133334 },
      provisionedPerGbSecond: { x86_64: 0.0000041667, arm64: 0.0000033334 },
      provisionedDurationPerGbSecond: { x86_64: 0.0000097222, arm64: 0.0000077778 },
      initBilled: true,
    });
  });
});

describe("CPU scaling with memory: the CPU-bound share scales by measuredAt / memory, up to the threads' vCPUs", () => {
  const s = { cpuShare: 0.5, measuredAtMb: 1769, threads: 1 };

  it("runs the CPU part 1769/256 times longer at 256 MB than at 1,769 MB (one vCPU)", () => {
    expect(durationFactor(s, 256)).toBeCloseTo(0.5 + 0.5 * (1769 / 256), 12);
    expect(scaledRunUs(s, 256, 100_000)).toBe(395_508);
  });

  it("gives one thread nothing past one vCPU; two threads use two", () => {
    expect(durationFactor(s, 3538)).toBe(1);
    expect(durationFactor({ ...s, threads: 2 }, 3538)).toBeCloseTo(0.75, 12);
    // At most 6 vCPUs, at 10,240 MB 5.79 of them.
    expect(durationFactor({ ...s, threads: 6 }, 10240)).toBeCloseTo(0.5 + 0.5 / (10240 / 1769), 12);
  });

  it("is off without cpuScaling: the run time is the template's at any memory", () => {
    expect(scaledRunUs(undefined, 128, 123_456)).toBe(123_456);
  });

  it("changes what a run bills: 100 ms at 1,769 MB runs 395.508 ms at 256 MB", () => {
    const text = [
      "name: t",
      "duration: 10s",
      "functions:",
      "  - template: cpu",
      "    memory: 256",
      "    existing: true",
      "    duration: 100ms",
      "    initDuration: 1ms",
      "    cpuScaling: { cpuShare: 0.5, measuredAt: 1769 }",
      "events:",
      "  - { at: 1s, call: Invoke, function: cpu-0 }",
      "",
    ].join("\n");
    const report = reportOf(loadScenarioText(text, "t.yaml"));
    // init 1 ms + 395.508 ms -> 397 ms.
    expect(report.cost.usage.onDemandGbSeconds).toBe((397 * 256) / GB_S);
    const unscaled = reportOf(loadScenarioText(text.replace(/ {4}cpuScaling.*\n/, ""), "t.yaml"));
    expect(unscaled.cost.usage.onDemandGbSeconds).toBe((101 * 256) / GB_S);
  });
});

describe("cost: deterministic across workers and partitions", () => {
  it("every cost field is the same at workers 0/1/2 x partitions 1/3", async () => {
    const file = "scenarios/provisioned-alias-shift.yaml";
    const costs: string[] = [];
    for (const [workers, partitions] of [
      [0, 1],
      [0, 3],
      [1, 3],
      [2, 1],
      [2, 3],
    ]) {
      const { report } = await simulate({
        plan: loadScenarioFile(file, { seed: 3 }),
        file,
        partitions,
        traceFd: null,
        traceFilter: "*",
        stopFlag: null,
        metrics: null,
        workers,
        workerMemoryMb: 1024,
      });
      expect(report.cost.provisioned.allocated).toBeGreaterThan(0);
      costs.push(JSON.stringify(report.cost));
    }
    expect(new Set(costs).size).toBe(1);
  }, 180_000);
});

describe("cost thresholds", () => {
  const plan = loadScenarioText(SMALL, "small.yaml");
  const report = reportOf(plan, 3, 10_000_000);

  it("cost.total passes under a higher limit and fails under a lower one", () => {
    const thresholds = [
      { source: "cost.total < 0.001", metric: "cost.total", op: "<" as const, value: 0.001 },
      { source: "cost.total < 0.0001", metric: "cost.total", op: "<" as const, value: 0.0001 },
    ].map((t) => ({ ...t, abortOnFail: false, delayAbortEvalUs: 0 }));
    const results = evaluateThresholds(report, thresholds).results;
    expect(results.map((r) => r.ok)).toEqual([true, false]);
    expect(results[0].observed).toBe(report.cost.total);
  });

  it("a sample at the end reads the report's figures (abortOnFail checks the same numbers)", () => {
    const outcome = runPlan(plan, { partitions: 3, sampleIntervalUs: 10_000_000 });
    const last = outcome.samples[outcome.samples.length - 1];
    expect(last.timeUs).toBe(60_000_000);
    const limits = sampleLimitsOf(plan);
    for (const name of [
      "cost.total",
      "cost.on_demand",
      "cost.provisioned",
      "cost.idle_provisioned",
      "cost.per_million_invocations",
    ]) {
      const m = metricByName(name)!;
      // The report keeps 12 significant digits.
      const inReport = m.fromReport(report);
      expect(Math.abs(m.fromSample!(last, limits) - inReport), name).toBeLessThanOrEqual(1e-11 * inReport);
    }
  });

  it("a threshold on cost.total compiles from the scenario", () => {
    const p = loadScenarioText(`${SMALL}thresholds:\n  - "cost.total < 1"\n`, "s.yaml");
    expect(p.thresholds?.[0]).toMatchObject({ metric: "cost.total", op: "<", value: 1 });
  });
});

describe("cost: bad input gets located messages", () => {
  const problems = (text: string) =>
    validateScenarioText(text, "s.yaml").map((i) => `${i.line}:${i.column}: ${i.path}: ${i.message}`);
  const fn = (line: string) =>
    ["name: t", "duration: 1m", "functions:", "  - template: api", line, ""].join("\n");

  it("architecture: one of AWS's two", () => {
    expect(problems(fn("    architecture: arm"))).toEqual([
      "5:19: functions[0].architecture: invalid value 'arm', expected one of: x86_64, arm64 (did you mean 'arm64'?)",
    ]);
  });

  it("cpuScaling: a share in 0-1, a memory size, 1-6 threads", () => {
    expect(problems(fn("    cpuScaling: { cpuShare: 1.5, measuredAt: 64, threads: 8 }"))).toEqual([
      "5:29: functions[0].cpuScaling.cpuShare: must be at most 1, got 1.5",
      "5:46: functions[0].cpuScaling.measuredAt: must be at least 128, got 64",
      "5:59: functions[0].cpuScaling.threads: must be at most 6, got 8",
    ]);
  });

  it("pricing: non-negative prices, known fields and architectures", () => {
    const text = [
      "name: t",
      "duration: 1m",
      "pricing:",
      "  requestsPerMillion: -1",
      "  durationPerGbSecond: { ppc: 0.1 }",
      "  initBiled: true",
      "",
    ].join("\n");
    expect(problems(text)).toEqual([
      "4:23: pricing.requestsPerMillion: must be at least 0, got -1",
      "5:26: pricing.durationPerGbSecond.ppc: unknown field 'ppc', expected one of: x86_64, arm64",
      "6:3: pricing.initBiled: unknown field 'initBiled', expected one of: requestsPerMillion, durationPerGbSecond, provisionedPerGbSecond, provisionedDurationPerGbSecond, initBilled (did you mean 'initBilled'?)",
    ]);
  });
});
