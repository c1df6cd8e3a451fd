/**
 * Trace replays (issue 14): each replay step's rows become arrivals at this
 * partition's functions. Every partition reads the whole trace as a stream
 * and keeps the rows of its own functions, so what a function receives does
 * not depend on the partitioning, and memory is bounded by the lookahead
 * (per-invocation rows) or by the functions simulated (per-minute counts),
 * never by the trace.
 *
 * A feed event per replay runs once a simulated minute. Its seqs are taken
 * at the start, so at its instant it runs before anything scheduled later,
 * in every partition alike: the arrivals it schedules take the same place
 * among each function's events whatever else shares the partition.
 */
import { type Azure2019Function, readAzure2019Invocations } from "../trace/azure-2019.js";
import { openAzure2021, openCsvTrace, type RowCursor } from "../trace/row-cursor.js";
import { traceFunctionName } from "../trace/trace-names.js";
import type { FleetContext } from "./fleet-context.js";
import type { Invocations } from "./invocations.js";
import type { PlanReplay } from "./plan.js";
import { Ev } from "./protocol.js";
import { LATEST } from "./qualifiers.js";

/** How often a replay reads its trace: once a simulated minute (the per-minute formats' unit). */
export const FEED_INTERVAL_US = 60_000_000;
const MINUTES_PER_DAY = 1440;

/** What one replay saw: the same in every partition except `arrivals`, which is this partition's share. */
export class ReplayCounts {
  /** Rows (invocations) of the trace that fall in the replay's window. */
  rows = 0;
  /** Of them, rows of a trace function no scenario function plays. */
  unmatchedRows = 0;
  /** Rows read after their arrival time had passed (beyond the lookahead): they arrive at the feed's time. */
  lateRows = 0;
  /** Distinct trace functions seen, and those matched to a scenario function. */
  traceFunctions = 0;
  matchedFunctions = 0;
  /** Arrivals delivered at this partition's functions. */
  arrivals = 0;
}

export class TraceReplays {
  readonly counts: ReplayCounts[];
  private readonly feeds: Feed[];
  /** Per replay: the first of the seqs its feed events take, in order. */
  private readonly feedSeq: number[] = [];

  constructor(
    private readonly c: FleetContext,
    /** Local index of every global function (valid for this partition's functions). */
    private readonly localOf: Int32Array,
    private readonly invocations: Invocations,
  ) {
    const replays = c.plan.replays ?? [];
    this.counts = replays.map(() => new ReplayCounts());
    this.feeds = replays.map((r, i) => {
      const matcher = new FunctionMatcher(c, r, this.counts[i]);
      return r.source.format === "azure-2019"
        ? new MinuteFeed(c, i, this.counts[i], localOf, matcher)
        : new RowFeed(c, i, this.counts[i], localOf, matcher);
    });
  }

  /** Takes each replay's feed seqs and schedules its first feed (after every other start event). */
  start(): void {
    const replays = this.c.plan.replays ?? [];
    const p = this.c.p;
    replays.forEach((r, i) => {
      const feeds = Math.ceil((r.endUs - r.startUs) / FEED_INTERVAL_US) + 1;
      this.feedSeq.push(p.queue.reserveSeqs(feeds));
      p.atSeq(r.startUs, this.feedSeq[i], Ev.TraceFeed, i, 0, 0);
    });
  }

  /** Replay r's feed: the rows up to its next feed become arrivals; the next feed is scheduled. */
  onFeed(r: number): void {
    const replay = this.c.plan.replays![r];
    const p = this.c.p;
    // Every partition reads the trace itself: the read is not counted as an event of the run.
    p.notCounted();
    const nowUs = p.nowUs;
    const more = this.feeds[r].feed(nowUs, nowUs + FEED_INTERVAL_US);
    const nextUs = nowUs + FEED_INTERVAL_US;
    if (more && nextUs < replay.endUs) {
      const k = Math.round((nextUs - replay.startUs) / FEED_INTERVAL_US);
      p.atSeq(nextUs, this.feedSeq[r] + k, Ev.TraceFeed, r, 0, 0);
    } else this.feeds[r].close();
  }

  /** A row arrives at local function f: an Invoke, carrying the row's duration when it has one. */
  onArrival(f: number, r: number, durationUs: number): void {
    const replay = this.c.plan.replays![r];
    this.counts[r].arrivals++;
    const ctx = durationUs >= 0 ? this.c.traceDurations.take(durationUs) : 0;
    this.invocations.invoke(f, ctx, 0, replay.caller ?? -1, replay.qualifier ?? LATEST);
  }

  /** Closes every trace still open (a run stopped early). */
  close(): void {
    for (const feed of this.feeds) feed.close();
  }
}

interface Feed {
  /** Schedules the arrivals of [fromUs, toUs); false when the trace has nothing after. */
  feed(fromUs: number, toUs: number): boolean;
  close(): void;
}

/**
 * Which scenario function (global index, -1: none) plays a trace function,
 * by the replay's rule; each key's answer is kept, so a row costs one map
 * lookup. The map holds the trace's distinct functions, not its rows.
 */
class FunctionMatcher {
  private readonly byKey = new Map<string, number>();
  private readonly byName: Map<string, number>;
  private nextInOrder = 0;

  constructor(
    private readonly c: FleetContext,
    private readonly replay: PlanReplay,
    private readonly counts: ReplayCounts,
  ) {
    const match = replay.match;
    this.byName = new Map();
    if (match.kind === "map") for (const [key, g] of match.pairs) this.byName.set(key, g);
    else if (match.kind === "name") {
      const names = c.plan.functions.names;
      for (const g of replay.targets) this.byName.set(names[g], g);
    }
  }

  globalOf(key: string): number {
    const known = this.byKey.get(key);
    if (known !== undefined) return known;
    const g = this.match(key);
    this.byKey.set(key, g);
    this.counts.traceFunctions++;
    if (g >= 0) this.counts.matchedFunctions++;
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

/** Local index of global function g when this partition holds it, else -1. */
function localIndex(c: FleetContext, localOf: Int32Array, g: number): number {
  const f = localOf[g];
  return f >= 0 && f < c.fn.count && c.fn.globalId[f] === g ? f : -1;
}

/**
 * Per-invocation rows (Azure 2021, our CSV): read until the trace's order
 * time passes the next feed plus the lookahead, each row scheduled at its
 * arrival time. A row whose arrival has already passed (its file order is
 * later than its arrival by more than the lookahead) arrives now, counted late.
 */
class RowFeed implements Feed {
  private cursor: RowCursor | null = null;
  /** The cursor holds a row not yet scheduled (read past the horizon). */
  private pending = false;
  private done = false;
  /** Trace time minus simulated time. */
  private readonly shiftUs: number;
  private readonly replay: PlanReplay;
  /** The window's end: the step's, or the run's when that comes first (`--until`). */
  private readonly endUs: number;

  constructor(
    private readonly c: FleetContext,
    /** The replay's index in Plan.replays. */
    private readonly index: number,
    private readonly counts: ReplayCounts,
    private readonly localOf: Int32Array,
    private readonly matcher: FunctionMatcher,
  ) {
    this.replay = c.plan.replays![index];
    this.shiftUs = this.replay.fromUs - this.replay.startUs;
    this.endUs = Math.min(this.replay.endUs, c.plan.untilUs);
  }

  feed(nowUs: number, toUs: number): boolean {
    if (this.done) return false;
    const source = this.replay.source as { format: "azure-2021" | "csv"; file: string };
    this.cursor ??= source.format === "azure-2021" ? openAzure2021(source.file) : openCsvTrace(source.file);
    const cursor = this.cursor;
    const { startUs, lookaheadUs, traceDurations } = this.replay;
    const endUs = this.endUs;
    const horizonUs = toUs + lookaheadUs;
    const p = this.c.p;
    const counts = this.counts;
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
      counts.rows++;
      let whenUs = atUs;
      if (whenUs < nowUs) {
        counts.lateRows++;
        whenUs = nowUs;
      }
      const g = this.matcher.globalOf(cursor.key);
      if (g < 0) {
        counts.unmatchedRows++;
        continue;
      }
      const f = localIndex(this.c, this.localOf, g);
      if (f < 0) continue;
      const durationUs = traceDurations ? cursor.durationUs : -1;
      p.at(whenUs, Ev.TraceArrival, f, this.index, durationUs);
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
 * Per-minute counts (Azure 2019), one file per day. A day is read when the
 * replay reaches it, keeping only the counts of this partition's functions;
 * each minute's count becomes that many arrivals within the minute, at
 * uniformly random instants (poisson: the arrival times of a Poisson
 * process given its count) or evenly spaced from a random phase (uniform).
 */
class MinuteFeed implements Feed {
  private day = -1;
  /** This partition's functions with invocations on the loaded day, and their counts by minute. */
  private dayFunctions: Int32Array = new Int32Array(0);
  private dayCounts: Uint32Array[] = [];
  private readonly replay: PlanReplay;

  constructor(
    private readonly c: FleetContext,
    /** The replay's index in Plan.replays. */
    private readonly index: number,
    private readonly counts: ReplayCounts,
    private readonly localOf: Int32Array,
    private readonly matcher: FunctionMatcher,
  ) {
    this.replay = c.plan.replays![index];
  }

  feed(nowUs: number): boolean {
    const source = this.replay.source as {
      format: "azure-2019";
      files: string[];
      arrivals: "poisson" | "uniform";
    };
    const minute = Math.round((nowUs - this.replay.startUs + this.replay.fromUs) / FEED_INTERVAL_US);
    const day = Math.floor(minute / MINUTES_PER_DAY);
    if (day >= source.files.length) return false;
    if (day !== this.day) this.load(day, source.files[day]);
    const m = minute - day * MINUTES_PER_DAY;
    const r = this.index;
    const rng = this.c.arrivalRng;
    const p = this.c.p;
    const uniform = source.arrivals === "uniform";
    for (let i = 0; i < this.dayFunctions.length; i++) {
      const n = this.dayCounts[i][m];
      if (n === 0) continue;
      const f = this.dayFunctions[i];
      const gapUs = FEED_INTERVAL_US / n;
      const phaseUs = uniform ? rng.next(f) * gapUs : 0;
      for (let k = 0; k < n; k++) {
        // The window is whole minutes (the scenario checks it), so every arrival falls inside it.
        const offsetUs = uniform ? phaseUs + k * gapUs : rng.next(f) * FEED_INTERVAL_US;
        p.at(nowUs + Math.floor(offsetUs), Ev.TraceArrival, f, r, -1);
      }
    }
    return minute + 1 < source.files.length * MINUTES_PER_DAY;
  }

  /** Reads day `day`'s file, counting every row and keeping this partition's functions' counts. */
  private load(day: number, file: string): void {
    this.day = day;
    const functions: number[] = [];
    this.dayCounts = [];
    const { startUs, fromUs } = this.replay;
    const endUs = Math.min(this.replay.endUs, this.c.plan.untilUs);
    // The minutes of this day inside the replay's window, for the row counts.
    const dayStartUs = startUs - fromUs + day * MINUTES_PER_DAY * FEED_INTERVAL_US;
    const firstMinute = Math.max(0, Math.ceil((startUs - dayStartUs) / FEED_INTERVAL_US));
    const endMinute = Math.min(MINUTES_PER_DAY, Math.ceil((endUs - dayStartUs) / FEED_INTERVAL_US));
    for (const row of readAzure2019Invocations(file)) {
      const inWindow = windowTotal(row, firstMinute, endMinute);
      this.counts.rows += inWindow;
      const g = this.matcher.globalOf(row.key);
      if (g < 0) {
        this.counts.unmatchedRows += inWindow;
        continue;
      }
      const f = localIndex(this.c, this.localOf, g);
      if (f < 0 || row.total === 0) continue;
      functions.push(f);
      this.dayCounts.push(row.countsPerMinute);
    }
    this.dayFunctions = Int32Array.from(functions);
  }

  close(): void {
    this.dayCounts = [];
    this.dayFunctions = new Int32Array(0);
  }
}

function windowTotal(row: Azure2019Function, fromMinute: number, toMinute: number): number {
  let n = 0;
  for (let m = fromMinute; m < toMinute; m++) n += row.countsPerMinute[m];
  return n;
}
