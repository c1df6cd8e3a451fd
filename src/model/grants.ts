/**
 * How much of the unreserved pool a partition may admit from on its own in
 * an epoch, without asking the coordinator (the escrow of docs/parallel.md).
 *
 * Why a local admission is exact: with `free` concurrency and `tokens`
 * request-rate tokens left at the epoch start, if partitions' net local
 * admissions (admissions less releases) and gross local takes stay within
 * shares that add up to less than what was free, the account's in-flight
 * count stays below the pool and the bucket above one token, whatever the
 * other partitions do meanwhile: the coordinator would have admitted each of
 * them. Only half is shared out; the rest is a reserve for the admissions
 * the coordinator decides itself when a partition has spent its share.
 * The coordinator still checks every granted admission in global order; if
 * the reserve ever ran out and one did not hold, the run is repeated without
 * grants (GrantConflict).
 */
export interface EpochGrant {
  /** Net admissions from the unreserved pool each partition may make alone. */
  concurrency: number;
  /** Takes from the account's invocation request-rate bucket each partition may make alone. */
  invokeTokens: number;
}

/** The same share for every partition: half of what is free, split evenly; nothing when that is under one. */
export function epochGrant(freeConcurrency: number, invokeTokens: number, partitions: number): EpochGrant {
  const concurrency = Math.floor(freeConcurrency / (2 * partitions));
  const tokens = Math.floor(Math.floor(invokeTokens) / (2 * partitions));
  if (concurrency < 1 || tokens < 1) return { concurrency: 0, invokeTokens: 0 };
  return { concurrency, invokeTokens: tokens };
}
