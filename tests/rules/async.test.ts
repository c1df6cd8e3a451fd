/**
 * Asynchronous invocation (V6) and recursive loops (V7): events accepted with
 * 202 into the function's queue, the poller's attempts through the ordinary
 * invocation path, the retry policy, the maximum event age, the fates of
 * events never processed, and loops stopped after 16 invocations.
 */
import { describe, expect, it } from "vitest";
import { Messages } from "../../src/model/aws-names.js";
import { AsyncFailure, AsyncRetryCause, Hist } from "../../src/model/observations.js";
import { OnFailure } from "../../src/model/plan.js";
import type { RunOutcome } from "../../src/model/run.js";
import { newRunEmitter, runPlan } from "../../src/model/run.js";
import { buildReport, stripWallClock } from "../../src/report/json-report.js";
import { renderSummary } from "../../src/report/summary.js";
import { loadScenarioFile } from "../../src/scenario/load.js";
import { constant, PlanBuilder, sec } from "../helpers/plan-builder.js";
import { apiCount, expectInvariantsHold, recordsOf, runTraced, seconds } from "../helpers/run-traced.js";

const failed = (out: RunOutcome, reason: number, onFailure: number) =>
  out.obs.asyncFailures[reason * 3 + onFailure];

/** Every accepted event has exactly one fate, or is still queued or being invoked. */
function expectEventsAccountedFor(out: RunOutcome): void {
  const o = out.obs;
  const fates = o.asyncSucceeded + o.asyncFailures.reduce((n, x) => n + x, 0);
  expect(fates + out.async.queuedAtEnd + out.async.inFlightAtEnd).toBe(o.asyncAccepted);
}

/** Times (s) of the traced function's attempts that ended with `outcome`. */
const attemptTimes = (trace: ReturnType<typeof runTraced>["trace"], fn: string, outcome: string) =>
  recordsOf(trace, fn, "Invoke")
    .filter((r) => r.outcome === outcome)
    .map((r) => seconds(r.timeUs));

const gaps = (xs: number[]) => xs.slice(1).map((x, i) => x - xs[i]);

describe("V6: asynchronous invocation", () => {
  it("V6: an Event Invoke of an Active function is answered 202 and queued; a Pending one gets the 409 a RequestResponse call gets", () => {
    const b = new PlanBuilder(600)
      .vpc("vpc-a")
      .subnet("subnet-a", 50)
      .template("fn", { vpc: { subnets: ["subnet-a"], securityGroups: ["sg-1"] } })
      .client("once", null, 1);
    b.call(0, "CreateFunction", "fn", "once");
    b.event(5, "fn", "once"); // Pending: the ENI takes 60-90 s
    b.call(5, "Invoke", "fn", "once");
    b.event(300, "fn", "once"); // Active
    const { out, trace } = runTraced(b.build());
    const invokes = recordsOf(trace, "fn", "Invoke");
    expect(invokes[0]).toMatchObject({
      outcome: "ResourceConflictException",
      message: Messages.pendingConflict("Pending"),
      stateBefore: "Pending",
    });
    expect(invokes[1]).toMatchObject({ outcome: "ResourceConflictException", stateBefore: "Pending" });
    const accepted = invokes.filter((r) => r.outcome === "Accepted");
    expect(accepted).toHaveLength(1);
    expect(seconds(accepted[0].timeUs)).toBe(300);
    expect(accepted[0]).toMatchObject({ stateBefore: "Active", reason: "InvocationType=Event" });
    // The client's calls: two refused, one answered without error (the 202); the event then ran once.
    expect(apiCount(out, "Invoke", "ResourceConflictException")).toBe(2);
    expect(apiCount(out, "Invoke", "OK")).toBe(1);
    expect(out.obs.asyncAccepted).toBe(1);
    expect(out.obs.asyncSucceeded).toBe(1);
    expect(out.obs.warmStarts + out.obs.coldStarts).toBe(1);
    expect(recordsOf(trace, "fn", "AsyncEventSucceeded")).toHaveLength(1);
    expectInvariantsHold(out);
    expectEventsAccountedFor(out);
  });

  it("V6: throttled events go back to the queue with a growing backoff and are processed once concurrency frees", () => {
    // Reserved concurrency 1, taken for 100 s by a synchronous call: the event is throttled until then.
    const b = new PlanBuilder(900)
      .template("fn", { existing: true, reservedConcurrency: 1, duration: constant(100), timeoutS: 300 })
      .client("once", null, 1);
    b.call(0, "Invoke", "fn", "once");
    b.event(1, "fn", "once");
    const { out, trace } = runTraced(b.build());
    const throttled = attemptTimes(trace, "fn", "TooManyRequestsException");
    expect(throttled.length).toBeGreaterThanOrEqual(6);
    const g = gaps(throttled);
    for (let i = 1; i < g.length; i++) expect(g[i]).toBeGreaterThan(g[i - 1]);
    expect(g[0]).toBeGreaterThanOrEqual(1); // from 1 s after the first attempt
    expect(out.obs.asyncRetries[AsyncRetryCause.Throttled]).toBe(throttled.length);
    expect(out.obs.asyncSucceeded).toBe(1);
    expect(apiCount(out, "Invoke", "OK")).toBe(2); // the synchronous call and the 202, nothing else
    // The attempt that ran found the event older than the 100 s it waited for.
    const age = out.obs.histograms[Hist.AsyncEventAge];
    expect(age.totalCount).toBe(throttled.length + 1);
    expect(seconds(age.maxValue)).toBeGreaterThan(99);
    expectInvariantsHold(out);
    expectEventsAccountedFor(out);
  });

  it("V6: the backoff stops growing at 5 minutes", () => {
    const b = new PlanBuilder(3 * 3600).template("fn", { existing: true, reservedConcurrency: 0 });
    b.event(1, "fn");
    const { trace } = runTraced(b.build());
    const g = gaps(attemptTimes(trace, "fn", "TooManyRequestsException"));
    expect(Math.max(...g)).toBeLessThanOrEqual(300 + 0.1);
    expect(g.filter((x) => x >= 299).length).toBeGreaterThan(20);
  });

  it("V6: with a maximum event age of 60 s, throttled events age out and go where onFailure says", () => {
    const b = new PlanBuilder(600);
    const settings = [
      ["dropped", OnFailure.None],
      ["destination", OnFailure.Destination],
      ["dlq", OnFailure.DeadLetterQueue],
    ] as const;
    for (const [name, onFailure] of settings) {
      b.template(name, {
        existing: true,
        reservedConcurrency: 0,
        async: { maximumEventAgeUs: sec(60), onFailure },
      });
      for (let i = 0; i < 3; i++) b.event(10 + i, name);
    }
    const { out, trace } = runTraced(b.build());
    for (const [name, onFailure] of settings) {
      expect(failed(out, AsyncFailure.MaximumEventAge, onFailure), name).toBe(3);
      const fates = recordsOf(trace, name, "AsyncEventFailed");
      expect(fates.map((r) => seconds(r.timeUs))).toEqual([70, 71, 72]); // 60 s after each was queued
      expect(fates[0].reason).toBe(`maximumEventAge, onFailure=${["none", "destination", "dlq"][onFailure]}`);
    }
    expect(out.obs.asyncSucceeded).toBe(0);
    expect(out.obs.warmStarts + out.obs.coldStarts).toBe(0);
    const report = buildReport(out, { file: null, seed: 7, partitions: 2 });
    expect(report.async?.failed).toEqual({ dropped: 3, destination: 3, deadLetterQueue: 3 });
    expect(report.async?.failedByReason.maximumEventAge).toEqual({
      dropped: 3,
      destination: 3,
      deadLetterQueue: 3,
    });
    expectInvariantsHold(out);
    expectEventsAccountedFor(out);
  });

  it.each([0, 1, 2])(
    "V6: MaximumRetryAttempts %i: a function error is retried that many times, 1 min then 2 min apart",
    (retries) => {
      const b = new PlanBuilder(900).template("fn", {
        existing: true,
        errorRate: 1,
        async: { maximumRetryAttempts: retries, onFailure: OnFailure.DeadLetterQueue },
      });
      b.event(1, "fn");
      const { out, trace } = runTraced(b.build());
      const ends = attemptTimes(trace, "fn", "FunctionError");
      expect(ends).toHaveLength(1 + retries);
      // Each retry waits 1 min (then 2 min) after the attempt ended, then runs 20 ms + 100 ms.
      gaps(ends).forEach((gap, i) => expect(gap).toBeCloseTo([60, 120][i] + 0.12, 6));
      expect(out.obs.asyncRetries[AsyncRetryCause.FunctionError]).toBe(retries);
      expect(failed(out, AsyncFailure.RetriesExhausted, OnFailure.DeadLetterQueue)).toBe(1);
      expect(recordsOf(trace, "fn", "AsyncEventFailed")[0].reason).toBe("retriesExhausted, onFailure=dlq");
      expectEventsAccountedFor(out);
    },
  );

  it("V6: a function error that a retry fixes counts as succeeded; the default is 2 retries", () => {
    const b = new PlanBuilder(900).template("fn", { existing: true, errorRate: 0.5 });
    for (let i = 0; i < 40; i++) b.event(1 + i, "fn");
    const { out } = runTraced(b.build());
    const o = out.obs;
    expect(o.asyncRetries[AsyncRetryCause.FunctionError]).toBeGreaterThan(10);
    expect(o.asyncSucceeded).toBeGreaterThan(25);
    expect(o.asyncSucceeded + failed(out, AsyncFailure.RetriesExhausted, OnFailure.None)).toBe(40);
    // At most 1 + 2 attempts per event.
    expect(o.warmStarts + o.coldStarts).toBeLessThanOrEqual(120);
  });

  it("V6: queue depth and the oldest event's age rise under throttling and fall back when it ends", () => {
    // 20 events/s for a minute against 2 concurrent executions of 1 s: 2/s are processed. The
    // last events wait up to 5 minutes between attempts, so the queue drains slowly at the end.
    const b = new PlanBuilder(2 * 3600).template("fn", {
      existing: true,
      reservedConcurrency: 2,
      duration: constant(1),
    });
    b.stream(["fn"], 20, 10, 70, { invocationType: "Event", process: "constant" });
    const out = runPlan(b.build(), { partitions: 2, sampleIntervalUs: sec(15) });
    const depth = out.samples.map((s) => s.asyncQueueDepth);
    const age = out.samples.map((s) => seconds(s.asyncOldestEventAgeUs));
    const at = (t: number) => out.samples.findIndex((s) => s.timeUs === sec(t));
    expect(depth[at(0)]).toBe(0);
    expect(depth[at(60)]).toBeGreaterThan(500);
    expect(age[at(60)]).toBeGreaterThan(40);
    expect(Math.max(...depth)).toBeGreaterThan(depth[at(30)]);
    expect(depth[depth.length - 1]).toBe(0);
    expect(age[age.length - 1]).toBe(0);
    expect(out.obs.asyncSucceeded).toBe(1200);
    expect(out.obs.asyncRetries[AsyncRetryCause.Throttled]).toBeGreaterThan(1000);
    // The JSON report carries the same series.
    const report = buildReport(out, { file: null, seed: 7, partitions: 2 });
    expect(report.samples?.map((s) => s.asyncQueueDepth)).toEqual(depth);
    expect(report.async?.succeeded).toBe(1200);
    expectInvariantsHold(out);
    expectEventsAccountedFor(out);
  });

  it("V6: an event whose function was deleted is refused (404) and not retried", () => {
    const b = new PlanBuilder(600).template("fn", {
      existing: true,
      reservedConcurrency: 0,
      async: { onFailure: OnFailure.Destination },
    });
    b.event(1, "fn");
    b.call(30, "DeleteFunction", "fn");
    const { out, trace } = runTraced(b.build());
    expect(failed(out, AsyncFailure.Rejected, OnFailure.Destination)).toBe(1);
    expect(recordsOf(trace, "fn", "Invoke").at(-1)?.outcome).toBe("ResourceNotFoundException");
    expectEventsAccountedFor(out);
  });
});

describe("V6: what a user sees", () => {
  it("V6: a traced function shows each event's lifecycle: accepted (202), each attempt, its retries, its fate", () => {
    const b = new PlanBuilder(900).template("fn", {
      existing: true,
      errorRate: 1,
      async: { maximumRetryAttempts: 1, onFailure: OnFailure.Destination },
    });
    b.event(1, "fn");
    const { trace } = runTraced(b.build());
    // Polled 50 ms after the 202; 20 ms to the handler, a 200 ms cold start, 100 ms of work; the retry warm.
    expect(recordsOf(trace, "fn").map((r) => [seconds(r.timeUs), r.operation, r.outcome, r.reason])).toEqual([
      [1, "Invoke", "Accepted", "InvocationType=Event"],
      [1.37, "Invoke", "FunctionError", ""],
      [1.37, "AsyncEventRetry", "OK", "functionError, in 60s"],
      [61.49, "Invoke", "FunctionError", ""],
      [61.49, "AsyncEventFailed", "OK", "retriesExhausted, onFailure=destination"],
    ]);
  });

  it("V6: the summary shows the events' fates and retries, and the event age, only when the scenario invokes asynchronously", () => {
    const b = new PlanBuilder(600).template("fn", {
      existing: true,
      reservedConcurrency: 0,
      async: { maximumEventAgeUs: sec(60), onFailure: OnFailure.DeadLetterQueue },
    });
    b.event(1, "fn");
    const text = renderSummary(
      buildReport(runPlan(b.build(), { partitions: 1 }), { file: null, seed: 7, partitions: 1 }),
      {
        color: false,
      },
    );
    expect(text).toMatch(
      /async events \.+: accepted=1 succeeded=0 destination=0 dlq=1 dropped=0 queued at end=0\n/,
    );
    expect(text).toMatch(
      /async retries \.+: throttled=\d+ systemError=0 functionError=0; aged out=1 recursive stops=0\n/,
    );
    expect(text).toMatch(/async\.event_age \.+: count=\d+/);
    const plain = new PlanBuilder(60).template("fn", { existing: true }).call(1, "Invoke", "fn");
    const none = renderSummary(
      buildReport(runPlan(plain.build(), { partitions: 1 }), { file: null, seed: 7, partitions: 1 }),
      {
        color: false,
      },
    );
    expect(none).not.toContain("async");
  });
});

describe("V7: recursive loops", () => {
  it("V7: a self-triggering function is stopped after 16 invocations of one chain, counted as a recursive stop", () => {
    const b = new PlanBuilder(600).template("loop", {
      existing: true,
      selfTrigger: 1,
      async: { onFailure: OnFailure.DeadLetterQueue },
    });
    b.call(1, "Invoke", "loop"); // the first invocation, synchronous: the S3 upload that starts it
    const { out, trace } = runTraced(b.build());
    expect(out.obs.warmStarts + out.obs.coldStarts).toBe(16);
    expect(out.obs.asyncSelfTriggered).toBe(16);
    expect(out.obs.asyncSucceeded).toBe(15);
    expect(failed(out, AsyncFailure.RecursiveLoop, OnFailure.DeadLetterQueue)).toBe(1);
    const stop = recordsOf(trace, "loop", "AsyncEventFailed");
    expect(stop).toHaveLength(1);
    expect(stop[0]).toMatchObject({
      outcome: "RecursiveInvocationException",
      message: Messages.recursiveLoop,
      reason: "recursiveLoop, onFailure=dlq",
    });
    const report = buildReport(out, { file: null, seed: 7, partitions: 2 });
    expect(report.async?.recursiveStops).toBe(1);
    expect(apiCount(out, "Invoke", "OK")).toBe(1); // self-triggers are not the client's API calls
    expectInvariantsHold(out);
    expectEventsAccountedFor(out);
  });

  it("V7: every chain is stopped, each after 16 invocations", () => {
    const b = new PlanBuilder(900).template("loop", { existing: true, selfTrigger: 1 });
    for (let i = 0; i < 5; i++) b.event(1 + i * 0.01, "loop");
    const { out } = runTraced(b.build());
    expect(out.obs.warmStarts + out.obs.coldStarts).toBe(5 * 16);
    expect(failed(out, AsyncFailure.RecursiveLoop, OnFailure.None)).toBe(5);
  });

  it("V7: reserved concurrency 0 stops the loop: no invocation runs, the events age out", () => {
    const b = new PlanBuilder(600).template("loop", {
      existing: true,
      selfTrigger: 1,
      reservedConcurrency: 0,
      async: { maximumEventAgeUs: sec(120) },
    });
    b.event(1, "loop");
    b.event(2, "loop");
    const { out, trace } = runTraced(b.build());
    expect(out.obs.warmStarts + out.obs.coldStarts).toBe(0);
    expect(out.obs.asyncSelfTriggered).toBe(0);
    expect(failed(out, AsyncFailure.MaximumEventAge, OnFailure.None)).toBe(2);
    expect(failed(out, AsyncFailure.RecursiveLoop, OnFailure.None)).toBe(0);
    const attempts = recordsOf(trace, "loop", "Invoke").filter((r) => r.outcome !== "Accepted");
    expect(attempts.length).toBeGreaterThan(10);
    expect(new Set(attempts.map((r) => r.reason))).toEqual(
      new Set(["ReservedFunctionConcurrentInvocationLimitExceeded"]),
    );
    expectEventsAccountedFor(out);
  });
});

describe("V6, V7: the shipped scenarios are deterministic", () => {
  /** The report (without wall clock) and each function's trace, for one way of running the plan. */
  function run(file: string, partitions: number, grants: boolean) {
    const plan = loadScenarioFile(file);
    const emitter = newRunEmitter();
    const perFunction = new Map<string, string[]>();
    emitter.on("transition", (r) => {
      const list = perFunction.get(r.function) ?? [];
      perFunction.set(r.function, list);
      list.push(JSON.stringify(r));
    });
    const out = runPlan(plan, {
      partitions,
      grants,
      emitter,
      traceFilter: (name) => name.startsWith("thumbnailer") || name === "notify",
      sampleIntervalUs: sec(15),
    });
    const report = JSON.stringify(
      stripWallClock(buildReport(out, { file, seed: plan.seed, partitions: 8 })),
      (k, v) => (k === "windows" ? undefined : v),
    );
    const trace = [...perFunction.keys()].sort().flatMap((fn) => perFunction.get(fn)!);
    return { out, report, trace };
  }

  it.each(["scenarios/async-retry-storm.yaml", "scenarios/recursive-loop.yaml"])(
    "V6: %s gives the same report and traces on 1, 3 and 8 partitions, grants on or off",
    (file) => {
      const reference = run(file, 1, true);
      expect(reference.out.obs.asyncAccepted).toBeGreaterThan(0);
      expect(reference.trace.length).toBeGreaterThan(100);
      expectInvariantsHold(reference.out);
      expectEventsAccountedFor(reference.out);
      for (const [partitions, grants] of [
        [3, true],
        [8, true],
        [8, false],
      ] as const) {
        const other = run(file, partitions, grants);
        expect(other.report, `${partitions} partitions, grants ${grants}`).toBe(reference.report);
        expect(other.trace).toEqual(reference.trace);
      }
    },
    120_000,
  );
});
