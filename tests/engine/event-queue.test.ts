import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EventQueue } from "../../src/engine/event-queue.js";

describe("EventQueue", () => {
  it("pops in (time, push order) order, like a stable sort", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 400 }), (times) => {
        const q = new EventQueue(4);
        times.forEach((t, i) => {
          q.push(t, 1, i, t * 2, -i);
        });
        const expected = times.map((t, i) => ({ t, i })).sort((a, b) => a.t - b.t || a.i - b.i);
        for (const e of expected) {
          expect(q.pop()).toBe(true);
          expect([q.timeUs, q.target, q.a, q.b]).toEqual([e.t, e.i, e.t * 2, -e.i]);
        }
        expect(q.pop()).toBe(false);
      }),
    );
  });

  it("interleaves pushes and pops correctly and reuses slots", () => {
    const q = new EventQueue(2);
    const ref: { t: number; seq: number }[] = [];
    let seq = 0;
    let x = 12345;
    for (let step = 0; step < 20000; step++) {
      x = (x * 1103515245 + 12345) % 2147483648;
      if (x % 3 !== 0 || ref.length === 0) {
        const t = x % 1000;
        q.push(t, 0, seq, 0, 0);
        ref.push({ t, seq: seq++ });
      } else {
        ref.sort((a, b) => a.t - b.t || a.seq - b.seq);
        const e = ref.shift()!;
        q.pop();
        expect([q.timeUs, q.target]).toEqual([e.t, e.seq]);
      }
    }
    expect(q.length).toBe(ref.length);
  });

  it("reports +Infinity as the next time when empty", () => {
    expect(new EventQueue().peekTimeUs()).toBe(Number.POSITIVE_INFINITY);
  });
});
