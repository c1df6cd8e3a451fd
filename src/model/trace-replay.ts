/**
 * Trace replays (issue 14): each replay step's rows become arrivals at this
 * partition's functions. The host reads each trace once for all its
 * partitions (trace-reads.ts); a partition takes the rows of its own
 * functions, so what a function receives does not depend on the
 * partitioning, and memory is bounded by the lookahead (per-invocation
 * rows) or by the functions simulated (per-minute counts), never by the
 * trace.
 *
 * A feed event per replay runs once a simulated minute. Its seqs are taken
 * at the start, so at its instant it runs before anything scheduled later,
 * in every partition alike: the arrivals it schedules take the same place
 * among each function's events whatever else shares the partition.
 */
import { sampleUs } from "./distributions.js";
import type { Distribution } from "./duration-distribution.js";
import type { FleetContext } from "./fleet-context.js";
import type { Invocations } from "./invocations.js";
import { Ev } from "./protocol.js";
import { LATEST } from "./qualifiers.js";
import {
  type CountDay,
  CountDeltas,
  FEED_INTERVAL_US,
  MINUTES_PER_DAY,
  type SharedDays,
  type SharedRows,
  type TraceReads,
} from "./trace-reads.js";

/** What one replay saw: the same in every partition but `arrivals`, this partition's share. */
export class ReplayCounts extends CountDeltas {
  /** Arrivals delivered at this partition's functions. */
  arrivals = 0;

  add(d: CountDeltas): void {
    this.rows += d.rows;
    this.unmatchedRows += d.unmatchedRows;
    this.lateRows += d.lateRows;
    this.traceFunctions += d.traceFunctions;
    this.matchedFunctions += d.matchedFunctions;
  }
}

export class TraceReplays {
  readonly counts: ReplayCounts[];
  private readonly feeds: Feed[];
  /** Per replay: the first of the seqs its feed events take, in order. */
  private readonly feedSeq: number[] = [];

  constructor(
    private readonly c: FleetContext,
    /** Local index of every global function (valid for this partition's functions). */
    localOf: Int32Array,
    private readonly invocations: Invocations,
    private readonly reads: TraceReads,
  ) {
    const replays = c.plan.replays ?? [];
    this.counts = replays.map(() => new ReplayCounts());
    if (replays.length > 0) reads.register();
    const local = (g: number): number => {
      const f = localOf[g];
      return f >= 0 && f < c.fn.count && c.fn.globalId[f] === g ? f : -1;
    };
    this.feeds = replays.map((r, i) =>
      r.source.format === "azure-2019"
        ? new MinuteFeed(c, i, this.counts[i], local, () => reads.days(i))
        : new RowFeed(c, i, this.counts[i], local, () => reads.rows(i)),
    );
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
    // Every partition runs its own feed: it is not counted as an event of the run.
    p.notCounted();
    const nowUs = p.nowUs;
    const k = Math.round((nowUs - replay.startUs) / FEED_INTERVAL_US);
    const more = this.feeds[r].feed(k, nowUs);
    const nextUs = nowUs + FEED_INTERVAL_US;
    if (more && nextUs < replay.endUs) p.atSeq(nextUs, this.feedSeq[r] + k + 1, Ev.TraceFeed, r, 0, 0);
    else this.feeds[r].close();
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
    this.reads.close();
  }
}

interface Feed {
  /** Feed k (at nowUs): schedules this partition's arrivals of the rows read; false when the trace has nothing after. */
  feed(k: number, nowUs: number): boolean;
  close(): void;
}

/** Per-invocation rows (Azure 2021, our CSV): each window's rows of local functions arrive at their times. */
class RowFeed implements Feed {
  private shared: SharedRows | null = null;

  constructor(
    private readonly c: FleetContext,
    /** The replay's index in Plan.replays. */
    private readonly index: number,
    private readonly counts: ReplayCounts,
    private readonly local: (g: number) => number,
    private readonly sharedRows: () => SharedRows,
  ) {}

  feed(k: number, nowUs: number): boolean {
    this.shared ??= this.sharedRows();
    const w = this.shared.window(k, nowUs);
    this.counts.add(w.deltas);
    const p = this.c.p;
    for (let i = 0; i < w.count; i++) {
      const f = this.local(w.fn[i]);
      if (f >= 0) p.at(w.atUs[i], Ev.TraceArrival, f, this.index, w.durationUs[i]);
    }
    const more = w.more;
    this.shared.release(k);
    return more;
  }

  close(): void {
    this.shared = null;
  }
}

/**
 * Per-minute counts (Azure 2019), one file per day: each minute's count
 * becomes that many arrivals within the minute, at uniformly random
 * instants (poisson: the arrival times of a Poisson process given its
 * count) or evenly spaced from a random phase (uniform).
 */
class MinuteFeed implements Feed {
  private shared: SharedDays | null = null;
  private day = -1;
  /** This partition's functions with invocations on the day, and their counts by minute. */
  private dayFunctions: Int32Array = new Int32Array(0);
  private dayCounts: Uint32Array[] = [];
  private dayDurations: (Distribution | null)[] = [];

  constructor(
    private readonly c: FleetContext,
    /** The replay's index in Plan.replays. */
    private readonly index: number,
    private readonly counts: ReplayCounts,
    private readonly local: (g: number) => number,
    private readonly sharedDays: () => SharedDays,
  ) {}

  feed(_k: number, nowUs: number): boolean {
    const replay = this.c.plan.replays![this.index];
    const source = replay.source as {
      format: "azure-2019";
      files: string[];
      arrivals: "poisson" | "uniform";
    };
    const minute = Math.round((nowUs - replay.startUs + replay.fromUs) / FEED_INTERVAL_US);
    const day = Math.floor(minute / MINUTES_PER_DAY);
    if (day >= source.files.length) return false;
    if (day !== this.day) this.take(day);
    const m = minute - day * MINUTES_PER_DAY;
    const rng = this.c.arrivalRng;
    const p = this.c.p;
    const uniform = source.arrivals === "uniform";
    for (let i = 0; i < this.dayFunctions.length; i++) {
      const n = this.dayCounts[i][m];
      if (n === 0) continue;
      const f = this.dayFunctions[i];
      const durations = this.dayDurations[i];
      const gapUs = FEED_INTERVAL_US / n;
      const phaseUs = uniform ? rng.next(f) * gapUs : 0;
      for (let k = 0; k < n; k++) {
        // The window is whole minutes (the scenario checks it), so every arrival falls inside it.
        const offsetUs = uniform ? phaseUs + k * gapUs : rng.next(f) * FEED_INTERVAL_US;
        const durationUs = durations === null ? -1 : Math.round(sampleUs(durations, rng, f));
        p.at(nowUs + Math.floor(offsetUs), Ev.TraceArrival, f, this.index, durationUs);
      }
    }
    return minute + 1 < source.files.length * MINUTES_PER_DAY;
  }

  /** Takes day `day` from the host's reading, keeping this partition's functions. */
  private take(day: number): void {
    this.shared ??= this.sharedDays();
    if (this.day >= 0) this.shared.release(this.day);
    this.day = day;
    const d: CountDay = this.shared.day(day);
    this.counts.add(d.deltas);
    const fns: number[] = [];
    this.dayCounts = [];
    this.dayDurations = [];
    for (let i = 0; i < d.fn.length; i++) {
      const f = this.local(d.fn[i]);
      if (f < 0) continue;
      fns.push(f);
      this.dayCounts.push(d.counts[i]);
      this.dayDurations.push(d.durations[i]);
    }
    this.dayFunctions = Int32Array.from(fns);
  }

  close(): void {
    if (this.shared !== null && this.day >= 0) this.shared.release(this.day);
    this.day = -1;
    this.dayCounts = [];
    this.dayDurations = [];
    this.dayFunctions = new Int32Array(0);
  }
}
