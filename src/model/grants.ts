/**
 * What a partition may decide on its own in an epoch, without asking the
 * coordinator (the escrow of docs/parallel.md): admissions of invocations
 * from the account's unreserved pool.
 *
 * Why a local admission is exact. Concurrency: with `free` left in the pool
 * at the epoch start, if each partition's net local admissions (admissions
 * less releases) stay within a share, and the shares add up to less than
 * `free`, the account's in-flight count stays below the pool whatever the
 * other partitions do meanwhile. Request rate: each partition takes from a
 * sub-bucket with a share of the account bucket's tokens, burst and rate;
 * with shares adding up to half, the account bucket (tokens x0 at the start,
 * burst b, rate r) never holds fewer than min(x0, b) / 2 tokens, since in
 * any interval partitions take at most half of what the bucket holds at its
 * start plus half of its refill. So the coordinator would have admitted each
 * of them. Only half is shared out; the other half is a reserve for the
 * admissions the coordinator decides itself when a partition has spent its
 * share. The coordinator still checks every granted admission in global
 * order; if the reserve ever ran out and one did not hold, the run is
 * repeated without grants (GrantConflict).
 */
export interface EpochGrant {
  /** Net admissions from the unreserved pool each partition may make alone. */
  concurrency: number;
  /** Each partition's sub-bucket of the account's invocation request-rate bucket. */
  tokens: number;
  burst: number;
  ratePerSec: number;
}

const NONE: EpochGrant = { concurrency: 0, tokens: 0, burst: 0, ratePerSec: 0 };

/** The same share for every partition: half of what is free, split evenly; nothing when a share is under one. */
export function epochGrant(
  freeConcurrency: number,
  bucket: { tokens: number; burst: number; ratePerSec: number },
  partitions: number,
): EpochGrant {
  const split = 2 * partitions;
  const concurrency = Math.floor(freeConcurrency / split);
  const tokens = bucket.tokens / split;
  if (concurrency < 1 || tokens < 1) return NONE;
  return { concurrency, tokens, burst: bucket.burst / split, ratePerSec: bucket.ratePerSec / split };
}
