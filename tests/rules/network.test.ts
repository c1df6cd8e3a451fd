/**
 * Network accounting: subnets, IPs, Hyperplane ENIs and the per-VPC ENI
 * quota, and the failure codes their exhaustion produces (R19).
 */
import { describe, expect, it } from "vitest";
import { runPlan } from "../../src/model/run.js";
import { loadScenarioText } from "../../src/scenario/load.js";
import { constant, PlanBuilder, sec } from "../helpers/plan-builder.js";
import { expectInvariantsHold, firstOf, runTraced, stateCounts } from "../helpers/run-traced.js";

const vpcOf = (subnets: string[], sg: string) => ({ subnets, securityGroups: [sg] });

describe("R19: network accounting", () => {
  it("R19: a subnet's IPs bound its ENIs; the next new ENI fails with SubnetOutOfIPAddresses", () => {
    const b = new PlanBuilder(300).vpc("vpc-a").subnet("subnet-a", 2);
    for (const sg of ["sg-1", "sg-2", "sg-3"]) b.template(`fn-${sg}`, { vpc: vpcOf(["subnet-a"], sg) });
    b.step(0, "CreateFunction", ["fn-sg-1", "fn-sg-2", "fn-sg-3"], { ratePerSec: 1 });
    const { out, trace } = runTraced(b.build());
    expect(stateCounts(out)).toMatchObject({ Active: 2, Failed: 1 });
    expect(firstOf(trace, "fn-sg-3", "ProvisioningFailed")).toMatchObject({
      stateReasonCode: "SubnetOutOfIPAddresses",
      lastUpdateStatusReasonCode: "SubnetOutOfIPAddresses",
    });
    expect(out.shared.subnets[0]).toMatchObject({
      usedIps: 2,
      peakUsedIps: 2,
      enisCreated: 2,
      enisFailed: 1,
    });
    expectInvariantsHold(out);
  });

  it("R19: a subnet given by CIDR has the block's addresses less the 5 AWS reserves", () => {
    const teams = Array.from({ length: 12 }, (_, i) => i + 1);
    const yaml = [
      "name: cidr",
      "duration: 10m",
      "network:",
      "  vpcs:",
      "    - id: vpc-a",
      `      securityGroups: [${teams.map((t) => `sg-${t}`).join(", ")}]`,
      "      subnets:",
      "        - { id: subnet-a, cidr: 10.0.0.0/28 }",
      "functions:",
      ...teams.map(
        (t) =>
          `  - { template: t${t}, count: 1, name: "t${t}", vpc: { subnets: [subnet-a], securityGroups: [sg-${t}] } }`,
      ),
      "workload:",
      '  - { at: 0s, action: create, functions: "t*", rate: 2/s }',
    ].join("\n");
    const plan = loadScenarioText(yaml, "cidr.yaml");
    expect(plan.subnets[0].capacityIps).toBe(16 - 5);
    const out = runPlan(plan, { partitions: 2 });
    expect(stateCounts(out)).toMatchObject({ Active: 11, Failed: 1 });
    expect(out.shared.subnets[0]).toMatchObject({ usedIps: 11, enisFailed: 1 });
  });

  it("R19: addresses other resources hold count against the subnet", () => {
    const b = new PlanBuilder(300).vpc("vpc-a").subnet("subnet-a", 10);
    b.template("a", { vpc: vpcOf(["subnet-a"], "sg-1") }).template("b", { vpc: vpcOf(["subnet-a"], "sg-2") });
    b.step(0, "CreateFunction", ["a", "b"], { ratePerSec: 1 });
    const plan = b.build();
    plan.subnets[0].usedByOthersIps = 9;
    const { out, trace } = runTraced(plan);
    expect(firstOf(trace, "a", "ProvisioningSucceeded").stateAfter).toBe("Active");
    expect(firstOf(trace, "b", "ProvisioningFailed").stateReasonCode).toBe("SubnetOutOfIPAddresses");
    expect(out.shared.subnets[0]).toMatchObject({ usedIps: 1, othersIps: 9 });
    expectInvariantsHold(out);
  });

  it("R19: each ENI holds one IP, however many functions share it", () => {
    const names = Array.from({ length: 30 }, (_, i) => `fn-${i}`);
    const b = new PlanBuilder(600)
      .vpc("vpc-a")
      .subnet("subnet-a", 5)
      .subnet("subnet-b", 5)
      .template("fn", { count: 30, vpc: vpcOf(["subnet-a", "subnet-b"], "sg-1") });
    b.step(0, "CreateFunction", names, { ratePerSec: 10 });
    const { out } = runTraced(b.build());
    expect(stateCounts(out).Active).toBe(30);
    expect(out.shared.subnets.map((s) => [s.usedIps, s.enisCreated])).toEqual([
      [1, 1],
      [1, 1],
    ]);
    expect(out.shared.vpcEnis).toEqual([2]);
  });

  it("R19: the VPC's ENI quota, less what other services use, bounds ENIs across its subnets: EniLimitExceeded", () => {
    const b = new PlanBuilder(300).vpc("vpc-a", 5, 3).subnet("subnet-a", 10).subnet("subnet-b", 10);
    b.template("a", { vpc: vpcOf(["subnet-a"], "sg-1") })
      .template("b", { vpc: vpcOf(["subnet-b"], "sg-1") })
      .template("c", { vpc: vpcOf(["subnet-a"], "sg-2") });
    b.step(0, "CreateFunction", ["a", "b", "c"], { ratePerSec: 1 });
    const { out, trace } = runTraced(b.build());
    expect(stateCounts(out)).toMatchObject({ Active: 2, Failed: 1 });
    expect(firstOf(trace, "c", "ProvisioningFailed")).toMatchObject({
      stateReasonCode: "EniLimitExceeded",
      lastUpdateStatusReasonCode: "EniLimitExceeded",
    });
    expect(out.shared.vpcEnis).toEqual([2]);
    expect(out.shared.vpcPeakEnis).toEqual([2]);
  });

  it("R19: the quota is per VPC", () => {
    const b = new PlanBuilder(300)
      .vpc("vpc-a", 1)
      .subnet("subnet-a", 10)
      .vpc("vpc-b", 1)
      .subnet("subnet-b", 10);
    b.template("a", { vpc: vpcOf(["subnet-a"], "sg-1") }).template("b", { vpc: vpcOf(["subnet-b"], "sg-1") });
    b.step(0, "CreateFunction", ["a", "b"]);
    const { out } = runTraced(b.build());
    expect(stateCounts(out).Active).toBe(2);
    expect(out.shared.vpcEnis).toEqual([1, 1]);
  });

  it("R19: with the default quota of 250 the 251st ENI of a VPC fails", () => {
    const n = 251;
    const b = new PlanBuilder(400).vpc("vpc-a").subnet("subnet-a", 1000);
    const names: string[] = [];
    for (let i = 0; i < n; i++) {
      names.push(`fn-${i}`);
      b.template(`fn-${i}`, { vpc: vpcOf(["subnet-a"], `sg-${i}`) });
    }
    b.step(0, "CreateFunction", names, { ratePerSec: 10 });
    const { out, trace } = runTraced(b.build());
    expect(stateCounts(out)).toMatchObject({ Active: 250, Failed: 1 });
    expect(firstOf(trace, "fn-250", "ProvisioningFailed").stateReasonCode).toBe("EniLimitExceeded");
    expect(out.shared.subnets[0]).toMatchObject({ usedIps: 250, enisCreated: 250, enisFailed: 1 });
  });

  it("R19: a subnet exhausted by other resources fails new ENIs only while the exhaustion lasts", () => {
    const b = new PlanBuilder(600).vpc("vpc-a").subnet("subnet-a", 10);
    b.template("during", { vpc: vpcOf(["subnet-a"], "sg-1") }).template("after", {
      vpc: vpcOf(["subnet-a"], "sg-2"),
    });
    b.fault({ kind: "subnetExhausted", fromUs: sec(10), untilUs: sec(100), subnets: [0] });
    b.call(20, "CreateFunction", "during").call(110, "CreateFunction", "after");
    const { out, trace } = runTraced(b.build());
    expect(firstOf(trace, "during", "ProvisioningFailed").stateReasonCode).toBe("SubnetOutOfIPAddresses");
    expect(firstOf(trace, "after", "ProvisioningSucceeded").stateAfter).toBe("Active");
    expect(out.shared.subnets[0]).toMatchObject({ usedIps: 1, othersIps: 0 });
    expectInvariantsHold(out);
  });

  it("R19: an ENI deleted after its last claim gives its IP to the next ENI", () => {
    const b = new PlanBuilder(1200, { eniDeletionDelay: constant(120) }).vpc("vpc-a").subnet("subnet-a", 1);
    b.template("old", { existing: true, vpc: vpcOf(["subnet-a"], "sg-1") });
    b.template("early", { vpc: vpcOf(["subnet-a"], "sg-2") }).template("late", {
      vpc: vpcOf(["subnet-a"], "sg-3"),
    });
    b.call(10, "DeleteFunction", "old")
      .call(60, "CreateFunction", "early")
      .call(300, "CreateFunction", "late");
    const { out, trace } = runTraced(b.build());
    // At 60 s the deleted function's ENI still holds the only IP; at 300 s it is gone.
    expect(firstOf(trace, "early", "ProvisioningFailed").stateReasonCode).toBe("SubnetOutOfIPAddresses");
    expect(firstOf(trace, "late", "ProvisioningSucceeded").stateAfter).toBe("Active");
    expect(out.shared.subnets[0]).toMatchObject({ usedIps: 1, peakUsedIps: 1, enisDeleted: 1 });
    expectInvariantsHold(out);
  });
});
