/**
 * --pushgateway against a real Pushgateway (Debian's prometheus-pushgateway,
 * started here on 127.0.0.1): the run's metrics land grouped by job and
 * run_id with the report's totals; pushes made while a paced run goes never
 * overlap and the last one wins; a Pushgateway that cannot be reached is
 * reported, after the summary, with exit code 1.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ExitCode } from "../src/cli/exit-codes.js";
import { runCommand, type Terminal } from "../src/cli/run-command.js";
import { metricsContext } from "../src/metrics/context.js";
import { MetricsPusher, PUSH_JOB } from "../src/metrics/pushgateway.js";
import { MetricsRegistry } from "../src/metrics/registry.js";
import { SeriesLayout } from "../src/metrics/series.js";
import { runPlan } from "../src/model/run.js";
import type { Report } from "../src/report/json-report.js";
import { loadScenarioFile } from "../src/scenario/load.js";
import {
  assertBinaries,
  freePort,
  requireBinaries,
  type Server,
  startPushgateway,
} from "./helpers/prometheus.js";

const bins = requireBinaries("the Pushgateway tests", {
  pushgateway: ["prometheus-pushgateway", "pushgateway"],
});

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

/** The Pushgateway's exposition, as {series line without value -> value} for our run. */
async function pushed(url: string, runId: string): Promise<Map<string, number>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const m = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (!line.startsWith("fleetsim_") || !line.includes(`run_id="${runId}"`)) continue;
    const i = line.lastIndexOf(" ");
    m.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return m;
}

/** The sum of the pushed series of `name` that have all of `labels` (over templates, functions...). */
function find(m: Map<string, number>, name: string, ...labels: string[]): number {
  let sum = 0;
  let found = false;
  for (const [k, v] of m) {
    if ((k.startsWith(`${name}{`) || k === name) && labels.every((l) => k.includes(l))) {
      sum += v;
      found = true;
    }
  }
  if (!found) throw new Error(`no ${name} ${labels.join(",")} pushed`);
  return sum;
}

describe.runIf(bins.run)("Pushgateway", () => {
  let gateway: Server | null = null;
  const tmp = mkdtempSync(join(tmpdir(), "fleet-sim-push-"));

  beforeAll(async () => {
    assertBinaries(bins);
    gateway = await startPushgateway(bins.found.pushgateway);
  }, 60_000);

  afterAll(async () => {
    await gateway?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  it("fleet-sim run --pushgateway pushes the run's totals, grouped by job and run_id", async () => {
    const term = terminal();
    const out = join(tmp, "report.json");
    const code = await runCommand(
      {
        file: "scenarios/quickstart.yaml",
        until: "4m",
        quiet: true,
        out,
        pushgateway: gateway!.url,
        runId: "push-test",
        // Every invoked function gets a label: the Pushgateway takes the function-labelled families too.
        metricsFunctionLabels: "1000",
      },
      term,
      {},
    );
    expect(code, term.err()).toBe(ExitCode.Ok);
    const report = JSON.parse(readFileSync(out, "utf8")) as Report;
    const m = await pushed(gateway!.url, "push-test");
    const any = [...m.keys()][0];
    expect(any).toContain(`job="${PUSH_JOB}"`);
    expect(any).toContain('scenario="quickstart"');
    expect(find(m, "fleetsim_simulated_time_seconds")).toBe(240);
    expect(find(m, "fleetsim_invocations_total", 'outcome="success"')).toBe(
      report.invocations.outcomes.success,
    );
    expect(find(m, "fleetsim_api_requests_total", 'operation="CreateFunction"', 'outcome="success"')).toBe(
      report.api.CreateFunction.success,
    );
    expect(find(m, "fleetsim_functions", 'state="Active"')).toBe(report.functions.byState.Active);
    expect(find(m, "fleetsim_invocations_total", 'outcome="success"', 'function="api-00"')).toBeGreaterThan(
      0,
    );
    expect(find(m, "fleetsim_pending_duration_seconds_count", 'reason_code="Creating"')).toBe(
      report.histograms.pendingCreate.count,
    );
    // The Pushgateway's own record of the push.
    const text = await (await fetch(`${gateway!.url}/metrics`)).text();
    expect(text).toMatch(/push_time_seconds\{.*job="fleet-sim".*run_id="push-test"/);
  });

  it("pushes while a run goes never overlap, and the last push carries the last sample", async () => {
    const plan = loadScenarioFile("scenarios/quickstart.yaml", { untilUs: 120_000_000 });
    const registry = new MetricsRegistry(new SeriesLayout(metricsContext(plan, "push-paced")));
    const pusher = new MetricsPusher(gateway!.url, registry, "push-paced");
    const samples = runPlan(plan, { partitions: 2, sampleIntervalUs: 15_000_000 }).samples;
    for (const s of samples) {
      registry.update(s);
      pusher.pushSoon();
    }
    await pusher.finish();
    expect(pusher.error).toBeNull();
    // The first push went at once; samples meanwhile were coalesced into one push, then the final one.
    expect(pusher.pushes).toBeGreaterThanOrEqual(2);
    expect(pusher.pushes).toBeLessThan(samples.length + 1);
    const m = await pushed(gateway!.url, "push-paced");
    expect(find(m, "fleetsim_simulated_time_seconds")).toBe(120);
    expect(find(m, "fleetsim_events_processed_total")).toBe(samples.at(-1)!.events);
  });

  it("a Pushgateway that cannot be reached is reported after the summary, with exit code 1", async () => {
    const term = terminal();
    const port = await freePort();
    const code = await runCommand(
      {
        file: "scenarios/quickstart.yaml",
        until: "1m",
        quiet: true,
        pushgateway: `http://127.0.0.1:${port}`,
      },
      term,
      {},
    );
    expect(code).toBe(ExitCode.BadInput);
    expect(term.out()).toContain("quickstart");
    expect(term.err()).toContain(`fleet-sim: --pushgateway: cannot push to http://127.0.0.1:${port}`);
  });
});
