/**
 * Invariants over random small scenarios: whatever the plan, the run keeps
 * its books (every invocation gets exactly one outcome, subnets balance,
 * concurrency stays under its limit, State counts add up, every transition is
 * in the table), and nothing is left over once the traffic drains.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { runPlan } from "../../src/model/run.js";
import { buildRandomPlan, randomSpec, withFinalDeletes } from "../helpers/random-plan.js";

const describeFailures = (out: ReturnType<typeof runPlan>) =>
  out.invariants
    .filter((i) => !i.ok)
    .map((i) => `${i.name}: ${i.detail}`)
    .join("\n");

describe("run invariants on random plans", () => {
  it("every invariant holds, and once everything drains no invocation, client task or concurrency is left open", () => {
    fc.assert(
      fc.property(randomSpec, fc.integer({ min: 1, max: 8 }), (spec, partitions) => {
        const out = runPlan(buildRandomPlan(spec), { partitions });
        expect(describeFailures(out)).toBe("");
        expect(out.invariants.every((i) => i.ok)).toBe(true);
        expect(out.openInvocations).toBe(0);
        expect(out.obs.invocationOutcomes).toBe(out.obs.invocationRequests);
        expect(out.openClientTasks).toBe(0);
        expect(out.shared.concurrencyInFlight).toBe(0);
        // V6: every asynchronous event took exactly one fate.
        expect(out.async).toEqual({
          queuedAtEnd: 0,
          inFlightAtEnd: 0,
          oldestQueuedUs: Number.POSITIVE_INFINITY,
        });
        const o = out.obs;
        expect(o.asyncSucceeded + o.asyncFailures.reduce((n, x) => n + x, 0)).toBe(o.asyncAccepted);
        for (const [i, s] of out.shared.subnets.entries()) {
          expect(s.usedIps).toBeGreaterThanOrEqual(0);
          expect(s.usedIps + s.othersIps).toBeLessThanOrEqual(out.plan.subnets[i].capacityIps);
          expect(s.peakUsedIps).toBeGreaterThanOrEqual(s.usedIps);
        }
        expect(out.shared.vpcEnis[0] + out.plan.vpcs[0].enisUsedByOthers).toBeLessThanOrEqual(
          Math.max(out.plan.vpcs[0].eniQuota, out.plan.vpcs[0].enisUsedByOthers),
        );
      }),
      { numRuns: 400 },
    );
  });

  it("deleting every function at the end gives back every IP and ENI", () => {
    fc.assert(
      fc.property(randomSpec, (spec) => {
        const out = runPlan(withFinalDeletes(spec, 2 * 3600, 3600), { partitions: 3 });
        expect(describeFailures(out)).toBe("");
        expect(out.states).toEqual([0, 0, 0, 0]);
        expect(out.shared.subnets.map((s) => s.usedIps)).toEqual(out.shared.subnets.map(() => 0));
        expect(out.shared.vpcEnis).toEqual([0]);
        for (const s of out.shared.subnets) expect(s.enisDeleted).toBeLessThanOrEqual(s.enisCreated);
      }),
      { numRuns: 250 },
    );
  });
});
