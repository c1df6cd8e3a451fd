import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Coordinator } from "../../src/engine/coordinator.js";
import { MessageBuffer } from "../../src/engine/message-buffer.js";
import { RoundDecision } from "../../src/engine/round-decision.js";

/** Runs of messages as partitions send them (each run in time order), with many equal times. */
const runsArb = fc.array(
  fc.array(fc.record({ dt: fc.integer({ min: 0, max: 3 }), entity: fc.integer({ min: 0, max: 5 }) }), {
    maxLength: 30,
  }),
  { maxLength: 40 },
);

function decided(runs: { dt: number; entity: number }[][], untilUs: number) {
  const c = new Coordinator([new MessageBuffer()], new Int32Array(6));
  const seen: number[] = [];
  c.attach({ onMessage: (_k, _e, a) => seen.push(a), onTimer: () => {} });
  const d = new RoundDecision(c);
  const all: { t: number; e: number; id: number }[] = [];
  for (const run of runs) {
    let t = 0;
    for (const m of run) {
      t += m.dt;
      const id = all.length;
      all.push({ t, e: m.entity, id });
      d.merged.push(t, m.entity, 1, id, 0, 0);
    }
  }
  const count = d.decide(untilUs);
  const expected = all
    .filter((m) => m.t < untilUs)
    .sort((x, y) => x.t - y.t || x.e - y.e || x.id - y.id)
    .map((m) => m.id);
  const kept = Array.from(d.merged.a.subarray(0, d.merged.length));
  return { seen, expected, count, kept, later: all.filter((m) => m.t >= untilUs).map((m) => m.id) };
}

describe("RoundDecision", () => {
  it("decides messages before the safe time in (time, entity, send order), however many runs, and keeps the rest in order", () => {
    fc.assert(
      fc.property(runsArb, fc.integer({ min: 0, max: 60 }), (runs, untilUs) => {
        const r = decided(runs, untilUs);
        expect(r.seen).toEqual(r.expected);
        expect(r.count).toBe(r.expected.length);
        expect(r.kept).toEqual(r.later);
      }),
      { numRuns: 300 },
    );
  });
});
