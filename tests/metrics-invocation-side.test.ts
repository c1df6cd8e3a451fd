/**
 * V11 in the metrics: invocations by qualifier and outcome, provisioned
 * concurrency and its spillover, and starts by deploy phase, read from the
 * sampled counters. At the end of a run they are the JSON report's figures,
 * whatever the number of partitions; the qualifier label takes the
 * scenario's alias names, and a scenario that deploys nothing has no
 * deploy-phase series.
 */
import { describe, expect, it } from "vitest";
import { metricsContext } from "../src/metrics/context.js";
import { family } from "../src/measures/families.js";
import { runPlan, type Sample } from "../src/model/run.js";
import { buildReport } from "../src/report/json-report.js";
import { loadScenarioFile } from "../src/scenario/load.js";

const SCENARIO = "scenarios/provisioned-alias-shift.yaml";

/** A counter family's series at a sample, as {label values joined by "/": value}. */
function read(name: string, s: Sample, ctx: ReturnType<typeof metricsContext>): Record<string, number> {
  const f = family(name);
  if (f.type === "histogram") throw new Error(name);
  const values = f.values(s, ctx);
  const series = f.series(ctx);
  expect(values.length).toBe(series.length);
  return Object.fromEntries(series.map((labels, i) => [labels.join("/"), values[i]]));
}

/** Sums of `byLabels`' values by label position `at`. */
function sumBy(byLabels: Record<string, number>, at: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, v] of Object.entries(byLabels)) {
    const k = key.split("/")[at];
    out[k] = (out[k] ?? 0) + v;
  }
  return out;
}

describe("V11: invocation-side metric families", () => {
  const plan = loadScenarioFile(SCENARIO);
  const ctx = metricsContext(plan);
  const out = runPlan(plan, { partitions: 4, sampleIntervalUs: 60_000_000 });
  const report = buildReport(out, { file: SCENARIO, seed: plan.seed, partitions: 4 });
  const last = out.samples.at(-1)!;

  it("V11: provisioned concurrency allocated and in use are gauges over time, ending at the report's", () => {
    const allocated = out.samples.map((x) => read("fleetsim_provisioned_concurrency_allocated", x, ctx)[""]);
    const inUse = out.samples.map((x) => read("fleetsim_provisioned_concurrency_in_use", x, ctx)[""]);
    expect(allocated.at(-1)).toBe(report.invocations.provisioned.allocatedAtEnd);
    expect(allocated.at(-1)! - inUse.at(-1)!).toBe(report.invocations.provisioned.availableAtEnd);
    expect(Math.max(...allocated)).toBe(40);
    for (let i = 0; i < allocated.length; i++) expect(inUse[i]).toBeLessThanOrEqual(allocated[i]);
    expect(Math.max(...inUse)).toBeGreaterThan(10);
  });

  it("V11: the qualifier label takes $LATEST, version and the scenario's alias names", () => {
    expect(ctx.qualifiers).toEqual(["$LATEST", "version", "live"]);
    expect(
      new Set(
        family("fleetsim_invocations_by_qualifier_total")
          .series(ctx)
          .map((v) => v[0]),
      ),
    ).toEqual(new Set(ctx.qualifiers));
  });

  it("V11: invocations by qualifier and outcome add up to the report's, by outcome and by qualifier", () => {
    const byQualifier = read("fleetsim_invocations_by_qualifier_total", last, ctx);
    expect(sumBy(byQualifier, 1)).toEqual(report.invocations.outcomes);
    const perQualifier = sumBy(byQualifier, 0);
    for (const q of ctx.qualifiers) {
      const row = report.invocations.byQualifier[q] ?? {};
      expect(perQualifier[q], q).toBe(Object.values(row).reduce((a, b) => a + b, 0));
    }
    expect(perQualifier.live).toBeGreaterThan(100_000);
    expect(byQualifier["live/success"]).toBe(report.invocations.byQualifier.live.success);
  });

  it("V11: provisioned, spillover invocations and spillovers by reason are the report's", () => {
    const p = report.invocations.provisioned;
    expect(read("fleetsim_provisioned_concurrency_invocations_total", last, ctx)).toEqual({
      "": p.invocations,
    });
    expect(read("fleetsim_provisioned_concurrency_spillover_invocations_total", last, ctx)).toEqual({
      "": p.spilloverInvocations,
    });
    expect(read("fleetsim_provisioned_concurrency_spillovers_total", last, ctx)).toEqual(p.spillovers);
    expect(p.invocations).toBeGreaterThan(0);
    expect(p.spilloverInvocations).toBeGreaterThan(0);
  });

  it("V11: starts by deploy phase give the report's cold-start ratio before, during and after the deploy", () => {
    const starts = read("fleetsim_invocation_starts_by_deploy_phase_total", last, ctx);
    const ratios = report.invocations.coldStartRatioByDeployPhase!;
    for (const phase of ["before", "during", "after"] as const) {
      const cold = starts[`${phase}/cold`];
      const all = cold + starts[`${phase}/warm`];
      expect(all, phase).toBeGreaterThan(0);
      expect(cold / all, phase).toBeCloseTo(ratios[phase], 5);
    }
    expect(starts["during/cold"]).toBeGreaterThan(0);
    expect(Object.values(starts).reduce((a, b) => a + b, 0)).toBe(
      report.invocations.coldStarts + report.invocations.warmStarts,
    );
  });

  it("V11: the counters only grow from sample to sample, and are the same on 1 partition", () => {
    const keys = [
      "invocationsByQualifier",
      "spillovers",
      "startsByDeployPhase",
      "provisionedInvocations",
      "spilloverInvocations",
    ] as const;
    const flat = (s: Sample) => keys.flatMap((k) => s.counters[k]);
    for (let i = 1; i < out.samples.length; i++) {
      const [a, b] = [flat(out.samples[i - 1]), flat(out.samples[i])];
      b.forEach((v, j) => expect(v).toBeGreaterThanOrEqual(a[j]));
    }
    const one = runPlan(plan, { partitions: 1, sampleIntervalUs: 60_000_000 });
    expect(one.samples.map(flat)).toEqual(out.samples.map(flat));
  });

  it("V11: a scenario that deploys nothing has no deploy-phase series", () => {
    const quickstart = loadScenarioFile("scenarios/quickstart.yaml");
    const qctx = metricsContext(quickstart);
    expect(qctx.deploys).toBe(false);
    expect(family("fleetsim_invocation_starts_by_deploy_phase_total").series(qctx)).toEqual([]);
    expect(qctx.qualifiers).toEqual(["$LATEST", "version"]);
  });
});
