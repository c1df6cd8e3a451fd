/**
 * Runs a Plan with every function traced and hands back the outcome and the
 * trace, plus small readers over the run's Observations for rule tests.
 */
import { expect } from "vitest";
import { ApiError, OPERATION_NAMES, type OperationName } from "../../src/model/aws-names.js";
import type { TraceRecord } from "../../src/model/fleet-partition.js";
import { ERROR_COUNT } from "../../src/model/observations.js";
import type { Plan } from "../../src/model/plan.js";
import { newRunEmitter, type RunOutcome, runPlan } from "../../src/model/run.js";

export interface TracedRun {
  out: RunOutcome;
  trace: TraceRecord[];
}

export function runTraced(plan: Plan, partitions = 2): TracedRun {
  const emitter = newRunEmitter();
  const trace: TraceRecord[] = [];
  emitter.on("transition", (r) => trace.push(r));
  const out = runPlan(plan, { partitions, traceFilter: () => true, emitter });
  return { out, trace };
}

export type Outcome = keyof typeof ApiError | "OK";

/** Requests of `op` that ended with `outcome` (obs.api is indexed op * ERROR_COUNT + ApiError code). */
export function apiCount(out: RunOutcome, op: OperationName, outcome: Outcome): number {
  const code = outcome === "OK" ? ApiError.None : ApiError[outcome];
  return out.obs.api[OPERATION_NAMES.indexOf(op) * ERROR_COUNT + code];
}

/** All requests of `op`, whatever their outcome. */
export function apiTotal(out: RunOutcome, op: OperationName): number {
  const o = OPERATION_NAMES.indexOf(op);
  let n = 0;
  for (let e = 0; e < ERROR_COUNT; e++) n += out.obs.api[o * ERROR_COUNT + e];
  return n;
}

/** Trace records of one function, optionally of one operation or service event. */
export function recordsOf(trace: TraceRecord[], fn: string, operation?: string): TraceRecord[] {
  return trace.filter((r) => r.function === fn && (operation === undefined || r.operation === operation));
}

/** The first record of `operation` for `fn`; fails the test when there is none. */
export function firstOf(trace: TraceRecord[], fn: string, operation: string): TraceRecord {
  const r = trace.find((x) => x.function === fn && x.operation === operation);
  if (r === undefined) throw new Error(`no ${operation} traced for ${fn}`);
  return r;
}

export function seconds(us: number): number {
  return us / 1_000_000;
}

/** Functions by final State, named. */
export function stateCounts(out: RunOutcome): Record<string, number> {
  const [Pending, Active, Inactive, Failed] = out.states;
  return { Pending, Active, Inactive, Failed };
}

export function expectInvariantsHold(out: RunOutcome): void {
  for (const inv of out.invariants) expect(inv.ok, `${inv.name}: ${inv.detail}`).toBe(true);
}
