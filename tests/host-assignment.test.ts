import { describe, expect, it } from "vitest";
import { assignHosts } from "../src/engine/threads/host-assignment.js";
import { partitionWeights } from "../src/model/workload-rates.js";
import { PlanBuilder } from "./helpers/plan-builder.js";

describe("hosting partitions on workers", () => {
  it("hands every partition to exactly one host, heaviest first to the least loaded", () => {
    const hosted = assignHosts(Float64Array.from([1, 1.1, 1.24, 1.48, 1.5, 2.19, 1.27, 1.01]), 2);
    expect([...hosted[0], ...hosted[1]].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(hosted).toEqual([
      [0, 1, 5, 6],
      [2, 3, 4, 7],
    ]);
  });

  it("weighs partitions by the invocations the plan sends their functions", () => {
    const b = new PlanBuilder(100).template("fn", { count: 4, existing: true });
    b.stream(["fn-0"], 10, 0, 100); // 1,000 invocations
    b.stream(["fn-1", "fn-2"], 4, 50, 100); // 200, shared evenly
    const w = partitionWeights(b.build(), Int32Array.from([0, 1, 1, 0]), 2);
    expect(Array.from(w)).toEqual([2 + 1000, 2 + 200]);
  });
});
