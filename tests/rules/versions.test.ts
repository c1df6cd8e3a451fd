/**
 * Versions, aliases, provisioned concurrency and concurrency settings
 * (V1-V5): the invocation side of the troubleshooting seed's "alias routing
 * with provisioned concurrency", "cold starts with provisioned concurrency",
 * "latency variability", "cold starts with new versions" and "one function
 * is using all concurrency".
 */
import { describe, expect, it } from "vitest";
import {
  API_ERROR_HTTP_STATUS,
  ApiError,
  Messages,
  qualifiedArn,
  THROTTLE_CAUSE_NAMES,
  ThrottleCause,
} from "../../src/model/aws-names.js";
import { Hist } from "../../src/model/observations.js";
import type { PlanCallParams } from "../../src/model/plan.js";
import { aliasQualifier } from "../../src/model/qualifiers.js";
import { buildReport, stripWallClock } from "../../src/report/json-report.js";
import { renderSummary } from "../../src/report/summary.js";
import { loadScenarioFile } from "../../src/scenario/load.js";
import { runPlan } from "../../src/model/run.js";
import { constant, PlanBuilder, sec } from "../helpers/plan-builder.js";
import { apiCount, expectInvariantsHold, recordsOf, runTraced } from "../helpers/run-traced.js";

/** A function that exists, with version 1 published at 0 s and Active by `readyS`. */
function published(b: PlanBuilder, fn: string): PlanBuilder {
  return b.call(0, "PublishVersion", fn, "once");
}

/** An Invoke call naming `qualifier` (plan code) at `atS`. */
function invokeAt(b: PlanBuilder, atS: number, fn: string, qualifier: number, n = 1): PlanBuilder {
  for (let i = 0; i < n; i++) b.call(atS, "Invoke", fn, "once", undefined, undefined, { qualifier });
  return b;
}

const call = (
  b: PlanBuilder,
  atS: number,
  op: Parameters<PlanBuilder["call"]>[1],
  fn: string,
  p: PlanCallParams,
) => b.call(atS, op, fn, "once", undefined, undefined, p);

const fast = { publishDuration: constant(1), provisioningDuration: constant(0.5) };

describe("V1: versions and aliases", () => {
  it("V1: a published version is an immutable snapshot: it runs its revision after $LATEST moved on", () => {
    const b = new PlanBuilder(120, { ...fast, updateDuration: constant(2) })
      .template("fn", { existing: true })
      .client("once", null, 1);
    published(b, "fn");
    b.call(10, "UpdateFunctionCode", "fn", "once");
    invokeAt(b, 30, "fn", 1);
    invokeAt(b, 31, "fn", 0);
    const { out, trace } = runTraced(b.build());
    expectInvariantsHold(out);
    const ran = recordsOf(trace, "fn", "Invoke").filter((r) => r.outcome === "OK");
    expect(ran.map((r) => r.revision)).toEqual([1, 2]);
    expect(out.obs.invocationsByRevision.get(1)).toBe(1);
    expect(out.obs.invocationsByRevision.get(2)).toBe(1);
  });

  it("V1: an alias routes to its version; an unknown alias or version answers ResourceNotFoundException with the qualified ARN", () => {
    const b = new PlanBuilder(120, fast).template("fn", { existing: true }).client("once", null, 1);
    const live = b.alias("live");
    const beta = b.alias("beta");
    published(b, "fn");
    call(b, 5, "CreateAlias", "fn", { alias: live, functionVersion: 1 });
    invokeAt(b, 10, "fn", aliasQualifier(live));
    invokeAt(b, 11, "fn", aliasQualifier(beta));
    invokeAt(b, 12, "fn", 7);
    const { out, trace } = runTraced(b.build());
    const invokes = recordsOf(trace, "fn", "Invoke");
    expect(invokes.map((r) => r.outcome)).toEqual([
      "OK",
      "ResourceNotFoundException",
      "ResourceNotFoundException",
    ]);
    expect(invokes[1].message).toBe(Messages.qualifierNotFound(qualifiedArn("fn", "beta")));
    expect(invokes[2].message).toBe(
      "Function not found: arn:aws:lambda:us-east-1:123456789012:function:fn:7",
    );
    expect(API_ERROR_HTTP_STATUS[ApiError.ResourceNotFoundException]).toBe(404);
    const report = buildReport(out, { file: null, seed: 7, partitions: 2 });
    expect(report.invocations.byQualifier).toEqual({
      live: { success: 1 },
      beta: { ResourceNotFoundException: 1 },
      version: { ResourceNotFoundException: 1 },
    });
  });

  it("V1: CreateAlias on an existing alias answers ResourceConflictException, UpdateAlias of a missing one ResourceNotFoundException", () => {
    const b = new PlanBuilder(60, fast).template("fn", { existing: true }).client("once", null, 1);
    const live = b.alias("live");
    const other = b.alias("other");
    published(b, "fn");
    call(b, 5, "CreateAlias", "fn", { alias: live, functionVersion: 1 });
    call(b, 6, "CreateAlias", "fn", { alias: live, functionVersion: 1 });
    call(b, 7, "UpdateAlias", "fn", { alias: other, functionVersion: 1 });
    call(b, 8, "CreateAlias", "fn", { alias: other, functionVersion: 9 });
    const { out, trace } = runTraced(b.build());
    expect(recordsOf(trace, "fn", "CreateAlias").map((r) => r.outcome)).toEqual([
      "OK",
      "ResourceConflictException",
      "ResourceNotFoundException",
    ]);
    expect(recordsOf(trace, "fn", "CreateAlias")[1].message).toBe(
      Messages.aliasExists(qualifiedArn("fn", "live")),
    );
    expect(apiCount(out, "UpdateAlias", "ResourceNotFoundException")).toBe(1);
  });

  it("V1: a version is Pending until it is ready: invoking it meanwhile answers ResourceConflictException", () => {
    const b = new PlanBuilder(60, { publishDuration: constant(5) })
      .template("fn", { existing: true })
      .client("once", null, 1);
    published(b, "fn");
    invokeAt(b, 2, "fn", 1);
    invokeAt(b, 10, "fn", 1);
    const { trace } = runTraced(b.build());
    const invokes = recordsOf(trace, "fn", "Invoke");
    expect(invokes.map((r) => r.outcome)).toEqual(["ResourceConflictException", "OK"]);
    expect(invokes[0].message).toBe(Messages.pendingConflict("Pending"));
  });

  it("V1: weighted routing is probabilistic per request: the routed share varies around its weight, less as traffic grows", () => {
    const weight = 0.2;
    // The share of 20 requests over 40 seeds, and of 2,000 over the same seeds.
    const shares = (requests: number) =>
      Array.from({ length: 40 }, (_, seed) => {
        const b = new PlanBuilder(600, fast)
          .seed(seed + 1)
          .template("fn", { existing: true, duration: constant(0.01) })
          .client("once", null, 1);
        const live = b.alias("live");
        published(b, "fn");
        b.call(3, "UpdateFunctionCode", "fn", "once");
        b.call(10, "PublishVersion", "fn", "once");
        call(b, 20, "CreateAlias", "fn", {
          alias: live,
          functionVersion: 1,
          routing: { version: 2, weight },
        });
        for (let i = 0; i < requests; i++) invokeAt(b, 30 + (i * 500) / requests, "fn", aliasQualifier(live));
        const out = runPlan(b.build(), { partitions: 1 });
        return (out.obs.invocationsByRevision.get(2) ?? 0) / requests;
      });
    const stats = (xs: number[]) => {
      const mean = xs.reduce((a, x) => a + x, 0) / xs.length;
      const sd = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (xs.length - 1));
      return { mean, sd };
    };
    const low = stats(shares(20));
    const high = stats(shares(2000));
    // Binomial: sd = sqrt(w(1-w)/n): 0.089 at 20 requests, 0.0089 at 2,000. Means within 4 standard errors of w.
    expect(Math.abs(low.mean - weight)).toBeLessThan((4 * 0.089) / Math.sqrt(40));
    expect(Math.abs(high.mean - weight)).toBeLessThan((4 * 0.0089) / Math.sqrt(40));
    expect(low.sd).toBeGreaterThan(0.05);
    expect(low.sd).toBeLessThan(0.14);
    expect(high.sd).toBeLessThan(0.015);
    expect(low.sd / high.sd).toBeGreaterThan(5);
  }, 60_000);
});

describe("V2: provisioned concurrency", () => {
  it("V2: PutProvisionedConcurrencyConfig on $LATEST is rejected with InvalidParameterValueException (400)", () => {
    const b = new PlanBuilder(30).template("fn", { existing: true }).client("once", null, 1);
    call(b, 1, "PutProvisionedConcurrencyConfig", "fn", { qualifier: 0, provisionedConcurrentExecutions: 5 });
    const { out, trace } = runTraced(b.build());
    const r = recordsOf(trace, "fn", "PutProvisionedConcurrencyConfig")[0];
    expect(r.outcome).toBe("InvalidParameterValueException");
    expect(r.message).toBe(Messages.provisionedOnLatest);
    expect(API_ERROR_HTTP_STATUS[ApiError.InvalidParameterValueException]).toBe(400);
    expect(apiCount(out, "PutProvisionedConcurrencyConfig", "InvalidParameterValueException")).toBe(1);
  });

  /** fn (Java, 1 s init), version 1, `n` provisioned environments requested at 5 s. */
  const provisioned = (untilS: number, n: number, extra: (b: PlanBuilder) => void = () => {}) => {
    const b = new PlanBuilder(untilS, { ...fast, provisionedAllocationPerMinute: 600 })
      .template("fn", { existing: true, runtime: "java21", memoryMb: 512, initDuration: constant(1) })
      .client("once", null, 1);
    published(b, "fn");
    call(b, 5, "PutProvisionedConcurrencyConfig", "fn", { qualifier: 1, provisionedConcurrentExecutions: n });
    extra(b);
    return b;
  };
  const provisionedReport = (b: PlanBuilder) =>
    buildReport(runPlan(b.build(), { partitions: 2 }), { file: null, seed: 7, partitions: 2 }).invocations
      .provisioned;

  it("V2: Status goes IN_PROGRESS -> READY as environments are initialised at the allocation rate", () => {
    // 600 a minute: one every 100 ms, each ready 1 s (init) after it starts: 20 are ready at 5 s + 1.05 + 1.9 s.
    const early = provisionedReport(provisioned(5 + 0.05 + 2.95, 50));
    expect(early.configsByStatus).toEqual({ IN_PROGRESS: 1, READY: 0, FAILED: 0 });
    expect(early.requestedAtEnd).toBe(50);
    expect(early.allocatedAtEnd).toBe(20);
    const late = provisionedReport(provisioned(30, 50));
    expect(late.configsByStatus).toEqual({ IN_PROGRESS: 0, READY: 1, FAILED: 0 });
    expect(late.allocatedAtEnd).toBe(50);
    expect(late.availableAtEnd).toBe(50);
    expect(late.environmentsInitialized).toBe(50);
  });

  it("V2: an environment whose init fails makes its configuration FAILED", () => {
    const b = provisioned(60, 10, (x) =>
      x.fault({
        kind: "provisionedConcurrencyFailure",
        fromUs: 0,
        untilUs: sec(7),
        probability: 1,
        targets: null,
      }),
    );
    const pc = provisionedReport(b);
    expect(pc.configsByStatus).toEqual({ IN_PROGRESS: 0, READY: 0, FAILED: 1 });
    expect(pc.environmentsFailed).toBeGreaterThan(0);
    expect(pc.allocatedAtEnd).toBe(10 - pc.environmentsFailed);
  });

  it("V2: invocations use provisioned environments first and spill over to cold on-demand ones beyond them", () => {
    // 10 environments; 15 requests at once that each run 5 s: 10 provisioned, 5 spill over and start cold.
    const b = provisioned(60, 10);
    b.template("other", { existing: true });
    const fn = "fn";
    invokeAt(b, 20, fn, 1, 15);
    const { out } = runTraced(b.build());
    expect(out.obs.provisionedInvocations).toBe(15 - 5 + 0);
    expect(out.obs.spilloverInvocations).toBe(5);
    expect(out.obs.coldStarts).toBe(5);
  });

  it("V2: each provisioned environment serves at most 10 requests a second; beyond, requests spill over (requestRate)", () => {
    // 2 environments allow 20 requests a second; 60 requests in one second of 1 ms work each.
    const b = new PlanBuilder(60, { ...fast })
      .template("fn", { existing: true, duration: constant(0.001) })
      .client("once", null, 1);
    published(b, "fn");
    call(b, 2, "PutProvisionedConcurrencyConfig", "fn", { qualifier: 1, provisionedConcurrentExecutions: 2 });
    for (let i = 0; i < 60; i++) invokeAt(b, 20 + i / 60, "fn", 1);
    const { out } = runTraced(b.build());
    expect(out.obs.provisionedInvocations + out.obs.spilloverInvocations).toBe(60);
    // The bucket starts full (20 tokens) and refills 20 a second: about 40 of 60 run provisioned.
    expect(out.obs.provisionedInvocations).toBeGreaterThanOrEqual(38);
    expect(out.obs.provisionedInvocations).toBeLessThanOrEqual(41);
    // Spilled for the request rate, not because both environments were busy (they run 21 ms a request).
    expect(out.obs.spillovers[1]).toBeGreaterThanOrEqual(out.obs.spilloverInvocations - 2);
  });

  it("V2: the first invocation on a provisioned environment pays the runtime's lazy loading: tens of ms for Java, more at 128 MB", () => {
    const firstInvokeP50Ms = (runtime: string, memoryMb: number) => {
      const b = new PlanBuilder(60, fast)
        .template("fn", { existing: true, runtime, memoryMb, duration: constant(0.05) })
        .client("once", null, 1);
      published(b, "fn");
      call(b, 2, "PutProvisionedConcurrencyConfig", "fn", {
        qualifier: 1,
        provisionedConcurrentExecutions: 200,
      });
      invokeAt(b, 20, "fn", 1, 200);
      invokeAt(b, 30, "fn", 1, 200);
      const out = runPlan(b.build(), { partitions: 1 });
      const h = out.obs.histograms[Hist.FirstInvokeLatency];
      expect(h.totalCount).toBe(200); // once per environment, not on its second use
      return h.getValueAtPercentile(50) / 1000;
    };
    const java512 = firstInvokeP50Ms("java21", 512);
    const java128 = firstInvokeP50Ms("java21", 128);
    const node512 = firstInvokeP50Ms("nodejs20.x", 512);
    expect(java512).toBeGreaterThan(10);
    expect(java512).toBeLessThan(100);
    expect(java128 / java512).toBeGreaterThan(3);
    expect(node512).toBeLessThan(java512 / 5);
  });
});

describe("V3: alias weights shift provisioned concurrency", () => {
  it("V3: UpdateAlias moves provisioned concurrency to the new version by weight; its environments start cold until initialised", () => {
    const b = new PlanBuilder(200, {
      ...fast,
      updateDuration: constant(1),
      provisionedAllocationPerMinute: 6000,
    })
      .template("fn", { existing: true, initDuration: constant(2), duration: constant(0.02) })
      .client("once", null, 1);
    const live = b.alias("live");
    published(b, "fn");
    b.call(2, "UpdateFunctionCode", "fn", "once");
    b.call(5, "PublishVersion", "fn", "once");
    call(b, 10, "CreateAlias", "fn", { alias: live, functionVersion: 1 });
    call(b, 11, "PutProvisionedConcurrencyConfig", "fn", {
      qualifier: aliasQualifier(live),
      provisionedConcurrentExecutions: 20,
    });
    call(b, 100, "UpdateAlias", "fn", { alias: live, routing: { version: 2, weight: 0.5 } });
    b.stream(["fn"], 50, 30, 190, { qualifier: aliasQualifier(live) });
    const { out } = runTraced(b.build());
    const report = buildReport(out, { file: null, seed: 7, partitions: 2 });
    const pc = report.invocations.provisioned;
    // 20 for version 1, then 10 of them released and 10 initialised for version 2.
    expect(pc.environmentsInitialized).toBe(30);
    expect(pc.environmentsReleased).toBe(10);
    expect(pc.allocatedAtEnd).toBe(20);
    expect(pc.configsByStatus.READY).toBe(1);
    // Version 2's requests in the 2 s before its environments are ready spill over and start cold.
    expect(pc.spilloverInvocations).toBeGreaterThan(20);
    expect(out.obs.coldStarts).toBeGreaterThan(0);
    expect(out.obs.coldStarts).toBeLessThanOrEqual(pc.spilloverInvocations);
    expect(report.invocations.coldStartRatioByDeployPhase!.before).toBe(0);
    expect(report.invocations.coldStartRatioByDeployPhase!.during).toBeGreaterThan(0);
    // Half of 50 requests a second for 90 s run version 2.
    expect(out.obs.invocationsByRevision.get(2)).toBeGreaterThan(2000);
    expect(out.obs.invocationsByRevision.get(2)).toBeLessThan(2500);
  });

  it("V3: the shipped provisioned-alias-shift scenario shows spillover and cold starts during the deploy, identically on 1, 3 and 8 partitions", () => {
    const plan = loadScenarioFile(
      new URL("../../scenarios/provisioned-alias-shift.yaml", import.meta.url).pathname,
    );
    const reports = [1, 3, 8].map((p) =>
      JSON.stringify(
        stripWallClock(buildReport(runPlan(plan, { partitions: p }), { file: null, seed: 1, partitions: 8 })),
      ),
    );
    expect(reports[1]).toBe(reports[0]);
    expect(reports[2]).toBe(reports[0]);
    const inv = JSON.parse(reports[0]).invocations;
    expect(inv.provisioned.spilloverInvocations).toBeGreaterThan(0);
    expect(inv.coldStartRatioByDeployPhase.during).toBeGreaterThan(inv.coldStartRatioByDeployPhase.after);
    expect(Object.keys(inv.byRevision)).toEqual(["1", "2"]);
  });
});

describe("V4: reserved concurrency during a run", () => {
  it("V4: PutFunctionConcurrency 0 throttles every invoke (the console's Throttle); DeleteFunctionConcurrency lifts it", () => {
    const b = new PlanBuilder(60).template("fn", { existing: true }).client("once", null, 1);
    call(b, 5, "PutFunctionConcurrency", "fn", { reservedConcurrentExecutions: 0 });
    for (const t of [2, 10, 11]) b.call(t, "Invoke", "fn", "once");
    b.call(20, "DeleteFunctionConcurrency", "fn", "once");
    b.call(30, "Invoke", "fn", "once");
    const { out, trace } = runTraced(b.build());
    expectInvariantsHold(out);
    const invokes = recordsOf(trace, "fn", "Invoke").filter((r) => r.outcome !== "OK" || r.timeUs > 0);
    expect(invokes.map((r) => r.outcome)).toEqual([
      "OK",
      "TooManyRequestsException",
      "TooManyRequestsException",
      "OK",
    ]);
    expect(invokes[1].reason).toBe("ReservedFunctionConcurrentInvocationLimitExceeded");
    expect(apiCount(out, "PutFunctionConcurrency", "OK")).toBe(1);
    expect(apiCount(out, "DeleteFunctionConcurrency", "OK")).toBe(1);
  });

  it("V4: a reservation set during a run caps the function at that many, and its pool leaves the others", () => {
    const b = new PlanBuilder(120)
      .account({ concurrencyLimit: 300, unreservedMinimum: 100 })
      .template("big", { existing: true, duration: constant(30), timeoutS: 60 })
      .template("rest", { existing: true, duration: constant(30), timeoutS: 60 })
      .client("once", null, 1);
    call(b, 1, "PutFunctionConcurrency", "big", { reservedConcurrentExecutions: 50 });
    for (let i = 0; i < 80; i++) b.call(10, "Invoke", "big", "once");
    for (let i = 0; i < 300; i++) b.call(10, "Invoke", "rest", "once");
    const { out } = runTraced(b.build());
    expectInvariantsHold(out);
    expect(out.obs.throttles[ThrottleCause.ReservedConcurrency]).toBe(30);
    expect(out.obs.throttles[ThrottleCause.AccountConcurrency]).toBe(50); // the pool is 300 - 50 = 250
    expect(out.shared.unreservedPool).toBe(250);
  });

  it("V4: a reservation that would leave the unreserved pool below its minimum is refused with InvalidParameterValueException", () => {
    const b = new PlanBuilder(30)
      .account({ concurrencyLimit: 1000, unreservedMinimum: 100 })
      .template("fn", { existing: true })
      .client("once", null, 1);
    call(b, 1, "PutFunctionConcurrency", "fn", { reservedConcurrentExecutions: 901 });
    call(b, 2, "PutFunctionConcurrency", "fn", { reservedConcurrentExecutions: 900 });
    const { out, trace } = runTraced(b.build());
    const r = recordsOf(trace, "fn", "PutFunctionConcurrency");
    expect(r.map((x) => x.outcome)).toEqual(["InvalidParameterValueException", "OK"]);
    expect(r[0].message).toBe(Messages.unreservedBelowMinimum(100));
    expect(out.shared.unreservedPool).toBe(100);
  });

  it("V4: a second concurrency change while one is pending answers ResourceConflictException", () => {
    const b = new PlanBuilder(30).template("fn", { existing: true }).client("once", null, 1);
    call(b, 1, "PutFunctionConcurrency", "fn", { reservedConcurrentExecutions: 5 });
    call(b, 1, "PutFunctionConcurrency", "fn", { reservedConcurrentExecutions: 6 });
    const { out } = runTraced(b.build());
    expect(apiCount(out, "PutFunctionConcurrency", "OK")).toBe(1);
    expect(apiCount(out, "PutFunctionConcurrency", "ResourceConflictException")).toBe(1);
  });
});

describe("V5: throttling reasons are distinct", () => {
  it("V5: the account pool, reserved concurrency, the scaling rate and the provisioned request rate are counted apart, with their Reasons", () => {
    const b = new PlanBuilder(120, fast)
      .account({ concurrencyLimit: 2000, unreservedMinimum: 100 })
      .template("pooled", { existing: true, duration: constant(30), timeoutS: 60 })
      .template("capped", { existing: true, reservedConcurrency: 10, duration: constant(30), timeoutS: 60 })
      .template("scaling", { existing: true, duration: constant(30), timeoutS: 60 })
      .template("pc", { existing: true, reservedConcurrency: 2, duration: constant(0.001) })
      .client("once", null, 1);
    // scaling: 1,100 at once, beyond the 1,000 new environments a function may start per 10 s.
    for (let i = 0; i < 1100; i++) b.call(5, "Invoke", "scaling", "once");
    // pooled: 1,000 at once against what scaling's 1,000 leave of the pool of 2,000 - 10 - 2 = 1,988.
    for (let i = 0; i < 1000; i++) b.call(10, "Invoke", "pooled", "once");
    for (let i = 0; i < 15; i++) b.call(10, "Invoke", "capped", "once");
    published(b, "pc");
    call(b, 2, "PutProvisionedConcurrencyConfig", "pc", { qualifier: 1, provisionedConcurrentExecutions: 2 });
    for (let i = 0; i < 60; i++) invokeAt(b, 20 + i / 60, "pc", 1);
    const { out, trace } = runTraced(b.build());
    expectInvariantsHold(out);
    const t = out.obs.throttles;
    expect(t[ThrottleCause.ScalingRate]).toBe(100);
    // capped (template 1) beyond its 10; pc's all-busy spillovers find no room in its reservation either.
    const capped =
      out.obs.throttlesByTemplate[1 * THROTTLE_CAUSE_NAMES.length + ThrottleCause.ReservedConcurrency];
    expect(capped).toBe(5);
    expect(t[ThrottleCause.AccountConcurrency]).toBe(1000 - (1988 - 1000));
    expect(t[ThrottleCause.ProvisionedRequestRate]).toBeGreaterThan(15);
    const reasons = new Set(
      recordsOf(trace, "pc", "Invoke")
        .filter((r) => r.outcome === "TooManyRequestsException")
        .map((r) => r.reason),
    );
    // Beyond the request rate: FunctionInvocationRateLimitExceeded; all environments busy and no room
    // left in the reservation: ReservedFunctionConcurrentInvocationLimitExceeded.
    expect([...reasons].sort()).toEqual([
      "FunctionInvocationRateLimitExceeded",
      "ReservedFunctionConcurrentInvocationLimitExceeded",
    ]);
  });
});

describe("V11: reporting versions, provisioned concurrency and throttle reasons", () => {
  const plan = loadScenarioFile(
    new URL("../../scenarios/provisioned-alias-shift.yaml", import.meta.url).pathname,
  );
  const report = buildReport(runPlan(plan, { partitions: 2 }), { file: null, seed: 1, partitions: 2 });

  it("V11: the report gives outcomes by qualifier, provisioned versus spillover and the cold-start ratio around the deploy", () => {
    const inv = report.invocations;
    const pc = inv.provisioned;
    expect(Object.keys(inv.byQualifier)).toEqual(["live"]);
    expect(inv.byQualifier.live.success).toBe(inv.outcomes.success);
    expect(pc.invocations + pc.spilloverInvocations).toBe(inv.requests);
    expect(pc.spillovers.allBusy + pc.spillovers.requestRate).toBeGreaterThanOrEqual(pc.spilloverInvocations);
    expect(pc.configsByStatus).toEqual({ IN_PROGRESS: 0, READY: 1, FAILED: 0 });
    expect(pc.requestedAtEnd).toBe(40);
    const ratio = inv.coldStartRatioByDeployPhase!;
    expect(ratio.during).toBeGreaterThan(ratio.before);
    expect(report.histograms.firstInvokeLatency.count).toBe(pc.environmentsInitialized);
  });

  it("V11: the summary shows those lines only when the scenario uses them", () => {
    const text = renderSummary(report, { color: false });
    expect(text).toMatch(/by qualifier live \.+: success=\d+/);
    expect(text).toMatch(/provisioned \.+: \d+, spillover \d+ \(\d+\.\d+%\)/);
    expect(text).toMatch(/cold starts around deploy \.+: before \d+\.\d+% during \d+\.\d+% after \d+\.\d+%/);
    const quick = loadScenarioFile(new URL("../../scenarios/quickstart.yaml", import.meta.url).pathname);
    const plain = renderSummary(
      buildReport(runPlan(quick, { partitions: 2 }), { file: null, seed: 1, partitions: 2 }),
      {
        color: false,
      },
    );
    expect(plain).not.toContain("by qualifier");
    expect(plain).not.toContain("provisioned");
    expect(plain).not.toContain("cold starts around deploy");
  });
});
