/**
 * The metrics flags of `fleet-sim run`, in-process: bad values are bad input
 * with a clear message; --speed and the metrics outputs leave the results
 * alone; --openmetrics writes a file promtool can take; --metrics-port
 * serves while --hold holds, until SIGINT.
 */
import { EventEmitter } from "node:events";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { ExitCode } from "../src/cli/exit-codes.js";
import { Pacer } from "../src/cli/pacer.js";
import { parseRunFlags, type RunFlags, runCommand, type Terminal } from "../src/cli/run-command.js";
import { type Report, stripWallClock } from "../src/report/json-report.js";
import { parseOpenMetrics } from "./helpers/openmetrics-check.js";
import { assertBinaries, freePort, requireBinaries } from "./helpers/prometheus.js";

const QUICKSTART = "scenarios/quickstart.yaml";
const tmp = mkdtempSync(join(tmpdir(), "fleet-sim-metrics-cli-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function terminal(): Terminal & { out: () => string; err: () => string } {
  let out = "";
  let err = "";
  return {
    stdout: { write: (t: string) => (out += t) },
    stderr: { write: (t: string) => (err += t) },
    env: {},
    out: () => out,
    err: () => err,
  };
}

async function run(flags: Omit<RunFlags, "file">, signals?: EventEmitter) {
  const term = terminal();
  const code = await runCommand({ file: QUICKSTART, quiet: true, ...flags }, term, {
    signals,
  });
  return { code, term };
}

function report(file: string): Report {
  return JSON.parse(readFileSync(file, "utf8")) as Report;
}

describe("metrics flags: bad values are bad input", () => {
  it.each([
    [{ metricsPort: "70000" }, "--metrics-port: expected an integer from 0 to 65535, got 70000"],
    [{ metricsPort: "http" }, '--metrics-port: expected an integer from 0 to 65535, got "http"'],
    [{ metricsHost: "" }, '--metrics-host: expected a host name or address, got ""'],
    [
      { speed: "0" },
      '--speed: expected a number greater than 0 (times the wall clock), like 1 or 60, got "0"',
    ],
    [
      { speed: "fast" },
      '--speed: expected a number greater than 0 (times the wall clock), like 1 or 60, got "fast"',
    ],
    [{ hold: true }, "--hold keeps the --metrics-port server up: give --metrics-port too"],
    [{ pushgateway: "ftp://host" }, '--pushgateway: expected an http:// or https:// URL, got "ftp://host"'],
    [
      { pushgateway: "localhost 9091" },
      '--pushgateway: expected a URL like http://localhost:9091, got "localhost 9091"',
    ],
    [{ sampleInterval: "soon" }, "--sample-interval: expected a number with a unit"],
    [
      { sampleInterval: "500us" },
      '--sample-interval: expected a whole number of milliseconds, at least 1ms, got "500us"',
    ],
    [
      { startTime: "1704067200" },
      "--start-time places the --openmetrics file in time: give --openmetrics too",
    ],
    [{ openmetrics: "x.om", startTime: "yesterday" }, "--start-time: expected an ISO 8601 date and time"],
    [{ runId: "has space" }, "--run-id: expected 1 to 128 letters, digits"],
    [{ openmetrics: "r.json", out: "r.json" }, '--out and --openmetrics name the same file: "r.json"'],
    [
      { openmetrics: "x.om", metricsFunctionLabels: "1001" },
      "--metrics-function-labels: expected an integer from 0 to 1000, got 1001",
    ],
    [
      { openmetrics: "x.om", metricsFunctionLabels: "all" },
      '--metrics-function-labels: expected an integer from 0 to 1000, got "all"',
    ],
    [
      { metricsFunctionLabels: "10" },
      "--metrics-function-labels labels metric series: give --metrics-port, --pushgateway or --openmetrics too",
    ],
  ] as [Omit<RunFlags, "file">, string][])("%j", (flags, message) => {
    expect(() => parseRunFlags({ file: QUICKSTART, ...flags })).toThrow(message);
  });

  it("takes the defaults: 127.0.0.1, 15 s samples, unpaced, run_id from the scenario", () => {
    const s = parseRunFlags({ file: QUICKSTART });
    expect(s).toMatchObject({
      metricsPort: null,
      metricsHost: "127.0.0.1",
      sampleIntervalUs: 15_000_000,
      speed: null,
      hold: false,
      pushgateway: null,
      openMetrics: null,
      startTimeMs: null,
      runId: null,
      functionLabels: 0,
    });
    expect(
      parseRunFlags({ file: QUICKSTART, openmetrics: "x.om", metricsFunctionLabels: "25" }).functionLabels,
    ).toBe(25);
    expect(parseRunFlags({ file: QUICKSTART, speed: "2.5x" }).speed).toBe(2.5);
  });

  it("a metrics port already in use exits 1 before the run, naming it", async () => {
    const blocker = createServer();
    const port = await freePort();
    await new Promise<void>((r) => blocker.listen(port, "127.0.0.1", () => r()));
    try {
      const { code, term } = await run({ metricsPort: String(port) });
      expect(code).toBe(ExitCode.BadInput);
      expect(term.err()).toContain(
        `fleet-sim: --metrics-port: cannot listen on 127.0.0.1:${port}: address already in use`,
      );
      expect(term.out()).toBe("");
    } finally {
      blocker.close();
    }
  });
});

describe("metrics outputs leave the run alone", () => {
  it("--speed paces the run and changes none of its results", async () => {
    const plain = join(tmp, "plain.json");
    const paced = join(tmp, "paced.json");
    expect((await run({ until: "2m", out: plain, sampleInterval: "15s" })).code).toBe(0);
    const t0 = performance.now();
    expect((await run({ until: "2m", out: paced, speed: "600" })).code).toBe(0);
    // 2 simulated minutes at 600x: at least 0.2 s of wall time.
    expect(performance.now() - t0).toBeGreaterThanOrEqual(190);
    const a = stripWallClock(report(plain));
    const b = stripWallClock(report(paced));
    // Sample points cut windows: only the kernel's window count may differ.
    expect({ ...b, run: { ...b.run, windows: 0 } }).toEqual({ ...a, run: { ...a.run, windows: 0 } });
    expect(b.samples).toBeUndefined();
  });

  it("--openmetrics writes the run ending more than 3 hours ago by default, as promtool wants", async () => {
    const om = join(tmp, "run.om");
    const { code, term } = await run({ until: "3m", openmetrics: om, quiet: false, runId: "cli-om" });
    expect(code).toBe(0);
    expect(term.err()).toMatch(
      /fleet-sim: wrote .*run\.om: \d+ series x 13 samples from \d{4}-\d\d-\d\dT\d\d:00:00\.000Z \(run_id cli-om\)/,
    );
    const parsed = parseOpenMetrics(readFileSync(om, "utf8"));
    expect(parsed.problems).toEqual([]);
    const last = Math.max(...parsed.families.flatMap((f) => f.samples.map((s) => s.timestamp)));
    expect(last * 1000).toBeLessThan(Date.now() - 3 * 3_600_000);
    expect(parsed.families[0].samples[0].labels).toContain('run_id="cli-om"');
  });
});

describe("--metrics-port with --hold", () => {
  it("serves the final state after the run until SIGINT, then exits with the run's code", async () => {
    const signals = new EventEmitter();
    const port = await freePort();
    const term = terminal();
    const done = runCommand({ file: QUICKSTART, until: "2m", metricsPort: String(port), hold: true }, term, {
      signals,
    });
    const deadline = Date.now() + 30_000;
    while (!term.err().includes("still serving") && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    expect(term.err()).toContain(`serving Prometheus metrics on http://127.0.0.1:${port}/metrics`);
    const res = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(res.headers.get("content-type")).toContain("text/plain; version=0.0.4");
    const text = await res.text();
    expect(text).toMatch(
      /^fleetsim_simulated_time_seconds\{run_id="quickstart-seed1",scenario="quickstart"\} 120$/m,
    );
    expect((await fetch(`http://127.0.0.1:${port}/nope`)).status).toBe(404);
    signals.emit("SIGINT");
    expect(await done).toBe(ExitCode.Ok);
    await expect(fetch(`http://127.0.0.1:${port}/metrics`)).rejects.toThrow();
  });
});

describe("Pacer", () => {
  it("waits until simulated time / speed has passed on the wall clock", async () => {
    const stop = new Int32Array(new SharedArrayBuffer(4));
    const p = new Pacer(1000, stop);
    const t0 = performance.now();
    expect(await p.waitFor(0)).toBe(true);
    expect(await p.waitFor(100_000_000)).toBe(true); // 100 s at 1000x: 100 ms
    expect(performance.now() - t0).toBeGreaterThanOrEqual(99);
  });

  it("returns at once when asked to stop", async () => {
    const stop = new Int32Array(new SharedArrayBuffer(4));
    const p = new Pacer(1, stop);
    expect(await p.waitFor(0)).toBe(true);
    Atomics.store(stop, 0, 1);
    const t0 = performance.now();
    expect(await p.waitFor(3_600_000_000)).toBe(false);
    expect(performance.now() - t0).toBeLessThan(50);
  });

  it("a stop raised during a wait (Ctrl-C on the same thread) ends it at once", async () => {
    const stop = new Int32Array(new SharedArrayBuffer(4));
    const p = new Pacer(1, stop);
    expect(await p.waitFor(0)).toBe(true);
    setTimeout(() => {
      Atomics.store(stop, 0, 1);
      Atomics.notify(stop, 0);
    }, 20);
    const t0 = performance.now();
    expect(await p.waitFor(3_600_000_000)).toBe(false);
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});

describe("the Prometheus tests' binaries", () => {
  it("a missing binary skips loudly on a developer's machine and fails under CI", () => {
    const saved = process.env.CI;
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      delete process.env.CI;
      const dev = requireBinaries("a test", { x: ["fleet-sim-no-such-binary"] });
      expect(dev.run).toBe(false);
      expect(warn.mock.calls[0][0]).toMatch(/SKIPPING a test: fleet-sim-no-such-binary not found/);
      process.env.CI = "true";
      const ci = requireBinaries("a test", { x: ["fleet-sim-no-such-binary"] });
      expect(ci.run).toBe(true);
      expect(() => assertBinaries(ci)).toThrow("missing fleet-sim-no-such-binary");
    } finally {
      warn.mockRestore();
      if (saved === undefined) delete process.env.CI;
      else process.env.CI = saved;
    }
  });
});
