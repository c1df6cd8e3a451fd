/**
 * The HTML report (docs/html-report.md): what its charts hold, checked in
 * Node, and the page itself opened in a real headless browser (Debian's
 * chromium, driven by playwright-core) with the network cut off. Screenshots
 * go to test-artifacts/.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { coarserSampleInterval } from "../src/cli/run-command.js";
import { simulate } from "../src/cli/simulate.js";
import { sweepReportOf } from "../src/cli/sweep-html.js";
import { loadScenarioFile } from "../src/scenario/load.js";
import { cdf, type ChartSpec, isNote, runCharts, sweepCharts } from "../src/report/html-charts.js";
import { runHtml, sweepHtml, thresholdsTable } from "../src/report/html-report.js";
import type { HtmlSeries } from "../src/report/html-series.js";
import type { Report } from "../src/report/json-report.js";
import type { SweepReport } from "../src/report/sweep-types.js";

const ROOT = join(import.meta.dirname, "..");
const MAIN = join(ROOT, "dist", "cli", "main.js");
const CHROMIUM = "/usr/bin/chromium";
const ARTIFACTS = join(ROOT, "test-artifacts");
const SCENARIO = "scenarios/vpc-burst-deploy.yaml";
const RUN_CHART_IDS = [
  "states",
  "api-outcomes",
  "pending-cdf",
  "concurrency",
  "subnet-ips",
  "throttles-cold-starts",
];
const tmp = mkdtempSync(join(tmpdir(), "fleet-sim-html-"));

function cli(args: string[]) {
  return spawnSync(process.execPath, [MAIN, ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, FLEET_SIM_DEBUG: "", NO_COLOR: "" },
    timeout: 120_000,
  });
}

/** A small sweep as `fleet-sim sweep` will hand it over: one numeric parameter, two metrics, one with a threshold. */
const SWEEP: SweepReport = {
  scenario: "vpc-burst-deploy",
  description: "How does Pending after create grow with the number of functions created at once?",
  parameter: { path: "functions[0].count", values: [500, 1000, 2000, 3000] },
  metrics: [
    {
      name: "pendingCreate p99",
      unit: "s",
      points: [
        { value: 500, mean: 62, ciLow: 58, ciHigh: 66, n: 5 },
        { value: 1000, mean: 68, ciLow: 63, ciHigh: 73, n: 5 },
        { value: 2000, mean: 74, ciLow: 69, ciHigh: 80, n: 5 },
        { value: 3000, mean: 81, ciLow: 75, ciHigh: 88, n: 5 },
      ],
      threshold: { op: "<", limit: 90 },
    },
    {
      name: "waiters failed",
      unit: "waiters",
      points: [
        { value: 500, mean: 0, ciLow: 0, ciHigh: 0, n: 5 },
        { value: 1000, mean: 12, ciLow: 8, ciHigh: 16, n: 5 },
        { value: 2000, mean: 240, ciLow: 210, ciHigh: 270, n: 5 },
        { value: 3000, mean: 1300, ciLow: 1200, ciHigh: 1400, n: 5 },
      ],
    },
  ],
};

let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `Debian's chromium is missing (${CHROMIUM}): the HTML report test needs it; .ci/run installs it (apt-get install -y chromium)`,
    );
  mkdirSync(ARTIFACTS, { recursive: true });
  const tsc = spawnSync(
    process.execPath,
    [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json"],
    {
      cwd: ROOT,
      encoding: "utf8",
    },
  );
  if (tsc.status !== 0) console.warn(`tsc -p tsconfig.build.json reported:\n${tsc.stdout}${tsc.stderr}`);
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox"] });
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

interface Opened {
  consoleErrors: string[];
  pageErrors: string[];
  /** Requests for anything but file:// (all refused). */
  network: string[];
  charts: { id: string; points: number; xLength: number }[];
  sections: { id: string; canvases: number; points: number }[];
  h1: string;
  /** Width of the first chart at a 1200 px and at a 700 px wide window. */
  chartWidths: [number, number];
}

/** Opens a page offline, reads what the charts drew, and saves a full-page screenshot. */
async function open(file: string, screenshot: string): Promise<Opened> {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, offline: true });
  const network: string[] = [];
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith("file:")) return route.continue();
    network.push(url);
    return route.abort();
  });
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  const pageErrors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") consoleErrors.push(m.text());
  });
  page.on("pageerror", (e) => pageErrors.push(e.message));
  await page.goto(`file://${file}`, { waitUntil: "load" });
  const charts = (await page.evaluate("window.fleetSimCharts ?? []")) as Opened["charts"];
  const sections = await page.$$eval("section.chart", (els) =>
    els.map((el) => ({
      id: el.id,
      canvases: el.querySelectorAll("canvas").length,
      points: Number(el.getAttribute("data-points") ?? "0"),
    })),
  );
  const h1 = await page.textContent("h1");
  await page.screenshot({ path: screenshot, fullPage: true });
  const width = () => page.$eval("section.chart .uplot", (el) => el.getBoundingClientRect().width);
  const wide = await width();
  await page.setViewportSize({ width: 700, height: 900 });
  await page.waitForFunction(
    `document.querySelector("section.chart .uplot").getBoundingClientRect().width < ${wide}`,
  );
  const chartWidths: [number, number] = [wide, await width()];
  await context.close();
  return { consoleErrors, pageErrors, network, charts, sections, h1: h1 ?? "", chartWidths };
}

function expectEveryChartDrawn(o: Opened, ids: string[]): void {
  expect(o.pageErrors).toEqual([]);
  expect(o.consoleErrors).toEqual([]);
  expect(o.network).toEqual([]);
  expect(o.sections.map((s) => s.id)).toEqual(ids);
  for (const s of o.sections) {
    expect(s.canvases, s.id).toBeGreaterThan(0);
    expect(s.points, s.id).toBeGreaterThan(0);
  }
  expect(o.charts.map((c) => c.id)).toEqual(ids);
  for (const c of o.charts) expect(c.xLength, c.id).toBeGreaterThan(0);
}

describe("HTML report in a headless browser", () => {
  it("run --html writes one page that opens offline with every chart drawn from data and no console errors", async () => {
    const file = join(tmp, "run.html");
    const r = cli(["run", SCENARIO, "--html", file, "--quiet"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const opened = await open(file, join(ARTIFACTS, "html-report.png"));
    expectEveryChartDrawn(opened, RUN_CHART_IDS);
    expect(opened.h1).toBe("vpc-burst-deploy");
    // Charts take the page's width, and follow the window when it narrows.
    expect(opened.chartWidths[0]).toBeGreaterThan(1000);
    expect(opened.chartWidths[1]).toBeLessThan(700);
    writeFileSync(join(ARTIFACTS, "html-report.html"), readFileSync(file));
  });

  it("the page is the same for any --partitions and --workers (it holds nothing from the wall clock)", () => {
    const one = join(tmp, "p1.html");
    const many = join(tmp, "p4.html");
    expect(cli(["run", "scenarios/quickstart.yaml", "--html", one, "-q", "-p", "1", "-w", "0"]).status).toBe(
      0,
    );
    expect(cli(["run", "scenarios/quickstart.yaml", "--html", many, "-q", "-p", "4", "-w", "2"]).status).toBe(
      0,
    );
    expect(readFileSync(many, "utf8") === readFileSync(one, "utf8")).toBe(true);
  });

  it("sweepHtml draws each metric against the parameter, with its band and threshold, offline", async () => {
    const file = join(ARTIFACTS, "sweep-report.html");
    writeFileSync(file, sweepHtml(SWEEP));
    const opened = await open(file, join(ARTIFACTS, "sweep-report.png"));
    expectEveryChartDrawn(opened, ["sweep-0", "sweep-1"]);
    expect(opened.h1).toContain("vpc-burst-deploy");
    expect(opened.h1).toContain("functions[0].count");
  });
});

describe("sweep --html", () => {
  it("fleet-sim sweep --html writes a page with one chart per metric of the table, drawn offline", async () => {
    const file = join(tmp, "sweep.html");
    const r = cli([
      "sweep",
      "scenarios/quickstart.yaml",
      "--set",
      "account.concurrencyLimit=200,1000",
      "-r",
      "2",
      "-w",
      "0",
      "--metric",
      "concurrency.peak",
      "--html",
      file,
      "-q",
    ]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const opened = await open(file, join(ARTIFACTS, "sweep-cli.png"));
    expectEveryChartDrawn(opened, ["sweep-0"]);
    expect(opened.h1).toBe("quickstart: sweep of account.concurrencyLimit");
  });

  it("a grid of two parameters: the first is the x axis, each value of the second its own line of charts", () => {
    const e = (mean: number) => ({ n: 2, mean, sd: 1, ciLow: mean - 1, ciHigh: mean + 1 });
    const input = sweepReportOf(
      {
        schemaVersion: 1,
        scenario: { name: "s", file: "s.yaml", baseSeed: 1 },
        parameters: [
          { path: "a", values: ["1", "2"] },
          { path: "b", values: ["x", "y"] },
        ],
        replications: 2,
        seeds: [1, 2],
        points: [
          { values: ["1", "x"], metrics: { "pending.create.p99": e(10) } },
          { values: ["1", "y"], metrics: { "pending.create.p99": e(20) } },
          { values: ["2", "x"], metrics: { "pending.create.p99": e(30) } },
          { values: ["2", "y"], metrics: { "pending.create.p99": e(40) } },
        ],
        thresholds: [],
      },
      ["pending.create.p99"],
      [{ text: "pending.create.p99 < 120s", metric: "pending.create.p99", op: "<", limit: 120 }],
    );
    expect(input.parameter).toEqual({ path: "a", values: [1, 2] });
    expect(input.metrics.map((m) => [m.name, m.unit, m.points.map((p) => p.mean), m.threshold])).toEqual([
      ["pending.create.p99 (b=x)", "s", [10, 30], { op: "<", limit: 120 }],
      ["pending.create.p99 (b=y)", "s", [20, 40], { op: "<", limit: 120 }],
    ]);
  });

  it("run --replications refuses --html, which charts one run", () => {
    const r = cli(["run", "scenarios/quickstart.yaml", "--replications", "2", "--html", join(tmp, "r.html")]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("--html shape");
  });
});

describe("HTML report content", () => {
  let report: Report;
  let series: HtmlSeries;
  beforeAll(async () => {
    const plan = loadScenarioFile(SCENARIO);
    const result = await simulate({
      plan,
      file: SCENARIO,
      partitions: 4,
      traceFd: null,
      traceFilter: "*",
      stopFlag: null,
      metrics: null,
      workers: 0,
      workerMemoryMb: 1024,
      htmlSampleIntervalUs: 15_000_000,
    });
    report = result.report;
    if (result.htmlSeries === null) throw new Error("no series");
    series = result.htmlSeries;
  });

  it("samples from the start every --sample-interval to the end, and functions by State add up at each sample", () => {
    expect(series.t.slice(0, 3)).toEqual([0, 15, 30]);
    expect(series.t.at(-1)).toBe(report.run.simulatedUs / 1e6);
    const last = series.t.length - 1;
    for (const [state, n] of Object.entries(report.functions.byState))
      expect(series.byState[state as keyof typeof series.byState][last], state).toBe(n);
  });

  it("API outcome rates integrate back to the report's counts of each code", () => {
    const integral = (values: number[]) =>
      values.reduce((sum, v, i) => sum + v * (series.t[i] - (i === 0 ? 0 : series.t[i - 1])), 0);
    const errors: Record<string, number> = {};
    let success = 0;
    for (const op of Object.values(report.api)) {
      success += op.success;
      for (const [code, n] of Object.entries(op.errors)) errors[code] = (errors[code] ?? 0) + (n ?? 0);
    }
    expect(Object.keys(series.apiRatePerSec).sort()).toEqual(["success", ...Object.keys(errors)].sort());
    expect(integral(series.apiRatePerSec.success)).toBeCloseTo(success, -1);
    for (const [code, n] of Object.entries(errors))
      expect(integral(series.apiRatePerSec[code]), code).toBeCloseTo(n, -1);
    expect(integral(series.coldStartRatePerSec)).toBeCloseTo(report.invocations.coldStarts, -1);
  });

  it("the Pending CDF rises to 1 and its median is the report's p50", () => {
    const points = cdf(report.histograms.pendingCreate.hdr);
    for (let i = 1; i < points.length; i++) {
      expect(points[i][0]).toBeGreaterThan(points[i - 1][0]);
      expect(points[i][1]).toBeGreaterThanOrEqual(points[i - 1][1]);
    }
    expect(points.at(-1)).toEqual([report.histograms.pendingCreate.max, 1]);
    const median = points.find(([, y]) => y >= 0.5);
    expect(median?.[0]).toBe(report.histograms.pendingCreate.p50);
  });

  it("concurrency is drawn against the account limit and IPs against each subnet's capacity", () => {
    const charts = runCharts(report, series).filter((c): c is ChartSpec => !isNote(c));
    const concurrency = charts.find((c) => c.id === "concurrency");
    const limit = concurrency?.series.find((s) => s.label.startsWith("account limit"));
    expect(limit?.values.every((v) => v === report.concurrency.limit)).toBe(true);
    const ips = charts.find((c) => c.id === "subnet-ips");
    // The capacity line comes first: drawn under the subnets' lines (11.13).
    expect(ips?.series.map((s) => s.label)).toEqual([
      "capacity",
      ...report.subnets.map((s) => `${s.id} (${s.capacityIps} IPs)`),
    ]);
    const peakPercent = Math.max(...(ips?.series[1].values as number[]));
    const s0 = report.subnets[0];
    expect(peakPercent).toBeCloseTo((100 * (s0.peakUsedIps + s0.othersIps)) / s0.capacityIps, 1);
  });

  it("the page needs no network: no external script, stylesheet or font, and the data is inline", () => {
    const html = runHtml(report, series);
    expect(html).not.toMatch(/<script[^>]+src=/i);
    expect(html).not.toMatch(/<link[^>]+href=/i);
    expect(html).not.toMatch(/url\(\s*["']?https?:/i);
    expect(html).toContain('<script type="application/json" id="report-data">');
    expect(html).toContain("uPlot");
  });

  it("shows the scenario's question, its seed and the invariants in the header", () => {
    const html = runHtml(report, series);
    expect(html).toContain(report.scenario.description.slice(0, 60));
    expect(html).toContain(`seed ${report.scenario.seed}`);
    for (const inv of report.invariants) expect(html).toContain(inv.name);
  });

  it("shows report.thresholds as a table when there is one, and nothing when there is none", () => {
    expect(runHtml({ ...report, thresholds: undefined }, series)).not.toContain('id="thresholds"');
    const withThresholds: Report = {
      ...report,
      thresholds: {
        results: [
          {
            threshold: "pending.create.p99 < 90s",
            metric: "pending.create.p99",
            unit: "seconds",
            observed: 71.9,
            ok: true,
            abortOnFail: false,
          },
        ],
        aborted: null,
      },
    };
    const html = runHtml(withThresholds, series);
    expect(html).toContain('id="thresholds"');
    expect(html).toContain("pending.create.p99");
    expect(html).toContain('<td class="ok">pass</td>');
    const failed = { results: [{ ...withThresholds.thresholds!.results[0], ok: false }], aborted: null };
    expect(thresholdsTable(failed)).toContain('<td class="bad">fail</td>');
  });

  it("a sweep with string values draws them as categories, the threshold as a constant line", () => {
    const sweep: SweepReport = {
      ...SWEEP,
      parameter: { path: "network.subnets", values: ["one", "two"] },
      metrics: [
        {
          name: "peak IPs",
          unit: "%",
          points: [
            { value: "one", mean: 80, ciLow: 70, ciHigh: 90, n: 3 },
            { value: "two", mean: 40, ciLow: 35, ciHigh: 45, n: 3 },
          ],
          threshold: { op: "<=", limit: 85 },
        },
      ],
    };
    const [chart] = sweepCharts(sweep);
    expect(chart.xKind).toBe("category");
    expect(chart.xLabels).toEqual(["one", "two"]);
    // The threshold first, drawn under the mean and its band (11.13).
    expect(chart.series.map((s) => s.values)).toEqual([
      [85, 85],
      [80, 40],
      [90, 45],
      [70, 35],
    ]);
    expect(chart.bands).toEqual([[3, 4]]);
  });
});

describe("HTML report of provisioned concurrency and of long runs", () => {
  it("draws provisioned concurrency allocated and in use beside the on-demand executions when the scenario has some", async () => {
    const file = "scenarios/provisioned-alias-shift.yaml";
    const result = await simulate({
      plan: loadScenarioFile(file),
      file,
      partitions: 2,
      traceFd: null,
      traceFilter: "*",
      stopFlag: null,
      metrics: null,
      workers: 0,
      workerMemoryMb: 1024,
      htmlSampleIntervalUs: 15_000_000,
    });
    const series = result.htmlSeries as HtmlSeries;
    const concurrency = runCharts(result.report, series).find((c) => c.id === "concurrency") as ChartSpec;
    const allocated = concurrency.series.find((s) => s.label === "provisioned allocated");
    expect(allocated?.values.at(-1)).toBe(result.report.invocations.provisioned.allocatedAtEnd);
    expect(concurrency.series.some((s) => s.label === "provisioned in use")).toBe(true);
  });

  it("suggests a coarser --sample-interval only past 10,000 samples, aiming at about 2,000", () => {
    expect(coarserSampleInterval(10_000, 14 * 86_400e6)).toBe(null);
    expect(coarserSampleInterval(121_441, 21 * 86_400e6 + 2 * 3600e6)).toBe("30m");
    expect(coarserSampleInterval(20_000, 3 * 86_400e6)).toBe("5m");
  });
});

describe("--html errors", () => {
  it("a path in a missing directory is bad input with a clear message, no stack trace", () => {
    const r = cli(["run", "scenarios/quickstart.yaml", "--html", join(tmp, "no-such-dir", "r.html")]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("fleet-sim: --html: cannot write");
    expect(r.stderr).toContain("no such directory");
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  it("--html naming the --out file is refused before the run", () => {
    const file = join(tmp, "same");
    const r = cli(["run", "scenarios/quickstart.yaml", "--html", file, "--out", file]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('--html names the same file as --out or --trace: "');
  });

  it("--openmetrics naming the --html file is refused before the run", () => {
    const file = join(tmp, "same.html");
    const r = cli(["run", "scenarios/quickstart.yaml", "--html", file, "--openmetrics", file]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('--openmetrics names the same file as --out, --trace or --html: "');
  });
});
