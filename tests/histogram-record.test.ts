/**
 * histogram.ts recordValue finds a value's bucket with integer arithmetic
 * instead of the library's Math.log2 and Math.pow (the hot path records one
 * value per invocation). It must leave the histogram exactly as the
 * library's own recordValue does: the same counts in the same buckets, the
 * same min, max and total, the same growth, for every value.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { encodeHistogram, newHistogram, recordValue } from "../src/model/histogram.js";

/** Both histograms, fed the same values, one by the library and one by recordValue. */
function recordBoth(values: readonly number[]) {
  const library = newHistogram();
  const fast = newHistogram();
  for (const v of values) {
    library.recordValue(v);
    recordValue(fast, v);
  }
  return { library, fast };
}

function expectSame(values: readonly number[]): void {
  const { library, fast } = recordBoth(values);
  expect(fast.totalCount).toBe(library.totalCount);
  expect(fast.minNonZeroValue).toBe(library.minNonZeroValue);
  expect(fast.maxValue).toBe(library.maxValue);
  expect(fast.highestTrackableValue).toBe(library.highestTrackableValue);
  expect(encodeHistogram(fast)).toBe(encodeHistogram(library));
}

describe("recordValue (integer bucket arithmetic)", () => {
  it("records every power of two and its neighbours as the library does", () => {
    const values = [0, 1, 2, 3];
    for (let k = 2; k <= 40; k++) values.push(2 ** k - 1, 2 ** k, 2 ** k + 1);
    expectSame(values);
  });

  it("records the values of one run's range (0 to 10 minutes in µs) as the library does", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 600_000_000 }), { maxLength: 200 }), (values) =>
        expectSame(values),
      ),
    );
  });

  it("hands fractions, values from 2^31 and huge ones to the library (the same result)", () => {
    expectSame([0.5, 1.5, 2_147_483_647, 2_147_483_648, 3e9, 2 ** 45 + 3, 12.25, 7]);
  });

  it("grows the histogram as the library does when a value is past its size", () => {
    // A new histogram tracks up to 2: every larger value first grows it.
    expectSame([5, 1000, 3, 1_000_000, 40_000_000, 17]);
  });
});
