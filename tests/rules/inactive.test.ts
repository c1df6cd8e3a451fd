/**
 * Idle functions: Active -> Inactive, restoring on invoke, and the back-off
 * after some restore failures (R11-R13).
 */
import { describe, expect, it } from "vitest";
import {
  API_ERROR_HTTP_STATUS,
  ApiError,
  Messages,
  ReasonCode,
  STATE_REASON_TEXT,
} from "../../src/model/aws-names.js";
import { Hist } from "../../src/model/observations.js";
import { runPlan } from "../../src/model/run.js";
import { constant, PlanBuilder, sec } from "../helpers/plan-builder.js";
import {
  apiCount,
  expectInvariantsHold,
  firstOf,
  recordsOf,
  runTraced,
  seconds,
  stateCounts,
} from "../helpers/run-traced.js";

const DAY_S = 86_400;
const VPC = { subnets: ["subnet-a"], securityGroups: ["sg-1"] };

/** One existing function that goes Inactive after `idleS`, restored in `restoreS` (without VPC). */
function idle(
  untilS: number,
  idleS: number,
  restoreS = 5,
  more: Parameters<PlanBuilder["template"]>[1] = {},
) {
  return new PlanBuilder(untilS, {
    inactiveAfterUs: sec(idleS),
    provisioningDuration: constant(restoreS),
    eniDeletionDelay: constant(10),
  })
    .template("fn", { existing: true, ...more })
    .client("once", null, 1);
}

describe("R11: idle -> Inactive", () => {
  it("R11: a function never invoked becomes Inactive (Idle) after the default 14 days", () => {
    const b = new PlanBuilder(15 * DAY_S).template("fn", { existing: true });
    const { out, trace } = runTraced(b.build());
    expect(firstOf(trace, "fn", "IdleTimeout")).toMatchObject({
      timeUs: sec(14 * DAY_S),
      stateBefore: "Active",
      stateAfter: "Inactive",
      stateReasonCode: "Idle",
    });
    expect(stateCounts(out)).toEqual({ Pending: 0, Active: 0, Inactive: 1, Failed: 0 });
    expect(STATE_REASON_TEXT[ReasonCode.Idle]).toBe("The function is idle.");
  });

  it("R11: the idle clock restarts at each invocation", () => {
    const b = idle(3 * 3600, 3600);
    b.call(1800, "Invoke", "fn");
    const { trace } = runTraced(b.build());
    expect(seconds(firstOf(trace, "fn", "IdleTimeout").timeUs)).toBe(1800 + 3600);
  });

  it("R11: a function invoked more often than inactiveAfter never goes Inactive", () => {
    const b = idle(6 * 3600, 3600);
    b.stream(["fn"], 1 / 600, 0, 3 * 3600, { process: "constant" }); // every 10 minutes for 3 hours
    const { out, trace } = runTraced(b.build());
    const idleAt = seconds(firstOf(trace, "fn", "IdleTimeout").timeUs);
    const lastInvoke = Math.max(...recordsOf(trace, "fn", "Invoke").map((r) => seconds(r.timeUs)));
    expect(idleAt).toBeGreaterThan(3 * 3600);
    expect(idleAt).toBeGreaterThan(lastInvoke);
    expect(idleAt - lastInvoke).toBeLessThanOrEqual(3600);
    expect(recordsOf(trace, "fn", "Invoke").every((r) => r.outcome === "OK")).toBe(true);
    expect(stateCounts(out).Inactive).toBe(1);
  });

  it("R11: a function still running an invocation at its idle deadline goes Inactive when the invocation ends", () => {
    const b = new PlanBuilder(600, { inactiveAfterUs: sec(30) }).template("fn", {
      existing: true,
      duration: constant(100),
      timeoutS: 900,
    });
    b.call(0, "Invoke", "fn");
    const { out, trace } = runTraced(b.build());
    const ended = firstOf(trace, "fn", "Invoke").timeUs;
    expect(seconds(ended)).toBeCloseTo(100.22, 6);
    expect(firstOf(trace, "fn", "IdleTimeout").timeUs).toBe(ended);
    // Waiting for the invocation costs no events: no polling of the idle clock.
    expect(out.kernel.events).toBeLessThan(50);
  });

  it("R11: an idle deadline that passes during an update waits for the update; the failed update leaves the clock as it was", () => {
    const run = (fail: boolean) => {
      const b = new PlanBuilder(600, { inactiveAfterUs: sec(30), updateDuration: constant(60) }).template(
        "fn",
        {
          existing: true,
        },
      );
      if (fail) b.failure("InternalError", 0, 100, ["fn"]);
      b.call(20, "UpdateFunctionCode", "fn");
      return runTraced(b.build());
    };
    const ok = run(false);
    // Success restarts the clock (R8): Inactive 30 s after the update completed at 80.05 s.
    expect(seconds(firstOf(ok.trace, "fn", "IdleTimeout").timeUs)).toBeCloseTo(110.05, 6);
    expect(ok.out.kernel.events).toBeLessThan(50);
    const failed = run(true);
    // The deadline (30 s) has passed: Inactive as soon as the failed update settles.
    const settled = firstOf(failed.trace, "fn", "UpdateFailed").timeUs;
    expect(firstOf(failed.trace, "fn", "IdleTimeout").timeUs).toBe(settled);
    expect(failed.out.kernel.events).toBeLessThan(50);
  });

  it("R11: going Inactive drops the ENI claim; the unclaimed ENI is deleted after the deletion delay and frees its IP", () => {
    const b = new PlanBuilder(3600, { inactiveAfterUs: sec(600), eniDeletionDelay: constant(300) })
      .vpc("vpc-a")
      .subnet("subnet-a", 4)
      .template("fn", { existing: true, vpc: VPC });
    const before = runPlan({ ...b.build(), untilUs: sec(899) }, { partitions: 1 });
    expect(before.shared.subnets[0]).toMatchObject({ usedIps: 1, enisDeleted: 0 });
    const after = runPlan({ ...b.build(), untilUs: sec(901) }, { partitions: 1 });
    expect(after.shared.subnets[0]).toMatchObject({ usedIps: 0, enisDeleted: 1 });
    expect(after.shared.vpcEnis).toEqual([0]);
    expectInvariantsHold(after);
  });

  it("R11: with the default deletion delay every unclaimed ENI is gone within 20 minutes", () => {
    const b = new PlanBuilder(3 * 3600, { inactiveAfterUs: sec(3600) }).vpc("vpc-a").subnet("subnet-a", 20);
    for (let i = 0; i < 10; i++) {
      b.template(`fn-${i}`, { existing: true, vpc: { subnets: ["subnet-a"], securityGroups: [`sg-${i}`] } });
    }
    const out = runPlan(b.build(), { partitions: 2, sampleIntervalUs: sec(60) });
    const usedAt = (s: number) => out.samples.find((x) => x.timeUs === sec(s))!.subnetUsedIps[0];
    expect(usedAt(3600)).toBe(10);
    expect(usedAt(3600 + 20 * 60)).toBe(0);
    // Spread over the window, not all at once.
    expect(usedAt(3600 + 10 * 60)).toBeGreaterThan(0);
    expect(usedAt(3600 + 10 * 60)).toBeLessThan(10);
    expect(out.shared.subnets[0].enisDeleted).toBe(10);
  });

  it("R11: an ENI shared with a function that is still Active is kept", () => {
    const b = new PlanBuilder(7200, { inactiveAfterUs: sec(3600), eniDeletionDelay: constant(60) })
      .vpc("vpc-a")
      .subnet("subnet-a", 4)
      .template("idle", { existing: true, vpc: VPC })
      .template("busy", { existing: true, vpc: VPC });
    b.stream(["busy"], 1 / 60, 0, 7200, { process: "constant" });
    const { out } = runTraced(b.build());
    expect(stateCounts(out)).toMatchObject({ Active: 1, Inactive: 1 });
    expect(out.shared.subnets[0]).toMatchObject({ usedIps: 1, enisDeleted: 0 });
  });
});

describe("R12: invoking an Inactive function", () => {
  it("R12: Invoke fails with ResourceNotReadyException (502) and moves the function to Pending (Restoring)", () => {
    const b = idle(400, 100);
    b.call(200, "Invoke", "fn", "once");
    const { out, trace } = runTraced(b.build());
    expect(firstOf(trace, "fn", "Invoke")).toMatchObject({
      timeUs: sec(200),
      outcome: "ResourceNotReadyException",
      message: Messages.notReady,
      stateBefore: "Inactive",
      stateAfter: "Pending",
      stateReasonCode: "Restoring",
    });
    expect(API_ERROR_HTTP_STATUS[ApiError.ResourceNotReadyException]).toBe(502);
    expect(apiCount(out, "Invoke", "ResourceNotReadyException")).toBe(1);
  });

  it("R12: invocations while Restoring fail the same way; after the restore the function is Active and runs them", () => {
    const b = idle(400, 100, 5);
    for (const t of [200, 202, 204]) b.call(t, "Invoke", "fn", "once");
    b.call(210, "Invoke", "fn", "once");
    const { out, trace } = runTraced(b.build());
    const invokes = recordsOf(trace, "fn", "Invoke");
    expect(invokes.map((r) => [seconds(r.timeUs), r.outcome, r.stateAfter])).toEqual([
      [200, "ResourceNotReadyException", "Pending"],
      [202, "ResourceNotReadyException", "Pending"],
      [204, "ResourceNotReadyException", "Pending"],
      [210.22 + 0.1, "OK", "Active"],
    ]);
    expect(firstOf(trace, "fn", "RestoreSucceeded")).toMatchObject({
      timeUs: sec(205),
      stateBefore: "Pending",
      stateAfter: "Active",
      stateReasonCode: "",
    });
    expect(out.obs.histograms[Hist.PendingRestore].totalCount).toBe(1);
    expect(seconds(out.obs.histograms[Hist.PendingRestore].maxValue)).toBeCloseTo(5, 2);
  });

  it("R12: the SDK retries ResourceNotReadyException (HTTP 502 is transient) and each retry fails the same way while Restoring", () => {
    const b = idle(400, 100, 30);
    b.call(200, "Invoke", "fn"); // default client: 3 attempts
    const { out } = runTraced(b.build());
    expect(apiCount(out, "Invoke", "ResourceNotReadyException")).toBe(3);
    expect(out.obs.clientRetries).toBe(2);
    expect(out.obs.clientGaveUp).toBe(1);
  });

  it("R12: restoring a VPC function whose ENI was deleted needs a new ENI: Pending 60-90 s", () => {
    const b = new PlanBuilder(440, { inactiveAfterUs: sec(100), eniDeletionDelay: constant(10) })
      .vpc("vpc-a")
      .subnet("subnet-a", 4)
      .template("fn", { existing: true, vpc: VPC })
      .client("once", null, 1);
    b.call(300, "Invoke", "fn", "once");
    const { out, trace } = runTraced(b.build());
    const restoredS = seconds(firstOf(trace, "fn", "RestoreSucceeded").timeUs) - 300;
    expect(restoredS).toBeGreaterThanOrEqual(60);
    expect(restoredS).toBeLessThanOrEqual(90 + 0.05);
    expect(out.shared.subnets[0]).toMatchObject({ enisDeleted: 1, enisCreated: 1, usedIps: 1 });
  });

  it("R12: restoring a VPC function whose ENI is still shared by an Active function takes seconds", () => {
    const b = new PlanBuilder(1200, { inactiveAfterUs: sec(100), eniDeletionDelay: constant(10) })
      .vpc("vpc-a")
      .subnet("subnet-a", 4)
      .template("fn", { existing: true, vpc: VPC })
      .template("busy", { existing: true, vpc: VPC })
      .client("once", null, 1);
    b.stream(["busy"], 1 / 30, 0, 1200, { process: "constant" });
    b.call(300, "Invoke", "fn", "once");
    const { out, trace } = runTraced(b.build());
    const restoredS = seconds(firstOf(trace, "fn", "RestoreSucceeded").timeUs) - 300;
    expect(restoredS).toBeLessThan(15);
    expect(out.shared.subnets[0]).toMatchObject({ enisDeleted: 0, enisCreated: 0, usedIps: 1 });
  });

  it("R12: a failed restore puts the function back in Inactive with the cause's code; the next invocation tries again", () => {
    const b = idle(400, 100, 5);
    b.failure("InternalError", 150, 250, ["fn"]);
    b.call(200, "Invoke", "fn", "once").call(210, "Invoke", "fn", "once").call(300, "Invoke", "fn", "once");
    const { out, trace } = runTraced(b.build());
    expect(firstOf(trace, "fn", "RestoreFailed")).toMatchObject({
      timeUs: sec(205),
      stateBefore: "Pending",
      stateAfter: "Inactive",
      stateReasonCode: "InternalError",
    });
    // InternalError does not hold back the next attempt (R13 is only for two causes).
    expect(
      recordsOf(trace, "fn", "Invoke").map((r) => `${seconds(r.timeUs)}:${r.stateBefore}->${r.stateAfter}`),
    ).toEqual(["200:Inactive->Pending", "210:Inactive->Pending", "300:Inactive->Pending"]);
    expect(recordsOf(trace, "fn", "RestoreFailed")).toHaveLength(2); // the 210 s attempt was still in the fault window
    expect(recordsOf(trace, "fn", "RestoreSucceeded")).toHaveLength(1);
    expect(stateCounts(out).Active).toBe(1);
  });
});

describe("R13: no new restore for 5 minutes after some failures", () => {
  it("R13: after InsufficientRolePermissions, invocations for 5 minutes fail without starting a restore", () => {
    const b = new PlanBuilder(650, {
      inactiveAfterUs: sec(100),
      eniDeletionDelay: constant(10),
      provisioningDuration: constant(1),
    })
      .vpc("vpc-a")
      .subnet("subnet-a", 4)
      .template("fn", { existing: true, vpc: VPC })
      .client("once", null, 1);
    b.fault({ kind: "rolePermissions", fromUs: 0, untilUs: sec(400), targets: null });
    for (const t of [200, 300, 450, 500, 502]) b.call(t, "Invoke", "fn", "once");
    const { out, trace } = runTraced(b.build());
    expect(firstOf(trace, "fn", "RestoreFailed")).toMatchObject({
      timeUs: sec(201),
      stateAfter: "Inactive",
      stateReasonCode: "InsufficientRolePermissions",
    });
    const invokes = recordsOf(trace, "fn", "Invoke");
    expect(invokes.map((r) => `${seconds(r.timeUs)}:${r.outcome}:${r.stateBefore}->${r.stateAfter}`)).toEqual(
      [
        "200:ResourceNotReadyException:Inactive->Pending",
        "300:ResourceNotReadyException:Inactive->Inactive",
        "450:ResourceNotReadyException:Inactive->Inactive",
        "500:ResourceNotReadyException:Inactive->Inactive", // 299 s after the failure
        "502:ResourceNotReadyException:Inactive->Pending", // 301 s after: a new attempt
      ],
    );
    expect(recordsOf(trace, "fn", "RestoreSucceeded")).toHaveLength(1);
    expect(stateCounts(out).Active).toBe(1);
  });

  it("R13: after SubnetOutOfIPAddresses, invocations for 5 minutes fail without starting a restore", () => {
    const b = new PlanBuilder(650, { inactiveAfterUs: sec(100), eniDeletionDelay: constant(10) })
      .vpc("vpc-a")
      .subnet("subnet-a", 4)
      .template("fn", { existing: true, vpc: VPC })
      .client("once", null, 1);
    b.fault({ kind: "subnetExhausted", fromUs: sec(150), untilUs: sec(400), subnets: [0] });
    for (const t of [200, 300, 420, 501]) b.call(t, "Invoke", "fn", "once");
    const { out, trace } = runTraced(b.build());
    expect(firstOf(trace, "fn", "RestoreFailed")).toMatchObject({
      stateAfter: "Inactive",
      stateReasonCode: "SubnetOutOfIPAddresses",
    });
    const invokes = recordsOf(trace, "fn", "Invoke");
    expect(invokes.map((r) => `${seconds(r.timeUs)}:${r.stateBefore}->${r.stateAfter}`)).toEqual([
      "200:Inactive->Pending",
      "300:Inactive->Inactive",
      "420:Inactive->Inactive", // the subnet has IPs again, but the 5 minutes are not over
      "501:Inactive->Pending",
    ]);
    expect(stateCounts(out).Active).toBe(1);
    expect(out.shared.subnets[0]).toMatchObject({ usedIps: 1, othersIps: 0 });
    expectInvariantsHold(out);
  });
});
