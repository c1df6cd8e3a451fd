/**
 * A run is a pure function of (plan, seed): the same seed reproduces it, the
 * number of logical partitions does not change it, a different seed does.
 * Everything is compared except the wall-clock time.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { TraceRecord } from "../src/model/fleet-partition.js";
import { HIST_NAMES } from "../src/model/observations.js";
import type { Plan } from "../src/model/plan.js";
import { newRunEmitter, type RunOptions, type RunOutcome, runPlan } from "../src/model/run.js";
import { constant, PlanBuilder, sec } from "./helpers/plan-builder.js";
import { buildRandomPlan, randomSpec } from "./helpers/random-plan.js";

/** Everything a report is made of, as JSON, without wall-clock time. */
function canonical(out: RunOutcome): string {
  const o = out.obs;
  const histograms = Object.fromEntries(
    HIST_NAMES.map((name, i) => {
      const h = o.histograms[i];
      return [
        name,
        {
          count: h.totalCount,
          min: h.totalCount > 0 ? h.minNonZeroValue : 0,
          max: h.maxValue,
          mean: h.mean,
          p50: h.getValueAtPercentile(50),
          p90: h.getValueAtPercentile(90),
          p99: h.getValueAtPercentile(99),
          p999: h.getValueAtPercentile(99.9),
        },
      ];
    }),
  );
  // meanPendingEvents is a bench diagnostic; epochs and rounds count synchronisations, which depend on
  // which partition each request came from (docs/architecture.md), never on what the run decides.
  const { meanPendingEvents: _, rounds: _rounds, epochs: _epochs, ...kernel } = out.kernel;
  return JSON.stringify({
    kernel,
    states: out.states,
    lastUpdateStatus: out.lastUpdateStatus,
    openInvocations: out.openInvocations,
    openClientTasks: out.openClientTasks,
    shared: out.shared,
    samples: out.samples,
    invariants: out.invariants,
    obs: {
      api: Array.from(o.api),
      throttles: Array.from(o.throttles),
      apiThrottles: Array.from(o.apiThrottles),
      waiters: Array.from(o.waiters),
      transitions: Array.from(o.transitions),
      coldStarts: o.coldStarts,
      warmStarts: o.warmStarts,
      invocationRequests: o.invocationRequests,
      invocationOutcomes: o.invocationOutcomes,
      clientRetries: o.clientRetries,
      clientGaveUp: o.clientGaveUp,
      created: o.created,
      deleted: o.deleted,
      versionsPublished: o.versionsPublished,
      async: [o.asyncAccepted, o.asyncSelfTriggered, o.asyncSucceeded, ...o.asyncFailures, ...o.asyncRetries],
      asyncQueues: out.async,
      invocationsByRevision: [...o.invocationsByRevision].sort((a, b) => a[0] - b[0]),
      histograms,
    },
  });
}

/** The trace in a partition-independent order: by function, then as that function lived it. */
function traceOf(
  plan: Plan,
  partitions: number,
  more: Partial<RunOptions> = {},
): { out: RunOutcome; trace: string[] } {
  const emitter = newRunEmitter();
  const perFunction = new Map<string, TraceRecord[]>();
  emitter.on("transition", (r) => {
    let list = perFunction.get(r.function);
    if (list === undefined) perFunction.set(r.function, (list = []));
    list.push(r);
  });
  const out = runPlan(plan, {
    partitions,
    traceFilter: () => true,
    emitter,
    sampleIntervalUs: sec(60),
    ...more,
  });
  const trace = [...perFunction.keys()]
    .sort()
    .flatMap((fn) => perFunction.get(fn)!.map((r) => JSON.stringify(r)));
  return { out, trace };
}

/**
 * A VPC-heavy fleet: creates faster than the control plane allows, waiters
 * polling, ENIs shared and failing, a subnet exhausted, hanging creates,
 * configuration moves to a new subnet, throttled invocations, functions
 * going Inactive and being restored.
 */
function vpcHeavyPlan(seed: number): Plan {
  const b = new PlanBuilder(2.5 * 3600, { inactiveAfterUs: sec(20 * 60) })
    .seed(seed)
    .account({ concurrencyLimit: 150 })
    .vpc("vpc-a", 40, 5)
    .subnet("subnet-a", 6)
    .subnet("subnet-b", 8)
    .subnet("subnet-c", 30)
    .client("waits", "FunctionActive")
    .client("waitsV2", "FunctionActiveV2", 5)
    .client("fire", null, 2);
  const groups = [
    { subnets: ["subnet-a", "subnet-b"], securityGroups: ["sg-1"] },
    { subnets: ["subnet-a", "subnet-b"], securityGroups: ["sg-2"] },
    { subnets: ["subnet-b"], securityGroups: ["sg-1", "sg-3"] },
    { subnets: ["subnet-a"], securityGroups: ["sg-4"] },
  ];
  const names: string[][] = [];
  groups.forEach((vpc, i) => {
    b.template(`g${i}`, { count: 60, vpc, reservedConcurrency: i === 3 ? 1 : -1, errorRate: 0.05 });
    names.push(Array.from({ length: 60 }, (_, k) => `g${i}-${k}`));
  });
  b.template("plain", { count: 40, duration: { kind: "lognormal", medianUs: sec(0.2), p99Us: sec(4) } });
  const plain = Array.from({ length: 40 }, (_, k) => `plain-${k}`);
  const all = [...names.flat(), ...plain];

  // 13 creates/s plus FunctionActive polls: over the 15/s control-plane limit at times, so retries matter.
  b.step(0, "CreateFunction", names[0], { ratePerSec: 5, client: "waits", then: ["Invoke"] });
  b.step(1, "CreateFunction", names[1], {
    ratePerSec: 4,
    client: "waitsV2",
    then: ["Invoke", "PublishVersion"],
  });
  b.step(2, "CreateFunction", [...names[2], ...names[3], ...plain], { ratePerSec: 4, client: "fire" });
  const moved = b.vpcConfig(["subnet-c"], ["sg-1"]);
  b.step(600, "UpdateFunctionConfiguration", names[0], {
    ratePerSec: 10,
    client: "waits",
    config: { vpcConfig: moved },
  });
  b.step(800, "UpdateFunctionCode", all, { ratePerSec: 12, client: "fire" });
  b.stream(all, 60, 30, 1800, { popularity: { kind: "zipf", exponent: 1.1 } });
  b.stream(all, 120, 5400, 5700, { process: "constant" });
  b.fault({
    kind: "eniCreationFailure",
    fromUs: 0,
    untilUs: sec(300),
    probability: 0.3,
    subnets: [1],
    code: "InternalError",
  });
  b.fault({ kind: "subnetExhausted", fromUs: sec(400), untilUs: sec(500), subnets: [0] });
  b.fault({ kind: "createHang", fromUs: 0, untilUs: sec(60), probability: 0.05, targets: null });
  b.fault({
    kind: "provisioningFailure",
    fromUs: 0,
    untilUs: sec(7200),
    probability: 0.05,
    targets: null,
    code: "InternalError",
  });
  b.fault({ kind: "rolePermissions", fromUs: sec(5300), untilUs: sec(5500), targets: b.targets(names[2]) });
  return b.build();
}

describe("determinism", () => {
  it("the same plan and seed give the same outcome twice", () => {
    const a = runPlan(vpcHeavyPlan(11), { partitions: 4, sampleIntervalUs: sec(60) });
    const b = runPlan(vpcHeavyPlan(11), { partitions: 4, sampleIntervalUs: sec(60) });
    expect(canonical(b)).toBe(canonical(a));
    expect(a.wallMs).toBeGreaterThanOrEqual(0);
  });

  it("the plan exercises what the partition comparison is meant to cover", () => {
    const out = runPlan(vpcHeavyPlan(11), { partitions: 1 });
    const o = out.obs;
    expect(o.apiThrottles.reduce((s, n) => s + n, 0)).toBeGreaterThan(0); // control-plane 429s
    expect(o.throttles.reduce((s, n) => s + n, 0)).toBeGreaterThan(0); // invocation throttles
    expect(o.clientRetries).toBeGreaterThan(0);
    expect(out.shared.subnets.every((s) => s.enisCreated > 0)).toBe(true);
    expect(out.shared.subnets[1].enisFailed).toBeGreaterThan(0);
    expect(o.histograms[HIST_NAMES.indexOf("pendingRestore")].totalCount).toBeGreaterThan(0);
    expect(o.waiters[1]).toBeGreaterThan(100);
    expect(o.created).toBeGreaterThan(240);
    expect(o.clientGaveUp).toBeGreaterThan(0);
    for (const inv of out.invariants) expect(inv.ok, `${inv.name}: ${inv.detail}`).toBe(true);
  });

  it("1, 3 and 8 partitions give identical outcomes and identical traces on a VPC-heavy plan", () => {
    const p1 = traceOf(vpcHeavyPlan(5), 1);
    const p8 = traceOf(vpcHeavyPlan(5), 8);
    const p3 = traceOf(vpcHeavyPlan(5), 3);
    expect(canonical(p8.out)).toBe(canonical(p1.out));
    expect(canonical(p3.out)).toBe(canonical(p1.out));
    expect(p1.trace.length).toBeGreaterThan(10_000);
    expect(p8.trace).toEqual(p1.trace);
    expect(p3.trace).toEqual(p1.trace);
  });

  it("grants change nothing a run decides: on and off give identical outcomes and traces, with far fewer rounds on", () => {
    const on = traceOf(vpcHeavyPlan(5), 8);
    const off = traceOf(vpcHeavyPlan(5), 8, { grants: false });
    expect(canonical(on.out)).toBe(canonical(off.out));
    expect(on.trace).toEqual(off.trace);
    expect(on.out.kernel.rounds * 3).toBeLessThan(off.out.kernel.rounds);
  });

  it("random plans give identical outcomes with and without grants", () => {
    fc.assert(
      fc.property(randomSpec, fc.integer({ min: 1, max: 8 }), (spec, partitions) => {
        const plan = buildRandomPlan(spec);
        expect(canonical(runPlan(plan, { partitions }))).toBe(
          canonical(runPlan(plan, { partitions: 1, grants: false })),
        );
      }),
      { numRuns: 40 },
    );
  });

  it("a burst that outruns the grants' reserve reruns without grants: same outcome, samples and trace lines passed on once", () => {
    // A pool of 200 and 2,000 requests/s of 1-second work from t=0: within the first epoch the
    // partitions' local admissions and the coordinator's use up the pool, so a granted admission fails its check.
    const plan = new PlanBuilder(120)
      .account({ concurrencyLimit: 200 })
      .template("burst", { count: 40, existing: true, duration: constant(1), timeoutS: 10 })
      .build();
    const names = Array.from({ length: 40 }, (_, i) => `burst-${i}`);
    plan.invokeStreams.push({
      startUs: 0,
      endUs: sec(100),
      targets: Int32Array.from(names.map((_, i) => i)),
      rate: { points: [{ atUs: 0, ratePerSec: 2000 }] },
      process: "poisson",
      popularity: { kind: "uniform" },
      client: 0,
    });
    const conflicts: number[] = [];
    const withRerun = traceOf(plan, 4, { onGrantConflict: (e) => conflicts.push(e.simTimeUs) });
    const off = traceOf(plan, 4, { grants: false });
    expect(conflicts.length).toBe(1);
    expect(canonical(withRerun.out)).toBe(canonical(off.out));
    expect(withRerun.trace).toEqual(off.trace);
    expect(withRerun.out.samples.map((x) => x.timeUs)).toEqual(off.out.samples.map((x) => x.timeUs));
  });

  it("a different seed gives a different outcome", () => {
    const a = runPlan(vpcHeavyPlan(5), { partitions: 2 });
    const b = runPlan(vpcHeavyPlan(6), { partitions: 2 });
    expect(canonical(b)).not.toBe(canonical(a));
    // Not just somewhere: the ENI creation times and the invocations differ.
    expect(b.obs.invocationRequests).not.toBe(a.obs.invocationRequests);
    expect(b.obs.histograms[0].mean).not.toBe(a.obs.histograms[0].mean);
  });

  it("random plans give identical outcomes on 1 partition and on any other number", () => {
    fc.assert(
      fc.property(randomSpec, fc.integer({ min: 2, max: 8 }), (spec, partitions) => {
        const plan = buildRandomPlan(spec);
        expect(canonical(runPlan(plan, { partitions }))).toBe(canonical(runPlan(plan, { partitions: 1 })));
      }),
      { numRuns: 40 },
    );
  });

  it("adding a function changes no other function's random draws (common random numbers)", () => {
    const plan = (extra: boolean) => {
      const b = new PlanBuilder(1800, {
        provisioningDuration: { kind: "lognormal", medianUs: sec(0.3), p99Us: sec(2) },
      });
      b.template("fn", { count: 5, duration: { kind: "exponential", meanUs: sec(0.5) }, errorRate: 0.2 });
      if (extra) b.template("newcomer", { duration: constant(1) });
      const names = Array.from({ length: 5 }, (_, i) => `fn-${i}`);
      b.step(0, "CreateFunction", extra ? [...names, "newcomer"] : names, { ratePerSec: 2 });
      for (const n of names) b.stream([n], 3, 10, 1700);
      if (extra) b.stream(["newcomer"], 5, 10, 1700);
      return b.build();
    };
    const without = traceOf(plan(false), 2).trace;
    const withExtra = traceOf(plan(true), 2).trace.filter((line) => !line.includes('"function":"newcomer"'));
    expect(without.length).toBeGreaterThan(1000);
    expect(withExtra).toEqual(without);
  });
});
