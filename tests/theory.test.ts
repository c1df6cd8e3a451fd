/**
 * The model against queueing theory (issue 5, "Correctness against theory"):
 * results that do not depend on our code.
 *
 * - Erlang B: Poisson arrivals at rate λ to a function whose concurrency is
 *   limited to c are throttled (for concurrency) with probability B(c, a),
 *   a = λ·S_eff, whatever the distribution of the holding time beyond its
 *   mean (M/G/c/c insensitivity). The carried load, the time-average
 *   concurrency, is a·(1 − B).
 * - Little's law: without a limit, the time-average concurrency is λ·S_eff.
 *
 * S_eff is how long the model holds a concurrency slot (src/model/shared-state.ts,
 * fleet-partition.ts): the coordinator takes the slot when it admits the
 * request, the handler starts `invokeLatency` later (the frontend latency),
 * runs init on a cold start and then the handler, and the slot is released at
 * the end. So S_eff = invokeLatency + E[handler] + (cold share)·init. Init is
 * a constant here; cold starts only happen while the number of environments
 * grows to its running maximum, i.e. in the warm-up, and the few left in the
 * measured part are counted and accounted for.
 *
 * Everything else is the model's defaults; the per-function request-rate
 * limit (10 req/s per unit of concurrency) and the scaling limit (1,000 new
 * environments per 10 s) are far from binding at these rates, and each test
 * checks that they never throttled anything.
 *
 * Tolerances: after a 60 s warm-up (120 holding times; the system starts
 * empty), a run is cut into 20 batches of 100 s or more, far longer than the
 * correlation time of the process (about S_eff = 0.5 s), so batch means are
 * close to independent and normal. The standard error of an estimate comes
 * from the spread of its batches, and the observation must be within 4
 * standard errors of theory: a correct model fails that with probability
 * 8e-4 per check (Student t, 19 degrees of freedom). Runs are deterministic,
 * so a given seed passes or fails for good; docs/validation.md shows the
 * standard errors are calibrated over many other seeds. Each check also
 * requires the 4-SE band to be narrower than 2% of the offered load (or of
 * the value, for concurrency), so a run too short to tell cannot pass: the
 * 20 ms frontend latency is 4% of S_eff, and forgetting it fails every point.
 */
import { describe, expect, it } from "vitest";
import { ThrottleCause } from "../src/model/aws-names.js";
import { MODEL_DEFAULTS } from "../src/model/defaults.js";
import type { Distribution } from "../src/model/plan.js";
import { runPlan, type Sample } from "../src/model/run.js";
import { constant, PlanBuilder, sec } from "./helpers/plan-builder.js";

// ---- Theory ------------------------------------------------------------------------------------------

/** Erlang B by the stable recursion B(0) = 1, B(k) = a·B(k−1) / (k + a·B(k−1)). */
function erlangB(c: number, a: number): number {
  let b = 1;
  for (let k = 1; k <= c; k++) b = (a * b) / (k + a * b);
  return b;
}

/** The closed form (a^c / c!) / Σ_{k≤c} a^k / k!, summed directly (fine in doubles for c ≤ 100 here). */
function erlangBClosedForm(c: number, a: number): number {
  let term = 1;
  let sum = 1;
  for (let k = 1; k <= c; k++) {
    term *= a / k;
    sum += term;
  }
  return term / sum;
}

describe("Erlang B formula", () => {
  it("the recursion agrees with the closed form and with hand values", () => {
    expect(erlangB(1, 1)).toBeCloseTo(0.5, 15);
    expect(erlangB(2, 1)).toBeCloseTo(0.2, 15); // (1/2) / (1 + 1 + 1/2)
    for (const [c, a] of [
      [10, 8],
      [50, 45],
      [100, 110],
      [100, 80],
    ]) {
      expect(Math.abs(erlangB(c, a) / erlangBClosedForm(c, a) - 1)).toBeLessThan(1e-12);
    }
  });
});

// ---- Set-up ------------------------------------------------------------------------------------------

const US = 1e6;
/** z of the standard normal's 99th percentile (a lognormal is given by its median and p99). */
const Z99 = 2.3263478740408408;
/** Frontend latency between admission and the start of the handler: part of the holding time. */
const LATENCY_S = MODEL_DEFAULTS.invokeLatencyUs / US;
/** Constant init on cold starts (the plan builder's default). */
const INIT_S = 0.2;
/** Mean handler time: with the default 20 ms frontend latency, S_eff = 0.5 s. */
const HANDLER_MEAN_S = 0.48;
const WARMUP_S = 60;
const SIGMA = 1; // lognormal shape: p99 / median = e^(σ·z99) ≈ 10, a long tail

interface Service {
  name: string;
  dist: Distribution;
  /** Mean in seconds, computed here from the parameters (not by the model's code). */
  meanS: number;
}

const exponential = (meanS: number): Service => ({
  name: "exponential",
  dist: { kind: "exponential", meanUs: Math.round(meanS * US) },
  meanS: Math.round(meanS * US) / US,
});

/** Lognormal with shape σ and the given mean: median = mean / e^(σ²/2). */
function lognormal(meanS: number, sigma: number): Service {
  const medianUs = Math.round((meanS / Math.exp((sigma * sigma) / 2)) * US);
  const p99Us = Math.round(medianUs * Math.exp(sigma * Z99));
  const s = Math.log(p99Us / medianUs) / Z99;
  return {
    name: "lognormal",
    dist: { kind: "lognormal", medianUs, p99Us },
    meanS: (medianUs * Math.exp((s * s) / 2)) / US,
  };
}

const constantService = (meanS: number): Service => ({
  name: "constant",
  dist: constant(meanS),
  meanS: sec(meanS) / US,
});

/**
 * Two modes: 90% of handler times uniform in [0.1 s, 0.3 s], 10% in [2.6 s, 3.4 s]
 * (an empirical percentile table; two equal percentiles make the jump). Mean
 * 0.9·0.2 + 0.1·3.0 = 0.48 s, coefficient of variation 1.76: as far from the
 * exponential as the others, in another direction.
 */
const bimodalService = (): Service => ({
  name: "bimodal",
  dist: {
    kind: "empirical",
    points: [
      { p: 0, valueUs: sec(0.1) },
      { p: 90, valueUs: sec(0.3) },
      { p: 90, valueUs: sec(2.6) },
      { p: 100, valueUs: sec(3.4) },
    ],
  },
  meanS: 0.9 * 0.2 + 0.1 * 3.0,
});

// ---- Batch means ---------------------------------------------------------------------------------------

interface Estimate {
  value: number;
  /** Standard error from the spread of the batches. */
  se: number;
  batches: number;
}

/** Ratio Σx / Σy over batches, with the ratio estimator's standard error from the batch residuals. */
function ratioEstimate(x: number[], y: number[]): Estimate {
  const n = x.length;
  const sx = x.reduce((s, v) => s + v, 0);
  const sy = y.reduce((s, v) => s + v, 0);
  const r = sx / sy;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (x[i] - r * y[i]) ** 2;
  const se = Math.sqrt(ss / (n * (n - 1))) / (sy / n);
  return { value: r, se, batches: n };
}

/** Mean of batch means with its standard error. */
function meanEstimate(m: number[]): Estimate {
  const n = m.length;
  const mean = m.reduce((s, v) => s + v, 0) / n;
  const v = m.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1);
  return { value: mean, se: Math.sqrt(v / n), batches: n };
}

/** Samples every second from `fromS` on, cut into `batches` runs of equal length. */
function batchesOf(samples: Sample[], fromS: number, batches: number, lengthS: number): Sample[][] {
  const byTime = new Map<number, Sample>();
  for (const s of samples) byTime.set(s.timeUs, s);
  const out: Sample[][] = [];
  for (let k = 0; k < batches; k++) {
    const batch: Sample[] = [];
    for (let t = fromS + k * lengthS; t <= fromS + (k + 1) * lengthS; t++) {
      const s = byTime.get(sec(t));
      if (s === undefined) throw new Error(`no sample at ${t}s`);
      batch.push(s);
    }
    out.push(batch);
  }
  return out;
}

/** Time average of the concurrency over a batch (samples at both ends; each interval counted once). */
function meanConcurrency(batch: Sample[]): number {
  let sum = 0;
  for (let i = 1; i < batch.length; i++) sum += batch[i].concurrency;
  return sum / (batch.length - 1);
}

const allThrottles = (s: Sample) => s.counters.throttles.reduce((a, b) => a + b, 0);

const z = (e: Estimate, theory: number) => ((e.value - theory) / e.se).toFixed(2);
const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

/** Observed against theory, printed when THEORY_VERBOSE is set (docs/validation.md quotes it). */
function report(line: string): void {
  if (process.env.THEORY_VERBOSE) console.log(line);
}

// ---- Erlang B ------------------------------------------------------------------------------------------

interface LossRun {
  /** Share of the arrivals after the warm-up throttled for concurrency. */
  blocked: Estimate;
  /** Time-average concurrency after the warm-up (the carried load). */
  carried: Estimate;
  /** Holding time in seconds, with the measured part's cold starts' init. */
  sEffS: number;
  coldStarts: number;
  /** Throttles for any other cause (request rate, scaling rate): must be none. */
  otherThrottles: number;
  peak: number;
  wallMs: number;
}

/**
 * One function with reserved concurrency c, Poisson arrivals at λ. A
 * reservation isolates the pool cleanly: exactly c slots that nothing else
 * competes for, whatever the account limit and its unreserved minimum, with
 * a throttle cause of its own (ReservedConcurrency), so concurrency throttles
 * are told apart from request-rate and scaling throttles.
 */
function runLoss(c: number, lambda: number, svc: Service, batches: number, batchS: number, seed: number) {
  const untilS = WARMUP_S + batches * batchS;
  const plan = new PlanBuilder(untilS)
    .seed(seed)
    .template("fn", {
      existing: true,
      reservedConcurrency: c,
      duration: svc.dist,
      initDuration: constant(INIT_S),
      timeoutS: 900, // the builder's 3 s would cut the tails short
    })
    .stream(["fn"], lambda, 0, untilS)
    .build();
  const out = runPlan(plan, { partitions: 1, sampleIntervalUs: sec(1) });
  expect(out.invariants.filter((i) => !i.ok)).toEqual([]);
  const bs = batchesOf(out.samples, WARMUP_S, batches, batchS);
  const first = bs[0][0];
  const last = bs[bs.length - 1][bs[bs.length - 1].length - 1];
  const delta = (b: Sample[], f: (s: Sample) => number) => f(b[b.length - 1]) - f(b[0]);
  const blocked = (s: Sample) => s.counters.throttles[ThrottleCause.ReservedConcurrency];
  const arrivals = (s: Sample) => s.counters.invocationRequests;
  const coldStarts = last.counters.coldStarts - first.counters.coldStarts;
  const admitted = arrivals(last) - arrivals(first) - (allThrottles(last) - allThrottles(first));
  const run: LossRun = {
    blocked: ratioEstimate(
      bs.map((b) => delta(b, blocked)),
      bs.map((b) => delta(b, arrivals)),
    ),
    carried: meanEstimate(bs.map(meanConcurrency)),
    sEffS: LATENCY_S + svc.meanS + (coldStarts / admitted) * INIT_S,
    coldStarts,
    otherThrottles: allThrottles(last) - blocked(last),
    peak: out.shared.peakConcurrency,
    wallMs: out.wallMs,
  };
  return run;
}

describe("Erlang B: throttling of Poisson arrivals under a concurrency limit", () => {
  // Batch lengths give each point about the same precision in terms of load (see `resolution`).
  const points = [
    { c: 10, a: 8, batches: 20, batchS: 400 },
    { c: 50, a: 45, batches: 20, batchS: 200 },
    { c: 100, a: 110, batches: 20, batchS: 100 },
  ];
  // Same mean, coefficients of variation 1, 1.31 and 0: B must not change (M/G/c/c insensitivity).
  const services = [
    exponential(HANDLER_MEAN_S),
    lognormal(HANDLER_MEAN_S, SIGMA),
    constantService(HANDLER_MEAN_S),
  ];
  for (const [i, p] of points.entries()) {
    // And two modes (CV 1.76) at the larger points; at c = 10 its noisier batches would need runs twice as long.
    const svcs = p.c >= 50 ? [...services, bimodalService()] : services;
    for (const [j, svc] of svcs.entries()) {
      it(`c=${p.c}, a=${p.a}, ${svc.name} handler time`, () => {
        // λ is set from the nominal holding time; a is then recomputed with what was measured (cold starts).
        const lambda = p.a / (LATENCY_S + svc.meanS);
        const r = runLoss(p.c, lambda, svc, p.batches, p.batchS, 100 + 10 * i + j);
        const a = lambda * r.sEffS;
        const b = erlangB(p.c, a);
        const carried = a * (1 - b);
        // d ln B / d ln a = c − a·(1 − B): the error in offered load that the 4-SE band corresponds to.
        const resolution = (4 * r.blocked.se) / (b * (p.c - carried));
        report(
          `Erlang B c=${p.c} a=${a.toFixed(3)} ${svc.name}: B=${b.toFixed(5)} observed ${r.blocked.value.toFixed(5)}` +
            ` ± ${r.blocked.se.toFixed(5)} (z ${z(r.blocked, b)}, band = ${pct(resolution)} of load);` +
            ` carried ${carried.toFixed(3)} observed ${r.carried.value.toFixed(3)} ± ${r.carried.se.toFixed(3)}` +
            ` (z ${z(r.carried, carried)}); cold starts ${r.coldStarts}; ${r.wallMs.toFixed(0)} ms`,
        );
        expect(r.otherThrottles).toBe(0); // request-rate and scaling limits never bound
        expect(r.peak).toBe(p.c); // the limit was reached and never passed
        expect(Math.abs(r.blocked.value - b)).toBeLessThan(4 * r.blocked.se);
        expect(Math.abs(r.carried.value - carried)).toBeLessThan(4 * r.carried.se);
        // Power: the band is narrower than 2% of the offered load (the 20 ms frontend latency is 4%).
        expect(resolution).toBeLessThan(0.02);
        expect((4 * r.carried.se) / carried).toBeLessThan(0.02);
        // ...and it does tell: leaving the frontend latency out of S_eff would fail.
        const bWithoutLatency = erlangB(p.c, lambda * (r.sEffS - LATENCY_S));
        expect(Math.abs(r.blocked.value - bWithoutLatency)).toBeGreaterThan(4 * r.blocked.se);
      });
    }
  }
});

// ---- Little's law ---------------------------------------------------------------------------------------

describe("Little's law: time-average concurrency without a limit", () => {
  it("equals λ·S_eff for one stream over functions with different handler-time distributions", () => {
    const batches = 20;
    const batchS = 200;
    const untilS = WARMUP_S + batches * batchS;
    const lambda = 80; // per second, shared equally by the functions
    const svcs = [exponential(HANDLER_MEAN_S), lognormal(1.0, SIGMA), constantService(0.25)];
    const names = svcs.map((_, k) => `f${k}`);
    const b = new PlanBuilder(untilS).seed(42);
    svcs.forEach((svc, k) =>
      b.template(names[k], {
        existing: true,
        duration: svc.dist,
        initDuration: constant(INIT_S),
        timeoutS: 900,
      }),
    );
    const out = runPlan(b.stream(names, lambda, 0, untilS).build(), {
      partitions: 1,
      sampleIntervalUs: sec(1),
    });
    expect(out.invariants.filter((i) => !i.ok)).toEqual([]);
    const bs = batchesOf(out.samples, WARMUP_S, batches, batchS);
    const first = bs[0][0];
    const last = bs[bs.length - 1][bs[bs.length - 1].length - 1];
    const coldStarts = last.counters.coldStarts - first.counters.coldStarts;
    // λ·S_eff, plus the init time of the cold starts of the measured part, spread over it.
    const theory =
      (lambda / svcs.length) * svcs.reduce((s, v) => s + LATENCY_S + v.meanS, 0) +
      (coldStarts * INIT_S) / (batches * batchS);
    const obs = meanEstimate(bs.map(meanConcurrency));
    report(
      `Little: λ·S_eff=${theory.toFixed(3)} observed ${obs.value.toFixed(3)} ± ${obs.se.toFixed(3)}` +
        ` (z ${z(obs, theory)}, band = ${pct((4 * obs.se) / theory)}); cold starts ${coldStarts};` +
        ` peak ${out.shared.peakConcurrency}; ${out.wallMs.toFixed(0)} ms`,
    );
    expect(allThrottles(last)).toBe(0); // no limit bound: the account pool is 1,000
    expect(Math.abs(obs.value - theory)).toBeLessThan(4 * obs.se);
    expect((4 * obs.se) / theory).toBeLessThan(0.02);
    expect(Math.abs(obs.value - (theory - lambda * LATENCY_S))).toBeGreaterThan(4 * obs.se);
  });
});
