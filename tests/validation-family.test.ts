/**
 * The cold-start experiment family (issue 13, item 5; docs/validation.md):
 * scenarios/coldstart/*.yaml reproduce published AWS Lambda measurements,
 * one file per experiment, generated from the data by
 * scripts/coldstart-scenarios.mjs.
 *
 * At low arrival rates the cold-start probability of one function with a
 * fixed keep-alive follows from the exponential gaps alone
 * (bench/validation/coldstart-theory.mjs): the model must match it. The
 * runs are the family's own seven lowest rates, at full length (a few
 * thousand requests each, about 0.1 s), over 8 seeds. At these rates a
 * request's coldness is decided by its own gap, so the cold starts are close
 * to independent and the binomial standard error applies (over 80 seeds of
 * coldstart-04 the estimates spread 1.12 times as much, within what 80 runs
 * can tell: ±8%). The observation must be within 4 binomial standard errors
 * (at worst about 3.6 real ones), and the band must be narrow enough to
 * catch a keep-alive of 9 minutes instead of 10.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LOW_RATE_LIMIT, lowRateColdProbability } from "../bench/validation/coldstart-theory.mjs";
import type { Terminal } from "../src/cli/run-command.js";
import type { Report } from "../src/report/json-report.js";
import { validateCommand } from "../src/cli/validate-command.js";
import { runPlan } from "../src/model/run.js";
import { loadScenarioFile } from "../src/scenario/load.js";

const ROOT = join(import.meta.dirname, "..");
const DIR = "scenarios/coldstart";

interface Experiment {
  experiment: string;
  arrivalRate: number;
  serviceTimeWarmMs: number;
  serviceTimeColdMs: number;
  idleMinutesBeforeKill: number;
}

const experiments = (
  JSON.parse(readFileSync(join(ROOT, "bench/validation/aws-lambda-measurements.json"), "utf8")) as {
    experiments: Experiment[];
  }
).experiments.sort((a, b) => a.arrivalRate - b.arrivalRate);
const files = readdirSync(join(ROOT, DIR)).sort();

describe("the cold-start family scenarios/coldstart", () => {
  it("has one scenario per measured experiment, in order of arrival rate", () => {
    expect(files).toEqual(experiments.map((_, i) => `coldstart-${String(i + 1).padStart(2, "0")}.yaml`));
    expect(files).toHaveLength(20);
  });

  it("is what scripts/coldstart-scenarios.mjs makes of the data (node scripts/coldstart-scenarios.mjs)", () => {
    const r = spawnSync(process.execPath, ["scripts/coldstart-scenarios.mjs", "--check"], {
      cwd: ROOT,
      encoding: "utf8",
    });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
  });

  it("every file validates (fleet-sim validate)", () => {
    let stdout = "";
    let stderr = "";
    const term: Terminal = {
      stdout: { write: (t: string) => (stdout += t), isTTY: false },
      stderr: { write: (t: string) => (stderr += t), isTTY: false },
      env: {},
    };
    const paths = files.map((f) => join(ROOT, DIR, f));
    expect(validateCommand(paths, term)).toBe(0);
    expect(stderr).toBe("");
    expect(stdout.split("\n").filter((l) => l.endsWith(": ok (1 function, 1 step)"))).toHaveLength(20);
  });

  it("each file is its experiment: rate, service times, a 10-minute keep-alive, 10^6 s", () => {
    experiments.forEach((e, i) => {
      const plan = loadScenarioFile(join(ROOT, DIR, files[i]));
      const tpl = plan.templates[0];
      expect(plan.untilUs).toBe(1e12);
      expect(plan.defaults.keepAlive).toEqual({ kind: "constant", valueUs: e.idleMinutesBeforeKill * 60e6 });
      expect(plan.invokeStreams).toHaveLength(1);
      expect(plan.invokeStreams[0].process).toBe("poisson");
      expect(plan.invokeStreams[0].rate.points[0].ratePerSec / e.arrivalRate).toBeCloseTo(1, 5);
      // The handler is AWS's duration: the client's time less 0.1 s (scripts/coldstart-scenarios.mjs).
      const warmUs = Math.round(e.serviceTimeWarmMs) * 1000;
      expect(tpl.duration).toEqual({ kind: "constant", valueUs: warmUs - 100_000 });
      expect(tpl.initDuration).toEqual({
        kind: "constant",
        valueUs: Math.round(e.serviceTimeColdMs) * 1000 - warmUs,
      });
    });
  });
});

describe("the family as one experiment set", () => {
  it("fleet-sim run 'scenarios/coldstart/*.yaml' --until 2h --out DIR: 20 ok, a report each, every invariant kept", () => {
    const main = join(ROOT, "dist/bin/fleet-sim.js");
    expect(existsSync(main), "dist/ is missing: npm run build").toBe(true);
    const out = mkdtempSync(join(tmpdir(), "fleet-sim-coldstart-"));
    try {
      const r = spawnSync(
        process.execPath,
        [main, "run", `${DIR}/*.yaml`, "--until", "2h", "--out", out, "--quiet"],
        { cwd: ROOT, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" }, timeout: 120_000 },
      );
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      expect(r.stdout).toContain("20 scenarios: 20 ok, 0 not");
      for (const f of files) {
        const report = JSON.parse(readFileSync(join(out, f.replace(/\.yaml$/, ".json")), "utf8")) as Report;
        expect(report.run.simulatedUs).toBe(7_200_000_000);
        for (const inv of report.invariants) expect(inv.ok, `${f}: ${inv.name}`).toBe(true);
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

describe("cold-start probability at low rates against the low-rate formula", () => {
  const SEEDS = 8;
  // coldstart-01 to -07: 0.0019 to 0.0079 requests/s.
  const low = experiments.flatMap((e, i) =>
    e.arrivalRate <= LOW_RATE_LIMIT ? [[files[i], i] as const] : [],
  );
  it("covers the seven lowest rates", () => expect(low).toHaveLength(7));
  it.each(low)("%s", (file, i) => {
    const e = experiments[i];
    const loaded = loadScenarioFile(join(ROOT, DIR, file));
    // The formula knows the keep-alive only: no recycling at a maximum lifetime.
    const maxLifetime = { kind: "constant", valueUs: 1e15 } as const;
    const plan = { ...loaded, defaults: { ...loaded.defaults, maxLifetime } };
    let cold = 0;
    let starts = 0;
    for (let seed = 1; seed <= SEEDS; seed++) {
      const out = runPlan({ ...plan, seed }, { partitions: 1 });
      expect(out.invariants.filter((inv) => !inv.ok)).toEqual([]);
      cold += out.obs.coldStarts;
      starts += out.obs.coldStarts + out.obs.warmStarts;
    }
    const warmS = (Math.round(e.serviceTimeWarmMs) - 100) / 1000;
    const coldS = (Math.round(e.serviceTimeColdMs) - 100) / 1000;
    const keepAliveS = e.idleMinutesBeforeKill * 60;
    // Each run starts with no environment: its first request is cold whatever the formula says.
    const theory = lowRateColdProbability(e.arrivalRate, warmS, coldS, keepAliveS) + SEEDS / starts;
    const observed = cold / starts;
    const se = Math.sqrt((theory * (1 - theory)) / starts);
    expect(Math.abs(observed - theory)).toBeLessThan(4 * se);
    // Power: a 9-minute keep-alive would have been caught.
    const nineMinutes = lowRateColdProbability(e.arrivalRate, warmS, coldS, keepAliveS - 60) + SEEDS / starts;
    expect(Math.abs(observed - nineMinutes)).toBeGreaterThan(4 * se);
  });
});
