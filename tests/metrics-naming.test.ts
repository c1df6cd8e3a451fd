/**
 * The metric families follow Prometheus' naming practice: one application
 * prefix, snake_case, base units in the name (`_seconds`), `_total` on
 * counters and only on them, help text on every family, bounded label
 * values, run_id and scenario on every series, and no function names.
 */
import { describe, expect, it } from "vitest";
import { deriveRunId, metricsContext, RUN_ID_PATTERN } from "../src/metrics/context.js";
import { COMMON_LABELS, FAMILIES, familyBaseName, METRIC_PREFIX } from "../src/measures/families.js";
import { SeriesLayout } from "../src/metrics/series.js";
import { loadScenarioFile } from "../src/scenario/load.js";

const SNAKE = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;
/** Abbreviated and non-base units promtool's linter objects to, and others we never want. */
const NOT_BASE_UNITS = [
  "ms",
  "us",
  "ns",
  "sec",
  "secs",
  "millis",
  "minutes",
  "hours",
  "days",
  "bytes_kb",
  "mb",
  "gb",
];

describe("metric naming", () => {
  it.each(FAMILIES.map((f) => [f.name, f]))("%s follows the conventions", (_name, f) => {
    expect(f.name.startsWith(METRIC_PREFIX)).toBe(true);
    expect(f.name).toMatch(SNAKE);
    const parts = f.name.split("_");
    for (const unit of NOT_BASE_UNITS) expect(parts).not.toContain(unit);
    if (f.type === "counter") expect(f.name.endsWith("_total")).toBe(true);
    else expect(f.name.endsWith("_total")).toBe(false);
    for (const suffix of ["_count", "_sum", "_bucket", "_created"])
      expect(f.name.endsWith(suffix)).toBe(false);
    // OpenMetrics: the MetricFamily name (a counter's without `_total`) ends in its UNIT.
    if (f.unit !== undefined) expect(familyBaseName(f).endsWith(`_${f.unit}`)).toBe(true);
    if (familyBaseName(f).endsWith("_seconds")) expect(f.unit).toBe("seconds");
    expect(f.help.length).toBeGreaterThan(10);
    expect(f.help).not.toMatch(/["\n\\]/);
    for (const label of f.labels) {
      expect(label).toMatch(SNAKE);
      expect(["le", "quantile", "job", "instance", ...COMMON_LABELS]).not.toContain(label);
    }
    expect(f.labels).not.toContain("function");
    expect(f.labels).not.toContain("function_name");
  });

  it("has one family per name, and the issue's families", () => {
    const names = FAMILIES.map((f) => f.name);
    expect(new Set(names).size).toBe(names.length);
    for (const n of [
      "fleetsim_api_requests_total",
      "fleetsim_invocations_total",
      "fleetsim_invocation_starts_total",
      "fleetsim_invocation_throttles_total",
      "fleetsim_functions",
      "fleetsim_functions_last_update_status",
      "fleetsim_pending_duration_seconds",
      "fleetsim_update_in_progress_duration_seconds",
      "fleetsim_client_create_to_active_seconds",
      "fleetsim_invocation_latency_seconds",
      "fleetsim_init_duration_seconds",
      "fleetsim_concurrency_in_use",
      "fleetsim_concurrency_limit",
      "fleetsim_enis",
      "fleetsim_subnet_free_ips",
      "fleetsim_simulated_time_seconds",
      "fleetsim_events_processed_total",
    ]) {
      expect(names).toContain(n);
    }
  });

  it("keeps labels bounded: the series count does not grow with the number of functions", () => {
    const small = loadScenarioFile("scenarios/quickstart.yaml");
    const big = loadScenarioFile("scenarios/vpc-burst-deploy.yaml");
    expect(big.functions.names.length).toBeGreaterThan(100 * small.functions.names.length);
    const count = (p: typeof small) => new SeriesLayout(metricsContext(p)).seriesCount;
    // Only subnets, VPCs and templates add series (vpc-burst-deploy has more subnets).
    expect(count(big)).toBeLessThan(count(small) * 2);
    const layout = new SeriesLayout(metricsContext(big));
    const names = new Set(big.functions.names);
    for (const fs of layout.families) {
      for (const values of fs.series) for (const v of values) expect(names.has(v)).toBe(false);
    }
  });

  it("puts run_id and scenario on every series", () => {
    const plan = loadScenarioFile("scenarios/quickstart.yaml");
    const layout = new SeriesLayout(metricsContext(plan));
    for (const fs of layout.families) {
      expect(fs.labelNames.slice(0, 2)).toEqual(["run_id", "scenario"]);
      for (const values of fs.series) expect(values.slice(0, 2)).toEqual(["quickstart-seed1", "quickstart"]);
    }
  });

  it("derives run_id from the scenario name and seed", () => {
    expect(deriveRunId("quickstart", 1)).toBe("quickstart-seed1");
    expect(deriveRunId("my scenario/v2", 42)).toBe("my-scenario-v2-seed42");
    expect(deriveRunId("***", 7)).toBe("run-seed7");
    for (const id of [deriveRunId("quickstart", 1), deriveRunId("my scenario/v2", 42), deriveRunId("***", 7)])
      expect(id).toMatch(RUN_ID_PATTERN);
  });
});
