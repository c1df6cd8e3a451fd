/** What users of command-line tools expect (issue 11, item 12), through the CLI as a user runs it. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { colorWanted } from "../src/cli/run-command.js";
import { RunsProgress } from "../src/report/runs-progress.js";
import { formatMetricValue } from "../src/report/summary.js";
import { buildCli } from "./helpers/build-cli.js";

let main = "";
const dir = mkdtempSync(join(tmpdir(), "fleet-sim-habits-"));
const cli = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [main, ...args], { encoding: "utf8", env: { ...process.env, ...env } });

const SCENARIO = `name: habits
duration: 3m
network:
  vpcs:
    - id: vpc-1
      securityGroups: [sg-web]
      subnets: [{ id: subnet-1, cidr: 10.0.0.0/24 }]
functions:
  - template: web
    count: 5
    name: "web-{i}"
    runtime: nodejs20.x
    vpc: { subnets: [subnet-1], securityGroups: [sg-web] }
workload:
  - { at: 0s, action: create, functions: "web-*", rate: 10/s }
  - { at: 1m, action: invoke, for: 1m, functions: "web-*", arrival: { process: poisson, rate: 20/s } }
thresholds:
  - "pending.create.p99 < 10s"
`;
const file = join(dir, "habits.yaml");

beforeAll(() => {
  main = buildCli("cli-habits");
  writeFileSync(file, SCENARIO);
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("command-line habits (11.12)", () => {
  it("11.12: a misspelt option gets 'did you mean', without yargs's camelCase twin", () => {
    const r = cli(["run", file, "--metric-port", "9464"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("fleet-sim: unknown option --metric-port (did you mean --metrics-port?)");
    expect(r.stderr).not.toContain("metricPort");
    expect(cli(["run", file, "--sead", "3"]).stderr).toContain("(did you mean --seed?)");
    expect(cli(["sweep", file, "--qiet"]).stderr).toContain("(did you mean --quiet?)");
  });

  it("11.12: a misspelt command gets 'did you mean'", () => {
    const r = cli(["runn", file]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('fleet-sim: unknown command "runn"');
    expect(r.stderr).toContain('(did you mean "run"?)');
  });

  it("11.12: a command without its file names FILE", () => {
    const r = cli(["run"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("fleet-sim: run needs a scenario FILE: fleet-sim run FILE [options]");
    expect(r.stderr).not.toContain("non-option arguments");
  });

  it("11.12: `fleet-sim help [COMMAND]` and `fleet-sim completion`", () => {
    const help = cli(["help", "run"]);
    expect(help.status).toBe(0);
    expect(help.stdout).toBe(cli(["run", "--help"]).stdout);
    expect(cli(["help"]).stdout).toContain("fleet-sim <command> [options]");
    const completion = cli(["completion"], { SHELL: "/bin/bash" });
    expect(completion.status).toBe(0);
    expect(completion.stdout).toContain("complete -o bashdefault -o default -F");
  });

  it("11.12: a failed threshold's value is formatted as the summary formats it", () => {
    const r = cli(["run", file]);
    expect(r.status).toBe(99);
    const line = /fleet-sim: threshold failed: pending\.create\.p99 < 10s \(observed (.*)\)/.exec(r.stderr);
    expect(line?.[1]).toMatch(/^\d+(\.\d)?s$/);
    expect(r.stdout).toContain(`✗ pending.create.p99 < 10s: ${line?.[1]}`);
  }, 60_000);

  it("11.12: FORCE_COLOR turns color on off a terminal and FORCE_COLOR=0 off on one; NO_COLOR and TTY as before", () => {
    const pipe = { isTTY: false } as NodeJS.WriteStream;
    const tty = { isTTY: true } as NodeJS.WriteStream;
    expect(colorWanted({ stdout: pipe, env: { FORCE_COLOR: "1" } })).toBe(true);
    expect(colorWanted({ stdout: tty, env: { FORCE_COLOR: "0" } })).toBe(false);
    expect(colorWanted({ stdout: tty, env: { NO_COLOR: "1" } })).toBe(false);
    expect(colorWanted({ stdout: tty, env: {} })).toBe(true);
    expect(colorWanted({ stdout: pipe, env: {} })).toBe(false);
    const r = cli(["run", file], { FORCE_COLOR: "1" });
    expect(r.stdout).toContain("\x1b[");
  }, 60_000);

  it("11.12: the runs progress line keeps its text when the terminal reports 0 columns", () => {
    let written = "";
    const sink = { columns: 0, write: (s: string) => ((written += s), true) };
    new RunsProgress(sink as unknown as NodeJS.WriteStream, "sweep").update(3, 10);
    expect(written).toMatch(/sweep: 3\/10 runs \(30%\), .* elapsed ETA .*s$/);
  });

  it("11.12: --quiet with --replications still prints the result table", () => {
    const r = cli(["run", file, "--replications", "2", "--quiet", "--workers", "0"]);
    expect(r.stdout).toContain("2 replications");
    expect(r.stdout).toContain("pending.create.p99");
  }, 120_000);

  it("11.12: every stderr line of a failing validate, run and sweep starts with one 'fleet-sim: '", () => {
    const bad = join(dir, "bad.yaml");
    writeFileSync(bad, "name: bad\nduration: 1x\nfunctions:\n  - { template: a, count: -1 }\nworkload: []\n");
    const runs = [
      cli(["validate", bad]),
      cli(["run", bad]),
      cli(["sweep", bad, "--set", "duration=1m,2m"]),
      cli(["validate", join(dir, "missing.yaml")]),
      cli(["run", file, "--sead", "1"]),
    ];
    for (const r of runs) {
      expect(r.status).toBe(1);
      const lines = r.stderr.trimEnd().split("\n");
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) expect(line).toMatch(/^(fleet-sim: (?!fleet-sim: )|Run 'fleet-sim)/);
    }
  }, 60_000);

  it("11.12: formatMetricValue is what the summary uses for seconds", () => {
    expect(formatMetricValue(84.148223, "seconds")).toBe("84.1s");
  });
});
