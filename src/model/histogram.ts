/**
 * The HDR histograms of a run, from the parts of hdr-histogram-js a run uses.
 * The package's index loads its WebAssembly build, pako and the log writer,
 * about 50 ms at every start; a run needs the plain 32-bit histogram, and the
 * compressed encoding only when histograms cross threads or go into a report,
 * so the encoding loads on first use.
 */
import { createRequire } from "node:module";
import type * as hdr from "hdr-histogram-js";

export type Histogram = hdr.Histogram;
type Encoding = typeof import("hdr-histogram-js/dist/encoding.js");
type Int32Module = typeof import("hdr-histogram-js/dist/Int32Histogram.js");

// Required, not imported: the same CommonJS exports under Node and under vitest.
const require = createRequire(import.meta.url);
const Int32Histogram = (require("hdr-histogram-js/dist/Int32Histogram.js") as Int32Module).default;
let encoding: Encoding | undefined;

/** A histogram of microseconds at 3 significant digits that grows to fit (hdr.build's defaults). */
export function newHistogram(highestTrackableValue = 2): Histogram {
  const h = new Int32Histogram(1, highestTrackableValue, 3);
  h.autoResize = true;
  return h;
}

/**
 * Records a value exactly as the histogram's recordValue does, in a quarter
 * of the time for the whole microseconds a run records (one per
 * invocation, on the hot path). The library finds the bucket with Math.log2
 * and Math.pow per value; for a whole number below 2^31 its
 * floor(log2(value)) is 31 - clz32(value) and its division by a power of two
 * a shift, so the same bucket comes from integer arithmetic. Any other value,
 * and one past the histogram's size (which then grows), goes to recordValue.
 */
export function recordValue(histogram: Histogram, value: number): void {
  const h = histogram as unknown as hdr.JsHistogram;
  if (!((value | 0) === value && value >= 0)) return h.recordValue(value);
  const unit = h.unitMagnitude;
  const bucket = Math.max(31 - Math.clz32(value) - h.subBucketHalfCountMagnitude - unit, 0);
  const index =
    ((bucket + 1) << h.subBucketHalfCountMagnitude) + (value >>> (bucket + unit)) - h.subBucketHalfCount;
  if (index >= h.countsArrayLength) return h.recordValue(value);
  h.incrementCountAtIndex(index);
  h.updateMinAndMax(value);
  h.incrementTotalCount();
}

/** The histogram in HdrHistogram's compressed base64 form (V2 encoding, deflated). */
export function encodeHistogram(h: Histogram): string {
  encoding ??= require("hdr-histogram-js/dist/encoding.js") as Encoding;
  return encoding.encodeIntoCompressedBase64(h);
}

export function decodeHistogram(encoded: string): Histogram {
  encoding ??= require("hdr-histogram-js/dist/encoding.js") as Encoding;
  return encoding.decodeFromCompressedBase64(encoded, 32, false);
}

/**
 * The histogram's mean, the same number hdr-histogram-js's `mean` gives (each
 * recorded bucket's median-equivalent value times its count, summed in index
 * order), read straight from the counts: the library walks an iterator that
 * builds an object per bucket, which cost a small run's report tens of ms.
 */
export function histogramMean(histogram: Histogram): number {
  const h = histogram as unknown as hdr.JsHistogram;
  if (h.totalCount === 0) return 0;
  let total = 0;
  for (let i = 0; i < h.countsArrayLength; i++) {
    const count = h.getCountAtIndex(i);
    if (count !== 0) total += h.medianEquivalentValue(h.highestEquivalentValue(h.valueFromIndex(i))) * count;
  }
  return total / h.totalCount;
}
