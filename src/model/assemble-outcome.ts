/**
 * Gathers what a run produced, whichever threads hosted its partitions: the
 * partitions' results merged, the coordinator's state read, the invariants
 * checked.
 */
import type { KernelStats } from "../engine/kernel.js";
import { STATE_NAMES } from "./aws-names.js";
import { checkInvariants } from "./invariants.js";
import { Observations } from "./observations.js";
import { deserializeObservations, type PartitionResult, type ReplayTally } from "./partition-result.js";
import type { Plan } from "./plan.js";
import { qualifierSlotCount } from "./qualifiers.js";
import type { CallAnswer, RunOutcome, Sample } from "./run-outcome.js";
import type { SharedState } from "./shared-state.js";
import type { ThreadChoice } from "./thread-choice.js";

/** Everything a run produced, whichever threads hosted its partitions. */
export function assembleOutcome(
  plan: Plan,
  r: {
    partitions: number;
    lookaheadUs: number;
    threads: ThreadChoice;
    stats: KernelStats;
    wallMs: number;
    results: PartitionResult[];
    shared: SharedState;
    samples: Sample[];
    partial: boolean;
  },
): RunOutcome {
  const templates = plan.templates.length;
  const obs = new Observations(
    templates,
    plan.fileSystems.length,
    plan.callers.length,
    qualifierSlotCount(plan.aliases),
  );
  for (const res of r.results)
    obs.merge(res.obs instanceof Observations ? res.obs : deserializeObservations(res.obs, templates));
  obs.foldTemplateHistograms();
  const shared = r.shared;
  const outcome: RunOutcome = {
    plan,
    partitions: r.partitions,
    lookaheadUs: r.lookaheadUs,
    threads: r.threads,
    kernel: r.stats,
    wallMs: r.wallMs,
    obs,
    states: sumArrays(r.results.map((x) => x.stateCount)),
    lastUpdateStatus: sumArrays(r.results.map((x) => x.lusCount)),
    statesByTemplate: sumArrays(r.results.map((x) => x.stateByTemplate)),
    openInvocations: r.results.reduce((s, x) => s + x.openInvocations, 0),
    openClientTasks: r.results.reduce((s, x) => s + x.openTasks, 0),
    async: {
      queuedAtEnd: r.results.reduce((s, x) => s + x.asyncQueued, 0),
      inFlightAtEnd: r.results.reduce((s, x) => s + x.asyncInFlight, 0),
      oldestQueuedUs: r.results.reduce(
        (m, x) => Math.min(m, x.asyncOldestQueuedUs),
        Number.POSITIVE_INFINITY,
      ),
    },
    provisioned: sumArrays(r.results.map((x) => x.provisioned)),
    shared: {
      unreservedPool: shared.unreservedPool,
      peakConcurrency: shared.peakTotalInFlight,
      peakUnreservedConcurrency: shared.peakUnreservedInFlight,
      peakUnreservedPool: shared.peakUnreservedPool,
      concurrencyInFlight: shared.totalInFlight,
      subnets: shared.subnets.map((u) => ({ ...u })),
      vpcEnis: Array.from(shared.vpcEnis),
      vpcPeakEnis: Array.from(shared.vpcPeakEnis),
    },
    efs: {
      fileSystems: plan.fileSystems.map((_, fs) => ({
        creditsAtEndMiB: shared.efs.creditsAt(fs, r.stats.endUs),
        minCreditsMiB: Math.min(shared.efs.minCreditsMiB[fs], shared.efs.creditsAt(fs, r.stats.endUs)),
        peakDemandMiBps: shared.efs.peakDemandMiBps[fs],
        slowedAdmissions: shared.efs.slowedAdmissions[fs],
        inFlightAtEnd: shared.efs.inFlight[fs],
      })),
    },
    samples: r.samples,
    streamArrivals: sumStreams(plan, r.results),
    replays: replaysOf(r.results),
    invariants: [],
    callAnswers: callAnswersOf(r.results),
    partial: r.partial,
  };
  outcome.invariants = checkInvariants(outcome, {
    badTransitions: r.results.flatMap((x) => x.badTransitions),
    sharedViolations: shared.violations,
    replayDisagreements: replayDisagreements(r.results),
  });
  return outcome;
}

/** Each partition's answers, merged by call index (a call belongs to one function, so to one partition). */
function callAnswersOf(results: PartitionResult[]): CallAnswer[] {
  const out: CallAnswer[] = [];
  for (const x of results)
    for (let i = 0; i < x.callAnswers.length; i += 3)
      out.push({ call: x.callAnswers[i], error: x.callAnswers[i + 1], atUs: x.callAnswers[i + 2] });
  return out.sort((a, b) => a.call - b.call);
}

/** Each replay's counts: every partition reads the whole trace, so they agree but for the arrivals, which add up. */
function replaysOf(results: PartitionResult[]): ReplayTally[] {
  if (results.length === 0) return [];
  return results[0].replays.map((first, i) => ({
    ...first,
    arrivals: results.reduce((n, x) => n + x.replays[i].arrivals, 0),
  }));
}

/** Partitions whose reading of a trace differs from the first's (a bug: each reads the same rows). */
function replayDisagreements(results: PartitionResult[]): string[] {
  const out: string[] = [];
  results.forEach((x, p) =>
    x.replays.forEach((t, i) => {
      const first = results[0].replays[i];
      if (t.rows !== first.rows || t.unmatchedRows !== first.unmatchedRows || t.lateRows !== first.lateRows)
        out.push(`replay ${i + 1}: partition ${p} read ${t.rows} rows, partition 0 ${first.rows}`);
    }),
  );
  return out;
}

function sumStreams(plan: Plan, results: PartitionResult[]): number[] {
  const out = new Array<number>(plan.invokeStreams.length).fill(0);
  for (const x of results) for (let s = 0; s < out.length; s++) out[s] += x.streamArrivals[s];
  return out;
}

function sumArrays(arrays: number[][]): number[] {
  const out = new Array<number>(arrays.length > 0 ? arrays[0].length : STATE_NAMES.length).fill(0);
  for (const a of arrays) for (let i = 0; i < a.length; i++) out[i] += a[i];
  return out;
}
