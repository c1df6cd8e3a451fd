/**
 * The frame of an HTML report page: inline CSS, uPlot's JS and CSS read from
 * the installed package, the charts as an inline JSON script, and the small
 * script that draws them. Nothing is fetched when the page opens.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { ChartNote, ChartSpec } from "./html-charts.js";
import { isNote } from "./html-charts.js";

let uplotAssets: { js: string; css: string } | null = null;

/** uPlot's browser build and stylesheet, from node_modules (read once per process). */
function uplot(): { js: string; css: string } {
  if (uplotAssets === null) {
    const require = createRequire(import.meta.url);
    uplotAssets = {
      js: readFileSync(require.resolve("uplot/dist/uPlot.iife.min.js"), "utf8"),
      css: readFileSync(require.resolve("uplot/dist/uPlot.min.css"), "utf8"),
    };
  }
  return uplotAssets;
}

/** Text for HTML content and attribute values. */
export function esc(text: string | number): string {
  return String(text)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

/** JSON safe inside a <script> element: no "</script>", no line separators JS would choke on. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/** A whole page: `headerHtml` above the charts, `footerHtml` below. */
export function page(
  title: string,
  headerHtml: string,
  charts: (ChartSpec | ChartNote)[],
  footerHtml = "",
): string {
  const { js, css } = uplot();
  const specs = charts.filter((c): c is ChartSpec => !isNote(c));
  const body = charts
    .map((c) =>
      isNote(c)
        ? `<section class="chart-note" id="${esc(c.id)}"><h2>${esc(c.title)}</h2><p>${esc(c.note)}</p></section>`
        : `<section class="chart" id="${esc(c.id)}" data-chart="${esc(c.id)}"><h2>${esc(c.title)}</h2><div class="plot"></div></section>`,
    )
    .join("\n");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${css.replace(/<\//g, "<\\/")}</style>
<style>${PAGE_CSS}</style>
</head>
<body>
<header>${headerHtml}</header>
<main>
${body}
</main>
${footerHtml}
<script type="application/json" id="report-data">${scriptJson({ charts: specs })}</script>
<script>${js.replace(/<\/script/gi, "<\\/script")}</script>
<script>${DRAW_SCRIPT}</script>
</body>
</html>
`;
}

const PAGE_CSS = `
body { margin: 0 auto; max-width: 1200px; padding: 16px 24px 48px; color: #1b1f24; background: #fff;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; }
h1 { font-size: 22px; margin: 8px 0 4px; }
h2 { font-size: 16px; margin: 0 0 8px; }
p.question { margin: 4px 0 12px; color: #333; max-width: 80ch; }
.meta { color: #555; margin-bottom: 12px; }
.figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(180px, 1fr)); gap: 8px; margin: 12px 0; }
.figure { border: 1px solid #dde1e6; border-radius: 6px; padding: 8px 10px; }
.figure .v { font-size: 18px; font-weight: 600; }
.figure .k { color: #555; font-size: 12px; }
table { border-collapse: collapse; margin: 8px 0 16px; }
th, td { text-align: left; padding: 3px 10px 3px 0; border-bottom: 1px solid #eceff2; vertical-align: top; }
td.ok { color: #2a8c3c; font-weight: 600; } td.bad { color: #c0392b; font-weight: 600; }
section.chart, section.chart-note { margin: 20px 0; padding: 12px; border: 1px solid #dde1e6; border-radius: 6px; }
section.chart-note p { color: #555; margin: 0; }
.plot { width: 100%; }
.uplot { font-family: inherit; }
`;

/**
 * Draws every ChartSpec of the inline JSON with uPlot and marks each chart's
 * section with data-points (values drawn), which the browser test reads.
 */
const DRAW_SCRIPT = `
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("report-data").textContent);
  function three(x) { return x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2); }
  function dur(s) {
    if (s == null || !isFinite(s)) return "";
    if (s < 0) return "-" + dur(-s);
    if (s === 0) return "0s";
    if (s < 1e-3) return three(s * 1e6) + "µs";
    if (s < 1) return three(s * 1e3) + "ms";
    if (s < 120) return three(s) + "s";
    if (s < 7200) return three(s / 60) + "m";
    if (s < 172800) return three(s / 3600) + "h";
    return three(s / 86400) + "d";
  }
  function num(v) {
    if (v == null || !isFinite(v)) return "";
    var a = Math.abs(v);
    if (a >= 1e6) return three(v / 1e6) + "M";
    if (a >= 1e4) return three(v / 1e3) + "k";
    return String(Math.round(v * 1000) / 1000);
  }
  // Axis ticks: "5m", not "5.00m"; durations stepped at round seconds, minutes, hours, days.
  function trim(t) {
    return t.indexOf(".") < 0 ? t : t.replace(/([.][0-9]*?)0+(?=[^0-9]|$)/, "$1").replace(/[.](?=[^0-9]|$)/, "");
  }
  function tick(f) { return function (v) { return trim(f(v)); }; }
  var DURATION_INCRS = [1e-3, 2e-3, 5e-3, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600,
    900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800, 1209600, 2592000];
  var drawn = [];
  data.charts.forEach(function (spec) {
    var section = document.getElementById(spec.id);
    var target = section.querySelector(".plot");
    var fmtX = spec.xKind === "time" || spec.xKind === "duration" ? dur
      : spec.xKind === "category" ? function (v) { return spec.xLabels[v] == null ? "" : spec.xLabels[v]; } : num;
    var series = [{ label: spec.xTitle, value: function (u, v) { return fmtX(v); } }];
    spec.series.forEach(function (s) {
      series.push({
        label: s.label, stroke: s.color, width: s.dashed ? 1.5 : 2, dash: s.dashed ? [6, 4] : undefined,
        spanGaps: true, points: { show: !s.dashed && (spec.xKind === "number" || spec.xKind === "category") },
        value: function (u, v) { return num(v); }
      });
    });
    var fmtTick = tick(fmtX);
    var xAxis = { label: spec.xTitle, values: function (u, splits) { return splits.map(fmtTick); } };
    if (spec.xKind === "time" || spec.xKind === "duration") xAxis.incrs = DURATION_INCRS;
    if (spec.xKind === "category") xAxis.splits = function () { return spec.x; };
    var opts = {
      width: Math.max(320, target.clientWidth), height: 300,
      scales: { x: { time: false } },
      series: series,
      axes: [xAxis, { label: spec.yTitle, size: 60, values: function (u, splits) { return splits.map(tick(num)); } }],
      bands: (spec.bands || []).map(function (b) { return { series: b, fill: "rgba(31,111,180,0.15)" }; })
    };
    var values = spec.series.map(function (s) { return s.values; });
    var u = new uPlot(opts, [spec.x].concat(values), target);
    var points = 0;
    values.forEach(function (v) { v.forEach(function (y) { if (typeof y === "number" && isFinite(y)) points++; }); });
    section.setAttribute("data-points", String(points));
    drawn.push({ id: spec.id, u: u, target: target, points: points });
  });
  window.addEventListener("resize", function () {
    drawn.forEach(function (c) { c.u.setSize({ width: Math.max(320, c.target.clientWidth), height: 300 }); });
  });
  window.fleetSimCharts = drawn.map(function (c) { return { id: c.id, points: c.points, xLength: c.u.data[0].length }; });
})();
`;
