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
import { durationTicks, formatSignificant, numberTicks } from "../src/report/number-format.js";
import { renderSweep } from "../src/cli/sweep-command.js";
import { REPORT_METRICS } from "../src/experiment/report-metric-source.js";
import type { SweepResult } from "../src/experiment/sweep.js";
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
  "environments",
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
    expect(r.stderr).toContain("--out and --html name the same file");
  });

  it("--openmetrics naming the --html file is refused before the run", () => {
    const file = join(tmp, "same.html");
    const r = cli(["run", "scenarios/quickstart.yaml", "--html", file, "--openmetrics", file]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("--html and --openmetrics name the same file");
  });
});

/** Each <table> of a page: the texts of its header cells and the number of cells of each body row. */
function tables(html: string): { headers: string[]; rows: number[] }[] {
  return [...html.matchAll(/<table>([\s\S]*?)<\/table>/g)].map(([, t]) => ({
    headers: [...t.matchAll(/<th>([\s\S]*?)<\/th>/g)].map(([, h]) => h.trim()),
    rows: [...t.matchAll(/<tbody>([\s\S]*?)<\/tbody>/g)]
      .flatMap(([, b]) => [...b.matchAll(/<tr>([\s\S]*?)<\/tr>/g)])
      .map(([, r]) => (r.match(/<td[\s>]/g) ?? []).length),
  }));
}

/** A sweep of the account limit as `fleet-sim sweep` gives it, the deciding point 550 (as capacity-concurrency's). */
function throttleSweep(threshold: string): SweepResult {
  const e = (mean: number, ciLow: number, ciHigh: number) => ({ n: 3, mean, sd: 0.0001, ciLow, ciHigh });
  return {
    schemaVersion: 1,
    scenario: { name: "capacity-concurrency", file: "scenarios/capacity-concurrency.yaml", baseSeed: 1 },
    parameters: [{ path: "account.concurrencyLimit", values: ["500", "550", "600"] }],
    replications: 3,
    seeds: [1, 2, 3],
    points: [
      { values: ["500"], metrics: { "invocations.throttle_rate": e(0.01208, 0.01158, 0.01258) } },
      { values: ["550"], metrics: { "invocations.throttle_rate": e(0.0002528, 0.00004045, 0.0004651) } },
      { values: ["600"], metrics: { "invocations.throttle_rate": e(0, 0, 0) } },
    ],
    thresholds: [
      {
        threshold,
        metric: "invocations.throttle_rate",
        passes: [false, true, true],
        straddles: [false, false, false],
        answer: null,
      },
    ],
  };
}

const throttleThreshold = (text: string) => ({
  text,
  metric: "invocations.throttle_rate",
  op: "<" as const,
  limit: 0.001,
});

const SWEEP_SETTINGS = {
  file: "scenarios/capacity-concurrency.yaml",
  parameters: [{ path: "account.concurrencyLimit", values: ["500", "550", "600"] }],
  replications: 3,
  seed: undefined,
  partitions: 1,
  workers: 0,
  workerMemoryMb: 1024,
  metrics: [],
  out: null,
  csv: null,
  html: null,
  quiet: false,
};

describe("11.13: sweep and HTML numbers", () => {
  it("11.13: one formatter with significant digits: 550, 0.0025, 0.00012, 1234567, never 0 for a value that is not", () => {
    expect(formatSignificant(550)).toBe("550");
    expect(formatSignificant(0.0025)).toBe("0.0025");
    expect(formatSignificant(0.00012)).toBe("0.00012");
    expect(formatSignificant(1234567)).toBe("1234567");
    expect(formatSignificant(0.0002528)).toBe("0.0002528");
    expect(formatSignificant(0.025280000000000004)).toBe("0.02528");
    expect(formatSignificant(12345.678)).toBe("12346");
    expect(formatSignificant(3.14159)).toBe("3.142");
    expect(formatSignificant(1.23456e-9)).toBe("1.235e-9");
    for (const v of [1e-3, 4.045e-5, 1e-12, -2e-8]) expect(Number(formatSignificant(v))).not.toBe(0);
  });

  it("11.13: axis ticks are labelled with the digits their step needs: 0.0025 reads 0.0025, not 0.003", () => {
    expect(numberTicks([0, 0.0025, 0.005, 0.0075, 0.01, 0.0125], 0.0025)).toEqual([
      "0",
      "0.0025",
      "0.005",
      "0.0075",
      "0.01",
      "0.0125",
    ]);
    expect(numberTicks([10000, 10020, 10040], 20)).toEqual(["10k", "10.02k", "10.04k"]);
    expect(numberTicks([0, 500, 1000, 1500], 500)).toEqual(["0", "500", "1000", "1500"]);
  });

  it("11.13: time ticks read in one unit per axis: never 60s then 2m", () => {
    const seconds = durationTicks([0, 30, 60, 90, 120, 150], 30);
    expect(seconds).toEqual(["0s", "30s", "60s", "90s", "120s", "150s"]);
    const minutes = durationTicks([0, 300, 600, 900, 1200, 1500, 1800], 300);
    expect(minutes).toEqual(["0m", "5m", "10m", "15m", "20m", "25m", "30m"]);
    expect(durationTicks([0, 0.5, 1, 1.5], 0.5)).toEqual(["0ms", "500ms", "1000ms", "1500ms"]);
    expect(durationTicks([0, 43200, 86400, 129600], 43200)).toEqual(["0h", "12h", "24h", "36h"]);
  });

  it("11.13: the sweep page shows the deciding point 550 as its mean and CI, not 0 and 0-0", () => {
    const ratio = sweepHtml(
      sweepReportOf(
        throttleSweep("invocations.throttle_rate < 0.001"),
        ["invocations.throttle_rate"],
        [throttleThreshold("invocations.throttle_rate < 0.001")],
      ),
    );
    expect(ratio).toContain("<td>550</td><td>0.0002528</td><td>0.00004045 – 0.0004651</td>");
    expect(ratio).toContain("<td>&lt; 0.001</td>");
  });

  it("11.13: a ratio threshold written in percent gives percent in the table, the edge sentence and the HTML", () => {
    const percent = "invocations.throttle_rate < 0.1%";
    const page = sweepHtml(
      sweepReportOf(throttleSweep(percent), ["invocations.throttle_rate"], [throttleThreshold(percent)]),
    );
    expect(page).toContain("<td>550</td><td>0.02528%</td><td>0.004045% – 0.04651%</td>");
    expect(page).toContain("<td>&lt; 0.1%</td>");
    const [chart] = sweepCharts(
      sweepReportOf(throttleSweep(percent), ["invocations.throttle_rate"], [throttleThreshold(percent)]),
    );
    expect(chart.yTitle).toBe("invocations.throttle_rate (%)");
    expect(chart.series.map((s) => s.label)).toContain("threshold < 0.1%");
    const table = renderSweep(throttleSweep(percent), SWEEP_SETTINGS, REPORT_METRICS);
    expect(table).toContain("550                       0.02528% [0.004045%, 0.04651%]");
    expect(table).toContain("600                       0% [0%, 0%]");
    // The same metric against a threshold written as a ratio reads as a ratio everywhere.
    const asRatio = renderSweep(
      throttleSweep("invocations.throttle_rate < 0.001"),
      SWEEP_SETTINGS,
      REPORT_METRICS,
    );
    expect(asRatio).toContain("550                       0.0002528 [0.00004045, 0.0004651]");
    expect(asRatio).not.toContain("%]");
    // The run page's thresholds table follows the same rule.
    const result = (threshold: string) => ({
      results: [
        {
          threshold,
          metric: "subnets.min_headroom",
          unit: "ratio" as const,
          observed: 0.99804,
          ok: true,
          abortOnFail: false,
        },
      ],
      aborted: null,
    });
    expect(thresholdsTable(result("subnets.min_headroom > 0.9"))).toContain("<td>0.998</td>");
    expect(thresholdsTable(result("subnets.min_headroom > 90%"))).toContain("<td>99.8%</td>");
  });

  it("11.13: fleet-sim sweep with a threshold in percent: percent in the table, the edge sentence and the page; --out and --csv keep full precision", () => {
    const dir = mkdtempSync(join(tmpdir(), "fleet-sim-1113-"));
    const scenario = join(dir, "sweep-percent.yaml");
    writeFileSync(
      scenario,
      `# How small an account limit keeps throttles under 5%? One function takes
# 200 requests/s of about 100 ms each:
#
#   fleet-sim sweep sweep-percent.yaml \\
#     --set account.concurrencyLimit=12,40 -r 2
name: sweep-percent
seed: 1
duration: 20s
account: { concurrencyLimit: 1000, unreservedMinimum: 0 }
functions:
  - { template: api, count: 1, name: api, existing: true, duration: { lognormal: { median: 100ms, p99: 300ms } } }
workload:
  - { at: 0s, action: invoke, for: 20s, functions: api, arrival: { process: poisson, rate: 200/s } }
thresholds:
  - "invocations.throttle_rate < 5%"
`,
    );
    const [html, out, csv] = ["s.html", "s.json", "s.csv"].map((f) => join(dir, f));
    const r = cli([
      ...["sweep", scenario, "--set", "account.concurrencyLimit=12,40", "-r", "2", "-w", "0"],
      ...["--html", html, "--out", out, "--csv", csv],
    ]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const rows = r.stdout.split("\n").filter((l) => /^ {2}(12|40) /.test(l));
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(row).toMatch(/^ {2}\d+ +[\d.]+% \[[\d.]+%, [\d.]+%\]$/);
    expect(r.stdout).toMatch(
      /account.concurrencyLimit 40 is the smallest with invocations.throttle_rate < 5%: 95% CI [\d.]+%-[\d.]+%/,
    );
    const page = readFileSync(html, "utf8");
    expect(page).toMatch(/<td>40<\/td><td>[\d.]+%<\/td><td>[\d.]+% – [\d.]+%<\/td>/);
    expect(page).toContain("<td>&lt; 5%</td>");
    const json = JSON.parse(readFileSync(out, "utf8")) as SweepResult;
    const mean = json.points[1].metrics["invocations.throttle_rate"].mean;
    expect(mean).toBeGreaterThan(0);
    expect(mean).toBeLessThan(0.05);
    expect(readFileSync(csv, "utf8")).toContain(`40,invocations.throttle_rate,2,${mean},`);
  });

  it("11.13: reference lines (limits, capacity, thresholds) come before the data series, so they are drawn under it", async () => {
    const plan = loadScenarioFile(SCENARIO);
    const result = await simulate({
      plan,
      file: SCENARIO,
      partitions: 2,
      traceFd: null,
      traceFilter: "*",
      stopFlag: null,
      metrics: null,
      workers: 0,
      workerMemoryMb: 1024,
      htmlSampleIntervalUs: 15_000_000,
    });
    const charts = [
      ...runCharts(result.report, result.htmlSeries as HtmlSeries).filter((c): c is ChartSpec => !isNote(c)),
      ...sweepCharts(SWEEP),
    ];
    const withLimits = charts.filter((c) => c.series.some((s) => s.dashed));
    expect(withLimits.map((c) => c.id)).toEqual(
      expect.arrayContaining(["concurrency", "subnet-ips", "sweep-0"]),
    );
    for (const c of withLimits) {
      const lastDashed = c.series.map((s) => s.dashed === true).lastIndexOf(true);
      const firstData = c.series.findIndex((s) => s.dashed !== true);
      expect(lastDashed, c.id).toBeLessThan(firstData);
    }
    // The sweep's band still fills between the CI lines.
    const sweep = sweepCharts(SWEEP)[0];
    const [[upper, lower]] = sweep.bands ?? [[0, 0]];
    expect([sweep.series[upper - 1].label, sweep.series[lower - 1].label]).toEqual([
      "95% CI high",
      "95% CI low",
    ]);
    // And the page's script draws the series in the spec's order: its JSON is that order.
    const html = runHtml(result.report, result.htmlSeries as HtmlSeries);
    const capacity = html.indexOf('"label":"capacity"');
    expect(capacity).toBeGreaterThan(0);
    expect(capacity).toBeLessThan(html.indexOf('"label":"subnet-a'));
  });

  it("11.13: every <table> of the run and sweep pages heads each of its columns", async () => {
    const plan = loadScenarioFile(SCENARIO);
    const result = await simulate({
      plan,
      file: SCENARIO,
      partitions: 2,
      traceFd: null,
      traceFilter: "*",
      stopFlag: null,
      metrics: null,
      workers: 0,
      workerMemoryMb: 1024,
      htmlSampleIntervalUs: 60_000_000,
    });
    const pages = [runHtml(result.report, result.htmlSeries as HtmlSeries), sweepHtml(SWEEP)];
    const all = pages.flatMap(tables);
    expect(all.length).toBe(4); // the run page's cost table among them
    for (const t of all) {
      expect(
        t.headers.every((h) => h !== ""),
        t.headers.join("|"),
      ).toBe(true);
      for (const cells of t.rows) expect(cells).toBe(t.headers.length);
    }
  });

  it("11.13: the page description is the header comment without its shell line continuations", () => {
    const plan = loadScenarioFile("scenarios/capacity-concurrency.yaml");
    expect(plan.description).toContain("\\\n");
    const html = sweepHtml({ ...SWEEP, description: plan.description });
    const header = html.slice(html.indexOf("<header>"), html.indexOf("</header>"));
    expect(header).not.toContain("\\\n");
    expect(header).not.toMatch(/\\\s/);
    expect(header).toContain(
      '<pre class="question"><code>fleet-sim sweep scenarios/capacity-concurrency.yaml --set account.concurrencyLimit=500,550,600,700,800 --replications 5</code></pre>',
    );
  });

  it("11.13: in the browser, legends have no dangling colon, ticks sit at nice steps labelled exactly, time ticks keep one unit", async () => {
    const small: SweepReport = {
      scenario: "s",
      parameter: { path: "x", values: [1, 2, 3, 4] },
      metrics: [
        {
          name: "m",
          unit: "fraction",
          points: [
            { value: 1, mean: 0.0125, ciLow: 0.012, ciHigh: 0.013, n: 3 },
            { value: 2, mean: 0.0075, ciLow: 0.007, ciHigh: 0.008, n: 3 },
            { value: 3, mean: 0.0025, ciLow: 0.002, ciHigh: 0.003, n: 3 },
            { value: 4, mean: 0.0002528, ciLow: 0.0001, ciHigh: 0.0004, n: 3 },
          ],
          threshold: { op: "<", limit: 0.001 },
        },
      ],
    };
    const sweepFile = join(tmp, "ticks.html");
    writeFileSync(sweepFile, sweepHtml(small));
    const runFile = join(tmp, "ticks-run.html");
    const r = cli(["run", SCENARIO, "--html", runFile, "--quiet"]);
    expect(r.status).toBe(0);
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, offline: true });
    try {
      const page = await context.newPage();
      const read = async (file: string) => {
        await page.goto(`file://${file}`, { waitUntil: "load" });
        const charts = (await page.evaluate("window.fleetSimCharts")) as {
          id: string;
          ticks: { x: string[]; y: string[] };
        }[];
        // Hovering fills the legend's values; before that, a label must not end in ":".
        const legends = await page.$$eval(".u-legend tr", (rows) =>
          rows.map((tr) => {
            const th = tr.querySelector("th");
            const after =
              th === null
                ? "none"
                : (
                    globalThis as unknown as {
                      getComputedStyle: (e: unknown, p: string) => { content: string };
                    }
                  ).getComputedStyle(th, "::after").content;
            const label = `${th?.textContent ?? ""}${after === "none" || after === "normal" ? "" : after.replace(/"/g, "")}`;
            return { label, value: tr.querySelector("td")?.textContent ?? "" };
          }),
        );
        return { charts, legends };
      };
      const sweep = await read(sweepFile);
      const yTicks = sweep.charts[0].ticks.y;
      // Nice steps (1, 2 or 5 x 10^k), every label exact: the old labels rounded 0.0025 to "0.003".
      const nums = yTicks.map(Number);
      expect(nums.length).toBeGreaterThan(2);
      const step = nums[1] - nums[0];
      const mantissa = Number((step / 10 ** Math.floor(Math.log10(step))).toPrecision(6));
      expect([1, 2, 5]).toContain(mantissa);
      nums.forEach((v, i) => expect(v).toBeCloseTo(nums[0] + i * step, 12));
      expect(new Set(yTicks).size).toBe(yTicks.length);
      const run = await read(runFile);
      for (const { legends } of [sweep, run])
        for (const l of legends) expect(l.value === "" && l.label.trim().endsWith(":"), l.label).toBe(false);
      for (const c of run.charts) {
        if (
          ![
            "states",
            "api-outcomes",
            "concurrency",
            "environments",
            "subnet-ips",
            "throttles-cold-starts",
            "pending-cdf",
          ].includes(c.id)
        )
          continue;
        const units = new Set(c.ticks.x.map((t) => /[a-zµ]+$/.exec(t)?.[0]));
        expect([...units], `${c.id}: ${c.ticks.x.join(" ")}`).toHaveLength(1);
      }
    } finally {
      await context.close();
    }
  });
});
