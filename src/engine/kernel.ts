/**
 * The epoch and round loop, written once, over a RoundRunner that runs the
 * partitions' half of each round (on this thread or in worker threads).
 *
 * Conservative synchronisation in epochs and rounds. Time is cut into
 * epochs (a grid of `epochUs`, cut at sample points; empty stretches are
 * skipped). At an epoch start the coordinator grants each partition what it
 * may decide alone. Then in rounds: every partition runs to its horizon
 * (the epoch end, or the lookahead grid point after its first undecided
 * request); the coordinator decides, in (time, entity) order, every message
 * before the least horizon, answering no sooner than one lookahead later;
 * partitions whose requests were decided move their horizons on. The epoch
 * ends when every partition has reached its end.
 */
import { Coordinator } from "./coordinator.js";
import { EpochGrid } from "./epoch-grid.js";
import { InvariantError } from "./invariant-error.js";
import { RoundDecision } from "./round-decision.js";
import type { RoundRunner, RunnerTiming } from "./round-runner.js";
import { driveAsync, driveSync, type Pause, type Steps } from "./steps.js";

export interface KernelOptions {
  /** The lookahead: the least delay of any answer the coordinator sends back. */
  lookaheadUs: number;
  /**
   * Epoch length: how far partitions may run between synchronisations when
   * they send no request (grants are made per epoch). Defaults to lookaheadUs.
   */
  epochUs?: number;
  /** Simulated end: events at or before this time run. */
  untilUs: number;
  /** Sample points every this much simulated time (0: none). Epochs are cut at sample points. */
  sampleIntervalUs: number;
  /**
   * Called at each sample point once every event before it has run, with the
   * partitions' gauges (RoundRunner.gauges). May return a pause
   * (a paced run holding until the wall clock catches up).
   */
  onSample?: (timeUs: number, gauges: Float64Array) => Pause | void;
  /** Called when an epoch is complete: everything before `endUs` has run and been decided. */
  onEpochEnd?: (endUs: number) => void;
  /** Called every few hundred thousand events; the event loop gets a turn there too. */
  onProgress?: (p: Progress) => void;
  /**
   * A live run: called before each epoch [startUs, endUs) begins. It may
   * return a pause (holding the run until the wall clock reaches the
   * epoch) and may schedule outside events at or after startUs in the
   * partitions, which the epoch then runs. A live run walks the grid
   * without skipping empty stretches: outside events may come at any time.
   */
  beforeEpoch?: (startUs: number, endUs: number) => Pause | void;
}

export interface Progress {
  simTimeUs: number;
  untilUs: number;
  events: number;
}

export interface KernelStats {
  /** Simulated time reached. */
  endUs: number;
  events: number;
  epochs: number;
  /** Synchronisation rounds (partitions run, then the coordinator decides). */
  rounds: number;
  messages: number;
  /** Mean number of pending events at epoch ends (for the bench's reference loop). */
  meanPendingEvents: number;
  /** Where a threaded run's wall time went (bench only). */
  timing?: RunnerTiming;
}

/** Events between progress reports (and turns of the event loop). */
const PROGRESS_EVENTS = 200_000;
const PROGRESS_EPOCHS = 4096;

export class Kernel {
  readonly coordinator: Coordinator;
  stopped = false;

  constructor(
    readonly runner: RoundRunner,
    partitionOfEntity: Int32Array,
    readonly grantWidth = 0,
  ) {
    this.coordinator = new Coordinator(runner.inboxes, partitionOfEntity);
    this.coordinator.horizons = runner.horizons;
  }

  /** Asks the run to end after the current epoch. */
  stop(): void {
    this.stopped = true;
  }

  /** Runs to the end on this thread, at once (a runner that never waits). */
  runSync(opts: KernelOptions): KernelStats {
    return driveSync(this.run(opts));
  }

  /** Runs to the end, waiting on worker threads and giving the event loop turns. */
  runAsync(opts: KernelOptions): Promise<KernelStats> {
    return driveAsync(this.run(opts));
  }

  *run(opts: KernelOptions): Steps<KernelStats> {
    const runner = this.runner;
    const lookaheadUs = opts.lookaheadUs;
    // A partition's horizon is the lookahead grid point after its first open request: at 0 it
    // would be NaN, the partition would stop there in every epoch and its later events never run.
    if (!(lookaheadUs > 0) || !Number.isFinite(lookaheadUs))
      throw new InvariantError(`bad lookahead ${lookaheadUs}us: it must be positive`);
    const grid = new EpochGrid(opts.epochUs ?? lookaheadUs, opts.untilUs, opts.sampleIntervalUs);
    const decision = new RoundDecision(this.coordinator);
    const horizons = runner.horizons;
    const partitions = runner.partitionCount;
    const timing = runner.timing;
    let rounds = 0;
    let epochs = 0;
    let messages = 0;
    let pendingSum = 0;
    let reportedEvents = 0;
    try {
      const starting = runner.start();
      if (starting !== null) yield starting;
      while (!this.stopped) {
        // Sample points are taken between epochs, once all earlier events ran.
        yield* this.samples(() => grid.takeDueSample(), opts);
        if (grid.finished) break;
        const endUs = grid.epochEndUs();
        if (opts.beforeEpoch !== undefined) {
          const holding = opts.beforeEpoch(grid.startUs, endUs);
          if (holding) yield holding;
          if (this.stopped) break;
        }
        this.coordinator.beginEpoch(grid.startUs, endUs, runner.grants, this.grantWidth);
        runner.beginEpoch(endUs, lookaheadUs);
        for (;;) {
          const wait = runner.runRound();
          if (wait !== null) yield wait;
          runner.collectRound(decision.merged);
          let safeUs = endUs;
          for (let p = 0; p < partitions; p++) if (horizons[p] < safeUs) safeUs = horizons[p];
          const decideStartMs = timing !== undefined ? performance.now() : 0;
          messages += decision.decide(safeUs);
          if (timing !== undefined) timing.decideMs += performance.now() - decideStartMs;
          rounds++;
          if (safeUs >= endUs) break;
          runner.decidedBefore(safeUs);
        }
        epochs++;
        opts.onEpochEnd?.(endUs);
        pendingSum += runner.pendingEvents();
        const events = runner.eventsProcessed() + this.coordinator.eventsProcessed;
        if (events - reportedEvents >= PROGRESS_EVENTS || epochs % PROGRESS_EPOCHS === 0) {
          reportedEvents = events;
          opts.onProgress?.({ simTimeUs: endUs, untilUs: opts.untilUs, events });
          yield null;
        }
        const nextUs = opts.beforeEpoch !== undefined ? endUs : runner.nextEventUs();
        grid.advance(endUs, Math.min(nextUs, this.coordinator.timers.peekTimeUs()));
      }
      if (!this.stopped) yield* this.samples(() => grid.takeRemainingSample(), opts);
      const endUs = this.stopped ? Math.min(grid.startUs, opts.untilUs) : opts.untilUs;
      const finishing = runner.finish(endUs);
      if (finishing !== null) yield finishing;
      return {
        endUs,
        events: this.eventsProcessed(),
        epochs,
        rounds,
        messages,
        meanPendingEvents: epochs > 0 ? pendingSum / epochs : 0,
        timing,
      };
    } finally {
      const closing = runner.close();
      if (closing !== null) yield closing;
    }
  }

  eventsProcessed(): number {
    return this.coordinator.eventsProcessed + this.runner.eventsProcessed();
  }

  /**
   * The sample points `take` gives, with the gauges read at each: a gauge may
   * change with time alone (the model's idle environments expire), so a
   * batch of sample points after the last event reads each one's.
   */
  private *samples(take: () => number, opts: KernelOptions): Steps<void> {
    if (opts.onSample === undefined) {
      while (take() >= 0);
      return;
    }
    for (let t = take(); t >= 0; t = take()) {
      const writing = this.runner.writeGauges(t);
      if (writing !== null) yield writing;
      const pace = opts.onSample(t, this.runner.gauges);
      if (pace) yield pace;
    }
  }
}
