/**
 * A decision a partition took locally under its grant turned out not to be
 * the one the coordinator takes in global order (another partition's request,
 * decided later, used what the grants had counted on). The run cannot be
 * repaired from here; it is repeated from the start with grants off, which
 * gives the exact result.
 */
export class GrantConflict extends Error {
  override name = "GrantConflict";
  constructor(
    readonly simTimeUs: number,
    detail: string,
  ) {
    super(`a granted decision at ${simTimeUs}us does not hold in global order: ${detail}`);
  }
}
