/**
 * A message list in shared memory, so a window's messages cross between the
 * coordinator's thread and a partition host's thread without being copied
 * into an object per message. Layout: an Int32 header [length], then the
 * columns of MessageBuffer (time, a, b, seq, entity, kind).
 */
import { MessageBuffer } from "../message-buffer.js";

const HEADER_BYTES = 8;
const BYTES_PER_MESSAGE = 8 + 4 + 4 + 8 + 8 + 8;

export class SharedMessages {
  readonly sab: SharedArrayBuffer;
  readonly capacity: number;
  private readonly header: Int32Array;
  readonly timeUs: Float64Array;
  readonly a: Float64Array;
  readonly b: Float64Array;
  readonly seq: Float64Array;
  readonly entity: Int32Array;
  readonly kind: Int32Array;

  constructor(capacityOrBuffer: number | SharedArrayBuffer) {
    if (typeof capacityOrBuffer === "number") {
      this.capacity = capacityOrBuffer;
      this.sab = new SharedArrayBuffer(HEADER_BYTES + capacityOrBuffer * BYTES_PER_MESSAGE);
    } else {
      this.sab = capacityOrBuffer;
      this.capacity = (capacityOrBuffer.byteLength - HEADER_BYTES) / BYTES_PER_MESSAGE;
    }
    const c = this.capacity;
    this.header = new Int32Array(this.sab, 0, 2);
    let off = HEADER_BYTES;
    this.timeUs = new Float64Array(this.sab, off, c);
    off += 8 * c;
    this.a = new Float64Array(this.sab, off, c);
    off += 8 * c;
    this.b = new Float64Array(this.sab, off, c);
    off += 8 * c;
    this.seq = new Float64Array(this.sab, off, c);
    off += 8 * c;
    this.entity = new Int32Array(this.sab, off, c);
    off += 4 * c;
    this.kind = new Int32Array(this.sab, off, c);
  }

  get length(): number {
    return this.header[0];
  }

  /** Copies `from` in; false when it does not fit (the caller makes a larger one). */
  write(from: MessageBuffer): boolean {
    const n = from.length;
    if (n > this.capacity) return false;
    this.timeUs.set(from.timeUs.subarray(0, n));
    this.entity.set(from.entity.subarray(0, n));
    this.kind.set(from.kind.subarray(0, n));
    this.a.set(from.a.subarray(0, n));
    this.b.set(from.b.subarray(0, n));
    this.seq.set(from.seq.subarray(0, n));
    this.header[0] = n;
    return true;
  }

  /** Appends every message to `into`. */
  readInto(into: MessageBuffer): void {
    into.appendColumns(this, this.header[0]);
  }

  clear(): void {
    this.header[0] = 0;
  }
}

/** Capacity to allocate for `needed` messages: at least double, so growth is rare. */
export function grownCapacity(needed: number, current: number): number {
  let c = Math.max(1024, current);
  while (c < needed) c *= 2;
  return c * 2;
}

export { MessageBuffer };
