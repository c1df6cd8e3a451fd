import { describe, expect, it } from "vitest";
import { InvariantError } from "../../src/engine/invariant-error.js";
import { Kernel } from "../../src/engine/kernel.js";
import { LocalRunner } from "../../src/engine/local-runner.js";

/**
 * A toy model with no Lambda in it: entities ping the coordinator, which
 * counts pings in global order and answers after a fixed lookahead.
 */
function pingModel(partitions: number, entities: number, lookaheadUs: number) {
  const partOf = Int32Array.from({ length: entities }, (_, e) => e % partitions);
  const runner = new LocalRunner(partitions);
  const k = new Kernel(runner, partOf);
  const log: string[] = [];
  let order = 0;
  for (const p of runner.partitions) {
    p.attach({
      onEvent(kind, target, a) {
        if (kind === 1) {
          p.request(1, target, a, 0);
          if (a < 5) p.after(700 + target * 13, 1, target, a + 1, 0);
        } else if (kind === 2) {
          log.push(`${p.nowUs}:${target}:${a}`);
        }
      },
    });
  }
  k.coordinator.attach({
    onMessage(_kind, entity, _a, _b, seq) {
      order++;
      k.coordinator.deliver(k.coordinator.nowUs + lookaheadUs, 2, entity, order, 0, seq);
    },
    onTimer() {},
  });
  for (let e = 0; e < entities; e++) runner.partitions[partOf[e]].at(100 * (e % 3), 1, e, 0, 0);
  return { k, log };
}

describe("Kernel", () => {
  it("takes coordinator decisions in the same order whatever the number of partitions", () => {
    const run = (p: number) => {
      const { k, log } = pingModel(p, 12, 1000);
      k.runSync({ lookaheadUs: 1000, untilUs: 100_000, sampleIntervalUs: 0 });
      return log.sort();
    };
    const one = run(1);
    expect(one.length).toBe(12 * 6);
    expect(run(3)).toEqual(one);
    expect(run(12)).toEqual(one);
  });

  it("refuses a delivery that would land inside the current round (lookahead broken)", () => {
    const { k } = pingModel(2, 4, 10);
    expect(() => k.runSync({ lookaheadUs: 1000, untilUs: 10_000, sampleIntervalUs: 0 })).toThrow(
      InvariantError,
    );
  });

  it("takes samples at every sample point, after all earlier events", () => {
    const { k } = pingModel(2, 4, 1000);
    const seen: number[] = [];
    k.runSync({
      lookaheadUs: 1000,
      untilUs: 20_000,
      sampleIntervalUs: 2500,
      onSample: (t) => {
        seen.push(t);
      },
    });
    expect(seen).toEqual([0, 2500, 5000, 7500, 10000, 12500, 15000, 17500, 20000]);
  });
});
