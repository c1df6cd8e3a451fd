/**
 * The workload's rates: a stream's piecewise-linear rate profile, how its
 * traffic is shared among its targets by popularity, and the work each
 * logical partition can expect from the plan (so worker threads can be
 * given even shares of it).
 */
import type { Plan, PlanInvokeStream } from "./plan.js";

type RatePoints = { atUs: number; ratePerSec: number }[];

/**
 * Arrivals the engine should meet within one epoch at most: a long run
 * reports progress, takes Ctrl-C and flushes its trace between epochs, so a
 * plan whose streams could bring more than this in the default epoch runs in
 * shorter ones (run.ts epochOf). A fraction of a second of wall time, and
 * with --trace a few hundred MB of records held at most.
 */
export const ARRIVALS_PER_EPOCH = 250_000;

/**
 * Arrivals the engine should meet within one epoch at least, when the plan's
 * rate allows it: each epoch has a fixed cost (the grants, a round, every
 * partition's turn, about a microsecond) which a sparse plan would otherwise
 * pay per request. A plan whose streams bring fewer than this in the default
 * epoch runs in longer ones, up to MAX_EPOCH_US (run.ts epochOf).
 */
export const MIN_ARRIVALS_PER_EPOCH = 1_000;

/** The longest default epoch, an hour: progress, Ctrl-C and the trace still come at least that often in simulated time. */
export const MAX_EPOCH_US = 3_600_000_000;

/**
 * The most arrivals a plan may expect within one lookahead (the engine's
 * shortest epoch, min(apiLatency, invokeLatency)): beyond it an epoch would
 * run for minutes without a chance to report progress or stop.
 */
export const MAX_ARRIVALS_PER_LOOKAHEAD = 10_000_000;

/**
 * The shortest gap between two arrivals at one function, in units of the
 * clock's resolution at the stream's end. Arrival times are carried exactly
 * as float64 microseconds, whose spacing grows with the time (2^-22 us at one
 * hour, 1 us at 285 years); a gap of at least 1,024 such units advances the
 * clock by itself with a rounding error under 0.05%.
 */
export const MIN_GAP_RESOLUTIONS = 1024;

/** The spacing of float64 numbers at `t` (the clock's resolution there, in us). */
export function clockResolutionUs(t: number): number {
  const a = Math.max(Math.abs(t), 1);
  return 2 ** (Math.floor(Math.log2(a)) - 52);
}

/** The highest arrival rate one function can take from a stream ending at `endUs`, per second. */
export function maxRatePerFunctionPerSec(endUs: number): number {
  return 1e6 / (MIN_GAP_RESOLUTIONS * clockResolutionUs(endUs));
}

/** A stream's highest total rate, per second. */
export function streamPeakPerSec(st: PlanInvokeStream): number {
  let peak = 0;
  for (const pt of st.rate.points) if (pt.ratePerSec > peak) peak = pt.ratePerSec;
  return peak;
}

/** A stream's highest rate at one function (its busiest target by popularity), per second. */
export function streamPeakPerFunctionPerSec(st: PlanInvokeStream): number {
  const weights = popularityWeights(st.targets.length, st.popularity);
  let top = 0;
  for (const w of weights) if (w > top) top = w;
  return streamPeakPerSec(st) * top;
}

/** The plan's highest arrival rate, per second: every stream at its peak at once (an upper bound). */
export function planPeakArrivalsPerSec(plan: Pick<Plan, "invokeStreams">): number {
  let total = 0;
  for (const st of plan.invokeStreams) if (st.targets.length > 0) total += streamPeakPerSec(st);
  return total;
}

/** Arrivals a stream's rate profile implies from its start to min(its end, `untilUs`): the integral of its rate. */
export function expectedArrivals(st: PlanInvokeStream, untilUs = st.endUs): number {
  const toUs = Math.min(st.endUs, untilUs);
  if (st.targets.length === 0 || !(toUs > st.startUs)) return 0;
  return meanRatePerSec(st.rate.points, st.startUs, toUs) * ((toUs - st.startUs) / 1e6);
}

/**
 * A run's expected size: the invocations its streams imply up to its end,
 * plus one per function (each is set up and reported). What an experiment
 * orders its runs by, longest first.
 */
export function expectedWork(plan: Pick<Plan, "invokeStreams" | "functions" | "untilUs">): number {
  let work = plan.functions.names.length;
  for (const st of plan.invokeStreams) work += expectedArrivals(st, plan.untilUs);
  return work;
}

/**
 * The time after `t` at which a piecewise-linear rate (per second) has
 * accumulated `area` (rate x microseconds: 1e6 is one arrival at 1/s), or
 * null when that is not before `endUs`. Evenly spaced arrivals of a rate
 * that changes are 1e6 of area apart: a ramp from 0 starts at once.
 */
export function timeAfterArea(points: RatePoints, t: number, area: number, endUs: number): number | null {
  let left = area;
  if (!(left > 0)) return t;
  let i = 0;
  while (i < points.length && points[i].atUs <= t) i++;
  while (t < endUs) {
    const segEnd = i < points.length && points[i].atUs < endUs ? points[i].atUs : endUs;
    const dt = segEnd - t;
    const r0 = rateAt(points, t);
    const r1 = rateAt(points, segEnd);
    const segArea = ((r0 + r1) / 2) * dt;
    if (segArea >= left) {
      // r(x) = r0 + s x on the segment; solve r0 x + s x^2 / 2 = left in its stable form.
      const s = (r1 - r0) / dt;
      const root = Math.sqrt(Math.max(0, r0 * r0 + 2 * s * left));
      const x = r0 + root > 0 ? (2 * left) / (r0 + root) : dt;
      return t + Math.min(x, dt);
    }
    left -= segArea;
    t = segEnd;
    i++;
  }
  return null;
}

/** Expected work per partition, in invocations (plus one per function). */
export function partitionWeights(plan: Plan, partitionOf: Int32Array, partitions: number): Float64Array {
  const w = new Float64Array(partitions);
  for (let g = 0; g < partitionOf.length; g++) w[partitionOf[g]] += 1;
  for (const st of plan.invokeStreams) {
    const invocations =
      meanRatePerSec(st.rate.points, st.startUs, st.endUs) * ((st.endUs - st.startUs) / 1e6);
    const weights = popularityWeights(st.targets.length, st.popularity);
    for (let k = 0; k < st.targets.length; k++) w[partitionOf[st.targets[k]]] += invocations * weights[k];
  }
  return w;
}

/**
 * How much of the traffic one partition carries at a time: for each invoke
 * stream, the share of its invocations that go to its busiest partition,
 * averaged over streams weighted by their invocations (1: every stream hits
 * one partition; 1/P: spread evenly). Streams run at different times, so
 * this, not the partitions' totals, says whether threads can share the work.
 */
export function streamConcentration(plan: Plan, partitionOf: Int32Array, partitions: number): number {
  let weighted = 0;
  let total = 0;
  const perPartition = new Float64Array(partitions);
  for (const st of plan.invokeStreams) {
    const invocations =
      meanRatePerSec(st.rate.points, st.startUs, st.endUs) * ((st.endUs - st.startUs) / 1e6);
    if (!(invocations > 0)) continue;
    const weights = popularityWeights(st.targets.length, st.popularity);
    perPartition.fill(0);
    for (let k = 0; k < st.targets.length; k++) perPartition[partitionOf[st.targets[k]]] += weights[k];
    let busiest = 0;
    for (const share of perPartition) if (share > busiest) busiest = share;
    weighted += busiest * invocations;
    total += invocations;
  }
  return total > 0 ? weighted / total : 1;
}

/** Mean of a piecewise-linear rate over [fromUs, toUs): trapezoids between the breakpoints inside the span. */
function meanRatePerSec(points: RatePoints, fromUs: number, toUs: number): number {
  if (points.length === 0 || toUs <= fromUs) return 0;
  const cuts = [fromUs, ...points.map((p) => p.atUs).filter((t) => t > fromUs && t < toUs), toUs];
  let area = 0;
  for (let i = 1; i < cuts.length; i++)
    area += ((rateAt(points, cuts[i - 1]) + rateAt(points, cuts[i])) / 2) * (cuts[i] - cuts[i - 1]);
  return area / (toUs - fromUs);
}

/** Share of a stream's traffic for each target position. */
export function popularityWeights(
  n: number,
  pop: { kind: "uniform" } | { kind: "zipf"; exponent: number },
): Float64Array {
  const w = new Float64Array(n);
  if (n === 0) return w;
  if (pop.kind === "uniform") {
    w.fill(1 / n);
    return w;
  }
  let sum = 0;
  for (let k = 0; k < n; k++) {
    w[k] = 1 / (k + 1) ** pop.exponent;
    sum += w[k];
  }
  for (let k = 0; k < n; k++) w[k] /= sum;
  return w;
}

/** Rate of a piecewise-linear profile at time t. */
export function rateAt(points: { atUs: number; ratePerSec: number }[], t: number): number {
  if (points.length === 0) return 0;
  if (t <= points[0].atUs) return points[0].ratePerSec;
  for (let i = 1; i < points.length; i++) {
    const b = points[i];
    if (t < b.atUs) {
      const a = points[i - 1];
      return a.ratePerSec + ((t - a.atUs) / (b.atUs - a.atUs)) * (b.ratePerSec - a.ratePerSec);
    }
  }
  return points[points.length - 1].ratePerSec;
}
