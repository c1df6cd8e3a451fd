/**
 * The metrics against a real Prometheus (Debian's package; .ci/run installs
 * it). One Prometheus, started here on 127.0.0.1:
 *
 * - backfill: five shipped scenarios and a fixture written with
 *   --openmetrics (one with its 5 busiest functions labelled), turned into
 *   blocks by `promtool tsdb create-blocks-from openmetrics`, loaded by
 *   Prometheus; every query of every panel and annotation of every
 *   dashboard, variables filled in, returns data over the runs' time range,
 *   and each of the invocation side's something other than zero (three
 *   scenarios are there for those: an alias shift with provisioned
 *   concurrency, a recursive loop of async events, EFS faults; the fixture
 *   for thresholds, one failing for a while, and ENI creation failures);
 * - live: a run with --metrics-port and --hold (every function labelled),
 *   scraped by that Prometheus; the scraped totals, summed over templates
 *   and functions, equal the run's JSON report;
 * - the live exposition passes `promtool check metrics` without a word.
 *
 * The CLI is compiled and spawned as a user runs it (worker thread, SIGINT).
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateDashboards } from "../dashboards/generate.js";
import { HIST_NAMES } from "../src/model/observations.js";
import type { Report } from "../src/report/json-report.js";
import { buildCli, ROOT } from "./helpers/build-cli.js";
import { dashboardQueries } from "./helpers/dashboards.js";
import {
  assertBinaries,
  freePort,
  labelValues,
  type PromSeries,
  queryInstant,
  queryRange,
  requireBinaries,
  type Server,
  sleep,
  startPrometheus,
} from "./helpers/prometheus.js";

const bins = requireBinaries("the Prometheus tests", {
  prometheus: ["prometheus"],
  promtool: ["promtool"],
});

/** 2024-01-01T00:00:00Z: the backfilled runs start here. */
const START_S = 1_704_067_200;
const BACKFILLED = [
  {
    file: "scenarios/quickstart.yaml",
    args: ["--metrics-function-labels", "5"],
    runId: "quickstart-seed1",
    scenario: "quickstart",
    untilS: 480,
  },
  {
    file: "scenarios/vpc-migration.yaml",
    args: ["--until", "4m"],
    runId: "vpc-migration-seed1",
    scenario: "vpc-migration",
    untilS: 240,
  },
  {
    file: "scenarios/provisioned-alias-shift.yaml",
    args: [],
    runId: "provisioned-alias-shift-seed1",
    scenario: "provisioned-alias-shift",
    untilS: 600,
  },
  {
    file: "scenarios/recursive-loop.yaml",
    args: [],
    runId: "recursive-loop-seed1",
    scenario: "recursive-loop",
    untilS: 1800,
  },
  {
    file: "scenarios/efs-faults.yaml",
    args: [],
    runId: "efs-faults-seed1",
    scenario: "efs-faults",
    untilS: 1200,
  },
  {
    // Thresholds, one failing from 15 s to 75 s, and ENI creations that fail.
    file: "tests/fixtures/backfill/subnet-thresholds.yaml",
    args: [],
    runId: "subnet-thresholds-seed1",
    scenario: "subnet-thresholds",
    untilS: 360,
  },
];
/** The dashboard whose every query must show more than zeros over the backfilled runs. */
const NONZERO_DASHBOARD = "Lambda fleet simulator: invocation side";
const LIVE_RUN_ID = "live-quickstart";

describe.runIf(bins.run)("Prometheus", () => {
  const tmp = mkdtempSync(join(tmpdir(), "fleet-sim-prom-test-"));
  const dataDir = join(tmp, "tsdb");
  let main = "";
  let livePort = 0;
  let prometheus: Server | null = null;
  let live: ChildProcess | null = null;
  let liveStderr = "";

  const cli = (args: string[]) =>
    spawnSync(process.execPath, [main, ...args], { cwd: ROOT, encoding: "utf8", timeout: 120_000 });

  beforeAll(async () => {
    assertBinaries(bins);
    main = buildCli("prometheus-test-cli");
    for (const run of BACKFILLED) {
      const om = join(tmp, `${run.scenario}.om`);
      const r = cli([
        "run",
        run.file,
        ...run.args,
        "-q",
        "--openmetrics",
        om,
        "--start-time",
        String(START_S),
      ]);
      expect(r.status, r.stderr).toBe(0);
      const blocks = spawnSync(
        bins.found.promtool,
        ["tsdb", "create-blocks-from", "openmetrics", om, dataDir],
        {
          encoding: "utf8",
          timeout: 120_000,
        },
      );
      expect(blocks.status, `${blocks.stdout}${blocks.stderr}`).toBe(0);
    }
    livePort = await freePort();
    prometheus = await startPrometheus({
      prometheus: bins.found.prometheus,
      dataDir,
      scrapeInterval: "1s",
      scrapeConfigs: `  - job_name: fleet-sim\n    static_configs:\n      - targets: ["127.0.0.1:${livePort}"]`,
    });
  }, 180_000);

  afterAll(async () => {
    if (live !== null && live.exitCode === null) live.kill("SIGKILL");
    await prometheus?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  describe("backfilled runs (--openmetrics, promtool tsdb create-blocks-from openmetrics)", () => {
    const endS = START_S + Math.max(...BACKFILLED.map((r) => r.untilS));
    const runIds = BACKFILLED.map((r) => r.runId).join("|");
    const scenarios = BACKFILLED.map((r) => r.scenario).join("|");
    /** As Grafana fills the variables in with all runs chosen; 15 s samples give a 1m rate interval. */
    const fill = (expr: string) =>
      expr
        .replaceAll("$run_id", runIds)
        .replaceAll("$scenario", scenarios)
        .replaceAll("$template", ".*")
        .replaceAll("$__rate_interval", "1m")
        .replaceAll("$__interval", "15s");

    it("holds every run: the dashboards' scenario and run_id variables list them", async () => {
      const url = prometheus!.url;
      expect(await labelValues(url, "scenario", "fleetsim_run_info")).toEqual(
        expect.arrayContaining(BACKFILLED.map((r) => r.scenario)),
      );
      expect(await labelValues(url, "run_id", `fleetsim_run_info{scenario=~"${scenarios}"}`)).toEqual(
        expect.arrayContaining(BACKFILLED.map((r) => r.runId)),
      );
    });

    const queries = generateDashboards().flatMap((d) => dashboardQueries(d.json));
    it("V11: the invocation side dashboard is among them", () => {
      expect(queries.filter((q) => q.dashboard === NONZERO_DASHBOARD).length).toBeGreaterThanOrEqual(15);
    });
    it.each(queries.map((q) => [`${q.dashboard} / ${q.panel} / ${q.refId}`, q.expr, q.dashboard]))(
      "%s returns data",
      async (_name, expr, dashboard) => {
        const result = await queryRange(prometheus!.url, fill(expr), START_S, endS, 15);
        expect(result.length, `no series for ${fill(expr)}`).toBeGreaterThan(0);
        const finite = result.flatMap((s) => s.values ?? []).filter(([, v]) => Number.isFinite(Number(v)));
        expect(finite.length, `only NaN/Inf for ${fill(expr)}`).toBeGreaterThan(0);
        if (dashboard === NONZERO_DASHBOARD)
          expect(
            finite.some(([, v]) => Number(v) !== 0),
            `only zeros for ${fill(expr)}`,
          ).toBe(true);
      },
    );

    it("11.14: the thresholds panel draws each threshold of the run, the annotation only the failing one while it fails", async () => {
      const [panel] = queries.filter((x) => x.panel === "Thresholds");
      const run = "subnet-thresholds-seed1";
      const drawn = (await queryRange(prometheus!.url, fill(panel.expr), START_S, endS, 15)).filter(
        (s) => s.metric.run_id === run,
      );
      const at = (s: PromSeries) =>
        Object.fromEntries((s.values ?? []).map(([t, v]) => [Number(t) - START_S, Number(v)]));
      expect(drawn.map((s) => s.metric.threshold).sort()).toEqual([
        "clients.gave_up == 0",
        "functions.pending == 0",
      ]);
      const pending = at(drawn.find((s) => s.metric.threshold === "functions.pending == 0")!);
      expect([pending[0], pending[15], pending[75], pending[90], pending[360]]).toEqual([1, 0, 0, 1, 1]);
      // The annotation: the failing points only, each of value 1 (Grafana makes events of values above 0).
      const [annotation] = queries.filter((x) => x.panel === "annotation: Thresholds failing");
      const events = (await queryRange(prometheus!.url, fill(annotation.expr), START_S, endS, 15)).filter(
        (s) => s.metric.run_id === run,
      );
      expect(events.map((s) => s.metric.threshold)).toEqual(["functions.pending == 0"]);
      expect(at(events[0])).toEqual({ 15: 1, 30: 1, 45: 1, 60: 1, 75: 1 });
      // No run of the others has thresholds: the annotation marks nothing there.
      const all = await queryRange(prometheus!.url, fill(annotation.expr), START_S, endS, 15);
      expect(all.map((s) => s.metric.run_id)).toEqual([run]);
    });

    it("11.14: the ENI creation failures panel counts the fixture run's failed creations", async () => {
      const [q] = queries.filter((x) => x.panel === "ENI creation failures");
      const r = (await queryRange(prometheus!.url, fill(q.expr), START_S, endS, 15)).filter(
        (s) => s.metric.run_id === "subnet-thresholds-seed1",
      );
      expect(r.map((s) => s.metric.subnet)).toEqual(["subnet-a"]);
      const values = (r[0].values ?? []).map(([, v]) => Number(v));
      // None at first; at the end, one for each function of the team that found no free address.
      expect(values[0]).toBe(0);
      expect(values.at(-1)).toBe(4);
    });

    it("11.14: the API failure-rate panel draws no all-zero series, where the pairs without errors would be most of them", async () => {
      const [q] = queries.filter((x) => x.panel === "API failure rate by operation and error code");
      const drawn = await queryRange(prometheus!.url, fill(q.expr), START_S, endS, 15);
      const values = (s: PromSeries) => (s.values ?? []).map(([, v]) => Number(v));
      expect(drawn.length).toBeGreaterThan(0);
      for (const s of drawn) {
        expect(values(s).length, JSON.stringify(s.metric)).toBeGreaterThan(0);
        for (const v of values(s)) expect(v, JSON.stringify(s.metric)).toBeGreaterThan(0);
      }
      // Without the filter: a series for every (operation, error code) pair, most of them all
      // zero (or NaN, 0/0, while the operation had no requests).
      const unfiltered = q.expr.replace(/^\((sum by .*?) > 0\) \/ on /, "$1 / on ");
      expect(unfiltered).not.toBe(q.expr);
      const all = await queryRange(prometheus!.url, fill(unfiltered), START_S, endS, 15);
      const zero = all.filter((s) => values(s).every((v) => v === 0 || Number.isNaN(v)));
      expect(zero.length).toBeGreaterThan(100);
      expect(all.length - zero.length).toBe(
        new Set(drawn.map((s) => `${s.metric.run_id} ${s.metric.operation} ${s.metric.error_code}`)).size,
      );
    });
  });

  describe("a live run (--metrics-port, --hold) scraped by Prometheus", () => {
    const reportFile = () => join(tmp, "live-report.json");
    let report: Report;
    let exposition = "";

    beforeAll(async () => {
      live = spawn(
        process.execPath,
        [
          main,
          "run",
          "scenarios/quickstart.yaml",
          "--metrics-port",
          String(livePort),
          "--hold",
          "--run-id",
          LIVE_RUN_ID,
          "--metrics-function-labels",
          "1000",
          "--out",
          reportFile(),
        ],
        { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] },
      );
      live.stderr?.on("data", (d: Buffer) => (liveStderr += d.toString()));
      live.stdout?.resume();
      const deadline = Date.now() + 60_000;
      while (!liveStderr.includes("run over; still serving") && Date.now() < deadline) {
        if (live.exitCode !== null) throw new Error(`fleet-sim exited with ${live.exitCode}:\n${liveStderr}`);
        await sleep(50);
      }
      expect(liveStderr).toContain(`serving Prometheus metrics on http://127.0.0.1:${livePort}/metrics`);
      report = JSON.parse(readFileSync(reportFile(), "utf8")) as Report;
      exposition = await (await fetch(`http://127.0.0.1:${livePort}/metrics`)).text();
      // Wait for a scrape of the final state.
      const endS = report.run.simulatedUs / 1e6;
      while (Date.now() < deadline) {
        const r = await queryInstant(
          prometheus!.url,
          `fleetsim_simulated_time_seconds{run_id="${LIVE_RUN_ID}"}`,
        );
        if (r.length > 0 && Number(r[0].value?.[1]) === endS) break;
        await sleep(200);
      }
    }, 90_000);

    afterAll(async () => {
      if (live === null || live.exitCode !== null) return;
      const exited = new Promise<number | null>((resolve) => live!.once("exit", (code) => resolve(code)));
      live.kill("SIGINT");
      expect(await exited).toBe(0);
    });

    /** Instant query of the live run's series, as {labels key -> value}. */
    const scraped = async (expr: string): Promise<PromSeries[]> => {
      const r = await queryInstant(
        prometheus!.url,
        expr.replace("{", `{run_id="${LIVE_RUN_ID}",`).replace(",}", "}"),
      );
      expect(r.length, `no series for ${expr}`).toBeGreaterThan(0);
      return r;
    };
    const one = async (expr: string) => Number((await scraped(expr))[0].value![1]);
    /** The series of `expr` summed by `label` (over templates, functions...), as {value of label: sum}. */
    const byLabel = async (expr: string, label: string) =>
      Object.fromEntries(
        (await scraped(`sum by (${label}) (${expr})`)).map((s) => [s.metric[label], Number(s.value![1])]),
      );

    it("every scraped series carries run_id and scenario", async () => {
      const r = await scraped('{__name__=~"fleetsim_.+"}');
      for (const s of r) {
        expect(s.metric.run_id).toBe(LIVE_RUN_ID);
        expect(s.metric.scenario).toBe("quickstart");
      }
    });

    it("scraped run, function and client totals equal the JSON report", async () => {
      expect(await one("fleetsim_simulated_time_seconds{}")).toBe(report.run.simulatedUs / 1e6);
      expect(await one("fleetsim_events_processed_total{}")).toBe(report.run.events);
      expect(await byLabel("fleetsim_functions{}", "state")).toEqual(report.functions.byState);
      expect(await byLabel("fleetsim_functions_last_update_status{}", "last_update_status")).toEqual(
        report.functions.byLastUpdateStatus,
      );
      expect(await one("fleetsim_functions_created_total{}")).toBe(report.functions.created);
      expect(await one("fleetsim_functions_deleted_total{}")).toBe(report.functions.deleted);
      expect(await one("fleetsim_versions_published_total{}")).toBe(report.functions.versionsPublished);
      expect(await one("fleetsim_client_retries_total{}")).toBe(report.clients.retries);
      expect(await one("fleetsim_client_calls_given_up_total{}")).toBe(report.clients.gaveUp);
      const { started, ...ended } = report.clients.waiters;
      expect(await one("fleetsim_waiters_started_total{}")).toBe(started);
      expect(await byLabel("fleetsim_waiters_total{}", "outcome")).toEqual(ended);
    });

    it("scraped API requests by operation, outcome and error code equal the JSON report", async () => {
      const rows = await scraped("fleetsim_api_requests_total{}");
      for (const [op, api] of Object.entries(report.api)) {
        const of = (outcome: string, code: string) =>
          Number(
            rows.find(
              (s) =>
                s.metric.operation === op && s.metric.outcome === outcome && s.metric.error_code === code,
            )?.value?.[1],
          );
        expect(of("success", "none"), op).toBe(api.success);
        for (const code of [
          "ResourceConflictException",
          "ResourceNotReadyException",
          "ResourceNotFoundException",
          "TooManyRequestsException",
        ]) {
          expect(of("error", code), `${op} ${code}`).toBe(api.errors[code as keyof typeof api.errors] ?? 0);
        }
      }
      expect(report.api.Invoke.requests).toBeGreaterThan(1000);
    });

    it("scraped invocations, starts and throttles equal the JSON report", async () => {
      const inv = report.invocations;
      expect(await one("fleetsim_invocation_requests_total{}")).toBe(inv.requests);
      expect(await byLabel("fleetsim_invocations_total{}", "outcome")).toEqual(inv.outcomes);
      expect(await byLabel("fleetsim_invocation_starts_total{}", "start_type")).toEqual({
        cold: inv.coldStarts,
        warm: inv.warmStarts,
      });
      expect(await byLabel("fleetsim_invocation_throttles_total{}", "cause")).toEqual(inv.throttlesByCause);
    });

    it("V11: scraped invocations by qualifier and provisioned concurrency equal the JSON report", async () => {
      const inv = report.invocations;
      expect(await byLabel("fleetsim_invocations_by_qualifier_total{}", "outcome")).toEqual(inv.outcomes);
      const byQualifier = await byLabel("fleetsim_invocations_by_qualifier_total{}", "qualifier");
      expect(Object.keys(byQualifier).sort()).toEqual(["$LATEST", "version"]);
      for (const [q, n] of Object.entries(byQualifier))
        expect(n, q).toBe(Object.values(inv.byQualifier[q] ?? {}).reduce((a, b) => a + b, 0));
      expect(await one("fleetsim_provisioned_concurrency_invocations_total{}")).toBe(
        inv.provisioned.invocations,
      );
      expect(await one("fleetsim_provisioned_concurrency_spillover_invocations_total{}")).toBe(
        inv.provisioned.spilloverInvocations,
      );
      expect(await byLabel("fleetsim_provisioned_concurrency_spillovers_total{}", "reason")).toEqual(
        inv.provisioned.spillovers,
      );
      // The quickstart deploys nothing: no starts by deploy phase.
      expect(inv.coldStartRatioByDeployPhase).toBeNull();
      expect(
        await queryInstant(
          prometheus!.url,
          `fleetsim_invocation_starts_by_deploy_phase_total{run_id="${LIVE_RUN_ID}"}`,
        ),
      ).toEqual([]);
    });

    it("labels every invoked function (--metrics-function-labels 1000), each in at most one State", async () => {
      // Summed with function="other", they make the totals above.
      const invoked = await scraped('sum by (function) (fleetsim_invocations_total{function!="other"})');
      expect(invoked.length).toBeGreaterThan(10);
      const states = await scraped('sum by (function) (fleetsim_functions{function!="other"})');
      expect(states.map((s) => s.metric.function).sort()).toEqual(
        invoked.map((s) => s.metric.function).sort(),
      );
      for (const s of states) expect(Number(s.value![1])).toBeLessThanOrEqual(1);
    });

    it("scraped histogram counts and sums equal the JSON report's", async () => {
      const names: Record<(typeof HIST_NAMES)[number], string> = {
        pendingCreate: 'fleetsim_pending_duration_seconds_count{reason_code="Creating"}',
        pendingRestore: 'fleetsim_pending_duration_seconds_count{reason_code="Restoring"}',
        updateInProgress: "fleetsim_update_in_progress_duration_seconds_count{}",
        createToActiveClient: "fleetsim_client_create_to_active_seconds_count{}",
        invocationLatency: "fleetsim_invocation_latency_seconds_count{}",
        initDuration: "fleetsim_init_duration_seconds_count{}",
        firstInvokeLatency: "fleetsim_provisioned_first_invoke_latency_seconds_count{}",
        asyncEventAge: "fleetsim_async_event_age_seconds_count{}",
      };
      // Summed over templates (the histograms that have a template label).
      for (const h of HIST_NAMES) {
        const count = await one(`sum(${names[h]})`);
        expect(count, h).toBe(report.histograms[h].count);
        if (count === 0) continue;
        const sum = await one(`sum(${names[h].replace("_count", "_sum")})`);
        expect(sum / count, h).toBeCloseTo(report.histograms[h].mean, 4);
        const inf = await one(
          `sum(${names[h].replace("_count", "_bucket").replace("}", ',le="+Inf"}').replace("{,", "{")})`,
        );
        expect(inf, h).toBe(count);
      }
      expect(report.histograms.pendingCreate.count).toBeGreaterThan(0);
    });

    it("scraped concurrency, subnets and VPCs equal the JSON report", async () => {
      expect(await one("fleetsim_concurrency_peak{}")).toBe(report.concurrency.peak);
      expect(await one("fleetsim_concurrency_limit{}")).toBe(report.concurrency.limit);
      expect(await one("fleetsim_concurrency_unreserved_pool{}")).toBe(report.concurrency.unreservedPool);
      const inUse = await byLabel("fleetsim_concurrency_in_use{}", "pool");
      expect(inUse.unreserved + inUse.reserved).toBe(report.concurrency.inFlightAtEnd);
      const perSubnet = (name: string) => byLabel(`${name}{}`, "subnet");
      const subnets = Object.fromEntries(report.subnets.map((s) => [s.id, s]));
      const expectPerSubnet = async (name: string, field: keyof Report["subnets"][number]) =>
        expect(await perSubnet(name), name).toEqual(
          Object.fromEntries(Object.entries(subnets).map(([id, s]) => [id, s[field]])),
        );
      await expectPerSubnet("fleetsim_subnet_capacity_ips", "capacityIps");
      await expectPerSubnet("fleetsim_subnet_used_ips", "usedIpsAtEnd");
      await expectPerSubnet("fleetsim_subnet_others_ips", "othersIps");
      await expectPerSubnet("fleetsim_subnet_free_ips", "freeIpsAtEnd");
      await expectPerSubnet("fleetsim_subnet_peak_used_ips", "peakUsedIps");
      await expectPerSubnet("fleetsim_eni_creations_total", "enisCreated");
      await expectPerSubnet("fleetsim_eni_creation_failures_total", "enisFailed");
      await expectPerSubnet("fleetsim_eni_deletions_total", "enisDeleted");
      const vpcs = Object.fromEntries(report.vpcs.map((v) => [v.id, v]));
      const perVpc = (name: string) => byLabel(`${name}{}`, "vpc");
      expect(await perVpc("fleetsim_vpc_enis")).toEqual(
        Object.fromEntries(report.vpcs.map((v) => [v.id, v.enisAtEnd])),
      );
      expect(await perVpc("fleetsim_vpc_peak_enis")).toEqual(
        Object.fromEntries(report.vpcs.map((v) => [v.id, v.peakEnis])),
      );
      expect(await perVpc("fleetsim_vpc_eni_quota")).toEqual(
        Object.fromEntries(report.vpcs.map((v) => [v.id, v.eniQuota])),
      );
      expect(Object.keys(vpcs).length).toBeGreaterThan(0);
      // ENIs by state add up to those holding IPs (none failed in the quickstart).
      const enis = await scraped("sum by (subnet) (fleetsim_enis{})");
      for (const s of enis) expect(Number(s.value![1])).toBe(subnets[s.metric.subnet].usedIpsAtEnd);
    });

    it("the exposition passes `promtool check metrics` with nothing to say", () => {
      expect(exposition).toContain("fleetsim_api_requests_total{");
      const r = spawnSync(bins.found.promtool, ["check", "metrics"], { input: exposition, encoding: "utf8" });
      expect(`${r.stdout}${r.stderr}`).toBe("");
      expect(r.status).toBe(0);
    });
  });
});
