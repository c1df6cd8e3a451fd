/**
 * The charts of the HTML report as data: each a title, axis titles and
 * series on one shared x axis. The page's script (html-page.ts) draws any
 * ChartSpec the same way, so everything a chart shows is decided here, where
 * it can be tested without a browser.
 */
import { decodeHistogram } from "../model/histogram.js";
import { STATE_NAMES } from "../model/aws-names.js";
import type { HistName } from "../model/observations.js";
import type { HtmlSeries } from "./html-series.js";
import { formatSeconds, formatSignificant } from "./number-format.js";
import type { Report } from "./json-report.js";
import type { SweepPoint, SweepReport } from "./sweep-types.js";

export interface ChartSeries {
  label: string;
  values: (number | null)[];
  color: string;
  /** A reference line (limit, capacity, threshold): dashed, and drawn under the data (drawOrder). */
  dashed?: boolean;
  /** Fill down to the next series with `band` (confidence bands). */
  band?: boolean;
}

export interface ChartSpec {
  id: string;
  title: string;
  /** How the x values read: simulated seconds, seconds of a duration, or parameter values. */
  xKind: "time" | "duration" | "number" | "category";
  xTitle: string;
  yTitle: string;
  /** How the y values read: plain numbers (the default), or durations in seconds. */
  yKind?: "number" | "duration";
  x: number[];
  /** For xKind "category": the label of each x index. */
  xLabels?: string[];
  series: ChartSeries[];
  /** Pairs [upper, lower] of series indexes (from 1, as uPlot counts) filled between. */
  bands?: [number, number][];
}

/** A chart the run had nothing for: shown as a note in its place. */
export interface ChartNote {
  id: string;
  title: string;
  note: string;
}

const STATE_COLORS: Record<string, string> = {
  Pending: "#d68a00",
  Active: "#2a8c3c",
  Inactive: "#6b7a8f",
  Failed: "#c0392b",
};
const PALETTE = [
  "#1f6fb4",
  "#d9541e",
  "#2a8c3c",
  "#8e44ad",
  "#c0392b",
  "#b8860b",
  "#16a0a0",
  "#e377c2",
  "#7f7f7f",
  "#17becf",
];
const LIMIT_COLOR = "#c0392b";
const color = (i: number) => PALETTE[i % PALETTE.length];
/** Error series: never success's green. */
const ERROR_PALETTE = PALETTE.filter((c) => c !== "#2a8c3c");
const errorColor = (i: number) => ERROR_PALETTE[i % ERROR_PALETTE.length];

/** The duration histograms the Pending chart draws, with their legend labels. */
const PENDING_HISTS: [HistName, string][] = [
  ["pendingCreate", "Pending after CreateFunction"],
  ["pendingRestore", "Pending back from Inactive"],
  ["createToActiveClient", "CreateFunction to Active, as the client saw it"],
  ["updateInProgress", "LastUpdateStatus InProgress"],
];

/** The run page's charts, in page order. */
export function runCharts(report: Report, s: HtmlSeries): (ChartSpec | ChartNote)[] {
  const time = (id: string, title: string, yTitle: string, series: ChartSeries[]): ChartSpec =>
    drawOrder({
      id,
      title,
      xKind: "time",
      xTitle: "simulated time",
      yTitle,
      x: s.t,
      series,
    });
  const constant = (v: number) => s.t.map(() => v);
  const charts: (ChartSpec | ChartNote)[] = [];

  charts.push(
    time(
      "states",
      "Functions by State",
      "functions",
      STATE_NAMES.map((name) => ({ label: name, values: s.byState[name], color: STATE_COLORS[name] })),
    ),
  );

  const api = Object.entries(s.apiRatePerSec);
  charts.push(
    time(
      "api-outcomes",
      "API calls answered, by outcome (all operations, calls/s)",
      "calls/s",
      api.map(([label, values], i) => ({
        label,
        values,
        color: label === "success" ? "#2a8c3c" : errorColor(i),
      })),
    ),
  );

  charts.push(pendingCdf(report));

  const concurrency: ChartSeries[] = [
    { label: "on-demand executions in flight", values: s.concurrency, color: color(0) },
    { label: "unreserved pool", values: s.unreservedPool, color: "#16a0a0", dashed: true },
    {
      label: `account limit (${report.concurrency.limit})`,
      values: constant(report.concurrency.limit),
      color: LIMIT_COLOR,
      dashed: true,
    },
  ];
  if (s.provisionedAllocated.some((v) => v > 0)) {
    concurrency.push(
      { label: "provisioned allocated", values: s.provisionedAllocated, color: "#8e44ad", dashed: true },
      { label: "provisioned in use", values: s.provisionedInUse, color: "#8e44ad" },
    );
  }
  charts.push(time("concurrency", "Concurrency against its limit (executions)", "executions", concurrency));

  const alive = s.environmentsBusy.map((b, i) => b + s.environmentsIdle[i]);
  const environments: ChartSeries[] = [
    { label: "alive", values: alive, color: color(0) },
    { label: "busy", values: s.environmentsBusy, color: "#2a8c3c" },
    { label: "idle (warm)", values: s.environmentsIdle, color: "#e67e22" },
  ];
  if (s.provisionedAllocated.some((v) => v > 0))
    environments.push({
      label: "provisioned",
      values: s.provisionedAllocated,
      color: "#8e44ad",
      dashed: true,
    });
  charts.push(
    time("environments", "Execution environments: the warm pool (on demand)", "environments", environments),
  );

  if (report.subnets.length === 0) {
    charts.push({ id: "subnet-ips", title: "IP usage per subnet", note: "The scenario has no subnets." });
  } else {
    const series: ChartSeries[] = report.subnets.map((subnet, k) => ({
      label: `${subnet.id} (${subnet.capacityIps} IPs)`,
      values: s.t.map((_, i) =>
        subnet.capacityIps > 0
          ? round2(
              (100 * ((s.subnetUsedIps[k]?.[i] ?? 0) + (s.subnetOthersIps[k]?.[i] ?? 0))) /
                subnet.capacityIps,
            )
          : 0,
      ),
      color: color(k),
    }));
    series.push({ label: "capacity", values: constant(100), color: LIMIT_COLOR, dashed: true });
    charts.push(
      time(
        "subnet-ips",
        "IP usage per subnet, ours and others' (% of its capacity)",
        "% of capacity",
        series,
      ),
    );
  }

  const throttles = Object.entries(s.throttleRatePerSec);
  charts.push(
    time("throttles-cold-starts", "Throttles and cold starts (per second)", "per second", [
      { label: "cold starts", values: s.coldStartRatePerSec, color: color(0) },
      ...(throttles.length === 0
        ? [{ label: "throttled (none)", values: s.t.map(() => 0), color: LIMIT_COLOR }]
        : throttles.map(([cause, values], i) => ({
            label: `throttled: ${cause}`,
            values,
            color: color(i + 1),
          }))),
    ]),
  );
  return charts;
}

/** Percentiles a CDF is read at: every percent, and the tail finer. */
const CDF_PERCENTILES = [...Array.from({ length: 100 }, (_, i) => i), 99.5, 99.9, 100];

/** Pending and update durations as CDFs, read from the report's HDR encodings. */
function pendingCdf(report: Report): ChartSpec | ChartNote {
  const title = "Pending duration distributions (CDF)";
  const curves = PENDING_HISTS.filter(([name]) => (report.histograms[name]?.count ?? 0) > 0).map(
    ([name, label]) => ({
      label: `${label} (n=${report.histograms[name].count})`,
      points: cdf(report.histograms[name].hdr),
    }),
  );
  if (curves.length === 0)
    return { id: "pending-cdf", title, note: "No function went through Pending or an update." };
  const xs = [...new Set(curves.flatMap((c) => c.points.map(([x]) => x)))].sort((a, b) => a - b);
  const index = new Map(xs.map((x, i) => [x, i]));
  return {
    id: "pending-cdf",
    title,
    xKind: "duration",
    xTitle: "duration",
    yTitle: "fraction at or below",
    x: xs,
    series: curves.map((c, k) => {
      const values: (number | null)[] = xs.map(() => null);
      for (const [x, y] of c.points) values[index.get(x) ?? 0] = y;
      return { label: c.label, values, color: color(k) };
    }),
  };
}

/** (seconds, fraction of values at or below) points of an hdr-histogram-js compressed encoding. */
export function cdf(encoded: string): [number, number][] {
  const h = decodeHistogram(encoded);
  const byX = new Map<number, number>();
  for (const p of CDF_PERCENTILES) {
    const x = h.getValueAtPercentile(p) / 1e6;
    byX.set(x, Math.max(byX.get(x) ?? 0, p / 100));
  }
  h.destroy();
  return [...byX.entries()].sort((a, b) => a[0] - b[0]);
}

/** The sweep page's charts: per metric, its mean against the parameter, the 95% band and the threshold. */
export function sweepCharts(sweep: SweepReport): ChartSpec[] {
  const values = sweep.parameter.values;
  const numeric = values.every((v) => typeof v === "number");
  const x = numeric ? (values as number[]) : values.map((_, i) => i);
  return sweep.metrics.map((m, k) => {
    const at = (v: number | string) => m.points.find((p) => p.value === v);
    const pick = (f: (p: SweepPoint) => number) =>
      values.map((v) => {
        const p = at(v);
        return p === undefined ? null : f(p);
      });
    const unit = m.unit === "" ? "" : ` (${m.unit})`;
    const series: ChartSeries[] = [
      { label: `mean${unit}`, values: pick((p) => p.mean), color: color(0) },
      { label: "95% CI high", values: pick((p) => p.ciHigh), color: "#9cc3e6", band: true },
      { label: "95% CI low", values: pick((p) => p.ciLow), color: "#9cc3e6" },
    ];
    if (m.threshold !== undefined) {
      series.push({
        label: `threshold ${m.threshold.op} ${sweepValue(m.threshold.limit, m.unit)}`,
        values: values.map(() => m.threshold?.limit ?? null),
        color: LIMIT_COLOR,
        dashed: true,
      });
    }
    return drawOrder({
      id: `sweep-${k}`,
      title: `${m.name}${unit} against ${sweep.parameter.path}`,
      xKind: numeric ? "number" : "category",
      xTitle: sweep.parameter.path,
      yTitle: m.unit === "" ? m.name : `${m.name} (${m.unit})`,
      ...(m.unit === "s" ? { yKind: "duration" as const } : {}),
      x,
      ...(numeric ? {} : { xLabels: values.map(String) }),
      series,
      bands: [[2, 3]],
    });
  });
}

/**
 * The chart with its dashed reference lines (limits, capacities,
 * thresholds) first: uPlot draws the series in order, so the data lines are
 * drawn over them and never hidden. Band indexes follow their series.
 */
export function drawOrder(spec: ChartSpec): ChartSpec {
  const order = spec.series
    .map((s, i) => ({ s, i }))
    .sort((a, b) => Number(!a.s.dashed) - Number(!b.s.dashed));
  const moved = new Map(order.map((o, k) => [o.i + 1, k + 1]));
  return {
    ...spec,
    series: order.map((o) => o.s),
    ...(spec.bands === undefined
      ? {}
      : { bands: spec.bands.map(([a, b]): [number, number] => [moved.get(a) ?? a, moved.get(b) ?? b]) }),
  };
}

/** A value of a sweep metric as its chart's unit has it: "s" durations, "%" percent, else significant digits. */
export function sweepValue(v: number, unit: string): string {
  if (unit === "s") return formatSeconds(v);
  if (unit === "%") return `${formatSignificant(v)}%`;
  return formatSignificant(v);
}

export const isNote = (c: ChartSpec | ChartNote): c is ChartNote => "note" in c;

const round2 = (x: number) => Math.round(x * 100) / 100;
