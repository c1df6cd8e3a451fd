/**
 * The shipped dashboards: the committed JSON is what the generator
 * (dashboards/generate.ts) produces, every panel queries the chosen data
 * source and runs, and every metric a query names is one of ours.
 * (tests/prometheus-backfill.test.ts runs every query against Prometheus.)
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generateDashboards } from "../dashboards/generate.js";
import { FAMILIES } from "../src/measures/families.js";
import { type DashboardJson, dashboardPanels, dashboardQueries } from "./helpers/dashboards.js";

const DIR = join(import.meta.dirname, "..", "dashboards");
const generated = generateDashboards();

describe("dashboards", () => {
  if (process.env.FLEET_SIM_WRITE_DASHBOARDS === "1") {
    for (const d of generated) writeFileSync(join(DIR, d.file), d.json);
  }

  it.each(generated.map((d) => [d.file, d.json]))(
    "%s is committed as the generator writes it (FLEET_SIM_WRITE_DASHBOARDS=1 to rewrite)",
    (file, json) => {
      expect(readFileSync(join(DIR, file), "utf8")).toBe(json);
    },
  );

  it.each(generated.map((d) => [d.file, d.json]))(
    "%s has the datasource, scenario, run_id, template and ad-hoc filter variables, and every query uses them",
    (_file, json) => {
      const d = JSON.parse(json) as {
        templating: { list: { name: string; type: string; datasource?: unknown }[] };
      };
      expect(d.templating.list.map((v) => [v.name, v.type])).toEqual([
        ["datasource", "datasource"],
        ["scenario", "query"],
        ["run_id", "query"],
        ["template", "query"],
        ["filters", "adhoc"],
      ]);
      // The ad-hoc filter applies to the queries of the chosen data source.
      expect(d.templating.list[4].datasource).toEqual({ type: "prometheus", uid: "${datasource}" });
      const queries = dashboardQueries(json);
      expect(queries.length).toBeGreaterThanOrEqual(10);
      for (const q of queries) {
        expect(q.datasource, q.panel).toEqual({ type: "prometheus", uid: "${datasource}" });
        expect(q.expr, q.panel).toContain('run_id=~"$run_id"');
        expect(q.expr, q.panel).toContain('scenario=~"$scenario"');
      }
    },
  );

  it("filters by the template variable exactly the series of families with a template label", () => {
    const templated = new Set(FAMILIES.filter((f) => f.labels.includes("template")).map((f) => f.name));
    for (const d of generated) {
      for (const q of dashboardQueries(d.json)) {
        // Each selector: a metric name and its matchers.
        for (const [, name, matchers] of q.expr.matchAll(/(fleetsim_[a-z_]+)\{([^}]*)\}/g)) {
          const base = name.replace(/_(bucket|count|sum)$/, "");
          const family = templated.has(name) || templated.has(base);
          expect(matchers.includes('template=~"$template"'), `${q.panel}: ${name}`).toBe(family);
        }
      }
    }
  });

  it("11.1: every rate() of every dashboard is per simulated second (divided by the simulated clock's rate)", () => {
    // What must follow each rate(...) of a family: the division by its run's simulated clock rate.
    const divisor =
      ' / on (run_id) group_left () (max by (run_id) (rate(fleetsim_simulated_seconds_total{run_id=~"$run_id", scenario=~"$scenario"}[$__rate_interval])) > 0)';
    let rates = 0;
    let clocks = 0;
    for (const d of generated) {
      for (const q of dashboardQueries(d.json)) {
        // Only rate(): increase() and the others would want a division of their own.
        expect(q.expr, q.panel).not.toMatch(/\b(irate|increase|delta|idelta|deriv)\(/);
        clocks += q.expr.split("rate(fleetsim_simulated_seconds_total{").length - 1;
        for (const m of q.expr.matchAll(/\brate\((fleetsim_[a-z_]+)\{[^}]*\}\[[^\]]+\]\)/g)) {
          if (m[1] === "fleetsim_simulated_seconds_total") continue;
          rates++;
          const after = q.expr.slice(m.index + m[0].length);
          expect(
            after.startsWith(divisor),
            `${d.file} / ${q.panel}: ${m[0]} is not divided by the clock`,
          ).toBe(true);
        }
        // Every rate( in the text is one of those matched (none hides in another shape).
        expect(q.expr.split(/\brate\(/).length - 1, q.panel).toBe(
          [...q.expr.matchAll(/\brate\((fleetsim_[a-z_]+)\{[^}]*\}\[[^\]]+\]\)/g)].length,
        );
      }
    }
    expect(rates).toBeGreaterThan(40);
    // The clock's rate appears only as the divisor of another rate.
    expect(clocks).toBe(rates);
  });

  it("names only metrics the simulator exports", () => {
    const known = new Set(
      FAMILIES.flatMap((f) =>
        f.type === "histogram" ? [f.name, `${f.name}_bucket`, `${f.name}_count`, `${f.name}_sum`] : [f.name],
      ),
    );
    for (const d of generated) {
      for (const q of dashboardQueries(d.json)) {
        for (const name of q.expr.match(/fleetsim_[a-z_]+/g) ?? []) expect(known, q.panel).toContain(name);
      }
    }
  });

  it("11.14: every metric family is in a query of a dashboard's panel or annotation", () => {
    // The selectors of every query (the variables' queries do not count).
    const shown = new Set(
      generated.flatMap((d) =>
        dashboardQueries(d.json).flatMap((q) =>
          [...q.expr.matchAll(/(fleetsim_[a-z_]+)\{/g)].map((m) => m[1]),
        ),
      ),
    );
    const missing = FAMILIES.filter((f) =>
      f.type === "histogram"
        ? !["_bucket", "_count", "_sum", ""].some((s) => shown.has(`${f.name}${s}`))
        : !shown.has(f.name),
    ).map((f) => f.name);
    expect(missing).toEqual([]);
  });

  it("11.14: the capacity planning dashboard has a panel of ENI creation failures by subnet", () => {
    const d = generated.find((x) => x.file === "capacity-planning.json")!;
    const q = dashboardQueries(d.json).filter((x) => x.panel === "ENI creation failures");
    expect(q.map((x) => x.expr)).toEqual([
      'sum by (run_id, vpc, subnet) (fleetsim_eni_creation_failures_total{run_id=~"$run_id", scenario=~"$scenario"})',
    ]);
    expect(dashboardPanels(d.json).find((p) => p.title === "ENI creation failures")?.row).toBe(
      "Subnets and ENIs",
    );
  });

  it("the overview and capacity dashboards have the panels the issue asks for", () => {
    const titles = generated.flatMap((d) => dashboardQueries(d.json).map((q) => q.panel));
    for (const t of [
      "Functions by State",
      "API failure rate by operation and error code",
      "Pending duration p50 / p99",
      "Create to Active (clients) p50 / p99",
      "Invocations by outcome",
      "Cold-start ratio",
      "Throttles by reason",
      "IP headroom per subnet",
      "ENIs against the VPC quota",
      "Concurrency against its limit",
      "Throttle rate",
      "Pending tail p99 / p99.9",
      "Invocations by template",
      "Invocation latency p99 by template",
      "Busiest functions",
    ]) {
      expect(titles).toContain(t);
    }
  });

  it("11.14: the fleet overview opens on a Thresholds timeline of fleetsim_threshold_ok, and every dashboard annotates failing thresholds", () => {
    const overview = generated.find((d) => d.file === "fleet-overview.json")!;
    const panel = dashboardPanels(overview.json).find((p) => p.title === "Thresholds")!;
    // A state timeline in the open first row, ok / failing by value.
    expect(panel).toMatchObject({ type: "state-timeline", row: "Run" });
    expect(JSON.stringify(panel)).toContain('"text":"failing"');
    expect(dashboardQueries(overview.json).filter((q) => q.panel === "Thresholds")).toEqual([
      expect.objectContaining({
        expr: 'max by (run_id, threshold) (fleetsim_threshold_ok{run_id=~"$run_id", scenario=~"$scenario"})',
      }),
    ]);
    for (const d of generated) {
      const annotations = (JSON.parse(d.json) as DashboardJson).annotations?.list ?? [];
      expect(annotations, d.file).toEqual([
        expect.objectContaining({
          name: "Thresholds failing",
          enable: true,
          datasource: { type: "prometheus", uid: "${datasource}" },
          // The failing points (== 0), as 1: Grafana makes events of the values above zero only.
          expr: '(fleetsim_threshold_ok{run_id=~"$run_id", scenario=~"$scenario"} == 0) + 1',
          titleFormat: "Threshold failing: {{threshold}}",
          textFormat: expect.stringContaining("{{run_id}}"),
          tagKeys: "run_id,threshold",
        }),
      ]);
    }
  });

  it("11.14: the API failure-rate panel leaves out the (operation, error code) pairs without errors", () => {
    const q = generated
      .flatMap((d) => dashboardQueries(d.json))
      .filter((x) => x.panel === "API failure rate by operation and error code");
    expect(q).toHaveLength(1);
    // The errors by pair, kept only where above zero, and only then divided by the operation's requests.
    expect(q[0].expr).toMatch(
      /^\(sum by \(run_id, operation, error_code\) \(\(rate\(fleetsim_api_requests_total\{[^}]*outcome="error"[^}]*\}.*\)\) > 0\) \/ on \(run_id, operation\) group_left \(\) sum by \(run_id, operation\) /,
    );
  });

  it.each(generated.map((d) => [d.file, d.json]))(
    "11.14: %s groups its panels in rows, the first open and the others collapsed holding their panels",
    (_file, json) => {
      const d = JSON.parse(json) as DashboardJson;
      const top = d.panels ?? [];
      const rows = top.filter((p) => p.type === "row");
      expect(rows.length).toBeGreaterThanOrEqual(3);
      // The first panel is the open row; its panels follow it, up to the first collapsed row.
      expect(top[0].type).toBe("row");
      expect(rows[0]).toMatchObject({ collapsed: false, panels: [] });
      const firstCollapsed = top.indexOf(rows[1]);
      expect(top.slice(1, firstCollapsed).length).toBeGreaterThan(0);
      for (const p of top.slice(1, firstCollapsed)) expect(p.type).not.toBe("row");
      // After it, only collapsed rows, each holding its panels (none of them a row).
      expect(top.slice(firstCollapsed)).toEqual(rows.slice(1));
      for (const r of rows.slice(1)) {
        expect(r.collapsed, r.title).toBe(true);
        expect(r.panels?.length, r.title).toBeGreaterThan(0);
        for (const p of r.panels ?? []) expect(p.type, r.title).not.toBe("row");
      }
      // dashboardQueries reads the queries of the collapsed rows' panels too.
      const targets = dashboardPanels(json).flatMap((p) =>
        (p.targets ?? []).map((t) => `${p.title ?? ""} ${t.refId ?? ""}`),
      );
      const nested = rows.slice(1).flatMap((r) => (r.panels ?? []).flatMap((p) => p.targets ?? []));
      expect(nested.length).toBeGreaterThan(0);
      expect(
        dashboardQueries(json)
          .filter((q) => !q.panel.startsWith("annotation: "))
          .map((q) => `${q.panel} ${q.refId}`),
      ).toEqual(targets);
    },
  );

  it("V11: the invocation side dashboard has a panel for each figure the report gained", () => {
    const d = generated.find((x) => x.file === "invocation-side.json")!;
    const titles = dashboardQueries(d.json).map((q) => q.panel);
    for (const t of [
      "Invocations by qualifier and outcome",
      "Provisioned vs spillover invocations",
      "Spillovers by reason",
      "Provisioned first-invoke latency p50 / p99",
      "Throttles by cause and reason",
      "Cold-start ratio by deploy phase",
      "Async queue depth",
      "Oldest async event age",
      "Async event fates and retries",
      "Async event age p50 / p99",
      "Recursive loop stops",
      "Invocation errors by error code",
      "EFS burst credit balance",
      "EFS throughput demand vs baseline",
    ]) {
      expect(titles).toContain(t);
    }
  });
});
