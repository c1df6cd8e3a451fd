import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatDurationUs, parseDurationUs, parseRatePerSec } from "../src/scenario/units.js";

describe("parseDurationUs", () => {
  it.each([
    ["0", 0],
    ["0s", 0],
    ["250us", 250],
    ["250µs", 250],
    ["15ms", 15_000],
    ["1.5s", 1_500_000],
    ["90s", 90_000_000],
    ["2m", 120_000_000],
    ["1m30s", 90_000_000],
    ["1h", 3_600_000_000],
    ["14d", 1_209_600_000_000],
    ["1w", 604_800_000_000],
    ["0.1s", 100_000],
    ["1.0005ms", 1_001],
  ])("%s is %d us", (text, us) => {
    expect(parseDurationUs(text)).toBe(us);
  });

  it.each(["", "10", "10 minutes", "5 s", "-1s", "1.s", ".5s", "1y", "1ms 2s", "s"])("rejects %j", (text) => {
    expect(() => parseDurationUs(text)).toThrow(`invalid duration "${text}": expected a number with a unit`);
  });
});

describe("parseRatePerSec", () => {
  it.each([
    ["50/s", 50],
    ["3000/min", 50],
    ["3000/m", 50],
    ["10/h", 10 / 3600],
    ["2/d", 2 / 86400],
    ["0/s", 0],
    ["0.5/s", 0.5],
  ])("%s is %d per second", (text, rate) => {
    expect(parseRatePerSec(text)).toBeCloseTo(rate, 12);
  });

  it.each(["50", "50 per second", "50/sec", "/s", "-1/s", "50/ s"])("rejects %j", (text) => {
    expect(() => parseRatePerSec(text)).toThrow(`invalid rate "${text}": expected a number per time unit`);
  });
});

describe("formatDurationUs", () => {
  it.each([
    [0, "0s"],
    [250, "250us"],
    [1_500, "1.5ms"],
    [250_000, "250ms"],
    [999_999, "999.999ms"],
    [1_000_000, "1s"],
    [1_500_000, "1.5s"],
    [90_000_000, "1m30s"],
    [3_600_000_000, "1h"],
    [3_661_000_000, "1h1m1s"],
    [1_209_600_000_000, "14d"],
    [86_400_000_000 + 250_000, "1d0.25s"],
    [-90_000_000, "-1m30s"],
  ])("%d us is %s", (us, text) => {
    expect(formatDurationUs(us)).toBe(text);
  });

  it("reads back exactly below one second", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 999_999 }), (us) => parseDurationUs(formatDurationUs(us)) === us),
    );
  });

  it("reads back exactly to the millisecond above", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1_000, max: 10_000_000_000 }), (ms) => {
        const us = ms * 1_000;
        return parseDurationUs(formatDurationUs(us)) === us;
      }),
    );
  });
});
