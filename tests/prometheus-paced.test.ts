/**
 * Rates of a paced live run against a real Prometheus (Debian's package;
 * .ci/run installs it): `fleet-sim run --metrics-port P --speed 20` of a
 * steady 200 invocations per simulated second (tests/fixtures/paced/), scraped
 * every second. The dashboards' "Invocations per simulated second" reads
 * the scenario's 200/s, and a raw rate() of the same counter reads about 20
 * times more (per wall-clock second), which is what the dashboards showed
 * before they divided by the simulated clock's rate (issue 11, item 1).
 *
 * The CLI is compiled and spawned as a user runs it.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateDashboards } from "../dashboards/generate.js";
import { buildCli, ROOT } from "./helpers/build-cli.js";
import { dashboardQueries } from "./helpers/dashboards.js";
import {
  assertBinaries,
  freePort,
  queryInstant,
  queryRange,
  requireBinaries,
  type Server,
  sleep,
  startPrometheus,
} from "./helpers/prometheus.js";

const bins = requireBinaries("the paced-run Prometheus test", { prometheus: ["prometheus"] });

const SCENARIO = "tests/fixtures/paced/steady-invoke.yaml";
const RUN_ID = "paced-steady-invoke";
/** The scenario's rate: invocations per simulated second. */
const RATE = 200;
const SPEED = 20;
const DURATION_S = 600;
/** The rate window, in wall-clock time: about 10 scrapes, 200 simulated seconds at this pace. */
const WINDOW = "10s";

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

describe.runIf(bins.run)("a paced live run (--speed) scraped by Prometheus", () => {
  let prometheus: Server | null = null;
  let live: ChildProcess | null = null;
  let stderr = "";
  let startS = 0;
  let endS = 0;

  beforeAll(async () => {
    assertBinaries(bins);
    const main = buildCli("prometheus-paced-test-cli");
    const port = await freePort();
    prometheus = await startPrometheus({
      prometheus: bins.found.prometheus,
      scrapeInterval: "1s",
      scrapeConfigs: `  - job_name: fleet-sim\n    static_configs:\n      - targets: ["127.0.0.1:${port}"]`,
    });
    startS = Date.now() / 1000;
    live = spawn(
      process.execPath,
      [
        main,
        "run",
        SCENARIO,
        "--metrics-port",
        String(port),
        "--speed",
        String(SPEED),
        "--sample-interval",
        "5s",
        "--hold",
        "--run-id",
        RUN_ID,
        "-q",
      ],
      { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] },
    );
    live.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
    live.stdout?.resume();
    const deadline = Date.now() + (DURATION_S / SPEED) * 1000 + 60_000;
    while (!stderr.includes("run over; still serving") && Date.now() < deadline) {
      if (live.exitCode !== null) throw new Error(`fleet-sim exited with ${live.exitCode}:\n${stderr}`);
      await sleep(100);
    }
    // Wait for a scrape of the final state.
    while (Date.now() < deadline) {
      const r = await queryInstant(prometheus.url, `fleetsim_simulated_time_seconds{run_id="${RUN_ID}"}`);
      if (r.length > 0 && Number(r[0].value?.[1]) === DURATION_S) break;
      await sleep(200);
    }
    endS = Date.now() / 1000;
  }, 180_000);

  afterAll(async () => {
    if (live !== null && live.exitCode === null) {
      const exited = new Promise<void>((resolve) => live!.once("exit", () => resolve()));
      live.kill("SIGINT");
      await exited;
    }
    await prometheus?.stop();
  });

  /** Values of `expr` each second of the run, from when its first rate window is full to its end. */
  const middle = async (expr: string): Promise<number[]> => {
    const r = await queryRange(prometheus!.url, expr, startS, endS, 1);
    expect(r.length, `no series for ${expr}`).toBe(1);
    const points = r[0]
      .values!.map(([t, v]) => [t, Number(v)] as const)
      .filter(([, v]) => Number.isFinite(v));
    if (process.env.DEBUG_PACED) console.log(expr, JSON.stringify(points.map(([t, v]) => [t - startS, v])));
    const first = points[0][0];
    return points.filter(([t]) => t >= first + 12).map(([, v]) => v);
  };

  it("11.1: the dashboards' invocation rate is per simulated second at --speed 20, the raw rate() 20 times it", async () => {
    const panel = generateDashboards()
      .flatMap((d) => dashboardQueries(d.json))
      .find((q) => q.panel === "Invocations per simulated second")!;
    const fill = (e: string) =>
      e
        .replaceAll("$run_id", RUN_ID)
        .replaceAll("$scenario", ".*")
        .replaceAll("$template", ".*")
        .replaceAll("$__rate_interval", WINDOW);
    const dashboard = await middle(fill(panel.expr));
    const naive = await middle(
      fill('sum by (run_id) (rate(fleetsim_invocations_total{run_id=~"$run_id"}[$__rate_interval]))'),
    );
    const clock = await middle(
      fill('max by (run_id) (rate(fleetsim_simulated_seconds_total{run_id=~"$run_id"}[$__rate_interval]))'),
    );
    console.log(
      `--speed ${SPEED}, ${RATE}/s simulated: dashboard median ${median(dashboard).toFixed(1)}/s ` +
        `(min ${Math.min(...dashboard).toFixed(1)}, max ${Math.max(...dashboard).toFixed(1)}, ${dashboard.length} points); ` +
        `raw rate() median ${median(naive).toFixed(1)}/s; clock rate median ${median(clock).toFixed(2)}`,
    );
    expect(dashboard.length).toBeGreaterThan(5);
    // Per simulated second: the scenario's rate, whatever the pace.
    expect(Math.abs(median(dashboard) / RATE - 1)).toBeLessThan(0.15);
    for (const v of dashboard) expect(Math.abs(v / RATE - 1), String(v)).toBeLessThan(0.15);
    // Per wall-clock second (what the panels read before): about SPEED times as much.
    expect(Math.abs(median(naive) / (RATE * SPEED) - 1)).toBeLessThan(0.15);
    // The clock runs at the pace.
    expect(Math.abs(median(clock) / SPEED - 1)).toBeLessThan(0.15);
  });
});
