/**
 * Which worker hosts which logical partitions. Hosting never changes a
 * result, only the speed: a round lasts as long as its busiest host, and a
 * Zipf popularity puts a few very busy functions in a few partitions. So
 * partitions are weighed by the invocations the plan sends them (each
 * stream's mean rate over its span, shared by popularity) plus one per
 * function, and handed out heaviest first to the least loaded host.
 */
import { popularityWeights, rateAt } from "../model/fleet-partition.js";
import type { Plan } from "../model/plan.js";

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

/** Partitions per host: heaviest partition first, each to the host with the least weight so far (ties: lower host). */
export function assignHosts(weights: Float64Array, hosts: number): number[][] {
  const order = Array.from(weights.keys()).sort((a, b) => weights[b] - weights[a] || a - b);
  const load = new Float64Array(hosts);
  const hosted: number[][] = Array.from({ length: hosts }, () => []);
  for (const p of order) {
    let h = 0;
    for (let i = 1; i < hosts; i++) if (load[i] < load[h]) h = i;
    hosted[h].push(p);
    load[h] += weights[p];
  }
  for (const list of hosted) list.sort((a, b) => a - b);
  return hosted;
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
