/** A served Invoke's answer carries what the model ran: the handler's duration, and the init duration of a cold start. */
import { describe, expect, it } from "vitest";
import { prepareRun } from "../src/model/run.js";
import { loadScenarioText } from "../src/scenario/load.js";
import { servePlan } from "../src/serve/serve-plan.js";
import { ServeSession } from "../src/serve/session.js";

describe("serve session: Invoke answers", () => {
  it("a cold start reports its init duration, a warm one none; both the handler's 100 ms", async () => {
    const served = servePlan(loadScenarioText("name: s\nduration: 1m\n", "s.yaml"), 4, ["nodejs20.x"]);
    const session = new ServeSession(served, 2000);
    const handle = prepareRun(served.plan, { partitions: 1, live: session, epochUs: 1_000_000 });
    const done = handle.run();
    try {
      const created = await session.submit({
        operation: "CreateFunction",
        functionName: "fn",
        create: {
          template: served.templates.get("nodejs/Zip")!,
          settings: { memoryMb: 128, timeoutUs: 3_000_000, vpcConfig: -1 },
        },
      });
      expect(created.error).toBe(0);
      let r = await session.submit({ operation: "GetFunction", functionName: "fn" });
      while (r.reading.state !== "Active")
        r = await session.submit({ operation: "GetFunction", functionName: "fn" });
      const cold = await session.submit({ operation: "Invoke", functionName: "fn" });
      expect(cold.error).toBe(0);
      expect(cold.invocation!.runUs).toBe(100_000);
      expect(cold.invocation!.initUs).toBeGreaterThan(0);
      expect(cold.invocation!.throttleCause).toBe(-1);
      // The answer comes when the handler ends: after the init and the handler.
      expect(cold.atUs - cold.arrivedUs).toBeGreaterThanOrEqual(cold.invocation!.initUs + 100_000);
      const warm = await session.submit({ operation: "Invoke", functionName: "fn" });
      expect(warm.invocation).toEqual({ initUs: -1, runUs: 100_000, throttleCause: -1 });
    } finally {
      session.stop();
      handle.stop();
      await done;
    }
  }, 60_000);
});
