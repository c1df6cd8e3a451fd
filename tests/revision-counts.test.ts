import { describe, expect, it } from "vitest";
import { RevisionCounts } from "../src/model/revision-counts.js";

describe("invocations counted by revision (R7)", () => {
  it("counts each revision, lists those that ran in ascending order, and grows past its first size", () => {
    const counts = new RevisionCounts();
    counts.add(3);
    counts.add(1);
    counts.add(3);
    counts.add(40_000, 5); // far past the initial size
    expect([...counts]).toEqual([
      [1, 1],
      [3, 2],
      [40_000, 5],
    ]);
    expect(counts.get(3)).toBe(2);
    expect(counts.get(2)).toBe(0);
    expect(counts.get(70_000)).toBe(0);
    expect(counts.size).toBe(3);
  });
});
