/**
 * What the dashboards share: the variables (data source, scenario, run_id,
 * as k6's dashboards have, the function template, and an ad-hoc filter),
 * the series selector, the rows (the first open, the others collapsed, as
 * in k6's Prometheus dashboard), the annotation of failing thresholds,
 * and small panel helpers. Metric names go through `metric()`, which
 * checks them against the metric families (src/measures/families.ts), so
 * a renamed family breaks generation; `series()` and `rate()` add the
 * template filter to the families that have a `template` label.
 */
import type * as cog from "@grafana/grafana-foundation-sdk/cog";
import * as common from "@grafana/grafana-foundation-sdk/common";
import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import * as prometheus from "@grafana/grafana-foundation-sdk/prometheus";
import * as stat from "@grafana/grafana-foundation-sdk/stat";
import * as timeseries from "@grafana/grafana-foundation-sdk/timeseries";
import { family } from "../src/measures/families.js";

export const DATASOURCE: dashboard.DataSourceRef = { type: "prometheus", uid: "${datasource}" };

/** A family's name (or one of a histogram's series names), checked against the metric families. */
export function metric(name: string, suffix: "" | "_bucket" | "_count" | "_sum" = ""): string {
  const f = family(name);
  if (suffix !== "" && f.type !== "histogram") throw new Error(`${name} is a ${f.type}, not a histogram`);
  return `${f.name}${suffix}`;
}

/** The selector of the chosen runs, with extra matchers. */
export function sel(...matchers: string[]): string {
  return `{${['run_id=~"$run_id"', 'scenario=~"$scenario"', ...matchers].join(", ")}}`;
}

/** The family of a series name (a histogram's `_bucket`, `_count` and `_sum` included). */
function familyOf(name: string) {
  try {
    return family(name);
  } catch {
    return family(name.replace(/_(bucket|count|sum)$/, ""));
  }
}

/** `name{sel}` with the chosen runs, and the chosen templates when the family has a `template` label. */
export function series(name: string, ...matchers: string[]): string {
  const f = familyOf(name);
  const template = f.labels.includes("template") ? ['template=~"$template"'] : [];
  return `${name}${sel(...template, ...matchers)}`;
}

/** The family of the simulated clock: a counter of simulated seconds. */
export const CLOCK = "fleetsim_simulated_seconds_total";

/**
 * Simulated seconds per second of the series' timestamps, by run: the pace
 * of a live run (--speed X: about X), 1 for a backfilled one (its
 * timestamps are simulated times). Absent while the clock stands still (a
 * run over, held with --hold), so a rate divided by it has no value then
 * rather than 0/0.
 */
export function clockRate(): string {
  return `(max by (run_id) (rate(${metric(CLOCK)}${sel()}[$__rate_interval])) > 0)`;
}

/** What follows every `rate(...)` of a dashboard: the division by the simulated clock's rate. */
export const PER_SIMULATED_SECOND = ` / on (run_id) group_left () ${clockRate()}`;

/**
 * `rate(name{sel}[$__rate_interval])`, through `series`, per simulated
 * second: divided by the simulated clock's rate of its run, so a panel
 * reads the same whatever the pace of a live run (--speed) and for a
 * backfilled one. Ratios of two rates and quantiles are unchanged by it.
 */
export function rate(name: string, ...matchers: string[]): string {
  return `(rate(${series(name, ...matchers)}[$__rate_interval])${PER_SIMULATED_SECOND})`;
}

/** The q-quantile of a histogram family over the rate window, by run and the given labels. */
export function quantile(q: number, name: string, by: string[] = [], ...matchers: string[]): string {
  const labels = ["le", "run_id", ...by].join(", ");
  return `histogram_quantile(${q}, sum by (${labels}) (${rate(metric(name, "_bucket"), ...matchers)}))`;
}

export function variables(): cog.Builder<dashboard.VariableModel>[] {
  return [
    new dashboard.DatasourceVariableBuilder("datasource").label("Data source").type("prometheus"),
    new dashboard.QueryVariableBuilder("scenario")
      .label("Scenario")
      .datasource(DATASOURCE)
      .query(`label_values(${metric("fleetsim_run_info")}, scenario)`)
      .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
      .sort(dashboard.VariableSort.AlphabeticalAsc)
      .multi(true)
      .includeAll(true)
      .allValue(".*"),
    new dashboard.QueryVariableBuilder("run_id")
      .label("Run")
      .datasource(DATASOURCE)
      .query(`label_values(${metric("fleetsim_run_info")}{scenario=~"$scenario"}, run_id)`)
      .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
      .sort(dashboard.VariableSort.AlphabeticalAsc)
      .multi(true)
      .includeAll(true)
      .allValue(".*"),
    new dashboard.QueryVariableBuilder("template")
      .label("Template")
      .description(
        "Function templates of the scenario: filters the panels whose metrics have a template label.",
      )
      .datasource(DATASOURCE)
      .query(`label_values(${metric("fleetsim_functions")}${sel()}, template)`)
      .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
      .sort(dashboard.VariableSort.AlphabeticalAsc)
      .multi(true)
      .includeAll(true)
      .allValue(".*"),
    // Grafana adds its matchers to every query of the data source (operation, subnet, vpc, outcome...).
    new dashboard.AdHocVariableBuilder("filters")
      .label("Filters")
      .description(
        "Ad-hoc label filters (subnet, vpc, operation, outcome...), added to every query of the data source.",
      )
      .datasource(DATASOURCE),
  ];
}

/** A row of panels. */
export interface Row {
  title: string;
  panels: cog.Builder<dashboard.Panel>[];
}

/**
 * The rows on the dashboard, as in k6's Prometheus dashboard: the first
 * open, its panels beside it; the others collapsed, each holding its
 * panels (Grafana wants a collapsed row's panels inside the row, and drops
 * those of an open row).
 */
export function withRows(d: dashboard.DashboardBuilder, rows: Row[]): dashboard.DashboardBuilder {
  rows.forEach((r, i) => {
    if (i === 0) {
      d.withRow(new dashboard.RowBuilder(r.title).collapsed(false));
      for (const p of r.panels) d.withPanel(p);
      return;
    }
    const row = new dashboard.RowBuilder(r.title).collapsed(true);
    for (const p of r.panels) row.withPanel(p);
    d.withRow(row);
  });
  return d;
}

/** A Prometheus range query. */
export function query(expr: string, legend: string, refId: string): prometheus.DataqueryBuilder {
  return new prometheus.DataqueryBuilder()
    .datasource(DATASOURCE)
    .expr(expr)
    .legendFormat(legend)
    .range()
    .refId(refId);
}

/** A Prometheus instant query as a table (its labels as columns), for table panels. */
export function tableQuery(expr: string, refId: string): prometheus.DataqueryBuilder {
  return new prometheus.DataqueryBuilder()
    .datasource(DATASOURCE)
    .expr(expr)
    .instant()
    .format(prometheus.PromQueryFormat.Table)
    .refId(refId);
}

export interface SeriesPanel {
  title: string;
  description: string;
  unit: string;
  queries: [expr: string, legend: string][];
  stacked?: boolean;
  span?: number;
  min?: number;
}

export function timeSeriesPanel(p: SeriesPanel): timeseries.PanelBuilder {
  const panel = new timeseries.PanelBuilder()
    .title(p.title)
    .description(p.description)
    .datasource(DATASOURCE)
    .unit(p.unit)
    .height(8)
    .span(p.span ?? 12)
    .lineWidth(1)
    .fillOpacity(p.stacked === true ? 30 : 10)
    .legend(
      new common.VizLegendOptionsBuilder()
        .showLegend(true)
        .displayMode(common.LegendDisplayMode.List)
        .placement(common.LegendPlacement.Bottom),
    )
    .tooltip(
      new common.VizTooltipOptionsBuilder()
        .mode(common.TooltipDisplayMode.Multi)
        .sort(common.SortOrder.Descending),
    );
  if (p.min !== undefined) panel.min(p.min);
  if (p.stacked === true) panel.stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal));
  p.queries.forEach(([expr, legend], i) =>
    panel.withTarget(query(expr, legend, String.fromCharCode(65 + i))),
  );
  return panel;
}

export function statPanel(title: string, description: string, unit: string, expr: string): stat.PanelBuilder {
  return new stat.PanelBuilder()
    .title(title)
    .description(description)
    .datasource(DATASOURCE)
    .unit(unit)
    .height(4)
    .span(6)
    .graphMode(common.BigValueGraphMode.Area)
    .colorMode(common.BigValueColorMode.None)
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(["lastNotNull"]).values(false))
    .withTarget(query(expr, "{{run_id}}", "A"));
}

/**
 * An annotation query of the Prometheus data source: the SDK's builder with
 * the fields Grafana's Prometheus annotations read besides `expr` (the
 * title and text of each event, and the labels it shows as tags).
 */
class PrometheusAnnotationBuilder extends dashboard.AnnotationQueryBuilder {
  private set(fields: Record<string, string>): this {
    Object.assign(this.internal, fields);
    return this;
  }
  titleFormat(titleFormat: string): this {
    return this.set({ titleFormat });
  }
  textFormat(textFormat: string): this {
    return this.set({ textFormat });
  }
  tagKeys(...keys: string[]): this {
    return this.set({ tagKeys: keys.join(",") });
  }
}

/**
 * The annotation marking, on every time panel, when a threshold of the
 * scenario fails: one region per threshold and run. Grafana's Prometheus
 * annotations make events of the points above zero only, so the query
 * keeps the failing points (`== 0`) and gives them the value 1.
 */
export function thresholdAnnotation(): PrometheusAnnotationBuilder {
  return new PrometheusAnnotationBuilder()
    .name("Thresholds failing")
    .datasource(DATASOURCE)
    .enable(true)
    .iconColor("red")
    .expr(`(${metric("fleetsim_threshold_ok")}${sel()} == 0) + 1`)
    .titleFormat("Threshold failing: {{threshold}}")
    .textFormat("{{threshold}} fails in run {{run_id}} ({{scenario}})")
    .tagKeys("run_id", "threshold");
}

/**
 * Common dashboard settings: tags, variables, the time picker, the
 * annotation of failing thresholds, a link to the other dashboards.
 */
export function baseDashboard(uid: string, title: string, description: string): dashboard.DashboardBuilder {
  return new dashboard.DashboardBuilder(title)
    .uid(uid)
    .description(description)
    .tags(["lambda-fleet-sim"])
    .editable()
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .refresh("30s")
    .time({ from: "now-6h", to: "now" })
    .timezone("browser")
    .variables(variables())
    .annotation(thresholdAnnotation())
    .link(
      new dashboard.DashboardLinkBuilder("Fleet simulator dashboards")
        .type(dashboard.DashboardLinkType.Dashboards)
        .tags(["lambda-fleet-sim"])
        .asDropdown(true)
        .includeVars(true)
        .keepTime(true),
    );
}
