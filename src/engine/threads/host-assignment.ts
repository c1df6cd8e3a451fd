/**
 * Which worker hosts which logical partitions. Hosting never changes a
 * result, only the speed: a round lasts as long as its busiest host. So
 * partitions are weighed by the work the model expects of them
 * (model/workload-rates.ts) and handed out heaviest first to the least
 * loaded host.
 */

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
