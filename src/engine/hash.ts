/**
 * Stable string hashes. They must never change between releases: partition
 * placement and every random stream are derived from them, so a change would
 * change every result.
 */

/** 32-bit FNV-1a over the UTF-16 code units of `s`. */
export function fnv1a32(s: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** SplitMix32 finaliser: spreads the bits of a 32-bit value. */
export function mix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** Logical partition of an entity name: a stable hash, independent of everything else in the run. */
export function partitionOf(name: string, partitions: number): number {
  return mix32(fnv1a32(name)) % partitions;
}
