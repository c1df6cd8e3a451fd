import { describe, expect, it } from "vitest";
import { runPlan } from "../src/model/run.js";
import { PlanBuilder } from "./helpers/plan-builder.js";

describe("smoke", () => {
  it("creates VPC functions, invokes them, and keeps its books", () => {
    const b = new PlanBuilder(600)
      .vpc("vpc-a")
      .subnet("subnet-a", 100)
      .subnet("subnet-b", 100)
      .template("api", { count: 50, vpc: { subnets: ["subnet-a", "subnet-b"], securityGroups: ["sg-1"] } })
      .client("waiting", "FunctionActiveV2");
    const names = Array.from({ length: 50 }, (_, i) => `api-${i}`);
    b.step(0, "CreateFunction", names, { ratePerSec: 10, client: "waiting", then: ["Invoke"] });
    b.stream(names, 20, 10, 500);
    const out = runPlan(b.build(), { partitions: 4 });
    for (const inv of out.invariants) expect(inv.ok, inv.detail).toBe(true);
  });
});
