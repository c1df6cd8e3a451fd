/**
 * The argument of src/model/grants.ts, checked directly: partitions that each
 * take only from their own sub-bucket (a share of the account bucket's
 * tokens, burst and rate) never bring the account bucket below half of what
 * it held at the epoch start, however their takes interleave.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { epochGrant } from "../src/model/grants.js";

describe("epoch grants", () => {
  it("share out half of the free pool and of the bucket, evenly, and nothing when a share is under one", () => {
    expect(epochGrant(800, { tokens: 10_000, burst: 10_000, ratePerSec: 10_000 }, 8)).toEqual({
      concurrency: 50,
      tokens: 625,
      burst: 625,
      ratePerSec: 625,
    });
    expect(epochGrant(15, { tokens: 10_000, burst: 10_000, ratePerSec: 10_000 }, 8).concurrency).toBe(0);
    expect(epochGrant(800, { tokens: 10, burst: 10_000, ratePerSec: 10_000 }, 8).tokens).toBe(0);
  });

  it("sub-buckets keep the account bucket at or above half its starting level, however takes interleave", () => {
    const partitions = 4;
    const takes = fc.array(
      fc.record({
        gapUs: fc.integer({ min: 0, max: 5_000 }),
        partition: fc.integer({ min: 0, max: partitions - 1 }),
      }),
      { minLength: 1, maxLength: 400 },
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 8, max: 200 }),
        fc.integer({ min: 1, max: 2_000 }),
        fc.double({ min: 0.1, max: 1, noNaN: true }),
        takes,
        (burst, ratePerSec, fill, seq) => {
          const x0 = burst * fill;
          const g = epochGrant(1_000, { tokens: x0, burst, ratePerSec }, partitions);
          if (g.tokens === 0) return;
          const sub = new Float64Array(partitions).fill(g.tokens);
          const subAtUs = new Float64Array(partitions);
          let account = x0;
          let accountAtUs = 0;
          let t = 0;
          for (const s of seq) {
            t += s.gapUs;
            const p = s.partition;
            // The partition's sub-bucket, refilled to t: it takes only with a whole token.
            sub[p] = Math.min(g.burst, sub[p] + (t - subAtUs[p]) * (g.ratePerSec / 1e6));
            subAtUs[p] = t;
            if (sub[p] < 1) continue;
            sub[p] -= 1;
            // The account bucket takes the same token.
            account = Math.min(burst, account + (t - accountAtUs) * (ratePerSec / 1e6));
            accountAtUs = t;
            account -= 1;
            expect(account).toBeGreaterThanOrEqual(x0 / 2 - 1e-9);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
