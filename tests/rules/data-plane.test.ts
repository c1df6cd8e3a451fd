/**
 * The data plane: concurrency and request-rate checks, execution
 * environments, the scaling rate and invocation outcomes (D1-D4).
 */
import { describe, expect, it } from "vitest";
import {
  API_ERROR_HTTP_STATUS,
  ApiError,
  Messages,
  THROTTLE_CAUSE_REASON,
  ThrottleCause,
} from "../../src/model/aws-names.js";
import { Hist } from "../../src/model/observations.js";
import { constant, PlanBuilder, sec } from "../helpers/plan-builder.js";
import { apiCount, expectInvariantsHold, recordsOf, runTraced, seconds } from "../helpers/run-traced.js";

/** `n` Invoke calls at `atS` by a client that does not retry. */
function burst(b: PlanBuilder, fn: string, n: number, atS: number): PlanBuilder {
  for (let i = 0; i < n; i++) b.call(atS, "Invoke", fn, "once");
  return b;
}

const throttleReasons = (trace: ReturnType<typeof runTraced>["trace"]) =>
  trace.filter((r) => r.outcome === "TooManyRequestsException").map((r) => r.reason);

describe("D1: concurrency and request-rate checks", () => {
  it("D1: reserved concurrency 0 throttles every invocation (ReservedFunctionConcurrentInvocationLimitExceeded)", () => {
    const b = new PlanBuilder(60)
      .template("fn", { existing: true, reservedConcurrency: 0 })
      .client("once", null, 1);
    burst(b, "fn", 5, 1);
    const { out, trace } = runTraced(b.build());
    expect(apiCount(out, "Invoke", "TooManyRequestsException")).toBe(5);
    expect(apiCount(out, "Invoke", "OK")).toBe(0);
    expect(new Set(throttleReasons(trace))).toEqual(
      new Set(["ReservedFunctionConcurrentInvocationLimitExceeded"]),
    );
    expect(recordsOf(trace, "fn", "Invoke")[0]).toMatchObject({ message: Messages.concurrencyExceeded });
    expect(API_ERROR_HTTP_STATUS[ApiError.TooManyRequestsException]).toBe(429);
  });

  it("D1: a function with reserved concurrency runs at most that many at once", () => {
    const b = new PlanBuilder(120)
      .template("fn", { existing: true, reservedConcurrency: 5, duration: constant(30), timeoutS: 60 })
      .client("once", null, 1);
    burst(b, "fn", 20, 1);
    const { out, trace } = runTraced(b.build());
    expect(apiCount(out, "Invoke", "OK")).toBe(5);
    expect(out.obs.throttles[ThrottleCause.ReservedConcurrency]).toBe(15);
    expect(throttleReasons(trace)).toEqual(
      Array(15).fill("ReservedFunctionConcurrentInvocationLimitExceeded"),
    );
    expect(out.shared.peakConcurrency).toBe(5);
  });

  it("D1: unreserved functions share the account limit (ConcurrentInvocationLimitExceeded)", () => {
    const b = new PlanBuilder(120)
      .account({ concurrencyLimit: 100 })
      .template("fn", { count: 3, existing: true, duration: constant(30), timeoutS: 60 })
      .client("once", null, 1);
    for (const fn of ["fn-0", "fn-1", "fn-2"]) burst(b, fn, 50, 1);
    const { out, trace } = runTraced(b.build());
    expect(apiCount(out, "Invoke", "OK")).toBe(100);
    expect(out.obs.throttles[ThrottleCause.AccountConcurrency]).toBe(50);
    expect(new Set(throttleReasons(trace))).toEqual(new Set(["ConcurrentInvocationLimitExceeded"]));
    expect(out.shared.peakConcurrency).toBe(100);
    expectInvariantsHold(out);
  });

  it("D1: reservations come out of the unreserved pool, and the reserved function keeps its share", () => {
    const b = new PlanBuilder(120)
      .account({ concurrencyLimit: 200 })
      .template("reserved", { existing: true, reservedConcurrency: 50, duration: constant(30), timeoutS: 60 })
      .template("shared", { existing: true, duration: constant(30), timeoutS: 60 })
      .client("once", null, 1);
    burst(b, "shared", 200, 1);
    burst(b, "reserved", 60, 2);
    const { out } = runTraced(b.build());
    expect(out.shared.unreservedPool).toBe(150);
    expect(out.shared.peakUnreservedConcurrency).toBe(150);
    expect(out.obs.throttles[ThrottleCause.AccountConcurrency]).toBe(50);
    expect(out.obs.throttles[ThrottleCause.ReservedConcurrency]).toBe(10);
    expect(out.shared.peakConcurrency).toBe(200);
    expectInvariantsHold(out);
  });

  it("D1: requests are limited to 10 per second per unit of reserved concurrency", () => {
    const b = new PlanBuilder(60).template("fn", {
      existing: true,
      reservedConcurrency: 1,
      initDuration: constant(0.001),
      duration: constant(0.001),
    });
    // 20 requests/s, each in flight about 22 ms: concurrency 1 suffices, the request rate does not.
    b.stream(["fn"], 20, 0, 10, { process: "constant" });
    const { out, trace } = runTraced(b.build());
    const ok = apiCount(out, "Invoke", "OK");
    const limited = out.obs.throttles[ThrottleCause.ReservedRequestRate];
    expect(ok + limited).toBe(200);
    expect(out.obs.throttles[ThrottleCause.ReservedConcurrency]).toBe(0);
    // 10 burst tokens plus 10/s for 10 s.
    expect(ok).toBeGreaterThanOrEqual(105);
    expect(ok).toBeLessThanOrEqual(112);
    expect(new Set(throttleReasons(trace))).toEqual(new Set(["ReservedFunctionInvocationRateLimitExceeded"]));
  });

  it("D1: the account's request rate is 10 per second per unit of unreserved concurrency", () => {
    const b = new PlanBuilder(60)
      .account({ concurrencyLimit: 2 })
      .template("fn", { existing: true, initDuration: constant(0.001), duration: constant(0.001) });
    b.stream(["fn"], 40, 0, 10, { process: "constant" });
    const { out, trace } = runTraced(b.build());
    const ok = apiCount(out, "Invoke", "OK");
    expect(ok + out.obs.throttles[ThrottleCause.AccountRequestRate]).toBe(400);
    expect(ok).toBeGreaterThanOrEqual(210);
    expect(ok).toBeLessThanOrEqual(222);
    expect(new Set(throttleReasons(trace))).toEqual(new Set(["FunctionInvocationRateLimitExceeded"]));
  });

  it("D1: each throttle cause maps to the TooManyRequestsException Reason the caller sees", () => {
    expect(THROTTLE_CAUSE_REASON).toEqual([
      "ConcurrentInvocationLimitExceeded",
      "ReservedFunctionConcurrentInvocationLimitExceeded",
      "ConcurrentInvocationLimitExceeded",
      "FunctionInvocationRateLimitExceeded",
      "ReservedFunctionInvocationRateLimitExceeded",
      "FunctionInvocationRateLimitExceeded",
    ]);
  });
});

describe("D2: execution environments", () => {
  it("D2: a warm idle environment is reused; one idle longer than the 10-minute keep-alive is gone", () => {
    const b = new PlanBuilder(3600).template("fn", { existing: true }).client("once", null, 1);
    for (const t of [0, 100, 690, 1400]) b.call(t, "Invoke", "fn", "once");
    const { out } = runTraced(b.build());
    // 0: cold; 100: warm; 690: warm (idle 589.9 s); 1400: cold (idle 709.9 s).
    expect([out.obs.coldStarts, out.obs.warmStarts]).toEqual([2, 2]);
  });

  it("D2: a cold start pays the init duration; a warm start does not", () => {
    const b = new PlanBuilder(60)
      .template("fn", { existing: true, initDuration: constant(1.5), duration: constant(0.1) })
      .client("once", null, 1);
    b.call(0, "Invoke", "fn", "once").call(10, "Invoke", "fn", "once");
    const { out, trace } = runTraced(b.build());
    const ends = recordsOf(trace, "fn", "Invoke").map((r) => seconds(r.timeUs));
    expect(ends).toEqual([0.02 + 1.5 + 0.1, 10 + 0.02 + 0.1]);
    const init = out.obs.histograms[Hist.InitDuration];
    expect(init.totalCount).toBe(1);
    expect(seconds(init.maxValue)).toBeCloseTo(1.5, 2);
    const latency = out.obs.histograms[Hist.InvocationLatency];
    expect(seconds(latency.minNonZeroValue)).toBeCloseTo(0.12, 3);
    expect(seconds(latency.maxValue)).toBeCloseTo(1.62, 2);
  });

  it("D2: concurrent invocations each need an environment; afterwards they are all warm", () => {
    const b = new PlanBuilder(60)
      .template("fn", { existing: true, duration: constant(1) })
      .client("once", null, 1);
    burst(b, "fn", 3, 0);
    burst(b, "fn", 3, 10);
    const { out } = runTraced(b.build());
    expect([out.obs.coldStarts, out.obs.warmStarts]).toEqual([3, 3]);
  });
});

describe("D3: scaling rate", () => {
  it("D3: at most scalingEnvironments new environments per window; beyond that, throttled", () => {
    const b = new PlanBuilder(120, { scalingEnvironments: 5, scalingWindowUs: sec(10) })
      .template("fn", { existing: true, duration: constant(60), timeoutS: 90 })
      .client("once", null, 1);
    burst(b, "fn", 20, 0);
    burst(b, "fn", 20, 10); // the bucket refilled 5 tokens in 10 s
    const { out, trace } = runTraced(b.build());
    expect(apiCount(out, "Invoke", "OK")).toBe(10);
    expect(out.obs.throttles[ThrottleCause.ScalingRate]).toBe(30);
    expect(new Set(throttleReasons(trace))).toEqual(new Set(["ConcurrentInvocationLimitExceeded"]));
    expect(out.obs.coldStarts).toBe(10);
    expect(out.shared.concurrencyInFlight).toBe(0);
    expectInvariantsHold(out);
  });

  it("D3: warm environments do not use the scaling budget", () => {
    const b = new PlanBuilder(120, { scalingEnvironments: 5, scalingWindowUs: sec(100) })
      .template("fn", { existing: true, duration: constant(1) })
      .client("once", null, 1);
    burst(b, "fn", 5, 0); // 5 cold starts empty the bucket
    burst(b, "fn", 5, 5); // 5 warm environments, no tokens needed
    burst(b, "fn", 1, 5.5); // all environments busy, no token: throttled
    const { out } = runTraced(b.build());
    expect([out.obs.coldStarts, out.obs.warmStarts]).toEqual([5, 5]);
    expect(out.obs.throttles[ThrottleCause.ScalingRate]).toBe(1);
  });

  it("D3: by default a function adds 1,000 environments per 10 seconds", () => {
    const b = new PlanBuilder(120)
      .account({ concurrencyLimit: 5000 })
      .template("fn", { existing: true, duration: constant(20), timeoutS: 30 })
      .client("once", null, 1);
    burst(b, "fn", 1500, 1);
    const { out } = runTraced(b.build());
    expect(apiCount(out, "Invoke", "OK")).toBe(1000);
    expect(out.obs.throttles[ThrottleCause.ScalingRate]).toBe(500);
  });
});

describe("D4: invocation outcomes", () => {
  it("D4: with error rate 1 every invocation ends in a function error (HTTP 200)", () => {
    const b = new PlanBuilder(60).template("fn", { existing: true, errorRate: 1 });
    b.stream(["fn"], 10, 0, 10);
    const { out } = runTraced(b.build());
    expect(apiCount(out, "Invoke", "FunctionError")).toBe(out.obs.invocationRequests);
    expect(out.obs.invocationRequests).toBeGreaterThan(50);
    expect(API_ERROR_HTTP_STATUS[ApiError.FunctionError]).toBe(200);
  });

  it("D4: the share of function errors follows the per-function probability", () => {
    const b = new PlanBuilder(200).template("fn", {
      existing: true,
      errorRate: 0.25,
      duration: constant(0.01),
    });
    b.stream(["fn"], 20, 0, 150);
    const { out } = runTraced(b.build());
    const errors = apiCount(out, "Invoke", "FunctionError");
    const ok = apiCount(out, "Invoke", "OK");
    expect(errors + ok).toBe(out.obs.invocationRequests);
    expect(errors / (errors + ok)).toBeGreaterThan(0.2);
    expect(errors / (errors + ok)).toBeLessThan(0.3);
  });

  it("D4: an invocation running past the function's timeout ends as Timeout, at the timeout", () => {
    const b = new PlanBuilder(60)
      .template("fn", { existing: true, duration: constant(5), timeoutS: 3 })
      .client("once", null, 1);
    b.call(1, "Invoke", "fn", "once");
    const { out, trace } = runTraced(b.build());
    expect(recordsOf(trace, "fn", "Invoke")[0]).toMatchObject({
      outcome: "Timeout",
      timeUs: sec(1 + 0.02 + 0.2 + 3),
    });
    expect(apiCount(out, "Invoke", "Timeout")).toBe(1);
    expect(API_ERROR_HTTP_STATUS[ApiError.Timeout]).toBe(200);
  });

  it("D4: every invocation request ends with exactly one outcome", () => {
    const b = new PlanBuilder(300)
      .account({ concurrencyLimit: 20 })
      .template("fn", { count: 4, existing: true, errorRate: 0.1, duration: constant(2), timeoutS: 1.5 })
      .template("ok", { existing: true, duration: constant(0.5) });
    b.stream(["fn-0", "fn-1", "fn-2", "fn-3", "ok"], 50, 0, 200);
    const { out } = runTraced(b.build());
    const outcomes = (["OK", "FunctionError", "Timeout", "TooManyRequestsException"] as const).reduce(
      (n, o) => n + apiCount(out, "Invoke", o),
      0,
    );
    expect(outcomes).toBe(out.obs.invocationRequests);
    expect(out.openInvocations).toBe(0);
    expect(apiCount(out, "Invoke", "Timeout")).toBeGreaterThan(0);
    expect(apiCount(out, "Invoke", "TooManyRequestsException")).toBeGreaterThan(0);
    expectInvariantsHold(out);
  });
});
