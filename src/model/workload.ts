/**
 * The scenario's workload at this partition's functions: each step's visit
 * to each target, explicit calls, and invoke streams' arrivals (thinning of
 * a piecewise-linear rate, or evenly spaced). Every event is scheduled per
 * function, never by a partition-wide actor: a function's same-time events
 * then run in an order that does not depend on which other functions share
 * its partition.
 */
import type { FleetContext } from "./fleet-context.js";
import type { Invocations } from "./invocations.js";
import type { PlanStep } from "./plan.js";
import { Ev } from "./protocol.js";
import { LATEST } from "./qualifiers.js";
import { popularityWeights, rateAt, timeAfterArea } from "./workload-rates.js";

export class Workload {
  /** Per invoke stream: each local function's peak arrival rate (per µs), 0 when not a target. */
  private readonly streamPeakPerUs: Float64Array[] = [];
  private readonly streamMaxRate: number[] = [];
  /**
   * Per invoke stream: each local function's next arrival time, exact (not
   * rounded to the µs its event is scheduled at). The next gap is added to
   * it, never to the event's rounded time: gaps shorter than half a µs still
   * advance, and several arrivals may share one µs (they run in the order
   * they were scheduled).
   */
  private readonly streamNextUs: Float64Array[] = [];
  /** Arrivals so far per invoke stream at this partition's functions (the run's self-check reads them). */
  readonly arrivals: Float64Array;
  /** 1 for the invoke streams whose InvocationType is Event. */
  private readonly streamIsEvent: Uint8Array;

  constructor(
    private readonly c: FleetContext,
    /** Local index of every global function (valid for this partition's functions). */
    private readonly localOf: Int32Array,
    private readonly invocations: Invocations,
  ) {
    this.arrivals = new Float64Array(c.plan.invokeStreams.length);
    this.streamIsEvent = Uint8Array.from(c.plan.invokeStreams, (st) =>
      st.invocationType === "Event" ? 1 : 0,
    );
  }

  /** Schedules each step's visit to each target, the streams' first arrivals and the explicit calls. */
  start(): void {
    const { plan, p } = this.c;
    const localOf = this.localOf;
    for (let s = 0; s < plan.steps.length; s++) {
      const step = plan.steps[s];
      for (let k = 0; k < step.targets.length; k++) {
        const g = step.targets[k];
        if (this.owns(g)) p.at(stepTimeUs(step, k), Ev.StepTarget, localOf[g], s, 0);
      }
    }
    for (let s = 0; s < plan.invokeStreams.length; s++) this.startStream(s);
    for (let c = 0; c < plan.calls.length; c++) {
      const call = plan.calls[c];
      if (this.owns(call.function)) p.at(call.atUs, Ev.ExplicitCall, localOf[call.function], c, 0);
    }
  }

  private startStream(s: number): void {
    const st = this.c.plan.invokeStreams[s];
    let maxRate = 0;
    for (const pt of st.rate.points) if (pt.ratePerSec > maxRate) maxRate = pt.ratePerSec;
    this.streamMaxRate.push(maxRate);
    const peak = new Float64Array(this.c.fn.count);
    this.streamPeakPerUs.push(peak);
    this.streamNextUs.push(new Float64Array(this.c.fn.count));
    const weights = popularityWeights(st.targets.length, st.popularity);
    for (let k = 0; k < st.targets.length; k++) {
      const g = st.targets[k];
      if (!this.owns(g)) continue;
      const f = this.localOf[g];
      peak[f] = (maxRate * weights[k]) / 1e6;
      if (peak[f] > 0) this.scheduleArrival(f, s, st.startUs, true);
    }
  }

  /** An arrival of stream s at function f: the next one is scheduled, this one invokes. */
  onArrival(f: number, s: number): void {
    const st = this.c.plan.invokeStreams[s];
    this.arrivals[s]++;
    this.scheduleArrival(f, s, this.streamNextUs[s][f], false);
    this.invocations.invoke(f, 0, this.streamIsEvent[s], st.caller ?? -1, st.qualifier ?? LATEST);
  }

  /**
   * Next arrival of stream s at function f after `fromUs`, the exact time of
   * the one before (thinning of a piecewise-linear rate, or evenly spaced in
   * its integral). Its event is at the
   * rounded time; the exact one is kept for the arrival after.
   */
  private scheduleArrival(f: number, s: number, fromUs: number, first: boolean): void {
    const st = this.c.plan.invokeStreams[s];
    const peak = this.streamPeakPerUs[s][f];
    if (!(peak > 0)) return;
    const rng = this.c.arrivalRng;
    let t = fromUs;
    const maxRate = this.streamMaxRate[s];
    if (st.process === "constant") {
      // Evenly spaced in the rate's integral (one arrival per maxRate / peak of area at this
      // function), with a random phase before the first: a changing rate is followed, a ramp
      // from 0 starts at once.
      const spacing = maxRate / peak;
      const next = timeAfterArea(st.rate.points, t, first ? rng.next(f) * spacing : spacing, st.endUs);
      if (next === null) return;
      t = next;
    } else {
      for (;;) {
        t += -Math.log(rng.nextOpen(f)) / peak;
        if (t >= st.endUs) return;
        if (rng.next(f) * maxRate < rateAt(st.rate.points, t)) break;
      }
    }
    const atUs = Math.round(t);
    if (atUs >= st.endUs) return;
    this.streamNextUs[s][f] = t;
    const p = this.c.p;
    p.at(Math.max(atUs, p.nowUs), Ev.Arrival, f, s, 0);
  }

  private owns(g: number): boolean {
    const f = this.localOf[g];
    return f >= 0 && f < this.c.fn.count && this.c.fn.globalId[f] === g;
  }
}

/** When a step reaches its k-th target: `ratePerSec` targets a second from `atUs`, or all at once. */
function stepTimeUs(step: PlanStep, k: number): number {
  if (step.ratePerSec <= 0) return step.atUs;
  return step.atUs + Math.round((k * 1e6) / step.ratePerSec);
}
