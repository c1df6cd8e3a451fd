/**
 * Issue 11 item 2: arrival rates the microsecond clock cannot represent.
 * Arrivals chain from each stream's exact next-arrival time, so any rate
 * gives the count its rate implies; what cannot be simulated is refused with
 * a located reason; a lookahead of 0 is refused; and the run's self-check
 * fails a stream that delivers far fewer (or more) arrivals than its rate.
 */
import { describe, expect, it } from "vitest";
import { checkStreamArrivals } from "../src/model/invariants.js";
import { runPlan } from "../src/model/run.js";
import { expectedArrivals } from "../src/model/workload-rates.js";
import { loadScenarioText, validateScenarioText } from "../src/scenario/load.js";

/** One existing function and one invoke stream on it from t=0. */
function scenario(o: { arrival: string; for: string; duration?: string; model?: string[] }): string {
  return [
    "name: arrivals",
    "seed: 3",
    `duration: ${o.duration ?? "2s"}`,
    ...(o.model ? ["model:", ...o.model.map((l) => `  ${l}`)] : []),
    "functions:",
    "  - template: f",
    "    name: f",
    "    runtime: nodejs20.x",
    "    existing: true",
    "workload:",
    "  - at: 0s",
    "    action: invoke",
    `    for: ${o.for}`,
    "    functions: [f]",
    `    arrival: ${o.arrival}`,
    "",
  ].join("\n");
}

const run = (text: string) => runPlan(loadScenarioText(text, "s.yaml"), { partitions: 1 });

function problems(text: string): string[] {
  return validateScenarioText(text, "s.yaml").map((i) => `${i.line}:${i.column}: ${i.path}: ${i.message}`);
}

describe("arrivals at rates above one per microsecond", () => {
  it("11.2: a constant 1,500,000/s stream on one function for 1 s reports 1,500,000 requests (within 1)", () => {
    const out = run(scenario({ arrival: "{ process: constant, rate: 1500000/s }", for: "1s" }));
    expect(Math.abs(out.obs.invocationRequests - 1_500_000)).toBeLessThanOrEqual(1);
    for (const inv of out.invariants) expect(inv.ok, `${inv.name}: ${inv.detail}`).toBe(true);
  }, 60_000);

  it("11.2: a Poisson 10,000,000/s stream for 0.1 s reports about 1,000,000 requests (within 6 sqrt)", () => {
    const out = run(scenario({ arrival: "{ process: poisson, rate: 10000000/s }", for: "100ms" }));
    expect(Math.abs(out.obs.invocationRequests - 1_000_000)).toBeLessThanOrEqual(6 * Math.sqrt(1_000_000));
    for (const inv of out.invariants) expect(inv.ok, `${inv.name}: ${inv.detail}`).toBe(true);
  }, 60_000);

  it("11.2: an evenly spaced ramp from 0 delivers the integral of its rate (it gave none)", () => {
    const out = run(
      scenario({
        arrival: "{ process: constant, stages: [{ to: 100/s, over: 1m }] }",
        for: "1m",
        duration: "2m",
      }),
    );
    expect(Math.abs(out.obs.invocationRequests - 3000)).toBeLessThanOrEqual(1);
  });
});

describe("rates that cannot be simulated are refused with a reason", () => {
  it("11.2: the refused rate gets a located message saying why and what is accepted", () => {
    // 600M/s: 12,000,000 arrivals within the 20 ms lookahead, more than an epoch may hold.
    expect(problems(scenario({ arrival: "{ rate: 600000000/s }", for: "1s" }))).toEqual([
      "14:14: workload[0].arrival: the invoke streams together may bring 12,000,000 arrivals within the " +
        "engine's lookahead of 20ms (the least of model.apiLatency and model.invokeLatency), the shortest " +
        "stretch it runs before it can report progress or stop; at most 10,000,000: lower the rates or the latencies",
    ]);
    // 1.5M/s at one function by 82 years: gaps closer than the float64 clock carries there.
    const late = scenario({
      arrival: "{ process: constant, rate: 1500000/s }",
      for: "1s",
      duration: "30000d",
    });
    expect(problems(late.replace("at: 0s", "at: 29999d"))).toEqual([
      "14:14: workload[0].arrival: brings up to 1,500,000/s to one function, arrivals 0.67us apart: too close " +
        "for the simulated clock (float64 microseconds, 0.5us apart by the stream's end at 29999d1s) to carry " +
        "their count exactly; at most 1,953/s per function for a stream ending then",
    ]);
    // The same rate early in a run is accepted.
    expect(problems(scenario({ arrival: "{ rate: 30000000/s }", for: "1s" }))).toEqual([]);
  });

  it("11.2: a lookahead latency of 0 (it lost 99.9% of a Poisson stream's requests) is refused with a reason", () => {
    for (const [line, shown] of [
      ["apiLatency: 0", "0"],
      ["invokeLatency: 0.4us", '"0.4us" (0us in whole microseconds)'],
    ]) {
      const key = line.split(":")[0];
      expect(
        problems(scenario({ arrival: "{ rate: 100/s }", for: "1h", duration: "1h", model: [line] })),
      ).toEqual([
        `5:${key.length + 5}: model.${key}: must be at least 1us, got ${shown}: every answer of the service ` +
          "takes at least this long, and the engine lets functions run ahead of the shared state by the " +
          "least such latency; at 0 they could never run past a request",
      ]);
    }
  });

  it("11.2: the smallest accepted lookahead latency (1us) delivers the stream's requests", () => {
    const text = [
      "name: la",
      "seed: 1",
      "duration: 10m",
      "model: { apiLatency: 1us }",
      "functions:",
      "  - { template: f, name: f, runtime: nodejs20.x }",
      "workload:",
      "  - { at: 0s, action: create, functions: f }",
      "  - { at: 0s, action: invoke, for: 10m, functions: [f], arrival: { process: poisson, rate: 100/s } }",
      "",
    ].join("\n");
    const out = run(text);
    // With apiLatency: 0 this run delivered 75 of about 60,000.
    expect(Math.abs(out.obs.invocationRequests - 60_000)).toBeLessThanOrEqual(6 * Math.sqrt(60_000));
    for (const inv of out.invariants) expect(inv.ok, `${inv.name}: ${inv.detail}`).toBe(true);
  });
});

describe("the run's self-check on arrivals", () => {
  const plan = loadScenarioText(
    scenario({ arrival: "{ rate: 100/s }", for: "1h", duration: "1h" }),
    "s.yaml",
  );

  it("11.2: the self-check catches a stream that stops early", () => {
    expect(expectedArrivals(plan.invokeStreams[0])).toBeCloseTo(360_000, 6);
    const short = checkStreamArrivals(plan, [2001], plan.untilUs);
    expect(short.ok).toBe(false);
    expect(short.detail).toBe("stream 1 (poisson to f): 2001 arrivals, expected 360000 ± 3970 by its rate");
    expect(checkStreamArrivals(plan, [360_000 + 3000], plan.untilUs).ok).toBe(true);
    expect(checkStreamArrivals(plan, [360_000 + 5000], plan.untilUs).ok).toBe(false);
    // A run stopped at 30 minutes expects half.
    expect(checkStreamArrivals(plan, [180_100], plan.untilUs / 2).ok).toBe(true);
  });
});
