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
import { constant, PlanBuilder, sec } from "../helpers/plan-builder.js";
import { apiCount, expectInvariantsHold, recordsOf, runTraced, seconds } from "../helpers/run-traced.js";

const failures = (out: ReturnType<typeof runTraced>["out"], reason: number, onFailure: number) =>
  out.obs.asyncFailures[reason * 3 + onFailure];

describe("V6: asynchronous invocation", () => {
  it("V6: smoke", () => {
    const b = new PlanBuilder(600)
      .template("fn", { existing: true, reservedConcurrency: 1, duration: constant(10), timeoutS: 60 })
      .client("once", null, 1);
    for (let i = 0; i < 5; i++) b.event(1, "fn", "once");
    const { out, trace } = runTraced(b.build());
    for (const r of trace) console.log(seconds(r.timeUs), r.operation, r.outcome, r.reason);
    console.log(out.obs.asyncAccepted, out.obs.asyncSucceeded, out.obs.asyncRetries, out.async);
    expectInvariantsHold(out);
  });
});
