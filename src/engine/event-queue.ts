/**
 * A binary min-heap of timed events on parallel typed arrays (the flatqueue
 * layout): no object per event and no allocation per push once the arrays
 * have grown to the run's high-water mark.
 *
 * Order is (timeUs, seq): seq is a monotonic counter, so events at the same
 * instant pop in the order they were pushed and a run is reproducible. A
 * seq can also be reserved now and used by a later push (an answer that
 * comes back later takes its place in the order at the moment it was asked
 * for, however the answer travels).
 * An event carries a kind, a target entity and two numeric arguments; the
 * heap moves only (time, seq, slot) and leaves the payload in its slot.
 */
export class EventQueue {
  private heapTimeUs: Float64Array;
  private heapSeq: Float64Array;
  private heapSlot: Int32Array;
  private slotKind: Int32Array;
  private slotTarget: Int32Array;
  private slotA: Float64Array;
  private slotB: Float64Array;
  private freeSlots: Int32Array;
  private freeCount = 0;
  private nextSlot = 0;
  private nextSeq = 0;
  length = 0;

  /** Fields of the event last returned by pop(); read them before the next pop. */
  timeUs = 0;
  kind = 0;
  target = 0;
  a = 0;
  b = 0;

  constructor(initialCapacity = 1024) {
    const n = Math.max(16, initialCapacity);
    this.heapTimeUs = new Float64Array(n);
    this.heapSeq = new Float64Array(n);
    this.heapSlot = new Int32Array(n);
    this.slotKind = new Int32Array(n);
    this.slotTarget = new Int32Array(n);
    this.slotA = new Float64Array(n);
    this.slotB = new Float64Array(n);
    this.freeSlots = new Int32Array(n);
  }

  /** Number of events pushed so far; also the seq the next push gets. */
  get pushed(): number {
    return this.nextSeq;
  }

  push(timeUs: number, kind: number, target: number, a: number, b: number): number {
    const seq = this.nextSeq++;
    this.pushAt(timeUs, seq, kind, target, a, b);
    return seq;
  }

  /** Takes the next seq without pushing: a later pushAt with it sorts as if pushed now. */
  reserveSeq(): number {
    return this.nextSeq++;
  }

  /**
   * Takes the next `count` seqs without pushing: later pushAt calls with them
   * sort, at equal times, after everything pushed before and before
   * everything pushed after (a live run's calls, added as they come).
   */
  reserveSeqs(count: number): number {
    const first = this.nextSeq;
    this.nextSeq += count;
    return first;
  }

  /** Pushes with a seq from reserveSeq() or reserveSeqs(). */
  pushAt(timeUs: number, seq: number, kind: number, target: number, a: number, b: number): void {
    if (this.length === this.heapTimeUs.length) this.grow();
    const slot = this.freeCount > 0 ? this.freeSlots[--this.freeCount] : this.nextSlot++;
    this.slotKind[slot] = kind;
    this.slotTarget[slot] = target;
    this.slotA[slot] = a;
    this.slotB[slot] = b;

    // Sift up: move parents down until the new key fits.
    let i = this.length++;
    const ht = this.heapTimeUs;
    const hs = this.heapSeq;
    const hl = this.heapSlot;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = ht[p];
      if (pt < timeUs || (pt === timeUs && hs[p] < seq)) break;
      ht[i] = pt;
      hs[i] = hs[p];
      hl[i] = hl[p];
      i = p;
    }
    ht[i] = timeUs;
    hs[i] = seq;
    hl[i] = slot;
  }

  /** Time of the earliest event, or +Infinity when empty. */
  peekTimeUs(): number {
    return this.length > 0 ? this.heapTimeUs[0] : Number.POSITIVE_INFINITY;
  }

  /** Removes the earliest event into this.timeUs/kind/target/a/b. Returns false when empty. */
  pop(): boolean {
    if (this.length === 0) return false;
    const ht = this.heapTimeUs;
    const hs = this.heapSeq;
    const hl = this.heapSlot;
    const slot = hl[0];
    this.timeUs = ht[0];
    this.kind = this.slotKind[slot];
    this.target = this.slotTarget[slot];
    this.a = this.slotA[slot];
    this.b = this.slotB[slot];
    this.freeSlots[this.freeCount++] = slot;

    const n = --this.length;
    if (n > 0) {
      // Sift the last entry down from the root.
      const t = ht[n];
      const s = hs[n];
      const l = hl[n];
      let i = 0;
      const half = n >> 1;
      while (i < half) {
        let c = 2 * i + 1;
        let ct = ht[c];
        let cs = hs[c];
        const r = c + 1;
        if (r < n) {
          const rt = ht[r];
          if (rt < ct || (rt === ct && hs[r] < cs)) {
            c = r;
            ct = rt;
            cs = hs[r];
          }
        }
        if (t < ct || (t === ct && s < cs)) break;
        ht[i] = ct;
        hs[i] = cs;
        hl[i] = hl[c];
        i = c;
      }
      ht[i] = t;
      hs[i] = s;
      hl[i] = l;
    }
    return true;
  }

  clear(): void {
    this.length = 0;
    this.freeCount = 0;
    this.nextSlot = 0;
  }

  private grow(): void {
    const n = this.heapTimeUs.length * 2;
    this.heapTimeUs = growF64(this.heapTimeUs, n);
    this.heapSeq = growF64(this.heapSeq, n);
    this.heapSlot = growI32(this.heapSlot, n);
    this.slotKind = growI32(this.slotKind, n);
    this.slotTarget = growI32(this.slotTarget, n);
    this.slotA = growF64(this.slotA, n);
    this.slotB = growF64(this.slotB, n);
    this.freeSlots = growI32(this.freeSlots, n);
  }
}

function growF64(a: Float64Array, n: number): Float64Array {
  const b = new Float64Array(n);
  b.set(a);
  return b;
}

function growI32(a: Int32Array, n: number): Int32Array {
  const b = new Int32Array(n);
  b.set(a);
  return b;
}
