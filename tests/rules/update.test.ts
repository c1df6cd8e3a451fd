/**
 * The update lifecycle: LastUpdateStatus InProgress -> Successful / Failed,
 * what runs and what conflicts meanwhile, and how long updates take (R6-R10).
 */
import { describe, expect, it } from "vitest";
import { functionArn } from "../../src/model/aws-names.js";
import { Hist } from "../../src/model/observations.js";
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

const VPC_A = { subnets: ["subnet-a"], securityGroups: ["sg-1"] };

/** An existing function that goes Inactive after `idleS` seconds. */
function idleFunction(untilS: number, idleS: number, extra: Parameters<PlanBuilder["template"]>[1] = {}) {
  return new PlanBuilder(untilS, { inactiveAfterUs: sec(idleS), updateDuration: constant(5) }).template(
    "fn",
    {
      existing: true,
      ...extra,
    },
  );
}

/** A function whose create fails, leaving it Failed with InternalError. */
function failedFunction(untilS: number) {
  const b = new PlanBuilder(untilS, { updateDuration: constant(5) }).template("fn");
  b.failure("InternalError", 0, 5, ["fn"]).call(0, "CreateFunction", "fn");
  return b;
}

describe("R6: updates are accepted in Active, Inactive and Failed", () => {
  it.each(["UpdateFunctionCode", "UpdateFunctionConfiguration"] as const)(
    "R6: %s on an Active function sets LastUpdateStatus InProgress (Creating) and leaves State Active",
    (op) => {
      const b = new PlanBuilder(60, { updateDuration: constant(5) }).template("fn", { existing: true });
      b.call(1, op, "fn");
      const { out, trace } = runTraced(b.build());
      expect(firstOf(trace, "fn", op)).toMatchObject({
        outcome: "OK",
        stateBefore: "Active",
        stateAfter: "Active",
        stateReasonCode: "",
        lastUpdateStatus: "InProgress",
        lastUpdateStatusReasonCode: "Creating",
      });
      expect(apiCount(out, op, "OK")).toBe(1);
    },
  );

  it("R6: an update on an Inactive function is accepted and leaves State Inactive while InProgress", () => {
    const b = idleFunction(600, 100);
    b.call(200, "UpdateFunctionCode", "fn");
    const { trace } = runTraced(b.build());
    expect(firstOf(trace, "fn", "IdleTimeout")).toMatchObject({
      stateAfter: "Inactive",
      stateReasonCode: "Idle",
    });
    expect(firstOf(trace, "fn", "UpdateFunctionCode")).toMatchObject({
      outcome: "OK",
      stateBefore: "Inactive",
      stateAfter: "Inactive",
      lastUpdateStatus: "InProgress",
      lastUpdateStatusReasonCode: "Creating",
    });
  });

  it("R6: an update on a Failed function is accepted and leaves State Failed while InProgress", () => {
    const b = failedFunction(120);
    b.call(10, "UpdateFunctionConfiguration", "fn");
    const { trace } = runTraced(b.build());
    expect(firstOf(trace, "fn", "UpdateFunctionConfiguration")).toMatchObject({
      outcome: "OK",
      stateBefore: "Failed",
      stateAfter: "Failed",
      lastUpdateStatus: "InProgress",
    });
  });
});

describe("R7: while an update is InProgress", () => {
  it("R7: invocations succeed and run the previous revision, even one that ends after the update", () => {
    const b = new PlanBuilder(60, { updateDuration: constant(10) }).template("fn", {
      existing: true,
      duration: constant(1),
    });
    b.call(0.5, "Invoke", "fn").call(1, "UpdateFunctionCode", "fn");
    for (const t of [2, 5, 8, 10.9]) b.call(t, "Invoke", "fn");
    b.call(20, "Invoke", "fn");
    const { out, trace } = runTraced(b.build());
    const done = firstOf(trace, "fn", "UpdateSucceeded").timeUs;
    expect(seconds(done)).toBeCloseTo(11.05, 6);
    const invokes = recordsOf(trace, "fn", "Invoke");
    expect(invokes.map((r) => r.outcome)).toEqual(["OK", "OK", "OK", "OK", "OK", "OK"]);
    expect(invokes.map((r) => r.revision)).toEqual([1, 1, 1, 1, 1, 2]);
    // The invocation that started at 10.9 s ended after the update and still ran revision 1.
    expect(invokes[4].timeUs).toBeGreaterThan(done);
    expect(Object.fromEntries(out.obs.invocationsByRevision)).toEqual({ 1: 5, 2: 1 });
    expect(invokes.slice(1, 5).every((r) => r.lastUpdateStatus === "InProgress" || r.timeUs > done)).toBe(
      true,
    );
  });

  it.each(["UpdateFunctionCode", "UpdateFunctionConfiguration", "PublishVersion"] as const)(
    "R7: %s fails with ResourceConflictException 'An update is in progress for resource: <ARN>'",
    (op) => {
      const b = new PlanBuilder(60, { updateDuration: constant(10) }).template("fn", { existing: true });
      b.call(1, "UpdateFunctionCode", "fn").call(5, op, "fn");
      const { out, trace } = runTraced(b.build());
      const r = recordsOf(trace, "fn", op).find((x) => x.timeUs > sec(5));
      expect(r).toMatchObject({
        outcome: "ResourceConflictException",
        message: `The operation cannot be performed at this time. An update is in progress for resource: ${functionArn("fn")}`,
        stateBefore: "Active",
        stateAfter: "Active",
        lastUpdateStatus: "InProgress",
      });
      expect(apiCount(out, op, "ResourceConflictException")).toBe(1);
      // The refused call changed nothing: one update, one new revision.
      expect(recordsOf(trace, "fn", "UpdateSucceeded")).toHaveLength(1);
      expect(recordsOf(trace, "fn", "UpdateSucceeded")[0].revision).toBe(2);
    },
  );
});

describe("R8: update success", () => {
  it("R8: LastUpdateStatus becomes Successful, reasons clear and the new revision goes live", () => {
    const b = new PlanBuilder(60, { updateDuration: constant(2) }).template("fn", { existing: true });
    b.call(1, "UpdateFunctionConfiguration", "fn", "default", { memoryMb: 512 }).call(10, "Invoke", "fn");
    const { out, trace } = runTraced(b.build());
    expect(firstOf(trace, "fn", "UpdateSucceeded")).toMatchObject({
      timeUs: sec(3.05),
      stateBefore: "Active",
      stateAfter: "Active",
      lastUpdateStatus: "Successful",
      lastUpdateStatusReasonCode: "",
      revision: 2,
    });
    expect(firstOf(trace, "fn", "Invoke").revision).toBe(2);
    expect(out.lastUpdateStatus).toEqual([0, 0, 1, 0]);
  });

  it("R8: warm environments of the old revision are retired, so the next invocation starts cold", () => {
    const b = new PlanBuilder(60, { updateDuration: constant(1) }).template("fn", { existing: true });
    b.call(0, "Invoke", "fn").call(1, "Invoke", "fn"); // cold, then warm
    b.call(2, "UpdateFunctionCode", "fn");
    b.call(10, "Invoke", "fn").call(11, "Invoke", "fn"); // cold (new revision), then warm
    const { out } = runTraced(b.build());
    expect(out.obs.coldStarts).toBe(2);
    expect(out.obs.warmStarts).toBe(2);
  });

  it("R8: an environment still busy with the old revision when the update completes is not reused", () => {
    const b = new PlanBuilder(60, { updateDuration: constant(1) }).template("fn", {
      existing: true,
      duration: constant(3),
    });
    b.call(0, "Invoke", "fn"); // cold, ends at 3.22 s
    b.call(2, "UpdateFunctionCode", "fn"); // live at 3.05 s
    b.call(10, "Invoke", "fn");
    const { out } = runTraced(b.build());
    expect(out.obs.coldStarts).toBe(2);
    expect(out.obs.warmStarts).toBe(0);
  });

  it("R8: a successful update makes an Inactive function Active", () => {
    const b = idleFunction(350, 100);
    b.call(200, "UpdateFunctionCode", "fn").call(300, "Invoke", "fn");
    const { out, trace } = runTraced(b.build());
    expect(firstOf(trace, "fn", "UpdateSucceeded")).toMatchObject({
      stateBefore: "Inactive",
      stateAfter: "Active",
      stateReasonCode: "",
      lastUpdateStatus: "Successful",
    });
    // No restore needed: the invocation simply runs.
    expect(firstOf(trace, "fn", "Invoke")).toMatchObject({ outcome: "OK", revision: 2 });
    expect(stateCounts(out).Active).toBe(1);
  });

  it("R8: a successful update makes a Failed function Active", () => {
    const b = failedFunction(120);
    b.call(10, "UpdateFunctionCode", "fn").call(30, "Invoke", "fn");
    const { out, trace } = runTraced(b.build());
    expect(firstOf(trace, "fn", "UpdateSucceeded")).toMatchObject({
      stateBefore: "Failed",
      stateAfter: "Active",
      stateReasonCode: "",
      lastUpdateStatus: "Successful",
    });
    expect(apiCount(out, "Invoke", "OK")).toBe(1);
  });
});

describe("R9: update failure", () => {
  it("R9: LastUpdateStatus Failed with the cause's code, State unchanged, the previous revision stays live", () => {
    const b = new PlanBuilder(60, { updateDuration: constant(2) }).template("fn", { existing: true });
    b.failure("InvalidSecurityGroup", 1, 2, ["fn"]);
    b.call(1, "UpdateFunctionCode", "fn").call(10, "Invoke", "fn");
    const { out, trace } = runTraced(b.build());
    expect(firstOf(trace, "fn", "UpdateFailed")).toMatchObject({
      stateBefore: "Active",
      stateAfter: "Active",
      lastUpdateStatus: "Failed",
      lastUpdateStatusReasonCode: "InvalidSecurityGroup",
      revision: 1,
    });
    expect(firstOf(trace, "fn", "Invoke")).toMatchObject({ outcome: "OK", revision: 1 });
    expect(out.lastUpdateStatus).toEqual([0, 0, 0, 1]);
    expect(stateCounts(out).Active).toBe(1);
  });

  it("R9: a configuration update to a full subnet fails with SubnetOutOfIPAddresses and the old ENIs stay in use", () => {
    const b = new PlanBuilder(600)
      .vpc("vpc-a")
      .subnet("subnet-a", 10)
      .subnet("subnet-full", 0)
      .template("fn", { existing: true, vpc: VPC_A });
    const target = b.vpcConfig(["subnet-full"], ["sg-1"]);
    b.call(1, "UpdateFunctionConfiguration", "fn", "default", { vpcConfig: target }).call(
      200,
      "Invoke",
      "fn",
    );
    const { out, trace } = runTraced(b.build());
    expect(firstOf(trace, "fn", "UpdateFailed")).toMatchObject({
      stateAfter: "Active",
      lastUpdateStatus: "Failed",
      lastUpdateStatusReasonCode: "SubnetOutOfIPAddresses",
    });
    expect(firstOf(trace, "fn", "Invoke").outcome).toBe("OK");
    expect(out.shared.subnets.map((s) => s.usedIps)).toEqual([1, 0]);
    expectInvariantsHold(out);
  });

  it("R9: a failed update leaves an Inactive function Inactive", () => {
    const b = idleFunction(600, 100);
    b.failure("InternalError", 150, 250, ["fn"]);
    b.call(200, "UpdateFunctionCode", "fn");
    const { out, trace } = runTraced(b.build());
    expect(firstOf(trace, "fn", "UpdateFailed")).toMatchObject({
      stateBefore: "Inactive",
      stateAfter: "Inactive",
      lastUpdateStatus: "Failed",
      lastUpdateStatusReasonCode: "InternalError",
    });
    expect(stateCounts(out).Inactive).toBe(1);
  });

  it("R9: a failed update leaves a Failed function Failed", () => {
    const b = failedFunction(120);
    b.failure("InvalidSubnet", 8, 12, ["fn"]);
    b.call(10, "UpdateFunctionCode", "fn");
    const { trace } = runTraced(b.build());
    expect(firstOf(trace, "fn", "UpdateFailed")).toMatchObject({
      stateBefore: "Failed",
      stateAfter: "Failed",
      lastUpdateStatusReasonCode: "InvalidSubnet",
    });
  });
});

describe("R10: update timing", () => {
  const names = (n: number) => Array.from({ length: n }, (_, i) => `fn-${i}`);
  const medianS = (out: ReturnType<typeof runTraced>["out"]) =>
    seconds(out.obs.histograms[Hist.UpdateInProgress].getValueAtPercentile(50));

  it("R10: a code-only update of a Zip function without VPC takes about 1 s", () => {
    const b = new PlanBuilder(300).template("fn", { count: 40, existing: true });
    b.step(0, "UpdateFunctionCode", names(40), { ratePerSec: 10 });
    const { out } = runTraced(b.build());
    expect(out.obs.histograms[Hist.UpdateInProgress].totalCount).toBe(40);
    expect(medianS(out)).toBeGreaterThan(0.5);
    expect(medianS(out)).toBeLessThan(2);
  });

  it("R10: a code-only update of a VPC function takes about 25 s, and needs no new ENI", () => {
    const b = new PlanBuilder(600).vpc("vpc-a").subnet("subnet-a", 10).template("fn", {
      count: 40,
      existing: true,
      vpc: VPC_A,
    });
    b.step(0, "UpdateFunctionCode", names(40), { ratePerSec: 10 });
    const { out } = runTraced(b.build());
    expect(medianS(out)).toBeGreaterThan(15);
    expect(medianS(out)).toBeLessThan(40);
    expect(out.shared.subnets[0]).toMatchObject({ enisCreated: 0, usedIps: 1 });
  });

  it("R10: a code-only update of a container-image function takes about 25 s", () => {
    const b = new PlanBuilder(600).template("fn", { count: 40, existing: true, packageType: "Image" });
    b.step(0, "UpdateFunctionCode", names(40), { ratePerSec: 10 });
    const { out } = runTraced(b.build());
    expect(medianS(out)).toBeGreaterThan(15);
    expect(medianS(out)).toBeLessThan(40);
  });

  it("R10: a configuration update moving to a new subnet needs a new ENI: 60-90 s in progress", () => {
    const b = new PlanBuilder(600)
      .vpc("vpc-a")
      .subnet("subnet-a", 10)
      .subnet("subnet-b", 10)
      .template("fn", { existing: true, vpc: VPC_A });
    const target = b.vpcConfig(["subnet-b"], ["sg-1"]);
    b.call(1, "UpdateFunctionConfiguration", "fn", "default", { vpcConfig: target });
    const { out, trace } = runTraced(b.build());
    const inProgressS = seconds(firstOf(trace, "fn", "UpdateSucceeded").timeUs - sec(1.05));
    expect(inProgressS).toBeGreaterThanOrEqual(60);
    expect(inProgressS).toBeLessThanOrEqual(90 + 0.05);
    expect(out.shared.subnets[1]).toMatchObject({ enisCreated: 1, usedIps: 1 });
  });

  it("R10: moving to a subnet/security-group combination whose ENI exists reuses it: seconds", () => {
    const b = new PlanBuilder(600, { eniDeletionDelay: constant(60) })
      .vpc("vpc-a")
      .subnet("subnet-a", 10)
      .subnet("subnet-b", 10)
      .template("fn", { existing: true, vpc: VPC_A })
      .template("other", { existing: true, vpc: { subnets: ["subnet-b"], securityGroups: ["sg-1"] } });
    const target = b.vpcConfig(["subnet-b"], ["sg-1"]);
    b.call(1, "UpdateFunctionConfiguration", "fn", "default", { vpcConfig: target });
    const { out, trace } = runTraced(b.build());
    const inProgressS = seconds(firstOf(trace, "fn", "UpdateSucceeded").timeUs - sec(1.05));
    expect(inProgressS).toBeLessThan(15);
    // The old ENI lost its last claim and was deleted after the deletion delay.
    expect(out.shared.subnets[0]).toMatchObject({ usedIps: 0, enisDeleted: 1 });
    expect(out.shared.subnets[1]).toMatchObject({ enisCreated: 0, usedIps: 1 });
  });
});
