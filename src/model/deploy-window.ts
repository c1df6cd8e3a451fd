/**
 * The deploy window of a run (V11): from the first alias or code update the
 * scenario makes to a settling time after the last one. Starts are counted
 * before, during and after it, so a report can say what a deploy did to the
 * cold-start ratio.
 */
import type { Plan } from "./plan.js";

/** Operations that deploy new code or shift traffic to it. */
const DEPLOY_OPERATIONS: ReadonlySet<string> = new Set(["UpdateAlias", "UpdateFunctionCode"]);

export const DEPLOY_PHASE_NAMES = ["before", "during", "after"] as const;

/** [startUs, endUs) of the deploy window, or null when the scenario deploys nothing. */
export function deployWindow(plan: Plan): { startUs: number; endUs: number } | null {
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  const at = (t: number) => {
    if (t < first) first = t;
    if (t > last) last = t;
  };
  for (const c of plan.calls) if (DEPLOY_OPERATIONS.has(c.operation)) at(c.atUs);
  for (const s of plan.steps) {
    if (!DEPLOY_OPERATIONS.has(s.operation)) continue;
    at(s.atUs);
    const spanUs = s.ratePerSec > 0 ? Math.round((s.targets.length * 1e6) / s.ratePerSec) : 0;
    at(s.atUs + spanUs);
  }
  if (first === Number.POSITIVE_INFINITY) return null;
  return { startUs: first, endUs: last + plan.defaults.deploySettleUs };
}
