/**
 * The frame of an HTML report page: inline CSS, uPlot's JS and CSS read from
 * the installed package, the charts as an inline JSON script, and the small
 * script that draws them. Nothing is fetched when the page opens.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { ChartNote, ChartSpec } from "./html-charts.js";
import { isNote } from "./html-charts.js";
import {
  durationTicks,
  formatSeconds,
  formatSignificant,
  numberTicks,
  stepDecimals,
  trimDecimals,
} from "./number-format.js";

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
pre.question { margin: 4px 0 12px; padding: 6px 10px; background: #f4f6f8; border-radius: 4px; overflow-x: auto; }
/* uPlot puts a colon after each legend label, which dangles while no value is shown: a gap instead. */
.uplot .u-legend th::after { content: none; }
.uplot .u-legend .u-value { padding-left: 0.5em; }
`;

/**
 * The formatters of number-format.ts, as source the page runs: the chart
 * ticks and legends read as the tables and the terminal do. `FMT` names them
 * whatever the bundler called them.
 */
const FORMATTERS = [formatSignificant, formatSeconds, stepDecimals, trimDecimals, numberTicks, durationTicks];
const FORMAT_SCRIPT = `${FORMATTERS.map((f) => f.toString()).join("\n")}
var FMT = { sig: ${formatSignificant.name}, dur: ${formatSeconds.name}, numberTicks: ${numberTicks.name}, durationTicks: ${durationTicks.name} };
`;

/**
 * Draws every ChartSpec of the inline JSON with uPlot and marks each chart's
 * section with data-points (values drawn), which the browser test reads.
 * Ticks are nice steps (1, 2, 5 x 10^k; durations at round seconds,
 * minutes, hours, days), each axis labelled in one unit with the digits its
 * step needs.
 */
const DRAW_SCRIPT = `
(function () {
  "use strict";
  ${FORMAT_SCRIPT}
  var data = JSON.parse(document.getElementById("report-data").textContent);
  function blank(f) { return function (v) { return v == null || !isFinite(v) ? "" : f(v); }; }
  var NICE_INCRS = [];
  for (var k = -15; k <= 15; k++) [1, 2, 5].forEach(function (m) { NICE_INCRS.push(Number((m * Math.pow(10, k)).toPrecision(1))); });
  var DURATION_INCRS = [1e-6, 2e-6, 5e-6, 1e-5, 2e-5, 5e-5, 1e-4, 2e-4, 5e-4, 1e-3, 2e-3, 5e-3, 0.01, 0.02, 0.05,
    0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400,
    172800, 604800, 1209600, 2592000];
  // Each axis's last labels are kept (window.fleetSimCharts[].ticks) for the browser test.
  function ticks(durations, seen, axis) {
    var label = durations ? FMT.durationTicks : FMT.numberTicks;
    return function (u, splits, axisIdx, space, incr) {
      var step = incr || (splits.length > 1 ? Math.abs(splits[1] - splits[0]) : 1);
      var labels = label(splits, step);
      seen[axis] = labels;
      return labels;
    };
  }
  var drawn = [];
  data.charts.forEach(function (spec) {
    var section = document.getElementById(spec.id);
    var target = section.querySelector(".plot");
    var xDurations = spec.xKind === "time" || spec.xKind === "duration";
    var seen = { x: [], y: [] };
    var yDurations = spec.yKind === "duration";
    var fmtX = xDurations ? blank(FMT.dur)
      : spec.xKind === "category" ? function (v) { return v == null || spec.xLabels[v] == null ? "" : spec.xLabels[v]; }
      : blank(FMT.sig);
    var fmtY = blank(yDurations ? FMT.dur : FMT.sig);
    var series = [{ label: spec.xTitle, value: function (u, v) { return fmtX(v); } }];
    spec.series.forEach(function (s) {
      series.push({
        label: s.label, stroke: s.color, width: s.dashed ? 1.5 : 2, dash: s.dashed ? [6, 4] : undefined,
        spanGaps: true, points: { show: !s.dashed && (spec.xKind === "number" || spec.xKind === "category") },
        value: function (u, v) { return fmtY(v); }
      });
    });
    var xAxis = { label: spec.xTitle };
    if (spec.xKind === "category") {
      xAxis.splits = function () { return spec.x; };
      xAxis.values = function (u, splits) { return (seen.x = splits.map(function (v) { return fmtX(v); })); };
    } else {
      xAxis.incrs = xDurations ? DURATION_INCRS : NICE_INCRS;
      xAxis.values = ticks(xDurations, seen, "x");
    }
    var yAxis = { label: spec.yTitle, size: 60, incrs: yDurations ? DURATION_INCRS : NICE_INCRS, values: ticks(yDurations, seen, "y") };
    var opts = {
      width: Math.max(320, target.clientWidth), height: 300,
      scales: { x: { time: false } },
      series: series,
      axes: [xAxis, yAxis],
      bands: (spec.bands || []).map(function (b) { return { series: b, fill: "rgba(31,111,180,0.15)" }; })
    };
    var values = spec.series.map(function (s) { return s.values; });
    var u = new uPlot(opts, [spec.x].concat(values), target);
    var points = 0;
    values.forEach(function (v) { v.forEach(function (y) { if (typeof y === "number" && isFinite(y)) points++; }); });
    section.setAttribute("data-points", String(points));
    drawn.push({ id: spec.id, u: u, target: target, points: points, ticks: seen });
  });
  window.addEventListener("resize", function () {
    drawn.forEach(function (c) { c.u.setSize({ width: Math.max(320, c.target.clientWidth), height: 300 }); });
  });
  window.fleetSimCharts = drawn.map(function (c) { return { id: c.id, points: c.points, xLength: c.u.data[0].length, ticks: c.ticks }; });
})();
`;
