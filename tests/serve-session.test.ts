/** The live simulation behind `fleet-sim serve`: requests enter at their arrival time and are answered at their outcome. */
import { describe, expect, it } from "vitest";
import { prepareRun } from "../src/model/run.js";
import { loadScenarioText } from "../src/scenario/load.js";
import { servePlan, vpcConfigKey } from "../src/serve/serve-plan.js";
import { type ModelRequest, ServeSession } from "../src/serve/session.js";

const SCENARIO = `
name: served
duration: 1m
network:
  vpcs:
    - id: vpc-main
      securityGroups: [sg-app, sg-db]
      subnets:
        - { id: subnet-a, cidr: 10.0.1.0/24 }
        - { id: subnet-b, cidr: 10.0.2.0/24 }
`;

function start(speed: number) {
  const served = servePlan(loadScenarioText(SCENARIO, "served.yaml"), 50, ["nodejs20.x"]);
  const session = new ServeSession(served, speed);
  const handle = prepareRun(served.plan, { partitions: 1, live: session, epochUs: 1_000_000 });
  const done = handle.run();
  return { served, session, stop: () => (session.stop(), handle.stop(), done) };
}

function create(served: ReturnType<typeof servePlan>, name: string, vpc: boolean): ModelRequest {
  return {
    operation: "CreateFunction",
    functionName: name,
    create: {
      template: served.templates.get("nodejs/Zip")!,
      settings: {
        memoryMb: 256,
        timeoutUs: 3_000_000,
        vpcConfig: vpc ? served.vpcConfigs.get(vpcConfigKey(["subnet-a"], ["sg-app"]))! : -1,
      },
    },
  };
}

describe("serve session", () => {
  it("enumerates every VPC configuration the network allows", () => {
    const served = servePlan(loadScenarioText(SCENARIO, "served.yaml"), 1, ["nodejs20.x"]);
    // 3 subnet sets x 3 security group sets.
    expect(served.vpcConfigs.size).toBe(9);
    expect(served.plan.vpcConfigs).toHaveLength(9);
    expect(served.plan.eniKeys).toHaveLength(6);
  });

  it("a VPC function is Pending, refuses an update with ResourceConflictException, and is Active after the ENI wait", async () => {
    const { served, session, stop } = start(2000);
    try {
      const created = await session.submit(create(served, "fn-vpc", true));
      expect(created.error).toBe(0);
      expect(created.reading.state).toBe("Pending");
      const update = await session.submit({
        operation: "UpdateFunctionConfiguration",
        functionName: "fn-vpc",
        config: { memoryMb: 512 },
      });
      expect(update.error).toBe(1); // ResourceConflictException
      let r = await session.submit({ operation: "GetFunctionConfiguration", functionName: "fn-vpc" });
      while (r.reading.state === "Pending")
        r = await session.submit({ operation: "GetFunctionConfiguration", functionName: "fn-vpc" });
      expect(r.reading.state).toBe("Active");
      const pendingS = (r.atUs - created.arrivedUs) / 1e6;
      expect(pendingS).toBeGreaterThan(30);
      expect(pendingS).toBeLessThan(120);
      const missing = await session.submit({ operation: "GetFunction", functionName: "nope" });
      expect(missing.refusal).toBe("noSuchFunction");
    } finally {
      await stop();
    }
  }, 60_000);
});
