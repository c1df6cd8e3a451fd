/**
 * A host's reading of the run's traces (issue 14), shared by the partitions
 * it hosts: each trace is read once per thread, not once per partition.
 * The first partition to reach a feed reads that stretch of the trace, with
 * its rows matched to scenario functions (global indexes), into a window;
 * the host's other partitions take the same window, and it is let go when
 * every one of them has. Every partition sees the same rows in the same
 * order, whichever read them, so sharing changes no result.
 */
import {
  type Azure2019Durations,
  readAzure2019Durations,
  readAzure2019Invocations,
} from "../trace/azure-2019.js";
import { openAzure2021, openCsvTrace, type RowCursor } from "../trace/row-cursor.js";
import { traceFunctionName } from "../trace/trace-names.js";
import type { Distribution } from "./duration-distribution.js";
import type { Plan, PlanReplay } from "./plan.js";

/** How often a replay reads its trace: once a simulated minute (the per-minute formats' unit). */
export const FEED_INTERVAL_US = 60_000_000;
export const MINUTES_PER_DAY = 1440;

/** What a stretch of the trace added to a replay's counts (the same for every partition; ReplayTally says what each is). */
export class CountDeltas {
  rows = 0;
  unmatchedRows = 0;
  lateRows = 0;
  traceFunctions = 0;
  matchedFunctions = 0;

  clear(): void {
    this.rows = this.unmatchedRows = this.lateRows = this.traceFunctions = this.matchedFunctions = 0;
  }
}

/** The rows one feed read: arrival time (simulated µs), duration (-1: none) and function (global index, -1: none). */
export class RowWindow {
  count = 0;
  atUs = new Float64Array(1024);
  durationUs = new Float64Array(1024);
  fn = new Int32Array(1024);
  readonly deltas = new CountDeltas();
  /** The trace has rows after this window. */
  more = false;
  /** Partitions of the host that have not taken it yet. */
  pending = 0;

  push(atUs: number, durationUs: number, g: number): void {
    if (this.count === this.atUs.length) this.grow();
    this.atUs[this.count] = atUs;
    this.durationUs[this.count] = durationUs;
    this.fn[this.count++] = g;
  }

  private grow(): void {
    const n = this.atUs.length * 2;
    const at = new Float64Array(n);
    at.set(this.atUs);
    this.atUs = at;
    const d = new Float64Array(n);
    d.set(this.durationUs);
    this.durationUs = d;
    const f = new Int32Array(n);
    f.set(this.fn);
    this.fn = f;
  }
}

/** One day of per-minute counts: the matched functions (global indexes), their 1,440 counts and durations. */
export interface CountDay {
  fn: Int32Array;
  counts: Uint32Array[];
  /** Each function's durations that day as percentiles, or null: none given (the template's draw). */
  durations: (Distribution | null)[];
  readonly deltas: CountDeltas;
  pending: number;
}

/**
 * Which scenario function (global index, -1: none) plays a trace function,
 * by the replay's rule; each key's answer is kept, so a row costs one map
 * lookup. The map holds the trace's distinct functions, not its rows.
 */
class FunctionMatcher {
  private readonly byKey = new Map<string, number>();
  private readonly byName = new Map<string, number>();
  private nextInOrder = 0;

  constructor(
    plan: Plan,
    private readonly replay: PlanReplay,
  ) {
    const match = replay.match;
    if (match.kind === "map") for (const [key, g] of match.pairs) this.byName.set(key, g);
    else if (match.kind === "name")
      for (const g of replay.targets) this.byName.set(plan.functions.names[g], g);
  }

  globalOf(key: string, deltas: CountDeltas): number {
    const known = this.byKey.get(key);
    if (known !== undefined) return known;
    const g = this.match(key);
    this.byKey.set(key, g);
    deltas.traceFunctions++;
    if (g >= 0) deltas.matchedFunctions++;
    return g;
  }

  private match(key: string): number {
    const targets = this.replay.targets;
    switch (this.replay.match.kind) {
      case "order":
        return this.nextInOrder < targets.length ? targets[this.nextInOrder++] : -1;
      case "map":
        return this.byName.get(key) ?? this.byName.get(traceFunctionName(key)) ?? -1;
      default:
        return this.byName.get(traceFunctionName(key)) ?? -1;
    }
  }
}

/**
 * A per-invocation trace (Azure 2021, the CSV), read up to a minute and the
 * lookahead ahead at each feed. A row read after its arrival time has passed
 * (it is later in the file than its arrival by more than the lookahead)
 * arrives at the feed's time, counted late.
 */
class SharedRows {
  private cursor: RowCursor | null = null;
  /** The cursor holds a row read past the last horizon, not yet in a window. */
  private pending = false;
  private done = false;
  private readonly windows = new Map<number, RowWindow>();
  private readonly spare: RowWindow[] = [];
  private readonly matcher: FunctionMatcher;
  /** Trace time minus simulated time. */
  private readonly shiftUs: number;
  /** The window's end: the step's, or the run's when that comes first (`--until`). */
  private readonly endUs: number;

  constructor(
    plan: Plan,
    private readonly replay: PlanReplay,
    private readonly partitions: number,
  ) {
    this.matcher = new FunctionMatcher(plan, replay);
    this.shiftUs = replay.fromUs - replay.startUs;
    this.endUs = Math.min(replay.endUs, plan.untilUs);
  }

  /** Feed k's window (read now if no partition of the host has yet); give it back with release(k). */
  window(k: number, nowUs: number): RowWindow {
    let w = this.windows.get(k);
    if (w === undefined) {
      w = this.spare.pop() ?? new RowWindow();
      w.count = 0;
      w.deltas.clear();
      w.pending = this.partitions;
      w.more = this.read(w, nowUs, nowUs + FEED_INTERVAL_US + this.replay.lookaheadUs);
      this.windows.set(k, w);
    }
    return w;
  }

  release(k: number): void {
    const w = this.windows.get(k);
    if (w === undefined || --w.pending > 0) return;
    this.windows.delete(k);
    this.spare.push(w);
  }

  /** Reads the rows before `horizonUs` (in the file's order) into w; false when the trace has no more. */
  private read(w: RowWindow, nowUs: number, horizonUs: number): boolean {
    if (this.done) return false;
    const source = this.replay.source as { format: "azure-2021" | "csv"; file: string };
    this.cursor ??= source.format === "azure-2021" ? openAzure2021(source.file) : openCsvTrace(source.file);
    const cursor = this.cursor;
    const { startUs, lookaheadUs, traceDurations } = this.replay;
    const endUs = this.endUs;
    const deltas = w.deltas;
    for (;;) {
      if (!this.pending) {
        if (!cursor.next()) return this.finish();
        this.pending = true;
      }
      const orderUs = cursor.orderUs - this.shiftUs;
      if (orderUs >= horizonUs) return true;
      this.pending = false;
      // Rows are read in order time: once it passes the end plus the lookahead, no row can arrive in the window.
      if (orderUs >= endUs + lookaheadUs) return this.finish();
      const atUs = cursor.atUs - this.shiftUs;
      if (atUs < startUs || atUs >= endUs) continue;
      deltas.rows++;
      let whenUs = atUs;
      if (whenUs < nowUs) {
        deltas.lateRows++;
        whenUs = nowUs;
      }
      const g = this.matcher.globalOf(cursor.key, deltas);
      if (g < 0) deltas.unmatchedRows++;
      else w.push(whenUs, traceDurations ? cursor.durationUs : -1, g);
    }
  }

  private finish(): false {
    this.close();
    this.done = true;
    return false;
  }

  close(): void {
    this.cursor?.close();
    this.cursor = null;
  }
}

/**
 * Per-minute counts (Azure 2019), one file per day: a day is read when the
 * replay reaches it, keeping the counts of the matched functions.
 */
class SharedDays {
  private readonly days = new Map<number, CountDay>();
  private readonly matcher: FunctionMatcher;

  constructor(
    private readonly plan: Plan,
    private readonly replay: PlanReplay,
    private readonly partitions: number,
  ) {
    this.matcher = new FunctionMatcher(plan, replay);
  }

  /** Day `day` (read now if no partition of the host has yet); give it back with release(day). */
  day(day: number): CountDay {
    let d = this.days.get(day);
    if (d === undefined) {
      d = this.read(day);
      this.days.set(day, d);
    }
    return d;
  }

  release(day: number): void {
    const d = this.days.get(day);
    if (d !== undefined && --d.pending === 0) this.days.delete(day);
  }

  /** Reads day `day`'s file, counting the invocations in the replay's window and keeping the matched functions' counts. */
  private read(day: number): CountDay {
    const source = this.replay.source as { format: "azure-2019"; files: string[]; durationFiles?: string[] };
    const { startUs, fromUs } = this.replay;
    const endUs = Math.min(this.replay.endUs, this.plan.untilUs);
    const deltas = new CountDeltas();
    // The minutes of this day inside the replay's window, for the row counts.
    const dayStartUs = startUs - fromUs + day * MINUTES_PER_DAY * FEED_INTERVAL_US;
    const firstMinute = Math.max(0, Math.ceil((startUs - dayStartUs) / FEED_INTERVAL_US));
    const endMinute = Math.min(MINUTES_PER_DAY, Math.ceil((endUs - dayStartUs) / FEED_INTERVAL_US));
    const fns: number[] = [];
    const counts: Uint32Array[] = [];
    const keys: string[] = [];
    for (const row of readAzure2019Invocations(source.files[day])) {
      let inWindow = 0;
      for (let m = firstMinute; m < endMinute; m++) inWindow += row.countsPerMinute[m];
      deltas.rows += inWindow;
      const g = this.matcher.globalOf(row.key, deltas);
      if (g < 0) deltas.unmatchedRows += inWindow;
      else if (row.total > 0) {
        fns.push(g);
        counts.push(row.countsPerMinute);
        keys.push(row.key);
      }
    }
    const file = this.replay.traceDurations ? source.durationFiles?.[day] : undefined;
    const kept = new Set(keys);
    const byKey = file === undefined ? null : readAzure2019Durations(file, (k) => kept.has(k));
    const durations = keys.map((k) => {
      const d = byKey?.get(k);
      return d === undefined ? null : percentilesOf(d);
    });
    return { fn: Int32Array.from(fns), counts, durations, deltas, pending: this.partitions };
  }
}

/** A function's day of durations as a distribution: Azure's percentiles (of 30-second averages), in µs. */
function percentilesOf(d: Azure2019Durations): Distribution {
  const p = d.percentilesMs;
  const at = (pct: number, ms: number) => ({ p: pct, valueUs: Math.round(ms * 1000) });
  return {
    kind: "empirical",
    points: [
      at(0, p.p0),
      at(1, p.p1),
      at(25, p.p25),
      at(50, p.p50),
      at(75, p.p75),
      at(99, p.p99),
      at(100, p.p100),
    ],
  };
}

/** The traces of a run as one host reads them. */
export class TraceReads {
  private partitions = 0;
  private shared: (SharedRows | SharedDays)[] | null = null;

  constructor(private readonly plan: Plan) {}

  /** A partition of the host that will take every window: called before the run starts. */
  register(): void {
    this.partitions++;
  }

  rows(r: number): SharedRows {
    return this.all()[r] as SharedRows;
  }

  days(r: number): SharedDays {
    return this.all()[r] as SharedDays;
  }

  private all(): (SharedRows | SharedDays)[] {
    this.shared ??= (this.plan.replays ?? []).map((r) =>
      r.source.format === "azure-2019"
        ? new SharedDays(this.plan, r, this.partitions)
        : new SharedRows(this.plan, r, this.partitions),
    );
    return this.shared;
  }

  /** Closes the files still open (a run stopped early, or its end). */
  close(): void {
    for (const s of this.shared ?? []) if (s instanceof SharedRows) s.close();
  }
}

export type { SharedDays, SharedRows };
