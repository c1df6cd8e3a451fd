/**
 * A growable columnar list of timestamped messages between partitions and
 * the coordinator. Columns are typed arrays so a buffer can later be copied
 * into shared memory or posted to a worker without per-message objects.
 */
/** The columns of a list of messages: a MessageBuffer's, or a shared block's. */
export interface MessageColumns {
  readonly timeUs: Float64Array;
  readonly entity: Int32Array;
  readonly kind: Int32Array;
  readonly a: Float64Array;
  readonly b: Float64Array;
  readonly seq: Float64Array;
}

export class MessageBuffer implements MessageColumns {
  timeUs: Float64Array;
  entity: Int32Array;
  kind: Int32Array;
  a: Float64Array;
  b: Float64Array;
  /** The sender's queue seq reserved for the answer (requests), carried back on the delivery; else 0. */
  seq: Float64Array;
  length = 0;

  constructor(capacity = 256) {
    this.timeUs = new Float64Array(capacity);
    this.entity = new Int32Array(capacity);
    this.kind = new Int32Array(capacity);
    this.a = new Float64Array(capacity);
    this.b = new Float64Array(capacity);
    this.seq = new Float64Array(capacity);
  }

  push(timeUs: number, entity: number, kind: number, a: number, b: number, seq: number): void {
    if (this.length === this.timeUs.length) this.grow();
    const i = this.length++;
    this.timeUs[i] = timeUs;
    this.entity[i] = entity;
    this.kind[i] = kind;
    this.a[i] = a;
    this.b[i] = b;
    this.seq[i] = seq;
  }

  /** Makes room for `extra` more messages. */
  reserve(extra: number): void {
    while (this.length + extra > this.timeUs.length) this.grow();
  }

  /** Appends every message of `other`. */
  append(other: MessageBuffer): void {
    this.appendColumns(other, other.length);
  }

  /** Appends the first `n` messages of `other`, column by column (a bulk copy each). */
  appendColumns(other: MessageColumns, n: number): void {
    if (n === 0) return;
    this.reserve(n);
    const at = this.length;
    this.timeUs.set(other.timeUs.subarray(0, n), at);
    this.entity.set(other.entity.subarray(0, n), at);
    this.kind.set(other.kind.subarray(0, n), at);
    this.a.set(other.a.subarray(0, n), at);
    this.b.set(other.b.subarray(0, n), at);
    this.seq.set(other.seq.subarray(0, n), at);
    this.length = at + n;
  }

  /** Keeps only the messages at or after `fromUs`, in their order. */
  retainFrom(fromUs: number): void {
    let n = 0;
    for (let i = 0; i < this.length; i++) {
      if (this.timeUs[i] < fromUs) continue;
      if (n !== i) {
        this.timeUs[n] = this.timeUs[i];
        this.entity[n] = this.entity[i];
        this.kind[n] = this.kind[i];
        this.a[n] = this.a[i];
        this.b[n] = this.b[i];
        this.seq[n] = this.seq[i];
      }
      n++;
    }
    this.length = n;
  }

  clear(): void {
    this.length = 0;
  }

  private grow(): void {
    const n = this.timeUs.length * 2;
    const t = new Float64Array(n);
    t.set(this.timeUs);
    this.timeUs = t;
    const e = new Int32Array(n);
    e.set(this.entity);
    this.entity = e;
    const k = new Int32Array(n);
    k.set(this.kind);
    this.kind = k;
    const a = new Float64Array(n);
    a.set(this.a);
    this.a = a;
    const b = new Float64Array(n);
    b.set(this.b);
    this.b = b;
    const seq = new Float64Array(n);
    seq.set(this.seq);
    this.seq = seq;
  }
}
