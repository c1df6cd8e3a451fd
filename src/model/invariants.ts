/**
 * The run checks its own books at the end: nothing lost, nothing negative,
 * no limit exceeded, no transition outside the table. A violation is a bug
 * in the simulator and ends the run with exit code 70.
 */
import { ALLOWED_TRANSITIONS, PHASE_COUNT, PHASE_NAMES } from "./lifecycle-table.js";
import type { InvariantResult, RunOutcome } from "./run-outcome.js";

export type { InvariantResult } from "./run-outcome.js";

export function checkInvariants(
  o: RunOutcome,
  extra: { badTransitions: string[]; sharedViolations: string[] },
): InvariantResult[] {
  const out: InvariantResult[] = [];
  const add = (name: string, ok: boolean, detail: string) => out.push({ name, ok, detail });
  const obs = o.obs;

  const answered = obs.invocationOutcomes + o.openInvocations;
  add(
    "every invocation request has exactly one outcome",
    answered === obs.invocationRequests && o.openInvocations >= 0,
    `${obs.invocationRequests} requests = ${obs.invocationOutcomes} outcomes + ${o.openInvocations} still in flight at the end`,
  );

  const subnetProblems: string[] = [];
  o.plan.subnets.forEach((s, i) => {
    const u = o.shared.subnets[i];
    const free = s.capacityIps - u.othersIps - u.usedIps;
    if (u.usedIps < 0 || free < 0 || u.usedIps + u.othersIps + free !== s.capacityIps) {
      subnetProblems.push(
        `${s.id}: used ${u.usedIps} + others ${u.othersIps} + free ${free} != ${s.capacityIps}`,
      );
    }
  });
  const ipViolations = extra.sharedViolations.filter((v) => v.includes("IP") || v.includes("ENI"));
  add(
    "per subnet, used + free = capacity, never negative",
    subnetProblems.length === 0 && ipViolations.length === 0,
    [...subnetProblems, ...ipViolations].join("; ") || `${o.plan.subnets.length} subnets balanced`,
  );

  const concViolations = extra.sharedViolations.filter((v) => v.includes("concurrency"));
  const limit = o.plan.account.concurrencyLimit;
  add(
    "concurrency never exceeds its limit",
    concViolations.length === 0 &&
      o.shared.peakConcurrency <= limit &&
      o.shared.peakUnreservedConcurrency <= o.shared.peakUnreservedPool,
    concViolations.join("; ") ||
      `peak ${o.shared.peakConcurrency} <= limit ${limit}; unreserved peak ${o.shared.peakUnreservedConcurrency} <= pool ${o.shared.peakUnreservedPool}`,
  );

  const existing = o.plan.functions.template.reduce((n, t) => n + (o.plan.templates[t].existing ? 1 : 0), 0);
  const byState = o.states.reduce((a, b) => a + b, 0);
  const expected = existing + obs.created - obs.deleted;
  add(
    "functions by State add up to created minus deleted",
    byState === expected,
    `${byState} by State = ${existing} existing + ${obs.created} created - ${obs.deleted} deleted`,
  );

  const illegal: string[] = [...extra.badTransitions];
  for (let from = 0; from < PHASE_COUNT; from++) {
    for (let to = 0; to < PHASE_COUNT; to++) {
      if (obs.transitions[from * PHASE_COUNT + to] > 0 && !ALLOWED_TRANSITIONS.has(from * PHASE_COUNT + to)) {
        illegal.push(`${PHASE_NAMES[from]} -> ${PHASE_NAMES[to]}`);
      }
    }
  }
  add(
    "every transition taken is one the table allows",
    illegal.length === 0,
    illegal.join("; ") || `${countTransitions(obs.transitions)} transitions, all in the table`,
  );
  return out;
}

function countTransitions(t: Float64Array): number {
  let n = 0;
  for (let i = 0; i < t.length; i++) n += t[i];
  return n;
}
