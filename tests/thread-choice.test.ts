/**
 * --workers auto: worker threads only when the plan has parallel work for
 * them (docs/parallel.md), and the choice reported with its reason.
 */
import { describe, expect, it } from "vitest";
import { placeFunctions } from "../src/model/placement.js";
import { epochOf, prepareRun } from "../src/model/run.js";
import { chooseThreads } from "../src/model/thread-choice.js";
import { loadScenarioFile } from "../src/scenario/load.js";

const choice = (file: string, requested: number | "auto" = "auto", cores = 2, partitions = 8) => {
  const plan = loadScenarioFile(file);
  return chooseThreads(plan, placeFunctions(plan, partitions), requested, epochOf(plan, {}), cores);
};

describe("--workers auto", () => {
  it("keeps one function's run on one thread: it cannot be split", () => {
    const c = choice("bench/scenarios/one-function-1m.yaml");
    expect(c.workers).toBe(0);
    expect(c.reason).toMatch(/one partition carries 100% of the traffic/);
  });

  it("keeps a small run on one thread: threads would cost more to start than they save", () => {
    const c = choice("scenarios/quickstart.yaml");
    expect(c).toEqual({ workers: 0, reason: "15000 expected invocations: too few to pay for threads" });
  });

  it("keeps traffic that one function at a time carries on one thread (noisy-neighbor's hog)", () => {
    expect(choice("scenarios/noisy-neighbor.yaml").workers).toBe(0);
  });

  it("uses every core for a large fleet whose traffic spreads over the partitions", () => {
    // One worker per core beyond the coordinator's thread, which hosts a share too.
    const c = choice("bench/scenarios/fleet-100k-1h.yaml");
    expect(c.workers).toBe(1);
    expect(c.reason).toBe("3600000 expected invocations, 10000 per epoch");
    expect(choice("bench/scenarios/fleet-100k-1h.yaml", "auto", 4).workers).toBe(3);
    expect(choice("bench/scenarios/fleet-100k-1h.yaml", "auto", 1).workers).toBe(0);
    expect(choice("bench/scenarios/fleet-100k-1h.yaml", "auto", 16, 3).workers).toBe(2);
  });

  it("takes an explicit --workers as given, at most the partitions", () => {
    expect(choice("scenarios/quickstart.yaml", 2)).toEqual({ workers: 2, reason: "--workers 2" });
    expect(choice("scenarios/quickstart.yaml", 0)).toEqual({ workers: 0, reason: "--workers 0" });
    expect(choice("scenarios/quickstart.yaml", 4, 2, 3).workers).toBe(3);
  });

  it("the run reports the choice it made", async () => {
    const plan = loadScenarioFile("scenarios/quickstart.yaml");
    const handle = prepareRun(plan, { partitions: 8, workers: "auto" });
    expect(handle.threads.workers).toBe(0);
    const outcome = await handle.run();
    expect(outcome.threads).toEqual(handle.threads);
  });
});
