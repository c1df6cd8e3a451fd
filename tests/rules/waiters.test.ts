/**
 * Client behaviour: the SDK waiters (R14) and the control-plane rate limits
 * with the SDK retry policy (R15).
 */
import { describe, expect, it } from "vitest";
import { API_ERROR_HTTP_STATUS, ApiError, Messages } from "../../src/model/aws-names.js";
import { Hist, WaiterOutcome } from "../../src/model/observations.js";
import { WAITERS } from "../../src/model/waiters.js";
import { constant, PlanBuilder, sec } from "../helpers/plan-builder.js";
import {
  apiCount,
  apiTotal,
  firstOf,
  recordsOf,
  runTraced,
  seconds,
  stateCounts,
} from "../helpers/run-traced.js";

const VPC = { subnets: ["subnet-a"], securityGroups: ["sg-1"] };
const LATENCY_S = 0.05;

const waiterCounts = (out: ReturnType<typeof runTraced>["out"]) => ({
  started: out.obs.waiters[WaiterOutcome.Started],
  succeeded: out.obs.waiters[WaiterOutcome.Succeeded],
  failed: out.obs.waiters[WaiterOutcome.Failed],
  timedOut: out.obs.waiters[WaiterOutcome.TimedOut],
});

/** Times (s) between consecutive polls. */
const gaps = (times: number[]) => times.slice(1).map((t, i) => Number((t - times[i]).toFixed(6)));

const hang = (b: PlanBuilder) =>
  b.fault({ kind: "createHang", fromUs: 0, untilUs: sec(10), probability: 1, targets: null });

describe("R14: waiters", () => {
  it("R14: the waiter definitions match the AWS SDKs'", () => {
    const spec = Object.fromEntries(
      Object.values(WAITERS).map((w) => [
        w.name,
        [w.operation, w.delayUs / 1e6, w.maxAttempts, w.path, w.success],
      ]),
    );
    expect(spec).toEqual({
      FunctionActive: [3, 5, 60, "State", "Active"],
      FunctionActiveV2: [2, 1, 300, "State", "Active"],
      FunctionUpdated: [3, 5, 60, "LastUpdateStatus", "Successful"],
      FunctionUpdatedV2: [2, 1, 300, "LastUpdateStatus", "Successful"],
      PublishedVersionActive: [3, 5, 312, "VersionState", "Active"],
    });
  });

  it("R14: FunctionActive polls GetFunctionConfiguration every 5 s until the function is Active", () => {
    const b = new PlanBuilder(600, { eniCreateDuration: constant(70) })
      .vpc("vpc-a")
      .subnet("subnet-a", 4)
      .template("fn", { vpc: VPC })
      .client("w", "FunctionActive");
    b.call(0, "CreateFunction", "fn", "w");
    const { out, trace } = runTraced(b.build());
    const polls = recordsOf(trace, "fn", "GetFunctionConfiguration");
    // First poll right after the create answer; then the 5 s delay plus the call's latency.
    expect(polls).toHaveLength(15);
    expect(seconds(polls[0].timeUs)).toBeCloseTo(2 * LATENCY_S, 6);
    expect(new Set(gaps(polls.map((p) => seconds(p.timeUs))))).toEqual(new Set([5 + LATENCY_S]));
    expect(polls.slice(0, 14).every((p) => p.stateAfter === "Pending")).toBe(true);
    expect(polls[14].stateAfter).toBe("Active");
    expect(apiTotal(out, "GetFunction")).toBe(0);
    expect(waiterCounts(out)).toEqual({ started: 1, succeeded: 1, failed: 0, timedOut: 0 });
    // Create-to-Active as the client saw it: the successful poll, 70.8 s after the call.
    expect(seconds(out.obs.histograms[Hist.CreateToActiveClient].maxValue)).toBeCloseTo(70.8, 2);
  });

  it("R14: FunctionActive gives up after 60 attempts", () => {
    const b = hang(new PlanBuilder(3600).template("fn").client("w", "FunctionActive"));
    b.call(0, "CreateFunction", "fn", "w");
    const { out, trace } = runTraced(b.build());
    const polls = recordsOf(trace, "fn", "GetFunctionConfiguration");
    expect(polls).toHaveLength(60);
    expect(seconds(polls[59].timeUs)).toBeCloseTo(0.1 + 59 * 5.05, 6);
    expect(waiterCounts(out)).toEqual({ started: 1, succeeded: 0, failed: 0, timedOut: 1 });
    expect(out.openClientTasks).toBe(0);
  });

  it("R14: FunctionActiveV2 polls GetFunction every 1 s, at most 300 times", () => {
    const b = hang(new PlanBuilder(3600).template("fn").client("w", "FunctionActiveV2"));
    b.call(0, "CreateFunction", "fn", "w");
    const { out, trace } = runTraced(b.build());
    const polls = recordsOf(trace, "fn", "GetFunction");
    expect(polls).toHaveLength(300);
    expect(new Set(gaps(polls.map((p) => seconds(p.timeUs))))).toEqual(new Set([1 + LATENCY_S]));
    expect(apiCount(out, "GetFunction", "OK")).toBe(300);
    expect(apiTotal(out, "GetFunctionConfiguration")).toBe(0);
    expect(waiterCounts(out).timedOut).toBe(1);
  });

  it("R14: FunctionActive fails as soon as it sees Failed", () => {
    const b = new PlanBuilder(600, { provisioningDuration: constant(12) })
      .template("fn")
      .client("w", "FunctionActive");
    b.failure("InvalidSubnet", 0, 10, ["fn"]).call(0, "CreateFunction", "fn", "w");
    const { out } = runTraced(b.build());
    // Polls at 0.1, 5.15, 10.2 (Pending), 15.25 (Failed).
    expect(apiTotal(out, "GetFunctionConfiguration")).toBe(4);
    expect(waiterCounts(out)).toEqual({ started: 1, succeeded: 0, failed: 1, timedOut: 0 });
  });

  it("R14: Inactive never satisfies FunctionActive: the waiter polls until it times out", () => {
    const b = new PlanBuilder(3600, { provisioningDuration: constant(0.5), inactiveAfterUs: sec(1) })
      .template("fn")
      .client("w", "FunctionActive");
    b.call(0, "CreateFunction", "fn", "w");
    const { out, trace } = runTraced(b.build());
    const seen = recordsOf(trace, "fn", "GetFunctionConfiguration").map((p) => p.stateAfter);
    expect(seen).toEqual(["Pending", ...Array(59).fill("Inactive")]);
    expect(waiterCounts(out)).toEqual({ started: 1, succeeded: 0, failed: 0, timedOut: 1 });
  });

  it("R14: FunctionUpdated polls GetFunctionConfiguration every 5 s on LastUpdateStatus", () => {
    const b = new PlanBuilder(600, { updateDuration: constant(12) })
      .template("fn", { existing: true })
      .client("w", "FunctionActive");
    b.call(0, "UpdateFunctionCode", "fn", "w");
    const { out, trace } = runTraced(b.build());
    const polls = recordsOf(trace, "fn", "GetFunctionConfiguration");
    expect(polls.map((p) => [seconds(p.timeUs), p.lastUpdateStatus])).toEqual([
      [0.1, "InProgress"],
      [5.15, "InProgress"],
      [10.2, "InProgress"],
      [15.25, "Successful"],
    ]);
    expect(waiterCounts(out)).toEqual({ started: 1, succeeded: 1, failed: 0, timedOut: 0 });
  });

  it("R14: FunctionUpdated gives up after 60 attempts and fails on LastUpdateStatus Failed", () => {
    const slow = new PlanBuilder(3600, { updateDuration: constant(1000) })
      .template("fn", { existing: true })
      .client("w", "FunctionActive");
    slow.call(0, "UpdateFunctionCode", "fn", "w");
    const timedOut = runTraced(slow.build()).out;
    expect(apiTotal(timedOut, "GetFunctionConfiguration")).toBe(60);
    expect(waiterCounts(timedOut).timedOut).toBe(1);

    const failing = new PlanBuilder(600, { updateDuration: constant(7) })
      .template("fn", { existing: true })
      .client("w", "FunctionActive");
    failing.failure("InternalError", 0, 1, ["fn"]).call(0, "UpdateFunctionCode", "fn", "w");
    const failed = runTraced(failing.build()).out;
    expect(apiTotal(failed, "GetFunctionConfiguration")).toBe(3); // 0.1, 5.15 InProgress; 10.2 Failed
    expect(waiterCounts(failed)).toEqual({ started: 1, succeeded: 0, failed: 1, timedOut: 0 });
  });

  it("R14: FunctionUpdatedV2 polls GetFunction every 1 s, at most 300 times", () => {
    const b = new PlanBuilder(3600, { updateDuration: constant(1000) })
      .template("fn", { existing: true })
      .client("w", "FunctionActiveV2");
    b.call(0, "UpdateFunctionConfiguration", "fn", "w");
    const { out, trace } = runTraced(b.build());
    const polls = recordsOf(trace, "fn", "GetFunction");
    expect(polls).toHaveLength(300);
    expect(new Set(gaps(polls.map((p) => seconds(p.timeUs))))).toEqual(new Set([1 + LATENCY_S]));
    expect(polls.every((p) => p.lastUpdateStatus === "InProgress")).toBe(true);
    expect(waiterCounts(out).timedOut).toBe(1);
  });

  it("R14: PublishedVersionActive polls every 5 s, at most 312 times", () => {
    const b = new PlanBuilder(3600, { publishDuration: constant(3000) })
      .template("fn", { existing: true })
      .client("w", "FunctionActive");
    b.call(0, "PublishVersion", "fn", "w");
    const { out, trace } = runTraced(b.build());
    const polls = recordsOf(trace, "fn", "GetFunctionConfiguration");
    expect(polls).toHaveLength(312);
    expect(new Set(gaps(polls.map((p) => seconds(p.timeUs))))).toEqual(new Set([5 + LATENCY_S]));
    expect(waiterCounts(out).timedOut).toBe(1);
  });

  it("R14: a poll answered with an error no acceptor matches ends the wait as a failure", () => {
    const b = new PlanBuilder(600).vpc("vpc-a").subnet("subnet-a", 4).template("fn", { vpc: VPC });
    b.client("w", "FunctionActive").call(0, "CreateFunction", "fn", "w").call(20, "DeleteFunction", "fn");
    const { out, trace } = runTraced(b.build());
    const polls = recordsOf(trace, "fn", "GetFunctionConfiguration");
    expect(polls.at(-1)).toMatchObject({ outcome: "ResourceNotFoundException" });
    // Polls at 0.1, 5.15, 10.2, 15.25 s see Pending; the function is gone at 20.05 s, so the 20.3 s poll fails.
    expect(polls.map((p) => p.outcome)).toEqual(["OK", "OK", "OK", "OK", "ResourceNotFoundException"]);
    expect(waiterCounts(out)).toEqual({ started: 1, succeeded: 0, failed: 1, timedOut: 0 });
  });

  it("R14: a client waits before its next call: the `then` call runs only once the function is Active", () => {
    const b = new PlanBuilder(600, { eniCreateDuration: constant(70) })
      .vpc("vpc-a")
      .subnet("subnet-a", 4)
      .template("fn", { vpc: VPC })
      .client("w", "FunctionActiveV2");
    b.step(0, "CreateFunction", ["fn"], { client: "w", then: ["Invoke"] });
    const { out, trace } = runTraced(b.build());
    expect(apiCount(out, "Invoke", "OK")).toBe(1);
    expect(apiCount(out, "Invoke", "ResourceConflictException")).toBe(0);
    expect(firstOf(trace, "fn", "Invoke").timeUs).toBeGreaterThan(sec(70));
  });

  it("R14: waiter polls count against the control-plane rate limit; GetFunction polls only against their own", () => {
    const names = Array.from({ length: 80 }, (_, i) => `fn-${i}`);
    const run = (waiter: "FunctionActive" | "FunctionActiveV2" | null) => {
      const b = new PlanBuilder(900)
        .vpc("vpc-a")
        .subnet("subnet-a", 10)
        .template("fn", { count: 80, vpc: VPC });
      b.client("c", waiter, 1);
      b.step(0, "CreateFunction", names, { ratePerSec: 10, client: "c" });
      return runTraced(b.build()).out;
    };
    const none = run(null);
    expect(apiCount(none, "CreateFunction", "OK")).toBe(80);
    expect(none.obs.apiThrottles.reduce((a, n) => a + n, 0)).toBe(0);

    // 10 creates/s plus 80 functions polling every 5 s exceed 15 requests/s.
    const v1 = run("FunctionActive");
    const throttled =
      apiCount(v1, "CreateFunction", "TooManyRequestsException") +
      apiCount(v1, "GetFunctionConfiguration", "TooManyRequestsException");
    expect(throttled).toBeGreaterThan(0);
    expect(apiCount(v1, "GetFunctionConfiguration", "TooManyRequestsException")).toBeGreaterThan(0);

    // GetFunction polls (about 76/s) stay within GetFunction's own 100/s and leave CreateFunction alone.
    const v2 = run("FunctionActiveV2");
    expect(apiCount(v2, "CreateFunction", "OK")).toBe(80);
    expect(apiCount(v2, "GetFunction", "TooManyRequestsException")).toBe(0);
    expect(waiterCounts(v2).succeeded).toBe(80);
  });
});

describe("R15: control-plane rate limits", () => {
  it("R15: a burst over 15 requests/s gets TooManyRequestsException (429) 'Rate exceeded'", () => {
    const names = Array.from({ length: 40 }, (_, i) => `fn-${i}`);
    const b = new PlanBuilder(60).template("fn", { count: 40 }).client("once", null, 1);
    b.step(0, "CreateFunction", names, { client: "once" });
    const { out, trace } = runTraced(b.build());
    expect(apiCount(out, "CreateFunction", "OK")).toBe(15);
    expect(apiCount(out, "CreateFunction", "TooManyRequestsException")).toBe(25);
    expect(out.obs.apiThrottles[0]).toBe(25);
    expect(out.obs.clientGaveUp).toBe(25);
    const refused = trace.filter((r) => r.outcome === "TooManyRequestsException");
    expect(refused).toHaveLength(25);
    expect(refused.every((r) => r.message === Messages.rateExceeded && r.stateAfter === "Absent")).toBe(true);
    expect(Messages.rateExceeded).toBe("Rate exceeded");
    expect(API_ERROR_HTTP_STATUS[ApiError.TooManyRequestsException]).toBe(429);
    expect(stateCounts(out).Active).toBe(15);
  });

  it("R15: sustained traffic gets 15 requests/s after the burst, shared by all control-plane operations", () => {
    const names = Array.from({ length: 300 }, (_, i) => `fn-${i}`);
    const b = new PlanBuilder(60).template("fn", { count: 300, existing: true }).client("once", null, 1);
    // 30 calls/s for 10 s, half code updates and half PublishVersion: one shared bucket.
    b.step(0, "UpdateFunctionCode", names.slice(0, 150), { ratePerSec: 15, client: "once" });
    b.step(0.01, "PublishVersion", names.slice(150), { ratePerSec: 15, client: "once" });
    const { out } = runTraced(b.build());
    const ok = apiCount(out, "UpdateFunctionCode", "OK") + apiCount(out, "PublishVersion", "OK");
    const refused =
      apiCount(out, "UpdateFunctionCode", "TooManyRequestsException") +
      apiCount(out, "PublishVersion", "TooManyRequestsException");
    expect(ok + refused).toBe(300);
    // A 15-token bucket refilled at 15/s over the 10 s of calls admits about 15 + 150.
    expect(ok).toBeGreaterThanOrEqual(160);
    expect(ok).toBeLessThanOrEqual(166);
  });

  it("R15: throttled calls are retried with exponential backoff and full jitter, at most maxAttempts in all", () => {
    const names = Array.from({ length: 40 }, (_, i) => `fn-${i}`);
    const b = new PlanBuilder(120).template("fn", { count: 40 });
    b.step(0, "CreateFunction", names); // default client: 3 attempts, 500 ms throttling base
    const { out, trace } = runTraced(b.build());
    expect(out.obs.clientRetries).toBeGreaterThan(0);
    for (const name of names) {
      const attempts = recordsOf(trace, name, "CreateFunction").map((r) => seconds(r.timeUs));
      expect(attempts.length).toBeLessThanOrEqual(3);
      // Answer after 50 ms, then a backoff of at most 0.5 s, then 1 s (full jitter), plus the call's latency.
      attempts.slice(1).forEach((t, i) => {
        const gap = t - attempts[i];
        expect(gap).toBeGreaterThanOrEqual(LATENCY_S);
        expect(gap).toBeLessThanOrEqual(0.5 * 2 ** i + LATENCY_S + 1e-6);
      });
    }
    // Every call ends once: created, or given up after its last attempt.
    expect(apiCount(out, "CreateFunction", "OK") + out.obs.clientGaveUp).toBe(40);
    expect(apiCount(out, "CreateFunction", "OK")).toBeGreaterThan(15);
    expect(out.openClientTasks).toBe(0);
  });

  it("R15: a client configured with more attempts retries more", () => {
    const names = Array.from({ length: 60 }, (_, i) => `fn-${i}`);
    const b = new PlanBuilder(300).template("fn", { count: 60 }).client("patient", null, 10);
    b.step(0, "CreateFunction", names, { client: "patient" });
    const { out } = runTraced(b.build());
    expect(apiCount(out, "CreateFunction", "OK")).toBe(60);
    expect(out.obs.clientGaveUp).toBe(0);
    expect(apiTotal(out, "CreateFunction")).toBe(60 + out.obs.clientRetries);
  });

  it("R15: Invoke does not count against the control-plane limit", () => {
    const names = Array.from({ length: 15 }, (_, i) => `fn-${i}`);
    const b = new PlanBuilder(60).template("hot", { existing: true }).template("fn", { count: 15 });
    b.client("once", null, 1);
    for (let i = 0; i < 200; i++) b.call(0, "Invoke", "hot", "once");
    b.step(0, "CreateFunction", names, { client: "once" });
    const { out } = runTraced(b.build());
    expect(apiCount(out, "Invoke", "OK")).toBe(200);
    expect(apiCount(out, "CreateFunction", "OK")).toBe(15);
  });

  it("R15: GetFunction has its own 100 requests/s bucket", () => {
    const b = new PlanBuilder(60).template("fn", { existing: true }).client("once", null, 1);
    for (let i = 0; i < 120; i++) b.call(0, "GetFunction", "fn", "once");
    for (let i = 0; i < 15; i++) b.call(0, "GetFunctionConfiguration", "fn", "once");
    const { out } = runTraced(b.build());
    expect(apiCount(out, "GetFunction", "OK")).toBe(100);
    expect(apiCount(out, "GetFunction", "TooManyRequestsException")).toBe(20);
    expect(apiCount(out, "GetFunctionConfiguration", "OK")).toBe(15);
  });
});
