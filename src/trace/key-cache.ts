/**
 * Interns function keys by their bytes: a row whose key bytes were seen before
 * gets the same string back, with no string made. A trace has far fewer
 * functions than rows, so nearly every row hits, and the engine's lookups by
 * key then hash one string once. Bytes are compared four at a time through
 * DataViews (a byte loop cost more than the rest of a row). The table is
 * bounded: at its bound it empties and starts again.
 */

const MAX_SLOTS = 1 << 20;

export class KeyCache {
  private slots: number;
  private hashes: Int32Array;
  /** Where each slot's key bytes are in the arena, and how many; length 0 marks an empty slot. */
  private offsets: Int32Array;
  private lengths: Int32Array;
  private keys: string[];
  private arena: Uint8Array;
  private arenaView: DataView;
  private arenaUsed = 0;
  private used = 0;
  private missSlot = -1;
  private missHash = 0;

  constructor(initialSlots = 1 << 12) {
    this.slots = initialSlots;
    this.hashes = new Int32Array(initialSlots);
    this.offsets = new Int32Array(initialSlots);
    this.lengths = new Int32Array(initialSlots);
    this.keys = new Array<string>(initialSlots).fill("");
    this.arena = new Uint8Array(initialSlots * 32);
    this.arenaView = new DataView(this.arena.buffer);
  }

  /**
   * The key interned for the bytes view[start, end) (start < end), or
   * undefined; after undefined, call add() with the key for the same bytes.
   */
  get(view: DataView, start: number, end: number): string | undefined {
    const hash = sampleHash(view, start, end);
    const mask = this.slots - 1;
    const length = end - start;
    let slot = hash & mask;
    for (;;) {
      const stored = this.lengths[slot];
      if (stored === 0) {
        this.missSlot = slot;
        this.missHash = hash;
        return undefined;
      }
      if (
        stored === length &&
        this.hashes[slot] === hash &&
        sameBytes(this.arenaView, this.offsets[slot], view, start, end)
      ) {
        return this.keys[slot];
      }
      slot = (slot + 1) & mask;
    }
  }

  /** Interns `key` for the bytes of the get() that just missed. */
  add(view: DataView, start: number, end: number, key: string): void {
    const length = end - start;
    if (this.used * 2 >= this.slots || this.arenaUsed + length > this.arena.length) {
      this.grow(length);
      this.get(view, start, end);
    }
    const slot = this.missSlot;
    const bytes = new Uint8Array(view.buffer, view.byteOffset + start, length);
    this.arena.set(bytes, this.arenaUsed);
    this.hashes[slot] = this.missHash;
    this.offsets[slot] = this.arenaUsed;
    this.lengths[slot] = length;
    this.keys[slot] = key;
    this.arenaUsed += length;
    this.used++;
  }

  /** Doubles the table and arena, or empties them at the bound (keys are then made again). */
  private grow(need: number): void {
    const old = { offsets: this.offsets, lengths: this.lengths, keys: this.keys, arena: this.arena };
    const keep = this.slots < MAX_SLOTS;
    if (keep) this.slots *= 2;
    this.hashes = new Int32Array(this.slots);
    this.offsets = new Int32Array(this.slots);
    this.lengths = new Int32Array(this.slots);
    this.keys = new Array<string>(this.slots).fill("");
    this.arena = new Uint8Array(Math.max(this.slots * 32, ((keep ? this.arenaUsed : 0) + need) * 2));
    this.arenaView = new DataView(this.arena.buffer);
    this.arenaUsed = 0;
    this.used = 0;
    if (!keep) return;
    const oldView = new DataView(old.arena.buffer);
    for (let i = 0; i < old.lengths.length; i++) {
      const length = old.lengths[i];
      if (length === 0) continue;
      this.get(oldView, old.offsets[i], old.offsets[i] + length);
      this.add(oldView, old.offsets[i], old.offsets[i] + length, old.keys[i]);
    }
  }
}

/**
 * A hash of the length and of up to 16 bytes at each end: trace keys are
 * random hex (any bytes will do) or names that differ at their ends
 * ("fn-0041"); keys alike at both ends only cost a longer probe.
 */
function sampleHash(view: DataView, start: number, end: number): number {
  let h = Math.imul(end - start, 0x9e3779b1);
  if (end - start >= 16) {
    h = Math.imul(h ^ view.getInt32(start, true), 0x01000193);
    h = Math.imul(h ^ view.getInt32(start + 4, true), 0x01000193);
    h = Math.imul(h ^ view.getInt32(end - 8, true), 0x01000193);
    h = Math.imul(h ^ view.getInt32(end - 4, true), 0x01000193);
  } else {
    for (let i = start; i < end; i++) h = Math.imul(h ^ view.getUint8(i), 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  return (h ^ (h >>> 13)) | 0;
}

/** The arena's bytes at `at` equal view[start, end), compared four bytes at a time. */
function sameBytes(arena: DataView, at: number, view: DataView, start: number, end: number): boolean {
  let i = at;
  let j = start;
  for (; j + 4 <= end; i += 4, j += 4) {
    if (arena.getInt32(i, true) !== view.getInt32(j, true)) return false;
  }
  for (; j < end; i++, j++) {
    if (arena.getUint8(i) !== view.getUint8(j)) return false;
  }
  return true;
}
