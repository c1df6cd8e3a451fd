/**
 * `fleet-sim serve --metrics-port P` while a session runs: /metrics moves
 * as the API drives the simulation (the functions the SDK creates, the
 * simulated clock advancing at --speed times the wall clock), and a real
 * Prometheus (Debian's package) scraping it reads the dashboards' rates per
 * simulated second: a client invoking 40 times per wall-clock second at
 * --speed 20 is 2 invocations per simulated second on the dashboard.
 */
import { CreateFunctionCommand, InvokeCommand, waitUntilFunctionActiveV2 } from "@aws-sdk/client-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateDashboards } from "../dashboards/generate.js";
import { buildCli } from "./helpers/build-cli.js";
import { dashboardQueries } from "./helpers/dashboards.js";
import {
  assertBinaries,
  freePort,
  queryRange,
  requireBinaries,
  type Server,
  startPrometheus,
} from "./helpers/prometheus.js";
import { createInput, lambdaClient, type Served, serve, sleep } from "./helpers/serve-cli.js";

const bins = requireBinaries("the serve metrics Prometheus test", { prometheus: ["prometheus"] });

const SPEED = 20;
/** Invocations the client makes per wall-clock second, open loop: SPEED times fewer per simulated second. */
const WALL_RATE = 40;
const FUNCTIONS = 4;
const INVOKE_FOR_MS = 16_000;
const WINDOW = "6s";

/** The value of the first sample of `name` whose labels include every one of `labels`. */
function sample(text: string, name: string, ...labels: string[]): number {
  for (const line of text.split("\n")) {
    const m = /^([a-z_]+)(\{[^}]*\})? (\S+)$/.exec(line);
    if (m !== null && m[1] === name && labels.every((l) => (m[2] ?? "").includes(l))) return Number(m[3]);
  }
  throw new Error(`no ${name} ${labels.join(",")} in /metrics`);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

describe.runIf(bins.run)("serve --metrics-port", () => {
  let prometheus: Server | null = null;
  let s: Served | null = null;

  beforeAll(async () => {
    assertBinaries(bins);
    const main = buildCli("serve-metrics");
    const port = await freePort();
    prometheus = await startPrometheus({
      prometheus: bins.found.prometheus,
      scrapeInterval: "1s",
      scrapeConfigs: `  - job_name: fleet-sim\n    static_configs:\n      - targets: ["127.0.0.1:${port}"]`,
    });
    s = await serve(main, [
      "--speed",
      String(SPEED),
      "--metrics-port",
      String(port),
      "--sample-interval",
      "5s",
    ]);
  }, 120_000);

  afterAll(async () => {
    expect(await s?.stop()).toBe(0);
    await prometheus?.stop();
  });

  it("/metrics moves with the session, and Prometheus reads the invocation rate per simulated second", async () => {
    const scrape = async () => (await fetch(`${s!.metricsUrl}/metrics`)).text();
    const lambda = lambdaClient(s!.url, { maxAttempts: 1 });
    try {
      // The simulated clock runs at --speed times the wall clock.
      const t0 = performance.now();
      const before = sample(await scrape(), "fleetsim_simulated_seconds_total");
      await sleep(2000);
      const after = sample(await scrape(), "fleetsim_simulated_seconds_total");
      const pace = (after - before) / ((performance.now() - t0) / 1000);
      expect(Math.abs(pace / SPEED - 1), `clock pace ${pace}`).toBeLessThan(0.25);

      const names = Array.from({ length: FUNCTIONS }, (_, i) => `metered-${i}`);
      for (const n of names) await lambda.send(new CreateFunctionCommand(createInput(n)));
      await Promise.all(
        names.map((n) =>
          waitUntilFunctionActiveV2(
            { client: lambda, maxWaitTime: 60, minDelay: 0.2, maxDelay: 1 },
            { FunctionName: n },
          ),
        ),
      );
      // Samples are taken every 5 simulated seconds (a quarter of a wall-clock second here).
      await sleep(600);
      const created = await scrape();
      expect(sample(created, "fleetsim_functions_created_total")).toBe(FUNCTIONS);
      expect(
        sample(created, "fleetsim_api_requests_total", 'operation="CreateFunction"', 'outcome="success"'),
      ).toBe(FUNCTIONS);

      // A steady open-loop stream of Invokes, round robin over the functions.
      const startS = Date.now() / 1000;
      const calls: Promise<unknown>[] = [];
      let k = 0;
      const timer = setInterval(() => {
        calls.push(lambda.send(new InvokeCommand({ FunctionName: names[k++ % FUNCTIONS] })));
      }, 1000 / WALL_RATE);
      await sleep(INVOKE_FOR_MS);
      clearInterval(timer);
      await Promise.all(calls);
      await sleep(2000); // a last scrape
      const endS = Date.now() / 1000;
      expect(sample(await scrape(), "fleetsim_invocation_requests_total")).toBe(calls.length);

      const panel = generateDashboards()
        .flatMap((d) => dashboardQueries(d.json))
        .find((q) => q.panel === "Invocations per simulated second")!;
      const expr = panel.expr
        .replaceAll("$run_id", ".*")
        .replaceAll("$scenario", ".*")
        .replaceAll("$template", ".*")
        .replaceAll("$__rate_interval", WINDOW);
      const series = await queryRange(prometheus!.url, expr, startS, endS, 1);
      expect(series.length, `no series for ${expr}`).toBe(1);
      // The points whose window lies inside the steady stream.
      const points = series[0]
        .values!.filter(([t]) => t >= startS + 8 && t <= startS + INVOKE_FOR_MS / 1000)
        .map(([, v]) => Number(v))
        .filter(Number.isFinite);
      expect(points.length).toBeGreaterThan(3);
      const perSimulatedSecond = WALL_RATE / SPEED;
      expect(Math.abs(median(points) / perSimulatedSecond - 1), JSON.stringify(points)).toBeLessThan(0.25);
    } finally {
      lambda.destroy();
    }
  }, 120_000);
});
