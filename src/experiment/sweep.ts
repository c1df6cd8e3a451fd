/**
 * A sweep (issue 6): the grid of `--set` values, every point run with the
 * same replication seeds, and for each threshold the edge of the swept
 * parameter where it starts or stops holding.
 */
import type { Estimate } from "./statistics.js";

export interface SweepParameter {
  path: string;
  /** As given on the command line, in that order. */
  values: string[];
}

export interface GridPoint {
  /** One value per parameter, by parameter order. */
  values: string[];
}

/** Every combination of the parameters' values, the last parameter varying fastest. */
export function sweepGrid(parameters: readonly SweepParameter[]): GridPoint[] {
  let points: string[][] = [[]];
  for (const p of parameters) points = points.flatMap((prefix) => p.values.map((v) => [...prefix, v]));
  return points.map((values) => ({ values }));
}

export type ThresholdOp = "<" | "<=" | ">" | ">=" | "==" | "!=";

export interface SweepThreshold {
  /** As the scenario writes it. */
  text: string;
  metric: string;
  op: ThresholdOp;
  /** In the metric's unit (seconds for durations). */
  limit: number;
}

export function holds(op: ThresholdOp, value: number, limit: number): boolean {
  switch (op) {
    case "<":
      return value < limit;
    case "<=":
      return value <= limit;
    case ">":
      return value > limit;
    case ">=":
      return value >= limit;
    case "==":
      return value === limit;
    case "!=":
      return value !== limit;
  }
}

/** Whether a threshold holds at a point (judged on the mean), and whether the interval straddles its limit. */
export interface ThresholdAtPoint {
  passes: boolean;
  straddles: boolean;
}

export function judge(t: SweepThreshold, e: Estimate): ThresholdAtPoint {
  return {
    passes: holds(t.op, e.mean, t.limit),
    // Strictly inside: an interval of no width (every replication the same) straddles nothing.
    straddles: e.n > 1 && e.ciLow < t.limit && t.limit < e.ciHigh,
  };
}

/**
 * How the values of a one-parameter sweep are ordered for "smallest" and
 * "largest": numbers by value, subnet CIDRs by their number of addresses,
 * anything else in the order given.
 */
export function orderKey(value: string, index: number): { key: number; kind: "number" | "subnet" | "given" } {
  const cidr = /^\d{1,3}(\.\d{1,3}){3}\/(\d{1,2})$/.exec(value);
  if (cidr !== null) return { key: 2 ** (32 - Number(cidr[2])), kind: "subnet" };
  if (/^-?\d+(\.\d+)?$/.test(value)) return { key: Number(value), kind: "number" };
  return { key: index, kind: "given" };
}

export interface ThresholdAnswer {
  threshold: string;
  /** The smallest or largest passing value, when the passing values are those above or below an edge. */
  edge: { value: string; which: "smallest" | "largest"; estimate: Estimate } | null;
  /** Values (of the one parameter) where the threshold holds, in the sweep's order. */
  passing: string[];
  sentence: string;
}

/**
 * For a one-parameter sweep: where the threshold holds. When it holds from
 * some value up (or down) to the end of the ordered values, that value is
 * the answer: "account.concurrencyLimit 1500 is the smallest with
 * invocations.throttle_rate < 0.001: 95% CI 0.0002-0.0007".
 */
export function answer(
  parameter: SweepParameter,
  t: SweepThreshold,
  estimates: readonly Estimate[],
  formatValue: (v: number) => string,
  /** Written once after a value or a range ("%", " s"). */
  unitSuffix = "",
): ThresholdAnswer {
  const order = parameter.values.map((v, i) => ({ v, i, ...orderKey(v, i) }));
  const sorted = [...order].sort((a, b) => a.key - b.key);
  const pass = sorted.map((o) => holds(t.op, estimates[o.i].mean, t.limit));
  const passing = order.filter((o) => holds(t.op, estimates[o.i].mean, t.limit)).map((o) => o.v);
  const firstPass = pass.indexOf(true);
  const lastPass = pass.lastIndexOf(true);
  let edge: ThresholdAnswer["edge"] = null;
  if (firstPass >= 0 && pass.slice(firstPass).every(Boolean) && firstPass > 0) {
    const o = sorted[firstPass];
    edge = { value: o.v, which: "smallest", estimate: estimates[o.i] };
  } else if (lastPass >= 0 && pass.slice(0, lastPass + 1).every(Boolean) && lastPass < pass.length - 1) {
    const o = sorted[lastPass];
    edge = { value: o.v, which: "largest", estimate: estimates[o.i] };
  } else if (firstPass === 0 && pass.every(Boolean)) {
    const o = sorted[0];
    edge = { value: o.v, which: "smallest", estimate: estimates[o.i] };
  }
  const kind = sorted[0]?.kind ?? "given";
  const noun = kind === "subnet" ? "subnet size" : parameter.path;
  let sentence: string;
  if (edge !== null) {
    const e = edge.estimate;
    const which = kind === "given" ? (edge.which === "smallest" ? "first" : "last") : edge.which;
    const ci =
      e.n > 1
        ? `: 95% CI ${formatValue(e.ciLow)}${e.ciLow < 0 ? " to " : "-"}${formatValue(e.ciHigh)}${unitSuffix}`
        : `: ${formatValue(e.mean)}${unitSuffix}`;
    const all = passing.length === parameter.values.length ? " (every value swept meets it)" : "";
    sentence = `${noun} ${edge.value} is the ${which} with ${t.text}${ci}${all}`;
  } else if (passing.length === 0) {
    sentence = `no value of ${parameter.path} swept meets ${t.text}`;
  } else {
    sentence = `${t.text} holds at ${parameter.path} = ${passing.join(", ")}, not at one edge of the values swept`;
  }
  return { threshold: t.text, edge, passing, sentence };
}

/** What a sweep found, as `--out` writes it (docs/sweep.md). */
export interface SweepResult {
  schemaVersion: 1;
  scenario: { name: string; file: string; baseSeed: number };
  parameters: SweepParameter[];
  replications: number;
  seeds: number[];
  points: { values: string[]; metrics: Record<string, Estimate> }[];
  thresholds: {
    threshold: string;
    metric: string;
    passes: boolean[];
    straddles: boolean[];
    answer: ThresholdAnswer | null;
  }[];
  /**
   * Only when the sweep did not make all its runs (a signal stopped it, or a
   * run failed): each estimate is then over the runs that finished (its `n`).
   */
  partial?: true;
  /** With `partial`: what stopped the sweep, and how many of its runs finished. */
  stopped?: { by: string; runsFinished: number; runsPlanned: number };
}
