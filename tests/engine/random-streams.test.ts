import { describe, expect, it } from "vitest";
import { partitionOf } from "../../src/engine/hash.js";
import { RandomStreams } from "../../src/engine/random-streams.js";

const draws = (r: RandomStreams, e: number, n: number) => Array.from({ length: n }, () => r.next(e));

describe("RandomStreams", () => {
  it("gives an entity the same draws whatever other entities exist (common random numbers)", () => {
    const a = new RandomStreams(42, ["fn-a", "fn-b", "fn-c"]);
    const b = new RandomStreams(42, ["fn-x", "fn-b"]);
    expect(draws(a, 1, 50)).toEqual(draws(b, 1, 50));
  });

  it("differs between seeds and between keys", () => {
    const a = new RandomStreams(1, ["k"]);
    const b = new RandomStreams(2, ["k"]);
    const c = new RandomStreams(1, ["k2"]);
    const da = draws(a, 0, 10);
    expect(da).not.toEqual(draws(b, 0, 10));
    expect(da).not.toEqual(draws(c, 0, 10));
  });

  it("is uniform on [0, 1): mean and variance within 4 standard errors over 200k draws", () => {
    const r = new RandomStreams(9, ["u"]);
    const n = 200_000;
    let sum = 0;
    let sumSq = 0;
    for (let i = 0; i < n; i++) {
      const u = r.next(0);
      if (u < 0 || u >= 1) throw new Error(`draw ${u} outside [0, 1)`);
      sum += u;
      sumSq += u * u;
    }
    const mean = sum / n;
    const variance = sumSq / n - mean * mean;
    // Var(U) = 1/12; the standard error of the mean is sqrt(1/12/n).
    expect(Math.abs(mean - 0.5)).toBeLessThan(4 * Math.sqrt(1 / 12 / n));
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(0.002);
  });

  it("places names in partitions stably and spreads them", () => {
    expect(partitionOf("api-17", 8)).toBe(partitionOf("api-17", 8));
    const counts = new Array(8).fill(0);
    for (let i = 0; i < 8000; i++) counts[partitionOf(`fn-${i}`, 8)]++;
    for (const c of counts) expect(c).toBeGreaterThan(800);
  });
});
