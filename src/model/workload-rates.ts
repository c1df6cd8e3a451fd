/**
 * The workload's rates: a stream's piecewise-linear rate profile, how its
 * traffic is shared among its targets by popularity, and the work each
 * logical partition can expect from the plan (so worker threads can be
 * given even shares of it).
 */
import type { Plan } from "./plan.js";

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
function meanRatePerSec(
  points: { atUs: number; ratePerSec: number }[],
  fromUs: number,
  toUs: number,
): number {
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

export function nextPositiveRateUs(points: { atUs: number; ratePerSec: number }[], t: number): number | null {
  for (let i = 0; i < points.length; i++) {
    if (points[i].atUs > t && points[i].ratePerSec > 0) return points[i].atUs;
    if (i + 1 < points.length && points[i + 1].atUs > t && points[i + 1].ratePerSec > 0)
      return Math.max(t + 1, points[i].atUs);
  }
  return null;
}
