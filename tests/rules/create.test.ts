/**
 * The create lifecycle: CreateFunction, Pending -> Active / Failed, what
 * works while Pending, stuck creates, names that exist or not, versions and
 * deletion (R1-R5, R16-R18).
 */
import { describe, expect, it } from "vitest";
import {
  API_ERROR_HTTP_STATUS,
  ApiError,
  FAILURE_REASON_NAMES,
  functionArn,
  Messages,
  OPERATION_NAMES,
  ReasonCode,
  STATE_REASON_TEXT,
} from "../../src/model/aws-names.js";
import { Hist } from "../../src/model/observations.js";
import { constant, PlanBuilder, sec } from "../helpers/plan-builder.js";
import {
  apiCount,
  apiTotal,
  expectInvariantsHold,
  firstOf,
  recordsOf,
  runTraced,
  seconds,
  stateCounts,
} from "../helpers/run-traced.js";

const VPC = { subnets: ["subnet-a"], securityGroups: ["sg-1"] };
const API_LATENCY_S = 0.05;

describe("R1: CreateFunction", () => {
  it("R1: CreateFunction puts the function in Pending (Creating) with LastUpdateStatus InProgress", () => {
    const b = new PlanBuilder(60, { provisioningDuration: constant(2) }).template("fn");
    b.call(0, "CreateFunction", "fn").call(1, "GetFunctionConfiguration", "fn");
    const { out, trace } = runTraced(b.build());

    const create = firstOf(trace, "fn", "CreateFunction");
    expect(create).toMatchObject({
      timeUs: sec(API_LATENCY_S),
      outcome: "OK",
      message: "",
      stateBefore: "Absent",
      stateAfter: "Pending",
      stateReasonCode: "Creating",
      lastUpdateStatus: "InProgress",
      lastUpdateStatusReasonCode: "Creating",
      revision: 1,
    });
    // A read while provisioning sees the same fields.
    expect(firstOf(trace, "fn", "GetFunctionConfiguration")).toMatchObject({
      stateAfter: "Pending",
      stateReasonCode: "Creating",
      lastUpdateStatus: "InProgress",
      lastUpdateStatusReasonCode: "Creating",
    });
    expect(apiCount(out, "CreateFunction", "OK")).toBe(1);
    expect(out.obs.created).toBe(1);
    expectInvariantsHold(out);
  });

  it("R1: StateReason and LastUpdateStatusReason read 'The function is being created.'", () => {
    expect(STATE_REASON_TEXT[ReasonCode.Creating]).toBe("The function is being created.");
  });

  it("R1: a function still creating at the end of the run counts as Pending with LastUpdateStatus InProgress", () => {
    const b = new PlanBuilder(30).vpc("vpc-a").subnet("subnet-a", 10).template("fn", { vpc: VPC });
    b.call(0, "CreateFunction", "fn");
    const { out } = runTraced(b.build());
    expect(stateCounts(out)).toEqual({ Pending: 1, Active: 0, Inactive: 0, Failed: 0 });
    expect(out.lastUpdateStatus).toEqual([0, 1, 0, 0]); // None, InProgress, Successful, Failed
  });
});

describe("R2: Pending -> Active", () => {
  it("R2: without a VPC a function becomes Active after a short provisioning time, reasons cleared, LastUpdateStatus Successful", () => {
    const names = Array.from({ length: 12 }, (_, i) => `fn-${i}`);
    const b = new PlanBuilder(120).template("fn", { count: 12 });
    b.step(0, "CreateFunction", names, { ratePerSec: 10 });
    const { out, trace } = runTraced(b.build());

    expect(stateCounts(out).Active).toBe(12);
    expect(out.lastUpdateStatus).toEqual([0, 0, 12, 0]);
    for (const name of names) {
      const created = firstOf(trace, name, "CreateFunction");
      const active = firstOf(trace, name, "ProvisioningSucceeded");
      expect(active).toMatchObject({
        stateBefore: "Pending",
        stateAfter: "Active",
        stateReasonCode: "",
        lastUpdateStatus: "Successful",
        lastUpdateStatusReasonCode: "",
      });
      // "Very fast": the default is a lognormal with median 300 ms and p99 2 s.
      expect(seconds(active.timeUs - created.timeUs)).toBeLessThan(5);
    }
    expect(seconds(out.obs.histograms[Hist.PendingCreate].maxValue)).toBeLessThan(5);
    expect(out.shared.subnets).toEqual([]);
  });

  it("R2: a VPC function that needs a new Hyperplane ENI stays Pending 60-90 s, and the ENI takes one IP", () => {
    const b = new PlanBuilder(300).vpc("vpc-a").subnet("subnet-a", 10).template("fn", { vpc: VPC });
    b.call(0, "CreateFunction", "fn");
    const { out, trace } = runTraced(b.build());
    const pendingS = seconds(
      firstOf(trace, "fn", "ProvisioningSucceeded").timeUs - firstOf(trace, "fn", "CreateFunction").timeUs,
    );
    expect(pendingS).toBeGreaterThanOrEqual(60);
    expect(pendingS).toBeLessThanOrEqual(90 + API_LATENCY_S);
    expect(out.shared.subnets[0]).toMatchObject({ usedIps: 1, enisCreated: 1, enisFailed: 0 });
    expect(stateCounts(out).Active).toBe(1);
  });

  it("R2: a function created while the ENI it needs is being created waits for that ENI instead of making another", () => {
    const b = new PlanBuilder(300, { eniCreateDuration: constant(75) })
      .vpc("vpc-a")
      .subnet("subnet-a", 10)
      .template("first", { vpc: VPC })
      .template("second", { vpc: VPC });
    b.call(0, "CreateFunction", "first").call(30, "CreateFunction", "second");
    const { out, trace } = runTraced(b.build());
    const firstActive = firstOf(trace, "first", "ProvisioningSucceeded").timeUs;
    const secondActive = firstOf(trace, "second", "ProvisioningSucceeded").timeUs;
    expect(seconds(firstActive)).toBeCloseTo(API_LATENCY_S + 75, 6);
    // The second is ready when the shared ENI is, 45 s after its own create.
    expect(secondActive).toBe(firstActive);
    expect(out.shared.subnets[0]).toMatchObject({ usedIps: 1, enisCreated: 1 });
  });

  it("R2: a shared ready ENI makes the next function with the same subnet and security groups Active in seconds", () => {
    const b = new PlanBuilder(600).vpc("vpc-a").subnet("subnet-a", 10).template("fn", { count: 6, vpc: VPC });
    b.call(0, "CreateFunction", "fn-0");
    for (let i = 1; i < 6; i++) b.call(100 + i * 10, "CreateFunction", `fn-${i}`);
    const { out, trace } = runTraced(b.build());
    for (let i = 1; i < 6; i++) {
      const name = `fn-${i}`;
      const pendingS = seconds(
        firstOf(trace, name, "ProvisioningSucceeded").timeUs - firstOf(trace, name, "CreateFunction").timeUs,
      );
      expect(pendingS).toBeGreaterThan(0);
      expect(pendingS).toBeLessThan(15); // attach: lognormal median 2 s, p99 8 s
    }
    expect(stateCounts(out).Active).toBe(6);
    expect(out.shared.subnets[0]).toMatchObject({ usedIps: 1, peakUsedIps: 1, enisCreated: 1 });
  });

  it("R2: joining an ENI whose creation has finished costs the attach time, like any ready ENI", () => {
    const b = new PlanBuilder(600, { eniAttachDuration: constant(3), eniCreateDuration: constant(70) })
      .vpc("vpc-a")
      .subnet("subnet-a", 10)
      .template("fn", { count: 2, vpc: VPC });
    b.call(0, "CreateFunction", "fn-0").call(100, "CreateFunction", "fn-1");
    const { trace } = runTraced(b.build());
    const pendingS = (name: string) =>
      seconds(
        firstOf(trace, name, "ProvisioningSucceeded").timeUs - firstOf(trace, name, "CreateFunction").timeUs,
      );
    expect(pendingS("fn-0")).toBeCloseTo(70, 6);
    expect(pendingS("fn-1")).toBeCloseTo(3, 6);
  });

  it("R2: a different security-group set in the same subnet needs its own ENI (60-90 s) and its own IP", () => {
    const b = new PlanBuilder(600)
      .vpc("vpc-a")
      .subnet("subnet-a", 10)
      .template("a", { vpc: VPC })
      .template("b", { vpc: { subnets: ["subnet-a"], securityGroups: ["sg-2"] } });
    b.call(0, "CreateFunction", "a").call(200, "CreateFunction", "b");
    const { out, trace } = runTraced(b.build());
    const pendingS = seconds(firstOf(trace, "b", "ProvisioningSucceeded").timeUs - sec(200 + API_LATENCY_S));
    expect(pendingS).toBeGreaterThanOrEqual(60);
    expect(pendingS).toBeLessThanOrEqual(90 + API_LATENCY_S);
    expect(out.shared.subnets[0]).toMatchObject({ usedIps: 2, enisCreated: 2 });
  });

  it("R2: a function in two subnets needs one ENI in each and is Active when the slower is ready", () => {
    const b = new PlanBuilder(300)
      .vpc("vpc-a")
      .subnet("subnet-a", 10)
      .subnet("subnet-b", 10)
      .template("fn", { vpc: { subnets: ["subnet-a", "subnet-b"], securityGroups: ["sg-1"] } });
    b.call(0, "CreateFunction", "fn");
    const { out, trace } = runTraced(b.build());
    const pendingS = seconds(firstOf(trace, "fn", "ProvisioningSucceeded").timeUs) - API_LATENCY_S;
    expect(pendingS).toBeGreaterThanOrEqual(60);
    expect(pendingS).toBeLessThanOrEqual(90 + API_LATENCY_S);
    expect(out.shared.subnets.map((s) => s.usedIps)).toEqual([1, 1]);
    expect(out.shared.vpcEnis).toEqual([2]);
  });
});

describe("R3: Pending -> Failed", () => {
  it.each(FAILURE_REASON_NAMES)(
    "R3: provisioning failing with %s puts the function in Failed with that StateReasonCode and LastUpdateStatus Failed",
    (code) => {
      const b = new PlanBuilder(300).vpc("vpc-a").subnet("subnet-a", 10).template("fn", { vpc: VPC });
      b.failure(code, 0, 10, ["fn"]);
      b.call(0, "CreateFunction", "fn");
      const { out, trace } = runTraced(b.build());
      const failed = firstOf(trace, "fn", "ProvisioningFailed");
      expect(failed).toMatchObject({
        stateBefore: "Pending",
        stateAfter: "Failed",
        stateReasonCode: code,
        lastUpdateStatus: "Failed",
        lastUpdateStatusReasonCode: code,
      });
      expect(recordsOf(trace, "fn", "ProvisioningSucceeded")).toHaveLength(0);
      expect(stateCounts(out).Failed).toBe(1);
      expect(out.lastUpdateStatus).toEqual([0, 0, 0, 1]);
      expectInvariantsHold(out);
    },
  );

  it("R3: a subnet with no free IP fails the create with SubnetOutOfIPAddresses", () => {
    const b = new PlanBuilder(120).vpc("vpc-a").subnet("subnet-a", 0).template("fn", { vpc: VPC });
    b.call(0, "CreateFunction", "fn");
    const { out, trace } = runTraced(b.build());
    expect(firstOf(trace, "fn", "ProvisioningFailed")).toMatchObject({
      stateAfter: "Failed",
      stateReasonCode: "SubnetOutOfIPAddresses",
      lastUpdateStatusReasonCode: "SubnetOutOfIPAddresses",
    });
    expect(out.shared.subnets[0]).toMatchObject({ usedIps: 0, enisCreated: 0, enisFailed: 1 });
  });

  it("R3: an injected ENI creation failure fails the create after the ENI's creation time", () => {
    const b = new PlanBuilder(300, { eniCreateDuration: constant(70) })
      .vpc("vpc-a")
      .subnet("subnet-a", 10)
      .template("fn", { vpc: VPC });
    b.fault({
      kind: "eniCreationFailure",
      fromUs: 0,
      untilUs: sec(10),
      probability: 1,
      subnets: null,
      code: "InsufficientRolePermissions",
    });
    b.call(0, "CreateFunction", "fn");
    const { out, trace } = runTraced(b.build());
    const failed = firstOf(trace, "fn", "ProvisioningFailed");
    expect(seconds(failed.timeUs)).toBeCloseTo(70 + API_LATENCY_S, 6);
    expect(failed.stateReasonCode).toBe("InsufficientRolePermissions");
    // The failed ENI gives its IP back.
    expect(out.shared.subnets[0]).toMatchObject({ usedIps: 0, enisFailed: 1 });
  });
});

describe("R4: while Pending (Creating)", () => {
  const pendingConflict = Messages.pendingConflict("Pending");

  it("R4: the seed's ResourceConflictException message reads exactly", () => {
    expect(pendingConflict).toBe(
      "The operation cannot be performed at this time. The function is currently in the following state: Pending",
    );
    expect(API_ERROR_HTTP_STATUS[ApiError.ResourceConflictException]).toBe(409);
  });

  it.each(["Invoke", "UpdateFunctionCode", "UpdateFunctionConfiguration", "PublishVersion"] as const)(
    "R4: %s on a Pending function fails with ResourceConflictException (409) and leaves it Pending",
    (op) => {
      const b = new PlanBuilder(300).vpc("vpc-a").subnet("subnet-a", 10).template("fn", { vpc: VPC });
      b.call(0, "CreateFunction", "fn").call(10, op, "fn");
      const { out, trace } = runTraced(b.build());
      const r = firstOf(trace, "fn", op);
      expect(r).toMatchObject({
        outcome: "ResourceConflictException",
        message: pendingConflict,
        stateBefore: "Pending",
        stateAfter: "Pending",
        stateReasonCode: "Creating",
        lastUpdateStatus: "InProgress",
      });
      expect(apiCount(out, op, "ResourceConflictException")).toBe(1);
      expect(apiTotal(out, op)).toBe(1); // 409 is not retried
      // The function still becomes Active on time.
      expect(stateCounts(out).Active).toBe(1);
      expect(out.obs.invocationsByRevision.size).toBe(0);
    },
  );

  it.each(["GetFunction", "GetFunctionConfiguration"] as const)(
    "R4: %s works on a Pending function",
    (op) => {
      const b = new PlanBuilder(300).vpc("vpc-a").subnet("subnet-a", 10).template("fn", { vpc: VPC });
      b.call(0, "CreateFunction", "fn").call(10, op, "fn");
      const { out, trace } = runTraced(b.build());
      expect(firstOf(trace, "fn", op)).toMatchObject({
        outcome: "OK",
        stateBefore: "Pending",
        stateAfter: "Pending",
      });
      expect(apiCount(out, op, "OK")).toBe(1);
    },
  );

  it("R4: DeleteFunction works on a Pending function, and the ENI being created for it is reclaimed", () => {
    const b = new PlanBuilder(3600, { eniDeletionDelay: constant(60) })
      .vpc("vpc-a")
      .subnet("subnet-a", 10)
      .template("fn", { vpc: VPC });
    b.call(0, "CreateFunction", "fn").call(10, "DeleteFunction", "fn");
    const { out, trace } = runTraced(b.build());
    expect(firstOf(trace, "fn", "DeleteFunction")).toMatchObject({
      outcome: "OK",
      stateBefore: "Pending",
      stateAfter: "Absent",
    });
    expect(recordsOf(trace, "fn", "ProvisioningSucceeded")).toHaveLength(0);
    expect(out.states.reduce((a, n) => a + n, 0)).toBe(0);
    expect(out.shared.subnets[0]).toMatchObject({ usedIps: 0, enisCreated: 1, enisDeleted: 1 });
    expectInvariantsHold(out);
  });
});

describe("R5: stuck in Pending", () => {
  const hang = (b: PlanBuilder) =>
    b.fault({ kind: "createHang", fromUs: 0, untilUs: sec(60), probability: 1, targets: null });

  it("R5: a hanging create stays Pending; before 6 minutes an update is refused and changes nothing", () => {
    const b = hang(new PlanBuilder(3600).template("fn"));
    b.call(0, "CreateFunction", "fn").call(300, "UpdateFunctionCode", "fn");
    const { out, trace } = runTraced(b.build());
    expect(firstOf(trace, "fn", "UpdateFunctionCode")).toMatchObject({
      outcome: "ResourceConflictException",
      stateAfter: "Pending",
    });
    expect(stateCounts(out).Pending).toBe(1);
  });

  it.each(["UpdateFunctionCode", "UpdateFunctionConfiguration", "PublishVersion"] as const)(
    "R5: after 6 minutes in Pending, %s cancels the pending create and puts the function in Failed",
    (op) => {
      const b = hang(new PlanBuilder(3600).template("fn"));
      b.call(0, "CreateFunction", "fn").call(361, op, "fn");
      const { out, trace } = runTraced(b.build());
      const r = firstOf(trace, "fn", op);
      expect(r).toMatchObject({
        outcome: "ResourceConflictException",
        stateBefore: "Pending",
        stateAfter: "Failed",
        lastUpdateStatus: "Failed",
      });
      expect(stateCounts(out).Failed).toBe(1);
      expect(out.lastUpdateStatus).toEqual([0, 0, 0, 1]);
      expectInvariantsHold(out);
    },
  );

  it("R5: the caller can then delete and recreate the function, which becomes Active", () => {
    const b = hang(new PlanBuilder(3600).template("fn"));
    b.call(0, "CreateFunction", "fn")
      .call(400, "UpdateFunctionCode", "fn")
      .call(410, "DeleteFunction", "fn")
      .call(420, "CreateFunction", "fn")
      .call(430, "Invoke", "fn");
    const { out, trace } = runTraced(b.build());
    expect(trace.filter((r) => r.function === "fn").map((r) => `${r.operation}:${r.stateAfter}`)).toEqual([
      "CreateFunction:Pending",
      "UpdateFunctionCode:Failed",
      "DeleteFunction:Absent",
      "CreateFunction:Pending",
      "ProvisioningSucceeded:Active",
      "Invoke:Active",
    ]);
    expect(apiCount(out, "Invoke", "OK")).toBe(1);
    expect(out.obs.created).toBe(2);
    expect(out.obs.deleted).toBe(1);
    expectInvariantsHold(out);
  });

  it("R5: or update the Failed function again, which makes it Active", () => {
    const b = hang(new PlanBuilder(3600, { updateDuration: constant(1) }).template("fn"));
    b.call(0, "CreateFunction", "fn")
      .call(400, "UpdateFunctionCode", "fn")
      .call(410, "UpdateFunctionCode", "fn");
    const { out, trace } = runTraced(b.build());
    expect(recordsOf(trace, "fn").map((r) => `${r.operation}:${r.stateAfter}:${r.lastUpdateStatus}`)).toEqual(
      [
        "CreateFunction:Pending:InProgress",
        "UpdateFunctionCode:Failed:Failed",
        "UpdateFunctionCode:Failed:InProgress",
        "UpdateSucceeded:Active:Successful",
      ],
    );
    expect(stateCounts(out).Active).toBe(1);
  });
});

describe("R16: names that exist, names that do not", () => {
  it("R16: CreateFunction on an existing name fails with ResourceConflictException 'Function already exist: <name>'", () => {
    const b = new PlanBuilder(60).template("fn", { existing: true }).template("pending");
    b.call(0, "CreateFunction", "pending")
      .call(0.1, "CreateFunction", "pending")
      .call(1, "CreateFunction", "fn");
    const { out, trace } = runTraced(b.build());
    expect(firstOf(trace, "fn", "CreateFunction")).toMatchObject({
      outcome: "ResourceConflictException",
      message: "Function already exist: fn",
      stateBefore: "Active",
      stateAfter: "Active",
    });
    expect(recordsOf(trace, "pending", "CreateFunction")[1]).toMatchObject({
      outcome: "ResourceConflictException",
      message: Messages.alreadyExists("pending"),
    });
    expect(apiCount(out, "CreateFunction", "ResourceConflictException")).toBe(2);
    expect(out.obs.created).toBe(1);
  });

  it.each(OPERATION_NAMES.filter((op) => op !== "CreateFunction"))(
    "R16: %s on an unknown function fails with ResourceNotFoundException (404)",
    (op) => {
      const b = new PlanBuilder(60).template("ghost");
      b.call(1, op, "ghost");
      const { out, trace } = runTraced(b.build());
      expect(firstOf(trace, "ghost", op)).toMatchObject({
        outcome: "ResourceNotFoundException",
        message: `Function not found: ${functionArn("ghost")}`,
        stateBefore: "Absent",
        stateAfter: "Absent",
      });
      expect(apiCount(out, op, "ResourceNotFoundException")).toBe(1);
      expect(API_ERROR_HTTP_STATUS[ApiError.ResourceNotFoundException]).toBe(404);
      expect(out.states.reduce((a, n) => a + n, 0)).toBe(0);
    },
  );

  it("R16: after DeleteFunction the name is unknown again", () => {
    const b = new PlanBuilder(60).template("fn", { existing: true });
    b.call(1, "DeleteFunction", "fn").call(2, "Invoke", "fn").call(3, "GetFunction", "fn");
    const { out } = runTraced(b.build());
    expect(apiCount(out, "Invoke", "ResourceNotFoundException")).toBe(1);
    expect(apiCount(out, "GetFunction", "ResourceNotFoundException")).toBe(1);
  });
});

describe("R17: PublishVersion", () => {
  it("R17: PublishVersion on an Active function makes a version that is Pending, then Active, and leaves the function as it is", () => {
    const b = new PlanBuilder(120, { publishDuration: constant(12) })
      .template("fn", { existing: true })
      .client("w", "FunctionActive");
    b.call(0, "PublishVersion", "fn", "w");
    const { out, trace } = runTraced(b.build());
    expect(firstOf(trace, "fn", "PublishVersion")).toMatchObject({
      outcome: "OK",
      stateBefore: "Active",
      stateAfter: "Active",
      lastUpdateStatus: "None",
      revision: 1,
    });
    // PublishedVersionActive polls every 5 s: Pending at 0.1, 5.15, 10.2 s; Active at 15.25 s.
    const polls = recordsOf(trace, "fn", "GetFunctionConfiguration");
    expect(polls.map((r) => seconds(r.timeUs))).toEqual([0.1, 5.15, 10.2, 15.25]);
    expect(out.obs.versionsPublished).toBe(1);
    expect(Array.from(out.obs.waiters)).toEqual([1, 1, 0, 0]); // started, succeeded, failed, timedOut
  });

  it("R17: each PublishVersion makes a new numbered version", () => {
    const b = new PlanBuilder(120, { publishDuration: constant(1) }).template("fn", { existing: true });
    b.call(0, "PublishVersion", "fn").call(10, "PublishVersion", "fn").call(20, "PublishVersion", "fn");
    const { out } = runTraced(b.build());
    expect(out.obs.versionsPublished).toBe(3);
    expect(apiCount(out, "PublishVersion", "OK")).toBe(3);
  });

  it("R17: a version published while a version is still Pending keeps the waiter waiting for the newest", () => {
    const b = new PlanBuilder(120, { publishDuration: constant(12) })
      .template("fn", { existing: true })
      .client("w", "FunctionActive");
    b.call(0, "PublishVersion", "fn").call(8, "PublishVersion", "fn", "w");
    const { trace } = runTraced(b.build());
    // Version 1 is Active at 12.05 s, version 2 only at 20.05 s.
    const polls = recordsOf(trace, "fn", "GetFunctionConfiguration").map((r) => seconds(r.timeUs));
    expect(polls).toEqual([8.1, 13.15, 18.2, 23.25]);
  });
});

describe("R18: DeleteFunction", () => {
  it("R18: a function recreated under the same name does not inherit the deleted function's environments", () => {
    const b = new PlanBuilder(120).template("fn", { existing: true, duration: constant(30), timeoutS: 60 });
    b.client("once", null, 1);
    b.call(0, "Invoke", "fn", "once"); // runs until 30.22 s, past the delete and the re-create
    b.call(5, "DeleteFunction", "fn").call(10, "CreateFunction", "fn");
    b.call(40, "Invoke", "fn", "once");
    const { out, trace } = runTraced(b.build());
    expect(recordsOf(trace, "fn", "Invoke").map((r) => r.outcome)).toEqual(["OK", "OK"]);
    expect([out.obs.coldStarts, out.obs.warmStarts]).toEqual([2, 0]);
    expect(Object.fromEntries(out.obs.invocationsByRevision)).toEqual({ 1: 2 });
  });

  it("R18: DeleteFunction removes an Active function and releases its ENI claim; the ENI goes after the deletion delay", () => {
    const b = new PlanBuilder(3600, { eniDeletionDelay: constant(600) })
      .vpc("vpc-a")
      .subnet("subnet-a", 10)
      .template("fn", { existing: true, vpc: VPC });
    b.call(100, "DeleteFunction", "fn");
    const early = runTraced({ ...b.build(), untilUs: sec(600) });
    expect(early.out.shared.subnets[0]).toMatchObject({ usedIps: 1, enisDeleted: 0 });
    const { out, trace } = runTraced(b.build());
    expect(firstOf(trace, "fn", "DeleteFunction")).toMatchObject({
      stateBefore: "Active",
      stateAfter: "Absent",
    });
    expect(out.shared.subnets[0]).toMatchObject({ usedIps: 0, enisDeleted: 1 });
    expect(out.states).toEqual([0, 0, 0, 0]);
    expect(out.obs.deleted).toBe(1);
    expectInvariantsHold(out);
  });

  it("R18: an ENI another function still claims is not deleted", () => {
    const b = new PlanBuilder(3600, { eniDeletionDelay: constant(60) })
      .vpc("vpc-a")
      .subnet("subnet-a", 10)
      .template("fn", { count: 2, existing: true, vpc: VPC });
    b.call(100, "DeleteFunction", "fn-0");
    const { out } = runTraced(b.build());
    expect(out.shared.subnets[0]).toMatchObject({ usedIps: 1, enisDeleted: 0 });
    expect(stateCounts(out).Active).toBe(1);
  });

  it("R18: invocations in flight when the function is deleted finish; later ones get ResourceNotFoundException", () => {
    const b = new PlanBuilder(120).template("fn", { existing: true, duration: constant(30), timeoutS: 60 });
    b.call(0, "Invoke", "fn")
      .call(0, "Invoke", "fn")
      .call(10, "DeleteFunction", "fn")
      .call(20, "Invoke", "fn");
    const { out, trace } = runTraced(b.build());
    const invokes = recordsOf(trace, "fn", "Invoke");
    expect(invokes.map((r) => [seconds(r.timeUs), r.outcome])).toEqual([
      [20, "ResourceNotFoundException"],
      [30.22, "OK"],
      [30.22, "OK"],
    ]);
    expect(out.openInvocations).toBe(0);
    expect(out.shared.concurrencyInFlight).toBe(0);
    expectInvariantsHold(out);
  });
});
