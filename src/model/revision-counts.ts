/**
 * Invocations counted by the revision they ran (R7). Revisions are small
 * integers (under 65,536, packed with each invocation), so a counter per
 * revision in a typed array that grows on demand replaces a Map on the hot
 * path: one indexed add per ended invocation.
 */
export class RevisionCounts {
  private counts = new Float64Array(16);

  add(revision: number, n = 1): void {
    if (revision >= this.counts.length) this.grow(revision);
    this.counts[revision] += n;
  }

  /** Invocations that ran `revision` (0 when none did). */
  get(revision: number): number {
    return revision < this.counts.length ? this.counts[revision] : 0;
  }

  /** How many revisions ran at least one invocation. */
  get size(): number {
    let n = 0;
    for (const c of this.counts) if (c > 0) n++;
    return n;
  }

  /** [revision, count] for every revision that ran, in ascending revision order. */
  *entries(): IterableIterator<[number, number]> {
    const counts = this.counts;
    for (let r = 0; r < counts.length; r++) if (counts[r] > 0) yield [r, counts[r]];
  }

  [Symbol.iterator](): IterableIterator<[number, number]> {
    return this.entries();
  }

  private grow(revision: number): void {
    let size = this.counts.length;
    while (size <= revision) size *= 2;
    const bigger = new Float64Array(size);
    bigger.set(this.counts);
    this.counts = bigger;
  }
}
