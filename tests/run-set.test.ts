/**
 * Experiment sets (issue 13, item 4): `fleet-sim run A B ...` and globs run
 * every scenario in one process, print one verdict line each in the set's
 * order and a table, write DIR/<base name>.json with --out DIR, and exit with
 * the worst scenario's code.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { worseExitCode } from "../src/cli/run-set-command.js";
import { buildCli } from "./helpers/build-cli.js";

let main = "";
const dir = mkdtempSync(join(tmpdir(), "fleet-sim-set-"));

const scenario = (name: string, extra = "") => `name: ${name}
seed: 3
duration: 2m
functions:
  - template: api
    count: 20
    name: "api-{i:2}"
    existing: true
workload:
  - at: 0s
    action: invoke
    for: 2m
    functions: "api-*"
    arrival: { process: poisson, rate: 40/s }
${extra}`;

function cli(args: string[], cwd = dir) {
  const r = spawnSync(process.execPath, [main, ...args], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A report without what depends on the wall clock or the thread count. */
function comparable(text: string): unknown {
  const r = JSON.parse(text) as { run: Record<string, unknown>; scenario: Record<string, unknown> };
  for (const k of ["wallMs", "eventsPerSec", "workers", "workersReason"]) delete r.run[k];
  delete r.scenario.file;
  return r;
}

beforeAll(() => {
  main = buildCli("run-set");
  mkdirSync(join(dir, "set"));
  writeFileSync(join(dir, "set", "a.yaml"), scenario("set-a"));
  writeFileSync(join(dir, "set", "b.yaml"), scenario("set-b"));
  writeFileSync(join(dir, "set", "c.yaml"), scenario("set-c"));
  writeFileSync(
    join(dir, "failing.yaml"),
    scenario("failing", 'thresholds:\n  - "invocations.requests < 10"\n'),
  );
  writeFileSync(join(dir, "broken.yaml"), "name: broken\nduration: soon\n");
  mkdirSync(join(dir, "other"));
  writeFileSync(join(dir, "other", "a.yaml"), scenario("other-a"));
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("fleet-sim run A B ... (experiment sets)", () => {
  it("runs a glob and a file in one process: a line each in the set's order, a table, one report per scenario", () => {
    const r = cli(["run", "set/*.yaml", "failing.yaml", "--out", "reports", "--workers", "2"]);
    expect(r.stderr).toContain("threshold failed");
    expect(r.code).toBe(99);
    const lines = r.stdout.split("\n");
    const verdicts = lines.filter((l) => /^[✓✗] /.test(l));
    expect(verdicts.map((l) => /\((.*)\)$/.exec(l)?.[1])).toEqual([
      "set/a.yaml",
      "set/b.yaml",
      "set/c.yaml",
      "failing.yaml",
    ]);
    expect(r.stdout).toContain("4 scenarios: 3 ok, 1 not");
    expect(lines.find((l) => l.trim().startsWith("failing.yaml"))).toContain("threshold failed");
    expect(readdirSync(join(dir, "reports")).sort()).toEqual(["a.json", "b.json", "c.json", "failing.json"]);
  });

  it("gives each scenario the report it gets alone, whatever the worker count", () => {
    cli(["run", "set/a.yaml", "set/b.yaml", "--out", "zero", "--workers", "0", "--seed", "11"]);
    cli(["run", "set/a.yaml", "--out", "alone.json", "--seed", "11"]);
    const alone = comparable(readFileSync(join(dir, "alone.json"), "utf8"));
    expect(comparable(readFileSync(join(dir, "zero", "a.json"), "utf8"))).toEqual(alone);
    cli(["run", "set/b.yaml", "set/a.yaml", "--out", "two", "--workers", "2", "--seed", "11"]);
    expect(comparable(readFileSync(join(dir, "two", "a.json"), "utf8"))).toEqual(alone);
  });

  it("says a bad scenario with its location, runs the others, and exits with the worst code", () => {
    const r = cli(["run", "set/a.yaml", "broken.yaml", "failing.yaml"]);
    expect(r.stderr).toMatch(/broken\.yaml:2:\d+/);
    expect(r.stdout).toMatch(/broken\.yaml\s+invalid/);
    expect(r.stdout).toContain("(set/a.yaml)");
    // A scenario that could not run outranks a failed threshold.
    expect(r.code).toBe(1);
  });

  it("a set of invalid scenarios only: each said, the table, exit 1", () => {
    const r = cli(["run", "broken.yaml", "broken.yaml", "set/../broken.yaml"]);
    expect(r.code).toBe(1);
    expect(r.stderr).not.toContain("internal error");
    expect(r.stdout).toContain("2 scenarios: 0 ok, 2 not");
  });

  it("refuses what a set cannot do before running anything", () => {
    const same = cli(["run", "set/a.yaml", "other/a.yaml", "--out", "dup"]);
    expect(same.code).toBe(1);
    expect(same.stderr).toContain("set/a.yaml and other/a.yaml would both be written as dup/a.json");
    const html = cli(["run", "set/a.yaml", "set/b.yaml", "--html", "x.html"]);
    expect(html.code).toBe(1);
    expect(html.stderr).toContain("--html shape one run");
    const none = cli(["run", "nothing/*.yaml"]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain("nothing/*.yaml: no file matches this pattern");
    const stdin = cli(["run", "set/a.yaml", "-"]);
    expect(stdin.code).toBe(1);
    expect(stdin.stderr).toContain("standard input");
    expect(readdirSync(dir)).not.toContain("dup");
  });

  it("ranks exit codes: invariant > bad input > threshold > ok; a signal outranks all", () => {
    expect(worseExitCode(0, 99)).toBe(99);
    expect(worseExitCode(99, 1)).toBe(1);
    expect(worseExitCode(1, 70)).toBe(70);
    expect(worseExitCode(70, 130)).toBe(130);
    expect(worseExitCode(0, 0)).toBe(0);
  });
});
