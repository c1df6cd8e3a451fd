/**
 * The run checks its own books at the end: nothing lost, nothing negative,
 * no limit exceeded, no transition outside the table, every workload stream
 * delivered what its rate implies. A violation is a bug in the simulator and
 * ends the run with exit code 70.
 */
import { ALLOWED_TRANSITIONS, PHASE_COUNT, PHASE_NAMES } from "./lifecycle-table.js";
import type { Plan } from "./plan.js";
import type { InvariantResult, RunOutcome } from "./run-outcome.js";
import { expectedArrivals } from "./workload-rates.js";

export type { InvariantResult } from "./run-outcome.js";

export function checkInvariants(
  o: RunOutcome,
  extra: { badTransitions: string[]; sharedViolations: string[]; replayDisagreements?: string[] },
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

  const arrivals = checkStreamArrivals(o.plan, o.streamArrivals, o.kernel.endUs);
  add("every invoke stream delivered the arrivals its rate implies", arrivals.ok, arrivals.detail);
  if (o.replays.length > 0) {
    const replays = checkReplayArrivals(o, extra.replayDisagreements ?? []);
    add("every trace replay delivered each matched row once", replays.ok, replays.detail);
  }
  return out;
}

/**
 * Each replay's arrivals against its matched rows: equal when the run
 * reached its end (a row is read ahead of its arrival, so a stopped run may
 * have read more than it delivered, never fewer), and every partition read
 * the same rows.
 */
function checkReplayArrivals(o: RunOutcome, disagreements: string[]): { ok: boolean; detail: string } {
  const wrong = [...disagreements];
  let matched = 0;
  let delivered = 0;
  o.replays.forEach((r, i) => {
    const expected = r.rows - r.unmatchedRows;
    matched += expected;
    delivered += r.arrivals;
    if (o.partial ? r.arrivals > expected : r.arrivals !== expected)
      wrong.push(`replay ${i + 1}: ${r.arrivals} arrivals for ${expected} matched rows`);
  });
  return {
    ok: wrong.length === 0,
    detail: wrong.join("; ") || `${delivered} arrivals for ${matched} matched rows`,
  };
}

/** Poisson counts may stray this many standard deviations (sqrt of the mean) from it. */
export const ARRIVAL_SIGMAS = 6;
/** Arrivals any stream may be off by, and the share of its expected count (the clock's rounding). */
const ARRIVAL_SLACK = 10;
const ARRIVAL_SLACK_SHARE = 1e-3;

/**
 * Each invoke stream's arrivals against the integral of its rate from its
 * start to min(its end, `endUs`): a stream that stops early (or runs away)
 * is a bug. Poisson counts within ARRIVAL_SIGMAS sqrt(expected); evenly
 * spaced ones within 2 per target; both within ARRIVAL_SLACK plus
 * ARRIVAL_SLACK_SHARE of the expected count.
 */
export function checkStreamArrivals(
  plan: Plan,
  observed: readonly number[],
  endUs: number,
): { ok: boolean; detail: string } {
  const wrong: string[] = [];
  let total = 0;
  let expectedTotal = 0;
  plan.invokeStreams.forEach((st, s) => {
    const expected = expectedArrivals(st, endUs);
    const got = observed[s] ?? 0;
    const spread = st.process === "poisson" ? ARRIVAL_SIGMAS * Math.sqrt(expected) : 2 * st.targets.length;
    const slack = spread + ARRIVAL_SLACK + ARRIVAL_SLACK_SHARE * expected;
    total += got;
    expectedTotal += expected;
    if (!(Math.abs(got - expected) <= slack)) {
      const first = st.targets.length > 0 ? plan.functions.names[st.targets[0]] : "no function";
      const more = st.targets.length > 1 ? ` and ${st.targets.length - 1} more` : "";
      wrong.push(
        `stream ${s + 1} (${st.process} to ${first}${more}): ${got} arrivals, expected ${Math.round(expected)} ± ${Math.round(slack)} by its rate`,
      );
    }
  });
  return {
    ok: wrong.length === 0,
    detail:
      wrong.join("; ") ||
      `${plan.invokeStreams.length} stream${plan.invokeStreams.length === 1 ? "" : "s"}: ${total} arrivals, ${Math.round(expectedTotal)} expected by their rates`,
  };
}

function countTransitions(t: Float64Array): number {
  let n = 0;
  for (let i = 0; i < t.length; i++) n += t[i];
  return n;
}
