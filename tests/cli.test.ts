/**
 * `fleet-sim` end to end: the shipped CLI (dist/bin/fleet-sim.js, the
 * bundle of dist/cli/main.js, built here first) spawned as a user would run
 * it, plus the run command in-process.
 */
import { type SpawnSyncReturns, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadScenarioFile } from "../src/scenario/load.js";
import { runPlan } from "../src/model/run.js";
import { buildReport } from "../src/report/json-report.js";
import { describeInternalError, ExitCode } from "../src/cli/exit-codes.js";
import { exitCodeFor, parseRunFlags, runCommand, type Terminal } from "../src/cli/run-command.js";
import { validateCommand } from "../src/cli/validate-command.js";
import type { Report } from "../src/report/json-report.js";

const ROOT = join(import.meta.dirname, "..");
const MAIN = join(ROOT, "dist", "bin", "fleet-sim.js");
const QUICKSTART = "scenarios/quickstart.yaml";
const tmp = mkdtempSync(join(tmpdir(), "fleet-sim-cli-"));

function cli(args: string[], env: NodeJS.ProcessEnv = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [MAIN, ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, FLEET_SIM_DEBUG: "", NO_COLOR: "", ...env },
    timeout: 120_000,
  });
}

const hasStackTrace = (text: string) => /^\s+at /m.test(text);

function badScenario(): string {
  const file = join(tmp, "bad.yaml");
  writeFileSync(file, "name: bad\nduration: 10 minutes\nfunctions:\n  - template: x\n    count: -1\n");
  return file;
}

beforeAll(() => {
  // Build dist/ so the tests run the CLI as shipped. Type errors are the typecheck's business:
  // tsc still emits, and the tests go on as long as the entry point exists.
  const tsc = spawnSync(
    process.execPath,
    [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json"],
    {
      cwd: ROOT,
      encoding: "utf8",
    },
  );
  if (tsc.status !== 0) console.warn(`tsc -p tsconfig.build.json reported:\n${tsc.stdout}${tsc.stderr}`);
  const bundle = spawnSync(process.execPath, [join(ROOT, "scripts/bundle-cli.mjs")], {
    cwd: ROOT,
    encoding: "utf8",
  });
  expect(bundle.status, bundle.stderr).toBe(0);
  expect(existsSync(MAIN)).toBe(true);
}, 120_000);

describe("fleet-sim --help and --version", () => {
  it("lists run and validate, with examples and exit codes", () => {
    const r = cli(["--help"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("fleet-sim run <files..>");
    expect(r.stdout).toContain("fleet-sim validate <files..>");
    expect(r.stdout).toContain("Examples:");
    expect(r.stdout).toMatch(
      /Exit codes: 0 ok, 1 bad input .*70 internal error or violated invariant, 99 a threshold failed/s,
    );
  });

  it("documents every flag of run, with examples", () => {
    const r = cli(["run", "--help"]);
    expect(r.status).toBe(0);
    for (const flag of [
      "--seed",
      "--partitions",
      "--until",
      "--out",
      "--trace",
      "--trace-filter",
      "--quiet",
      "--color",
    ]) {
      expect(r.stdout).toContain(flag);
    }
    expect(r.stdout).toContain("[default: 8]");
    expect(r.stdout).toContain('[default: "*"]');
    expect(r.stdout).toContain("Examples:");
    expect(r.stdout).toContain("fleet-sim run scenarios/quickstart.yaml");
  });

  it("shows examples for validate", () => {
    const r = cli(["validate", "--help"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("Examples:");
    expect(r.stdout).toContain("fleet-sim validate scenarios/*.yaml");
  });

  it("prints the package version", () => {
    const r = cli(["--version"]);
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version);
  });
});

describe("fleet-sim run: bad input exits 1 with a clear message", () => {
  it.each([
    [["--partitions", "0"], "fleet-sim: --partitions: expected an integer from 1 to 1024, got 0"],
    [["--partitions", "two"], 'fleet-sim: --partitions: expected an integer from 1 to 1024, got "two"'],
    [["--seed", "-1"], 'fleet-sim: --seed: expected an integer >= 0, got "-1"'],
    [
      ["--until", "abc"],
      'fleet-sim: --until: expected a number with a unit (us, ms, s, m, h, d, w), like "250ms", "1.5s" or "1m30s", got "abc"',
    ],
    [["--until", "0"], 'fleet-sim: --until: expected a duration greater than 0, got "0"'],
    [["--out", join(tmp, "no-such-dir", "r.json")], "no such directory"],
    [["--frobnicate"], "fleet-sim: unknown option --frobnicate"],
  ])("%j", (args, message) => {
    const r = cli(["run", QUICKSTART, ...args]);
    expect(r.status).toBe(ExitCode.BadInput);
    expect(r.stderr).toContain(message);
    expect(r.stdout).toBe("");
    expect(hasStackTrace(r.stderr)).toBe(false);
  });

  it("names a missing scenario file, without a stack trace", () => {
    const r = cli(["run", "no-such-scenario.yaml"]);
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe("fleet-sim: cannot read scenario file no-such-scenario.yaml: no such file");
    expect(hasStackTrace(r.stderr)).toBe(false);
  });

  it("prints a bad scenario's issues at file:line:column", () => {
    const file = badScenario();
    const r = cli(["run", file]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(`^fleet-sim: ${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:\\d+:\\d+: duration: `, "m"),
    );
    expect(r.stderr).toContain("count");
    expect(hasStackTrace(r.stderr)).toBe(false);
  });

  it("rejects an unknown command", () => {
    const r = cli(["frob"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      'unknown command "frob": expected one of run, validate, sweep, worker, serve, import, help, completion',
    );
  });
});

describe("fleet-sim sweep and run --replications", () => {
  it("sweeps a grid with the same seeds at every point and writes JSON and CSV", () => {
    const dir = mkdtempSync(join(tmpdir(), "sweep-"));
    const out = join(dir, "sweep.json");
    const csv = join(dir, "sweep.csv");
    const r = cli([
      "sweep",
      QUICKSTART,
      "--set",
      "account.concurrencyLimit=200,1000",
      "-r",
      "2",
      "--workers",
      "2",
      "--out",
      out,
      "--csv",
      csv,
    ]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain("sweep quickstart: 2 points x 2 replications (seeds 1-2), mean [95% CI]");
    expect(r.stdout).toMatch(/account\.concurrencyLimit +invocations\.failure_rate/);
    const json = JSON.parse(readFileSync(out, "utf8"));
    expect(json.seeds).toEqual([1, 2]);
    expect(json.points.map((p: { values: string[] }) => p.values)).toEqual([["200"], ["1000"]]);
    expect(json.points[0].metrics["concurrency.peak"].n).toBe(2);
    expect(readFileSync(csv, "utf8").split("\n")[0]).toBe(
      "account.concurrencyLimit,metric,n,mean,sd,ci_low,ci_high",
    );
  });

  it("refuses a bad --set with what is wrong, and a grid point that makes the scenario invalid at its line", () => {
    const bad = cli(["sweep", QUICKSTART, "--set", "account.concurrencyLimit"]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain("--set: expected PATH=V1,V2,...");
    const unwritable = cli([
      "sweep",
      QUICKSTART,
      "--set",
      "account.concurrencyLimit=500",
      "--csv",
      "/nonexistent/x.csv",
    ]);
    expect(unwritable.status).toBe(1);
    expect(unwritable.stderr).toBe("fleet-sim: --csv: cannot write /nonexistent/x.csv: no such directory\n");
    const none = cli(["sweep", QUICKSTART]);
    expect(none.status).toBe(1);
    expect(none.stderr).toContain("sweep needs at least one --set");
    const invalid = cli(["sweep", QUICKSTART, "--set", "network.vpcs[0].subnets[0].cidr=10.0.0.0/33"]);
    expect(invalid.status).toBe(1);
    expect(invalid.stderr).toMatch(
      /quickstart\.yaml:\d+:\d+: network\.vpcs\[0\]\.subnets\[0\]\.cidr: CIDR prefix \/33 is out of range/,
    );
  });

  it("on the shipped capacity-subnet-size scenario the sweep names the smallest subnet that passes, as direct runs confirm", () => {
    const cidrs = ["10.0.0.0/26", "10.0.0.0/25", "10.0.0.0/24"];
    const path = "network.vpcs[0].subnets[subnet-a].cidr";
    const r = cli([
      "sweep",
      "scenarios/capacity-subnet-size.yaml",
      "--set",
      `${path}=${cidrs.join(",")}`,
      "-r",
      "2",
    ]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain("subnet size 10.0.0.0/25 is the smallest with functions.failed == 0");
    // The same question answered without the sweep: a /26 leaves Failed functions, a /25 none.
    const failed = (cidr: string, seed: number) => {
      const plan = loadScenarioFile("scenarios/capacity-subnet-size.yaml", {
        seed,
        settings: [{ path, value: cidr }],
      });
      return buildReport(runPlan(plan, { partitions: 2 }), { file: null, seed, partitions: 2 }).functions
        .byState.Failed;
    };
    for (const seed of [1, 2]) {
      expect(failed("10.0.0.0/26", seed)).toBeGreaterThan(0);
      expect(failed("10.0.0.0/25", seed)).toBe(0);
    }
  });

  it("run --replications judges the thresholds on the means: ✓/✗ with the interval, exit 99 when one fails", () => {
    const dir = mkdtempSync(join(tmpdir(), "reps-"));
    const file = join(dir, "t.yaml");
    writeFileSync(
      file,
      [
        "name: reps",
        "duration: 2m",
        "functions:",
        "  - { template: api, count: 2, existing: true, errorRate: 0.2 }",
        "workload:",
        "  - { action: invoke, functions: '*', for: 2m, arrival: { rate: 20/s } }",
        "thresholds:",
        '  - "invocations.failure_rate < 50%"',
        '  - "invocations.failure_rate < 1%"',
        "",
      ].join("\n"),
    );
    const r = cli(["run", file, "--replications", "3", "--workers", "0"]);
    expect(r.status).toBe(99);
    // Thresholds written in percent: the means read in percent too (11.13).
    expect(r.stdout).toMatch(/✓ invocations\.failure_rate < 50%: mean \d+(\.\d+)?% \[/);
    expect(r.stdout).toMatch(/✗ invocations\.failure_rate < 1%: mean \d+(\.\d+)?% \[/);
    expect(r.stderr).toContain("threshold failed on the mean: invocations.failure_rate < 1%");
  });

  it("run --replications prints each metric's mean and interval, and refuses single-run outputs", () => {
    const r = cli(["run", QUICKSTART, "--replications", "3", "--workers", "0"]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain("quickstart: 3 replications (seeds 1-3), mean [95% CI]");
    const refused = cli(["run", QUICKSTART, "--replications", "3", "--trace", "t.jsonl"]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain("--trace shape one run's outputs");
  });
});

describe("fleet-sim run", () => {
  it("prints the summary, writes --out as JSON and --trace as NDJSON of the filtered functions", () => {
    const out = join(tmp, "report.json");
    const trace = join(tmp, "trace.ndjson");
    const r = cli(["run", QUICKSTART, "--out", out, "--trace", trace, "--trace-filter", "api-0?", "-p", "3"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^ {2}scenario \.+: quickstart \(scenarios\/quickstart\.yaml\)$/m);
    expect(r.stdout).toMatch(/^ {4}pending\.create \.+: count=25 /m);
    expect(r.stdout).toMatch(/^ {4}✓ every transition taken is one the table allows$/m);
    expect(r.stdout).not.toContain("\x1b[");

    const report = JSON.parse(readFileSync(out, "utf8")) as Report;
    expect(report.schemaVersion).toBe(1);
    expect(report.tool).toBe("lambda-fleet-sim");
    expect(report.scenario).toMatchObject({ name: "quickstart", file: QUICKSTART, partitions: 3 });
    expect(report.run.partial).toBe(false);
    expect(report.invariants.every((i) => i.ok)).toBe(true);

    const lines = readFileSync(trace, "utf8")
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.length).toBeGreaterThan(10);
    const names = new Set(lines.map((l) => l.function));
    expect([...names].sort()).toEqual([
      "api-00",
      "api-01",
      "api-02",
      "api-03",
      "api-04",
      "api-05",
      "api-06",
      "api-07",
      "api-08",
      "api-09",
    ]);
    for (let i = 1; i < lines.length; i++)
      expect(lines[i].timeUs).toBeGreaterThanOrEqual(lines[i - 1].timeUs);
    expect(lines[0]).toMatchObject({
      operation: "CreateFunction",
      outcome: "OK",
      stateBefore: "Absent",
      stateAfter: "Pending",
    });
    expect(lines[0].t).toBe(lines[0].timeUs / 1e6);
    expect(lines.some((l) => l.operation === "Invoke")).toBe(true);
  });

  it("gives the same report and trace for any partition count", () => {
    const run = (p: number) => {
      const out = join(tmp, `r${p}.json`);
      const trace = join(tmp, `t${p}.ndjson`);
      expect(cli(["run", QUICKSTART, "-q", "-p", String(p), "--out", out, "--trace", trace]).status).toBe(0);
      const { run: r, scenario, ...rest } = JSON.parse(readFileSync(out, "utf8")) as Report;
      return {
        rest: JSON.stringify(rest),
        simulatedUs: r.simulatedUs,
        seed: scenario.seed,
        trace: readFileSync(trace, "utf8"),
      };
    };
    const one = run(1);
    const five = run(5);
    expect(five.rest).toBe(one.rest);
    expect(five.simulatedUs).toBe(one.simulatedUs);
    expect(five.trace).toBe(one.trace);
  });

  it("--quiet prints only the verdict line", () => {
    const r = cli(["run", QUICKSTART, "--quiet", "--seed", "3", "--until", "3m"]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/^✓ quickstart: 3m simulated, \d+ events in \S+; 6 invariants ok\n$/);
  });

  it("Ctrl-C stops the run after the current epoch, prints the summary and a partial report, exits 130", async () => {
    const out = join(tmp, "partial.json");
    const file = join(tmp, "long.yaml");
    // Hours of steady traffic: far longer than the wait before Ctrl-C.
    writeFileSync(
      file,
      [
        "name: long-run",
        "duration: 10h",
        "functions:",
        '  - { template: svc, count: 10, name: "svc-{i}", runtime: nodejs20.x }',
        "workload:",
        '  - { at: 0s, action: create, functions: "svc-*" }',
        '  - { at: 1m, action: invoke, for: 9h, functions: "svc-*", arrival: { process: poisson, rate: 500/s } }',
        "",
      ].join("\n"),
    );
    const child = spawn(process.execPath, [MAIN, "run", file, "--out", out], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    await new Promise((resolve) => setTimeout(resolve, 3000));
    child.kill("SIGINT");
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(code).toBe(ExitCode.Interrupted);
    expect(stderr).toContain("stopping after the current epoch");
    expect(stdout).toMatch(/^ {4}simulated \.+: .* of 10h \(stopped early\)$/m);
    const report = JSON.parse(readFileSync(out, "utf8")) as Report;
    expect(report.run.partial).toBe(true);
    expect(report.run.simulatedUs).toBeLessThan(report.scenario.untilUs);
    expect(report.invariants.every((i) => i.ok)).toBe(true);
  }, 120_000);
});

describe("fleet-sim run: thresholds", () => {
  /** The quickstart with these thresholds appended. */
  const withThresholds = (name: string, ...lines: string[]) => {
    const file = join(tmp, name);
    writeFileSync(
      file,
      `${readFileSync(join(ROOT, QUICKSTART), "utf8")}\nthresholds:\n${lines.join("\n")}\n`,
    );
    return file;
  };

  it("Thresholds: a failed threshold exits 99 after the summary and the report are written", () => {
    const file = withThresholds(
      "th-fail.yaml",
      '  - "invocations.failure_rate < 50%"',
      '  - "invocations.outcomes.ResourceConflictException == 0"',
    );
    const out = join(tmp, "th-fail.json");
    const r = cli(["run", file, "--out", out]);
    expect(r.status).toBe(ExitCode.ThresholdsFailed);
    expect(r.status).toBe(99);
    expect(r.stdout).toContain("  THRESHOLDS");
    expect(r.stdout).toContain("    ✓ invocations.failure_rate < 50%: ");
    expect(r.stdout).toMatch(/ {4}✗ invocations\.outcomes\.ResourceConflictException == 0: [1-9]\d*/);
    expect(r.stderr).toMatch(
      /^fleet-sim: threshold failed: invocations\.outcomes\.ResourceConflictException == 0 \(observed \d+\)\n$/,
    );
    const report = JSON.parse(readFileSync(out, "utf8")) as Report;
    expect(report.run.partial).toBe(false);
    expect(report.thresholds!.results.map((t) => t.ok)).toEqual([true, false]);
    expect(report.thresholds!.aborted).toBeNull();
  }, 60_000);

  it("Thresholds: thresholds that all pass exit 0, and --quiet counts them", () => {
    const file = withThresholds(
      "th-pass.yaml",
      '  - "invocations.failure_rate < 50%"',
      '  - "pending.create.p99 < 10m"',
    );
    const r = cli(["run", file, "--quiet"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/; 2 thresholds ok\n$/);
  }, 60_000);

  it("Thresholds: abortOnFail stops the run early and exits 99, the same report with worker threads", () => {
    const file = withThresholds(
      "th-abort.yaml",
      '  - { threshold: "invocations.success < 1000", abortOnFail: true }',
    );
    const reports = [
      ["--workers", "0"],
      ["--workers", "2"],
    ].map((flags, i) => {
      const out = join(tmp, `th-abort-${i}.json`);
      const r = cli(["run", file, "--quiet", "--out", out, ...flags]);
      expect(r.status).toBe(99);
      const { run, ...rest } = JSON.parse(readFileSync(out, "utf8")) as Report;
      return { rest, simulatedUs: run.simulatedUs, partial: run.partial };
    });
    expect(reports[0].partial).toBe(true);
    expect(reports[0].simulatedUs).toBeLessThan(reports[0].rest.scenario.untilUs);
    expect(reports[0].rest.thresholds!.aborted!.threshold).toBe("invocations.success < 1000");
    expect(reports[1]).toEqual(reports[0]);
  }, 120_000);
});

describe("fleet-sim validate", () => {
  it("says ok with the counts, and exits 0", () => {
    const r = cli(["validate", QUICKSTART]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`${QUICKSTART}: ok (25 functions, 3 steps)\n`);
  });

  it("prints the issues of a bad file and exits 1, checking every file", () => {
    const bad = badScenario();
    const r = cli(["validate", bad, QUICKSTART, "missing.yaml"]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe(`${QUICKSTART}: ok (25 functions, 3 steps)\n`);
    expect(r.stderr).toMatch(/bad\.yaml:\d+:\d+: duration: /);
    expect(r.stderr).toMatch(/bad\.yaml: \d+ problems?\n/);
    expect(r.stderr).toContain("cannot read scenario file missing.yaml: no such file");
    expect(hasStackTrace(r.stderr)).toBe(false);
  });
});

describe("every shipped scenario", () => {
  const scenarios = readdirSync(join(ROOT, "scenarios"))
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();

  it("is there to run", () => {
    expect(scenarios).toContain("quickstart.yaml");
  });

  it.each(scenarios)(
    "%s validates and runs to its end with every invariant kept",
    (name) => {
      const file = `scenarios/${name}`;
      expect(cli(["validate", file]).status).toBe(0);
      const out = join(tmp, `${name}.json`);
      const r = cli(["run", file, "--quiet", "--out", out]);
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/^✓ /);
      const report = JSON.parse(readFileSync(out, "utf8")) as Report;
      expect(report.run.partial).toBe(false);
      expect(report.run.simulatedUs).toBe(report.scenario.untilUs);
      for (const inv of report.invariants) expect(inv.ok, `${inv.name}: ${inv.detail}`).toBe(true);
    },
    120_000,
  );
});

describe("run command, in-process", () => {
  const capture = (env: NodeJS.ProcessEnv = {}) => {
    const out = { stdout: "", stderr: "" };
    const term: Terminal = {
      stdout: { write: (t: string) => (out.stdout += t), isTTY: false },
      stderr: { write: (t: string) => (out.stderr += t), isTTY: false },
      env,
    };
    return { out, term };
  };

  it("a stop request gives a partial run: summary, partial report, exit 130", async () => {
    const { out, term } = capture();
    const stopFlag = new SharedArrayBuffer(4);
    Atomics.store(new Int32Array(stopFlag), 0, 1);
    const file = join(tmp, "stopped.json");
    const code = await runCommand({ file: QUICKSTART, out: file, quiet: true }, term, {
      stopFlag,
    });
    expect(code).toBe(ExitCode.Interrupted);
    expect(out.stdout).toContain("(stopped early)");
    expect((JSON.parse(readFileSync(file, "utf8")) as Report).run.partial).toBe(true);
  });

  it("a violated invariant exits 70 and says which", () => {
    const { out, term } = capture();
    const report = {
      run: { partial: false },
      invariants: [
        { name: "concurrency never exceeds its limit", ok: false, detail: "peak 1001 > limit 1000" },
        { name: "every transition taken is one the table allows", ok: true, detail: "" },
      ],
    } as Report;
    expect(exitCodeFor(report, term)).toBe(ExitCode.Internal);
    expect(out.stderr).toBe(
      "fleet-sim: invariant violated: concurrency never exceeds its limit: peak 1001 > limit 1000\n",
    );
  });

  it("colors only a terminal, and never with --no-color or NO_COLOR", () => {
    const tty = { write: () => true, isTTY: true };
    expect(parseRunFlags({ file: "f" }, { stdout: tty, env: {} }).color).toBe(true);
    expect(parseRunFlags({ file: "f", color: false }, { stdout: tty, env: {} }).color).toBe(false);
    expect(parseRunFlags({ file: "f" }, { stdout: tty, env: { NO_COLOR: "1" } }).color).toBe(false);
    expect(parseRunFlags({ file: "f" }, { stdout: { write: () => true }, env: {} }).color).toBe(false);
  });

  it("defaults: 8 partitions, trace filter *, no seed or until override", () => {
    expect(parseRunFlags({ file: "f" })).toMatchObject({
      partitions: 8,
      traceFilter: "*",
      seed: undefined,
      untilUs: undefined,
      out: null,
      trace: null,
      quiet: false,
    });
    expect(parseRunFlags({ file: "f", until: "1m30s", seed: 12, partitions: "2" })).toMatchObject({
      untilUs: 90_000_000,
      seed: 12,
      partitions: 2,
    });
    expect(() => parseRunFlags({ file: "f", seed: [1, 2] })).toThrow("--seed is given more than once");
    expect(() => parseRunFlags({ file: "f", out: "x", trace: "x" })).toThrow(
      "--out and --trace name the same file",
    );
  });

  it("validate returns 1 for a bad file and 0 for good ones", () => {
    const { out, term } = capture();
    expect(validateCommand([QUICKSTART], term)).toBe(0);
    expect(validateCommand([QUICKSTART, badScenario()], term)).toBe(1);
    expect(out.stdout).toContain("ok (25 functions, 3 steps)");
  });

  it("an internal error is one line, the stack only with FLEET_SIM_DEBUG", () => {
    const e = new Error("heap corrupted\nsecond line");
    expect(describeInternalError(e, {})).toBe(
      "fleet-sim: internal error: heap corrupted (set FLEET_SIM_DEBUG=1 for the stack)",
    );
    const debug = describeInternalError(e, { FLEET_SIM_DEBUG: "1" });
    expect(debug.split("\n")[0]).toBe("fleet-sim: internal error: heap corrupted");
    expect(hasStackTrace(debug)).toBe(true);
  });
});
