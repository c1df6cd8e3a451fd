/**
 * A distribution of durations, in microseconds: the plan's functions and the
 * model's defaults both hold them, so the type sits below both (plan.ts
 * re-exports it, its callers need not know this file).
 */
export type Distribution =
  | { kind: "constant"; valueUs: number }
  | { kind: "uniform"; minUs: number; maxUs: number }
  | { kind: "exponential"; meanUs: number }
  /** Lognormal given by its median and 99th percentile. */
  | { kind: "lognormal"; medianUs: number; p99Us: number }
  /** Percentile table: ascending p (0-100) with the value at each; linear in between. */
  | { kind: "empirical"; points: { p: number; valueUs: number }[] };
