/**
 * Where each function lives: its logical partition (a stable hash of its
 * name) and its index inside that partition. Every thread computes the same
 * placement from the plan alone.
 */
import { partitionOf } from "../engine/hash.js";
import type { Plan } from "./plan.js";

export interface Placement {
  partitions: number;
  /** Partition of each function, by global index. */
  partitionOf: Int32Array;
  /** Index of each function inside its partition. */
  localOf: Int32Array;
  /** Global indices of each partition's functions, in ascending order. */
  members: Int32Array[];
}

export function placeFunctions(plan: Plan, partitions: number): Placement {
  const names = plan.functions.names;
  const n = names.length;
  const partOf = new Int32Array(n);
  const localOf = new Int32Array(n);
  const counts = new Int32Array(partitions);
  for (let g = 0; g < n; g++) {
    const p = partitionOf(names[g], partitions);
    partOf[g] = p;
    localOf[g] = counts[p]++;
  }
  const members = Array.from(counts, (c) => new Int32Array(c));
  for (let g = 0; g < n; g++) members[partOf[g]][localOf[g]] = g;
  return { partitions, partitionOf: partOf, localOf, members };
}
