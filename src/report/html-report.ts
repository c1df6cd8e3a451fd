/**
 * The self-contained HTML report (docs/html-report.md): `runHtml` for
 * `fleet-sim run --html`, `sweepHtml` for a sweep. One file, no network:
 * uPlot and the data are inlined (html-page.ts), the charts are chosen in
 * html-charts.ts.
 */
import { formatDurationUs } from "../scenario/units.js";
import { runCharts, sweepCharts, sweepValue } from "./html-charts.js";
import { esc, page } from "./html-page.js";
import type { HtmlSeries } from "./html-series.js";
import type { Report } from "./json-report.js";
import { formatSignificant } from "./number-format.js";
import { formatCount, formatMetricValue, formatSeconds } from "./summary.js";
import type { SweepReport } from "./sweep-types.js";
import type { ThresholdsReport } from "../measures/report-shape.js";

/** The page of one run: its header, figures, invariants, thresholds (if any) and charts. */
export function runHtml(report: Report, series: HtmlSeries): string {
  const sc = report.scenario;
  const r = report.run;
  const span = r.partial
    ? `${formatDurationUs(r.simulatedUs)} of ${formatDurationUs(sc.untilUs)} (stopped early)`
    : formatDurationUs(r.simulatedUs);
  const header = [
    `<h1>${esc(sc.name)}</h1>`,
    descriptionHtml(sc.description),
    `<div class="meta">${[
      sc.file === null ? null : `scenario file ${esc(sc.file)}`,
      `seed ${sc.seed}`,
      `${span} simulated`,
      `${formatCount(r.events)} events`,
      `lambda-fleet-sim ${esc(report.version)}`,
    ]
      .filter((x) => x !== null)
      .join(" · ")}</div>`,
    figures(report),
    costTable(report),
    invariantsTable(report),
    thresholdsTable(report.thresholds),
  ].join("\n");
  return page(`${sc.name}: lambda-fleet-sim report`, header, runCharts(report, series));
}

/** The page of a sweep: per metric, its mean against the swept parameter with the 95% band and the threshold. */
export function sweepHtml(sweep: SweepReport): string {
  const header = [
    `<h1>${esc(sweep.scenario)}: sweep of ${esc(sweep.parameter.path)}</h1>`,
    descriptionHtml(sweep.description ?? ""),
    `<div class="meta">${esc(sweep.parameter.path)} = ${sweep.parameter.values.map((v) => esc(v)).join(", ")} · ${sweep.metrics.length} metrics · mean over the runs at each value, band: 95% confidence interval</div>`,
  ].join("\n");
  const rows = sweep.metrics.flatMap((m) => {
    const f = (v: number) => esc(sweepValue(v, m.unit));
    const threshold = m.threshold === undefined ? "" : `${esc(m.threshold.op)} ${f(m.threshold.limit)}`;
    return m.points.map(
      (p) =>
        `<tr><td>${esc(m.name)}</td><td>${esc(p.value)}</td><td>${f(p.mean)}</td><td>${f(p.ciLow)} – ${f(p.ciHigh)}</td><td>${p.n}</td><td>${threshold}</td></tr>`,
    );
  });
  const table = `<section><h2>Points</h2><table><thead><tr><th>metric</th><th>${esc(sweep.parameter.path)}</th><th>mean</th><th>95% CI</th><th>runs</th><th>threshold</th></tr></thead><tbody>${rows.join("")}</tbody></table></section>`;
  return page(`${sweep.scenario}: lambda-fleet-sim sweep`, header, sweepCharts(sweep), table);
}

function figures(report: Report): string {
  const inv = report.invocations;
  const apiRequests = Object.values(report.api).reduce((n, a) => n + a.requests, 0);
  const apiErrors = Object.values(report.api).reduce(
    (n, a) => n + Object.values(a.errors).reduce((m, x) => m + (x ?? 0), 0),
    0,
  );
  const pending = report.histograms.pendingCreate;
  const items: [string, string][] = [
    ...Object.entries(report.functions.byState).map(([state, n]): [string, string] => [
      `functions ${state} at the end`,
      formatCount(n),
    ]),
    ["API calls answered", formatCount(apiRequests)],
    ["API errors", formatCount(apiErrors)],
    ["invocations", formatCount(inv.requests)],
    ["cold-start ratio", `${formatSignificant(100 * inv.coldStartRatio, 3)}%`],
    ["throttled invocations", formatCount(inv.outcomes.throttled)],
    ["peak concurrency / limit", `${report.concurrency.peak} / ${report.concurrency.limit}`],
    [
      "Pending after create p50 / p99",
      pending.count > 0 ? `${formatSeconds(pending.p50)} / ${formatSeconds(pending.p99)}` : "none",
    ],
    [
      "client retries / gave up",
      `${formatCount(report.clients.retries)} / ${formatCount(report.clients.gaveUp)}`,
    ],
  ];
  return `<div class="figures">${items
    .map(([k, v]) => `<div class="figure"><div class="v">${esc(v)}</div><div class="k">${esc(k)}</div></div>`)
    .join("")}</div>`;
}

/** What the run cost, USD, by template and in total (docs/cost.md). */
export function costTable(report: Report): string {
  const cost = report.cost;
  const usd = (x: number) => esc(`$${formatSignificant(x)}`);
  const row = (
    name: string,
    c: Omit<typeof cost, "currency" | "perMillionInvocations" | "byTemplate" | "prices">,
  ) =>
    `<tr><td>${esc(name)}</td><td>${usd(c.onDemand.requests)}</td><td>${usd(c.onDemand.duration)}</td><td>${usd(c.provisioned.requests + c.provisioned.allocated + c.provisioned.duration)}</td><td>${usd(c.idleProvisioned)}</td><td>${usd(c.total)}</td></tr>`;
  const rows = Object.entries(cost.byTemplate).map(([name, t]) => row(`${name} (${t.architecture})`, t));
  rows.push(row("total", cost));
  return `<section id="cost"><h2>Cost</h2><table><thead><tr><th>template</th><th>requests</th><th>duration</th><th>provisioned</th><th>of which idle</th><th>total</th></tr></thead><tbody>${rows.join("")}</tbody></table><p>${usd(cost.perMillionInvocations)} per million invocations, at the prices in the JSON report's <code>cost.prices</code>.</p></section>`;
}

function invariantsTable(report: Report): string {
  const rows = report.invariants
    .map(
      (i) =>
        `<tr><td class="${i.ok ? "ok" : "bad"}">${i.ok ? "ok" : "VIOLATED"}</td><td>${esc(i.name)}</td><td>${esc(i.detail)}</td></tr>`,
    )
    .join("");
  return `<section id="invariants"><h2>Invariants</h2><table><thead><tr><th>result</th><th>invariant</th><th>detail</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}

/**
 * report.thresholds, whatever its exact shape: a list of objects becomes a
 * table with a column per key; an object, a row per key. Absent: nothing.
 */
/** The scenario's thresholds: pass or fail, the expression and what the run observed; "" without thresholds. */
export function thresholdsTable(thresholds: ThresholdsReport | undefined): string {
  if (thresholds === undefined || thresholds.results.length === 0) return "";
  const value = (r: ThresholdsReport["results"][number]) =>
    formatMetricValue(r.observed, r.unit, r.threshold);
  const rows = thresholds.results
    .map(
      (r) =>
        `<tr><td class="${r.ok ? "ok" : "bad"}">${r.ok ? "pass" : "fail"}</td><td><code>${esc(r.threshold)}</code></td><td>${esc(value(r))}</td><td>${r.abortOnFail ? "yes" : "no"}</td></tr>`,
    )
    .join("");
  const a = thresholds.aborted;
  const aborted =
    a === null
      ? ""
      : `<p class="bad">The run was stopped at ${esc(formatSeconds(a.atUs / 1e6))} by <code>${esc(a.threshold)}</code>.</p>`;
  return `<section id="thresholds"><h2>Thresholds</h2><table><thead><tr><th>result</th><th>threshold</th><th>observed</th><th>abortOnFail</th></tr></thead><tbody>${rows}</tbody></table>${aborted}</section>`;
}

/**
 * The scenario's description (its header comment) as paragraphs; an
 * indented block (a command) as preformatted text with its shell line
 * continuations ("\\" at a line's end) joined into one line.
 */
export function descriptionHtml(description: string): string {
  const blocks = description
    .trim()
    .split(/\n\s*\n/)
    .filter((b) => b.trim() !== "");
  return blocks
    .map((block) => {
      const lines = block.split("\n");
      if (lines.every((l) => /^\s/.test(l) || l.trim() === "")) {
        const command = block.replace(/[ \t]*\\\r?\n\s*/g, " ").replace(/^\s+/gm, "");
        return `<pre class="question"><code>${esc(command)}</code></pre>`;
      }
      return `<p class="question">${esc(block.replace(/[ \t]*\\\r?\n\s*/g, " "))}</p>`;
    })
    .join("\n");
}
