/**
 * `--metrics-function-labels N`: at each sample point, the N busiest
 * functions (by invocations since the start of the run, ties broken by name)
 * get series of their own, labelled with their name; every other function is
 * counted under `function="other"`. Read from the function table
 * (function-table.ts) once per sample point: one pass over the functions to
 * total their invocations, and a heap of N to pick the busiest. Nothing
 * here runs per simulation event.
 *
 * The set can change between sample points, and counters must never go
 * down, so a function's series counts the invocations since it got its
 * label: it starts at 0 at the sample point where the function enters the
 * set (what it did before stays under "other", which counts everything no
 * series of its own counts) and ends where it drops out (what it does after
 * goes to "other"). Every invocation is counted exactly once and every
 * series starts at 0 and only grows, so rate() and increase() summed over
 * functions are exact, and the series sum to the total at every sample
 * point, except that a function that dropped out took its series' count
 * with it.
 */
import { STATE_NAMES } from "./aws-names.js";
import { FUNCTION_COLUMNS, STATE_COLUMN } from "./function-table.js";
import { ERROR_COUNT } from "./observations.js";
import type { Plan } from "./plan.js";

/**
 * The `function` label of the functions without one of their own. A
 * function with this very name is never labelled (its series would be
 * the bucket's), so it is counted in the bucket.
 */
export const OTHER_FUNCTION = "other";

/** The labelled functions at a sample point, and what is counted under "other". */
export interface FunctionSample {
  /** The labelled functions, busiest first. */
  names: string[];
  /** Template index of each labelled function. */
  templates: number[];
  /** Invocation outcomes counted under each labelled function's name: index i * ERROR_COUNT + ApiError code. */
  invocations: number[];
  /** State index (STATE_NAMES) of each labelled function, or -1 when it does not exist. */
  states: number[];
  /** Invocation outcomes counted under "other", by (template, ApiError code). */
  otherInvocations: number[];
  /** Functions without a label, by (template, State). */
  otherStates: number[];
}

const STATES = STATE_NAMES.length;

export class FunctionLabeller {
  private readonly functions: number;
  private readonly templateOf: Int32Array;
  private readonly names: string[];
  /** Position of each function in name order (the tie-break). */
  private readonly nameRank: Int32Array;
  /** The function named OTHER_FUNCTION, or -1. */
  private readonly namedOther: number;
  /** Invocations of each function since the start of the run (scratch, per sample). */
  private readonly totals: Float64Array;
  /** The functions labelled at the previous sample point: their counts when they got their label. */
  private bases = new Map<number, Float64Array>();
  /** The same functions' series: counts since they got their label. */
  private values = new Map<number, Float64Array>();
  /** Counts of series whose function dropped out of the set, by (template, ApiError code). */
  private readonly departed: Float64Array;
  private readonly heap: Int32Array;

  constructor(
    plan: Plan,
    /** How many functions get a label (1 to the CLI's MAX_FUNCTION_LABELS). */
    readonly limit: number,
  ) {
    this.functions = plan.functions.names.length;
    this.templateOf = plan.functions.template;
    this.names = plan.functions.names;
    const byName = Array.from({ length: this.functions }, (_, g) => g).sort((a, b) =>
      this.names[a] < this.names[b] ? -1 : this.names[a] > this.names[b] ? 1 : a - b,
    );
    this.nameRank = new Int32Array(this.functions);
    byName.forEach((g, rank) => {
      this.nameRank[g] = rank;
    });
    this.namedOther = this.names.indexOf(OTHER_FUNCTION);
    this.totals = new Float64Array(this.functions);
    this.departed = new Float64Array(plan.templates.length * ERROR_COUNT);
    this.heap = new Int32Array(Math.min(limit, this.functions));
  }

  /**
   * The labelled functions at a sample point, from the function table and
   * the same point's invocations and States by template (which the table's
   * rows add up to).
   */
  take(table: Float64Array, invocationsByTemplate: number[], statesByTemplate: number[]): FunctionSample {
    const chosen = this.busiest(table);
    const bases = new Map<number, Float64Array>();
    const values = new Map<number, Float64Array>();
    for (const g of chosen) {
      const row = g * FUNCTION_COLUMNS;
      // A function labelled at the last point goes on; one entering the set starts at 0 now.
      const base = this.bases.get(g) ?? table.slice(row, row + ERROR_COUNT);
      const v = new Float64Array(ERROR_COUNT);
      for (let e = 0; e < ERROR_COUNT; e++) v[e] = table[row + e] - base[e];
      bases.set(g, base);
      values.set(g, v);
    }
    for (const [g, v] of this.values) {
      if (values.has(g)) continue;
      // Dropped out: its series ends, and what it counted is no longer under any label.
      const t = this.templateOf[g] * ERROR_COUNT;
      for (let e = 0; e < ERROR_COUNT; e++) this.departed[t + e] += v[e];
    }
    this.bases = bases;
    this.values = values;

    const otherInvocations = invocationsByTemplate.map((n, i) => n - this.departed[i]);
    const otherStates = [...statesByTemplate];
    const sample: FunctionSample = {
      names: [],
      templates: [],
      invocations: [],
      states: [],
      otherInvocations,
      otherStates,
    };
    for (const g of chosen) {
      const t = this.templateOf[g];
      const v = values.get(g)!;
      const state = table[g * FUNCTION_COLUMNS + STATE_COLUMN];
      sample.names.push(this.names[g]);
      sample.templates.push(t);
      sample.states.push(state);
      for (let e = 0; e < ERROR_COUNT; e++) {
        sample.invocations.push(v[e]);
        otherInvocations[t * ERROR_COUNT + e] -= v[e];
      }
      if (state >= 0) otherStates[t * STATES + state]--;
    }
    return sample;
  }

  /** The `limit` busiest functions with at least one invocation, busiest first (ties: by name). */
  private busiest(table: Float64Array): number[] {
    const totals = this.totals;
    const rank = this.nameRank;
    // a ranks after b: fewer invocations, or as many and a later name.
    const after = (a: number, b: number) =>
      totals[a] < totals[b] || (totals[a] === totals[b] && rank[a] > rank[b]);
    const heap = this.heap; // the kept functions, the one ranking last at the root
    let size = 0;
    const siftDown = (i: number) => {
      const g = heap[i];
      for (;;) {
        const l = 2 * i + 1;
        if (l >= size) break;
        const r = l + 1;
        const c = r < size && after(heap[r], heap[l]) ? r : l;
        if (!after(heap[c], g)) break;
        heap[i] = heap[c];
        i = c;
      }
      heap[i] = g;
    };
    for (let g = 0; g < this.functions; g++) {
      const row = g * FUNCTION_COLUMNS;
      let total = 0;
      for (let e = 0; e < ERROR_COUNT; e++) total += table[row + e];
      totals[g] = total;
      if (total === 0 || heap.length === 0 || g === this.namedOther) continue;
      if (size < heap.length) {
        let i = size++;
        while (i > 0) {
          const p = (i - 1) >> 1;
          if (!after(g, heap[p])) break;
          heap[i] = heap[p];
          i = p;
        }
        heap[i] = g;
      } else if (after(heap[0], g)) {
        heap[0] = g;
        siftDown(0);
      }
    }
    return Array.from(heap.subarray(0, size)).sort((a, b) => (after(a, b) ? 1 : after(b, a) ? -1 : 0));
  }
}
