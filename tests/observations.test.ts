/**
 * Observations' counters are listed once (COUNTER_ARRAYS, COUNTER_SCALARS):
 * merging partitions, the result a worker thread hands back and the sample
 * vector all read those lists, so a counter missing from them would be lost
 * on every run with more than one partition.
 */
import { describe, expect, it } from "vitest";
import {
  COUNTER_ARRAY_NAMES,
  COUNTER_ARRAYS,
  COUNTER_SCALAR_NAMES,
  Observations,
} from "../src/model/observations.js";
import { deserializeObservations, serializeObservations } from "../src/model/partition-result.js";

const dims = { templates: 3, qualifierSlots: 4, fileSystems: 2, callers: 5 };
const make = () => new Observations(dims.templates, dims.fileSystems, dims.callers, dims.qualifierSlots);

/** Gives every counter a distinct value from `seed`. */
function fill(o: Observations, seed: number): void {
  let v = seed;
  for (const name of COUNTER_ARRAY_NAMES) o[name].forEach((_, i, a) => (a[i] = v++));
  for (const name of COUNTER_SCALAR_NAMES) o[name] = v++;
}

describe("Observations' counters", () => {
  it("every numeric field and counter array is in the counter lists", () => {
    const o = make();
    const notCounters = new Set(["templates", "qualifierSlots"]);
    const fields = Object.entries(o).filter(
      ([k, v]) => !notCounters.has(k) && (typeof v === "number" || v instanceof Float64Array),
    );
    const listed = new Set<string>([...COUNTER_ARRAY_NAMES, ...COUNTER_SCALAR_NAMES]);
    expect(fields.map(([k]) => k).filter((k) => !listed.has(k))).toEqual([]);
    expect([...listed].filter((k) => !fields.some(([f]) => f === k))).toEqual([]);
  });

  it("are sized by the lists' lengths for the plan's dimensions", () => {
    const o = make();
    for (const name of COUNTER_ARRAY_NAMES)
      expect(o[name].length, name).toBe(COUNTER_ARRAYS[name].length(dims));
    expect(o.invocationsByCaller.length).toBe(5);
    expect(o.efsIoStopped.length).toBe(2);
  });

  it("merge adds every counter, and a result that crossed threads keeps every counter", () => {
    const a = make();
    const b = make();
    fill(a, 1);
    fill(b, 1000);
    const expected = make();
    fill(expected, 1);
    for (const name of COUNTER_ARRAY_NAMES) expected[name].forEach((x, i, arr) => (arr[i] = x + b[name][i]));
    for (const name of COUNTER_SCALAR_NAMES) expected[name] += b[name];
    a.merge(b);
    for (const name of COUNTER_ARRAY_NAMES)
      expect(Array.from(a[name]), name).toEqual(Array.from(expected[name]));
    for (const name of COUNTER_SCALAR_NAMES) expect(a[name], name).toBe(expected[name]);

    const back = deserializeObservations(serializeObservations(a), dims.templates);
    for (const name of COUNTER_ARRAY_NAMES) expect(Array.from(back[name]), name).toEqual(Array.from(a[name]));
    for (const name of COUNTER_SCALAR_NAMES) expect(back[name], name).toBe(a[name]);
  });
});
