/**
 * Issue 11, items 5-7: nothing the user named is lost. Output files are
 * replaced whole or not at all (a temporary file renamed over them), a run
 * stopped by SIGTERM or SIGHUP still writes its partial report, a sweep
 * stopped by Ctrl-C writes its finished runs, one file named by two flags is
 * refused, and a file that cannot be written is exit 1 with the summary
 * printed. The CLI is spawned as shipped (dist/bin/fleet-sim.js; `npm run
 * build` first).
 */
import { type ChildProcess, spawn, spawnSync, type SpawnSyncReturns } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Report } from "../src/report/json-report.js";

const ROOT = join(import.meta.dirname, "..");
const MAIN = join(ROOT, "dist", "bin", "fleet-sim.js");
const QUICKSTART = "scenarios/quickstart.yaml";
const OLD = '{"old": "a report from an earlier run"}\n';

function cli(args: string[], env: NodeJS.ProcessEnv = {}, cwd = ROOT): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [MAIN, ...args], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, FLEET_SIM_DEBUG: "", NO_COLOR: "", ...env },
    timeout: 120_000,
  });
}

/** A fresh directory holding an "earlier" report at old.json. */
function dirWithOldFile(): { dir: string; old: string } {
  const dir = mkdtempSync(join(tmpdir(), "fleet-sim-outputs-"));
  const old = join(dir, "old.json");
  writeFileSync(old, OLD);
  return { dir, old };
}

/** Hours of steady traffic: far longer than the waits below. */
function longScenario(dir: string): string {
  const file = join(dir, "long.yaml");
  writeFileSync(
    file,
    [
      "name: long-run",
      "duration: 10h",
      "functions:",
      '  - { template: svc, count: 10, name: "svc-{i}", runtime: nodejs20.x }',
      "workload:",
      '  - { at: 0s, action: create, functions: "svc-*" }',
      '  - { at: 1m, action: invoke, for: 9h, functions: "svc-*", arrival: { process: poisson, rate: 50/s } }',
      "",
    ].join("\n"),
  );
  return file;
}

/** Spawns the CLI, collecting its output. */
function start(args: string[], cwd = ROOT): { child: ChildProcess; out: { stdout: string; stderr: string } } {
  const child = spawn(process.execPath, [MAIN, ...args], {
    cwd,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, FLEET_SIM_DEBUG: "", NO_COLOR: "" },
  });
  const out = { stdout: "", stderr: "" };
  child.stdout?.on("data", (d) => (out.stdout += d));
  child.stderr?.on("data", (d) => (out.stderr += d));
  return { child, out };
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));

/** Files left in the directory by fleet-sim (temporary files are named .NAME.fleet-sim-*.tmp). */
const leftovers = (dir: string) => readdirSync(dir).filter((f) => f.includes(".fleet-sim-"));

describe("11.5: outputs survive a run that dies or is stopped", () => {
  for (const [signal, code] of [
    // A paced run stopped by Ctrl-C used to exit 0 with nothing written: the pacer's wait did not hold the event loop.
    ["SIGINT", 130],
    ["SIGTERM", 143],
    ["SIGHUP", 129],
  ] as const) {
    it(`11.5: an existing --out survives a paced run killed by ${signal} mid-run, and the partial report replaces it`, async () => {
      const { dir, old } = dirWithOldFile();
      const trace = join(dir, "old.ndjson");
      writeFileSync(trace, "old trace\n");
      // Paced: 10 simulated minutes a second, with a sample line on stderr once serving.
      const { child, out } = start([
        "run",
        longScenario(dir),
        "--speed",
        "600",
        "--out",
        old,
        "--trace",
        trace,
        "--html",
        join(dir, "page.html"),
      ]);
      // While the run goes, the old files are untouched.
      await new Promise((resolve) => setTimeout(resolve, 2500));
      expect(readFileSync(old, "utf8")).toBe(OLD);
      expect(readFileSync(trace, "utf8")).toBe("old trace\n");
      child.kill(signal);
      const status = await exited(child);
      expect(status, out.stderr).toBe(code);
      expect(out.stderr).toContain(
        signal === "SIGINT"
          ? "stopping after the current epoch"
          : `${signal}: stopping after the current epoch`,
      );
      // The summary is printed for the time reached...
      expect(out.stdout).toMatch(/^ {4}simulated \.+: .* of 10h \(stopped early\)$/m);
      // ...and the partial report replaced the old one, whole.
      const text = readFileSync(old, "utf8");
      expect(text.length).toBeGreaterThan(1000);
      const report = JSON.parse(text) as Report;
      expect(report.run.partial).toBe(true);
      expect(report.run.simulatedUs).toBeLessThan(report.scenario.untilUs);
      expect(readFileSync(trace, "utf8")).not.toContain("old trace");
      expect(readFileSync(join(dir, "page.html"), "utf8")).toContain("<html");
      expect(leftovers(dir)).toEqual([]);
    }, 120_000);
  }

  it("11.5: a dying worker thread (exit 70) leaves an existing --out and --html as they were", () => {
    const { dir, old } = dirWithOldFile();
    const html = join(dir, "old.html");
    writeFileSync(html, "<p>old page</p>\n");
    const r = cli(["run", QUICKSTART, "--workers", "2", "--quiet", "--out", old, "--html", html], {
      FLEET_SIM_INJECT_FAULT: "exit:2:30",
    });
    expect(r.status).toBe(70);
    expect(r.stderr).toMatch(/worker hosting partitions? [\d, ]+ died/);
    expect(readFileSync(old, "utf8")).toBe(OLD);
    expect(readFileSync(html, "utf8")).toBe("<p>old page</p>\n");
    expect(leftovers(dir)).toEqual([]);
  }, 120_000);

  it("11.5: Ctrl-C during a sweep writes the finished runs to --out and --csv, marked partial, exit 130", async () => {
    const { dir, old } = dirWithOldFile();
    const csv = join(dir, "old.csv");
    writeFileSync(csv, "old,csv\n");
    // 40 runs of about a second each, one at a time: Ctrl-C lands with some finished and some not.
    const scenario = join(dir, "mid.yaml");
    writeFileSync(
      scenario,
      readFileSync(longScenario(dir), "utf8")
        .replace("duration: 10h", "duration: 40m")
        .replace("for: 9h", "for: 38m")
        .replace("rate: 50/s", "rate: 300/s"),
    );
    const { child, out } = start([
      "sweep",
      scenario,
      "--set",
      "account.concurrencyLimit=500,1000,1500,2000,2500,3000,3500,4000,4500,5000",
      "-r",
      "4",
      "--workers",
      "1",
      "--metric",
      "invocations.requests",
      "--out",
      old,
      "--csv",
      csv,
    ]);
    await new Promise((resolve) => setTimeout(resolve, 7000));
    child.kill("SIGINT");
    const status = await exited(child);
    expect(status, out.stderr).toBe(130);
    expect(out.stderr).toContain("stopping the sweep");
    const result = JSON.parse(readFileSync(old, "utf8")) as {
      partial?: boolean;
      stopped?: { by: string; runsFinished: number; runsPlanned: number };
      points: { metrics: Record<string, { n: number }> }[];
    };
    expect(result.partial).toBe(true);
    expect(result.stopped?.by).toBe("SIGINT");
    expect(result.stopped?.runsPlanned).toBe(40);
    expect(result.stopped?.runsFinished).toBeGreaterThan(0);
    expect(result.stopped?.runsFinished).toBeLessThan(40);
    const finished = result.points.reduce((n, p) => n + (p.metrics["invocations.requests"]?.n ?? 0), 0);
    expect(finished).toBe(result.stopped?.runsFinished);
    const lines = readFileSync(csv, "utf8").split("\n");
    expect(lines[0]).toMatch(/^# partial: stopped by SIGINT after \d+ of 40 runs/);
    expect(lines[1]).toBe("account.concurrencyLimit,metric,n,mean,sd,ci_low,ci_high");
    expect(lines.length).toBeGreaterThan(3);
    expect(out.stdout).toContain("partial: stopped by SIGINT");
    expect(leftovers(dir)).toEqual([]);
  }, 120_000);

  it("11.5: a path that cannot be written fails before the run with exit 1, leaving an existing file as it was", () => {
    const { dir, old } = dirWithOldFile();
    const r = cli(["run", QUICKSTART, "--out", old, "--html", join(dir, "no-such-dir", "x.html")]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      `fleet-sim: --html: cannot write ${join(dir, "no-such-dir", "x.html")}: no such directory\n`,
    );
    expect(r.stdout).toBe("");
    expect(readFileSync(old, "utf8")).toBe(OLD);
    expect(leftovers(dir)).toEqual([]);
  });

  it("11.5 (guard for the rename, passes before the fix too): --out through a symlink replaces the file it points to and keeps the link", () => {
    const { dir, old } = dirWithOldFile();
    const link = join(dir, "link.json");
    symlinkSync(old, link);
    const r = cli(["run", QUICKSTART, "--quiet", "--until", "1m", "--out", link]);
    expect(r.status).toBe(0);
    expect((JSON.parse(readFileSync(old, "utf8")) as Report).run.partial).toBe(false);
    expect(readFileSync(link, "utf8")).toBe(readFileSync(old, "utf8"));
  });
});

describe("11.6: one file under two spellings is refused", () => {
  it("11.6: run --out r.json --trace ./r.json exits 1 naming both flags, and writes nothing", () => {
    const { dir } = dirWithOldFile();
    const r = cli(["run", join(ROOT, QUICKSTART), "--out", "r.json", "--trace", "./r.json"], {}, dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      'fleet-sim: --out and --trace name the same file: "r.json" and "./r.json"; give each its own file\n',
    );
    expect(existsSync(join(dir, "r.json"))).toBe(false);
    expect(leftovers(dir)).toEqual([]);
  });

  it("11.6: sweep --out s.json --csv ./s.json exits 1 naming both flags, and writes nothing", () => {
    const { dir } = dirWithOldFile();
    const r = cli(
      [
        "sweep",
        join(ROOT, QUICKSTART),
        "--set",
        "account.concurrencyLimit=500",
        "--out",
        "s.json",
        "--csv",
        "./s.json",
      ],
      {},
      dir,
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('--out and --csv name the same file: "s.json" and "./s.json"');
    expect(existsSync(join(dir, "s.json"))).toBe(false);
  });

  it("11.6: a symlink and its target, or a hard-to-spot relative path, are the same file for every output flag", () => {
    const { dir, old } = dirWithOldFile();
    const link = join(dir, "link.json");
    symlinkSync(old, link);
    const viaLink = cli(["run", QUICKSTART, "--html", link, "--openmetrics", old]);
    expect(viaLink.status).toBe(1);
    expect(viaLink.stderr).toContain("--html and --openmetrics name the same file");
    const viaDots = cli(
      ["run", join(ROOT, QUICKSTART), "--out", "a/../x.om", "--openmetrics", "x.om"],
      {},
      dir,
    );
    expect(viaDots.status).toBe(1);
    expect(viaDots.stderr).toContain("--out and --openmetrics name the same file");
    expect(readFileSync(old, "utf8")).toBe(OLD);
  });
});

describe("11.7: a file that cannot be written is exit 1, with the summary printed", () => {
  const full = existsSync("/dev/full") ? it : it.skip;

  full("11.7: --out /dev/full exits 1 saying no space left on device, after the summary", () => {
    const r = cli(["run", QUICKSTART, "--until", "1m", "--out", "/dev/full"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("fleet-sim: --out: cannot write /dev/full: no space left on device");
    expect(r.stderr).not.toContain("internal error");
    expect(r.stdout).toContain("INVARIANTS");
  });

  full("11.7: --trace /dev/full still prints the summary and writes --out and --html", () => {
    const { dir } = dirWithOldFile();
    const out = join(dir, "r.json");
    const html = join(dir, "r.html");
    const r = cli(["run", QUICKSTART, "--trace", "/dev/full", "--out", out, "--html", html]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("fleet-sim: --trace: cannot write /dev/full: no space left on device");
    expect(r.stderr).not.toContain("internal error");
    expect(r.stdout).toContain("INVARIANTS");
    expect((JSON.parse(readFileSync(out, "utf8")) as Report).run.partial).toBe(false);
    expect(readFileSync(html, "utf8")).toContain("<html");
  });

  full("11.7: --openmetrics /dev/full still prints the summary and writes --out", () => {
    const { dir } = dirWithOldFile();
    const out = join(dir, "r.json");
    const r = cli(["run", QUICKSTART, "--openmetrics", "/dev/full", "--out", out]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("fleet-sim: --openmetrics: cannot write /dev/full: no space left on device");
    expect(r.stderr).not.toContain("internal error");
    expect(r.stdout).toContain("INVARIANTS");
    expect(JSON.parse(readFileSync(out, "utf8"))).toHaveProperty("run");
  });

  full("11.7: sweep --csv /dev/full exits 1 and still writes --out", () => {
    const { dir } = dirWithOldFile();
    const out = join(dir, "s.json");
    const r = cli([
      "sweep",
      QUICKSTART,
      "--set",
      "account.concurrencyLimit=500",
      "-r",
      "1",
      "--workers",
      "0",
      "--csv",
      "/dev/full",
      "--out",
      out,
    ]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("fleet-sim: --csv: cannot write /dev/full: no space left on device");
    expect(r.stdout).toContain("sweep quickstart");
    expect(JSON.parse(readFileSync(out, "utf8"))).toHaveProperty("points");
  });
});
