import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as hdr from "hdr-histogram-js";
import { beforeAll, describe, expect, it } from "vitest";
import { OPERATION_NAMES } from "../src/model/aws-names.js";
import type { TraceRecord } from "../src/model/fleet-partition.js";
import { ERROR_COUNT, HIST_NAMES } from "../src/model/observations.js";
import type { Plan, PlanThreshold } from "../src/model/plan.js";
import { type RunOutcome, runPlan } from "../src/model/run.js";
import { API_ERROR_CODES, INVOCATION_OUTCOMES } from "../src/model/outcomes.js";
import { buildReport, packageVersion, type Report, stripWallClock } from "../src/report/json-report.js";
import { ProgressDisplay, renderProgress } from "../src/report/progress.js";
import {
  firstSentence,
  formatCount,
  formatSeconds,
  renderSummary,
  renderVerdict,
  wrap,
} from "../src/report/summary.js";
import { evaluateThresholds } from "../src/report/thresholds.js";
import { TraceWriter } from "../src/report/trace-writer.js";
import { PlanBuilder } from "./helpers/plan-builder.js";

const SCHEMA = JSON.parse(
  readFileSync(new URL("../schema/report.schema.json", import.meta.url), "utf8"),
) as JsonSchema;

/** A small fleet with VPC functions, waiters, invocations before Active, errors and updates. */
function buildPlan(seed = 7): Plan {
  const api = Array.from({ length: 20 }, (_, i) => `api-${i}`);
  const plain = Array.from({ length: 5 }, (_, i) => `plain-${i}`);
  const b = new PlanBuilder(900)
    .seed(seed)
    .vpc("vpc-a")
    .subnet("subnet-a", 40)
    .subnet("subnet-b", 40)
    .template("api", {
      count: 20,
      vpc: { subnets: ["subnet-a", "subnet-b"], securityGroups: ["sg-1"] },
      errorRate: 0.1,
    })
    .template("plain", { count: 5 })
    .client("waiting", "FunctionActiveV2");
  b.step(0, "CreateFunction", api, { ratePerSec: 10, client: "waiting", then: ["Invoke"] });
  b.step(0, "CreateFunction", plain);
  b.stream([...api, ...plain], 30, 1, 600);
  b.step(300, "UpdateFunctionCode", plain, { client: "waiting" });
  return b.build();
}

const meta = (partitions: number) => ({ file: "plan.yaml", seed: 7, partitions });

describe("buildReport", () => {
  let outcome: RunOutcome;
  let report: Report;
  beforeAll(() => {
    outcome = runPlan(buildPlan(), { partitions: 4 });
    report = buildReport(outcome, meta(4));
  });

  it("identifies itself and the run", () => {
    expect(report.schemaVersion).toBe(1);
    expect(report.tool).toBe("lambda-fleet-sim");
    expect(report.version).toBe(JSON.parse(readFileSync("package.json", "utf8")).version);
    expect(report.version).toBe(packageVersion());
    expect(report.scenario).toEqual({
      name: "test",
      description: "",
      file: "plan.yaml",
      seed: 7,
      partitions: 4,
      untilUs: 900_000_000,
    });
    expect(report.run.simulatedUs).toBe(900_000_000);
    expect(report.run.events).toBe(outcome.kernel.events);
    expect(report.run.windows).toBe(outcome.kernel.rounds);
    expect(report.run.messages).toBe(outcome.kernel.messages);
    expect(report.run.partial).toBe(false);
    expect(report.run.wallMs).toBeGreaterThan(0);
    expect(report.run.eventsPerSec).toBeGreaterThan(0);
  });

  it("counts functions by State and LastUpdateStatus", () => {
    const f = report.functions;
    expect(f.created).toBe(25);
    expect(f.deleted).toBe(0);
    expect(f.existingAtStart).toBe(0);
    expect(Object.values(f.byState).reduce((a, b) => a + b, 0)).toBe(25);
    expect(Object.values(f.byLastUpdateStatus).reduce((a, b) => a + b, 0)).toBe(25);
    expect(f.byState.Active).toBe(25);
  });

  it("gives per operation the requests, successes and errors of the observations", () => {
    let total = 0;
    OPERATION_NAMES.forEach((op, i) => {
      const row = Array.from(outcome.obs.api.subarray(i * ERROR_COUNT, (i + 1) * ERROR_COUNT));
      const a = report.api[op];
      const errors = Object.values(a.errors).reduce((x, y) => x + (y ?? 0), 0);
      expect(a.requests, op).toBe(row.reduce((x, y) => x + y, 0));
      expect(a.success + errors, op).toBe(a.requests);
      for (const code of Object.keys(a.errors)) expect(API_ERROR_CODES).toContain(code);
      for (const n of Object.values(a.errors)) expect(n).toBeGreaterThan(0);
      total += a.requests;
    });
    expect(total).toBe(outcome.obs.api.reduce((x, y) => x + y, 0));
    expect(report.api.CreateFunction.requests).toBeGreaterThanOrEqual(25);
    expect(report.api.GetFunction.requests).toBeGreaterThan(0);
    expect(report.api.UpdateFunctionCode.success).toBe(5);
    // Function errors are invocation outcomes, not API errors.
    expect(Object.keys(report.api.Invoke.errors)).not.toContain("FunctionError");
  });

  it("accounts for every invocation request", () => {
    const inv = report.invocations;
    const outcomes = INVOCATION_OUTCOMES.reduce((n, o) => n + inv.outcomes[o], 0);
    expect(inv.requests).toBe(outcome.obs.invocationRequests);
    expect(outcomes + inv.openAtEnd).toBe(inv.requests);
    expect(report.api.Invoke.requests).toBe(outcomes);
    expect(inv.outcomes.functionError).toBeGreaterThan(0);
    expect(inv.outcomes.ResourceConflictException).toBeGreaterThan(0);
    expect(inv.outcomes.throttled).toBe(report.api.Invoke.errors.TooManyRequestsException ?? 0);
    expect(inv.coldStarts).toBe(outcome.obs.coldStarts);
    expect(inv.coldStartRatio).toBeCloseTo(inv.coldStarts / (inv.coldStarts + inv.warmStarts), 5);
    const ran = Object.values(inv.byRevision).reduce((a, b) => a + b, 0);
    expect(ran).toBe(inv.outcomes.success + inv.outcomes.functionError + inv.outcomes.timeout);
    expect(Object.keys(inv.byRevision)).toContain("2");
    expect(Object.keys(inv.throttlesByCause)).toEqual([
      "accountConcurrency",
      "reservedConcurrency",
      "scalingRate",
      "accountRequestRate",
      "reservedRequestRate",
      "provisionedRequestRate",
    ]);
  });

  it("reports the clients' waiters", () => {
    expect(report.clients.waiters.started).toBeGreaterThanOrEqual(20);
    expect(report.clients.waiters.succeeded).toBe(Array.from(outcome.obs.waiters)[1]);
    expect(report.clients.openTasks).toBe(outcome.openClientTasks);
  });

  it("gives each histogram in seconds, with an hdr encoding of the same counts", () => {
    expect(Object.keys(report.histograms)).toEqual([...HIST_NAMES]);
    HIST_NAMES.forEach((name, i) => {
      const h = report.histograms[name];
      const source = outcome.obs.histograms[i];
      expect(h.count, name).toBe(source.totalCount);
      const decoded = hdr.decodeFromCompressedBase64(h.hdr);
      expect(decoded.totalCount, name).toBe(h.count);
      if (h.count > 0) {
        expect(decoded.getValueAtPercentile(99) / 1e6).toBe(h.p99);
        const ordered = [h.min, h.p50, h.p90, h.p99, h.p999, h.max];
        expect(
          [...ordered].sort((a, b) => a - b),
          name,
        ).toEqual(ordered);
        expect(h.mean).toBeGreaterThanOrEqual(h.min);
        expect(h.mean).toBeLessThanOrEqual(h.max);
      }
    });
    expect(report.histograms.pendingCreate.count).toBe(25);
    // New ENIs take 60-90 s (R2).
    expect(report.histograms.pendingCreate.max).toBeGreaterThanOrEqual(60);
    expect(report.histograms.pendingCreate.max).toBeLessThan(100);
    expect(report.histograms.updateInProgress.count).toBe(5);
    expect(report.histograms.invocationLatency.count).toBeGreaterThan(1000);
  });

  it("reports concurrency, subnets and VPCs", () => {
    expect(report.concurrency.limit).toBe(1000);
    expect(report.concurrency.unreservedPool).toBe(1000);
    expect(report.concurrency.peak).toBeGreaterThan(0);
    expect(report.subnets.map((s) => s.id)).toEqual(["subnet-a", "subnet-b"]);
    for (const s of report.subnets) {
      expect(s.vpc).toBe("vpc-a");
      expect(s.capacityIps).toBe(40);
      expect(s.usedIpsAtEnd + s.othersIps + s.freeIpsAtEnd).toBe(s.capacityIps);
      expect(s.enisCreated).toBe(1);
      expect(s.peakUsedIps).toBe(1);
      expect(s.minHeadroom).toBeCloseTo(1 - 1 / 40, 6);
    }
    expect(report.vpcs).toEqual([
      { id: "vpc-a", eniQuota: 250, enisUsedByOthers: 0, peakEnis: 2, enisAtEnd: 2 },
    ]);
  });

  it("lists the invariants, all kept", () => {
    expect(report.invariants.length).toBe(6);
    for (const i of report.invariants) expect(i.ok, `${i.name}: ${i.detail}`).toBe(true);
  });

  it("has samples only when the run sampled", () => {
    expect(report.samples).toBeUndefined();
    const sampled = buildReport(
      runPlan(buildPlan(), { partitions: 2, sampleIntervalUs: 60_000_000 }),
      meta(2),
    );
    expect(sampled.samples?.length).toBe(16);
    expect(sampled.samples?.[15]).toMatchObject({ t: 900, timeUs: 900_000_000 });
    expect(validate(SCHEMA, sampled)).toEqual([]);
  });

  it("matches schema/report.schema.json", () => {
    expect(validate(SCHEMA, report)).toEqual([]);
    expect(validate(SCHEMA, JSON.parse(JSON.stringify(report)))).toEqual([]);
  });

  it("V6: a report with asynchronous invocation, sampled, matches the schema too", () => {
    const b = new PlanBuilder(600)
      .template("fn", { existing: true, reservedConcurrency: 1, async: { maximumEventAgeUs: 60_000_000 } })
      .template("loop", { existing: true, selfTrigger: 1 });
    b.stream(["fn", "loop"], 5, 1, 120, { invocationType: "Event" });
    const r = buildReport(runPlan(b.build(), { partitions: 2, sampleIntervalUs: 60_000_000 }), meta(2));
    expect(r.async?.accepted).toBeGreaterThan(0);
    expect(r.async?.recursiveStops).toBeGreaterThan(0);
    expect(r.samples?.[1].asyncQueueDepth).toBeGreaterThan(0);
    expect(validate(SCHEMA, JSON.parse(JSON.stringify(r)))).toEqual([]);
    expect(validate(SCHEMA, report)).toEqual([]); // and one without: the section is optional
    expect(report.async).toBeUndefined();
  });

  it("Thresholds: a report with a thresholds section, passed or aborted, matches the schema", () => {
    const withThresholds = structuredClone(report);
    const thresholds: PlanThreshold[] = [
      {
        source: "invocations.failure_rate < 1%",
        metric: "invocations.failure_rate",
        op: "<",
        value: 0.01,
        abortOnFail: false,
        delayAbortEvalUs: 0,
      },
      {
        source: "pending.create.p99 < 2m",
        metric: "pending.create.p99",
        op: "<",
        value: 120,
        abortOnFail: true,
        delayAbortEvalUs: 0,
      },
    ];
    withThresholds.thresholds = evaluateThresholds(withThresholds, thresholds);
    expect(validate(SCHEMA, JSON.parse(JSON.stringify(withThresholds)))).toEqual([]);
    withThresholds.thresholds = evaluateThresholds(withThresholds, thresholds, {
      threshold: "pending.create.p99 < 2m",
      atUs: 60_000_000,
      observed: 130,
    });
    expect(withThresholds.thresholds.results[1].ok).toBe(false);
    expect(validate(SCHEMA, JSON.parse(JSON.stringify(withThresholds)))).toEqual([]);
  });

  it("the schema check catches a missing field, a wrong type and an unknown field", () => {
    const broken = JSON.parse(JSON.stringify(report));
    delete broken.run.events;
    broken.functions.byState.Active = "25";
    broken.extra = 1;
    expect(validate(SCHEMA, broken)).toEqual([
      "$: unexpected field extra",
      "$.run: missing events",
      "$.functions.byState.Active: expected integer, got string",
    ]);
  });

  it("stripWallClock leaves equal reports for equal seeds, and does not touch its input", () => {
    const again = buildReport(runPlan(buildPlan(), { partitions: 4 }), meta(4));
    const a = stripWallClock(report);
    expect(a.run).not.toHaveProperty("wallMs");
    expect(a.run).not.toHaveProperty("eventsPerSec");
    expect(report.run).toHaveProperty("wallMs");
    expect(JSON.stringify(stripWallClock(again))).toBe(JSON.stringify(a));
    const other = buildReport(runPlan(buildPlan(8), { partitions: 4 }), { ...meta(4), seed: 8 });
    expect(JSON.stringify(stripWallClock(other))).not.toBe(JSON.stringify(a));
  });

  it("gives the same outcome, hdr encodings included, for any partition count", () => {
    // The kernel's own counts (events, windows, messages) are bookkeeping of the partitioning.
    const one = stripWallClock(buildReport(runPlan(buildPlan(), { partitions: 1 }), meta(1)));
    const many = stripWallClock(report);
    const { scenario: s1, run: r1, ...rest1 } = one;
    const { scenario: s4, run: r4, ...rest4 } = many;
    expect({ ...s1, partitions: 0 }).toEqual({ ...s4, partitions: 0 });
    expect(r1.simulatedUs).toBe(r4.simulatedUs);
    expect(JSON.stringify(rest1)).toBe(JSON.stringify(rest4));
  });
});

describe("renderSummary", () => {
  let report: Report;
  beforeAll(() => {
    report = buildReport(runPlan(buildPlan(), { partitions: 4 }), meta(4));
    report.scenario.description = "What happens when twenty functions start? More text.\nSecond line.";
  });

  it("prints every section, k6-style", () => {
    const text = renderSummary(report, { color: false });
    expect(text).toMatch(/^ {2}scenario \.+: test \(plan\.yaml\)$/m);
    expect(text).toMatch(/^ {37}What happens when twenty functions start\?$/m);
    expect(text).not.toContain("More text");
    expect(text).toMatch(/^ {2}seed \.+: 7$/m);
    expect(text).toMatch(/^ {2}partitions \.+: 4$/m);
    expect(text).toMatch(/^ {2}simulated \.+: 15m$/m);
    for (const title of [
      "FUNCTIONS",
      "API",
      "INVOCATIONS",
      "CLIENTS",
      "DURATIONS",
      "CONCURRENCY",
      "SUBNETS",
      "RUN",
      "INVARIANTS",
    ]) {
      expect(text).toMatch(new RegExp(`^ {2}${title}`, "m"));
    }
    expect(text).toMatch(/^ {4}State \.+: Pending=0 Active=25 Inactive=0 Failed=0$/m);
    expect(text).toMatch(/^ {4}LastUpdateStatus \.+: None=0 InProgress=0 Successful=25 Failed=0$/m);
    const create = report.api.CreateFunction;
    expect(text).toMatch(new RegExp(`^ {4}CreateFunction +${create.requests} +${create.success}  `, "m"));
    expect(text).toMatch(/^ {4}Invoke +\d+ +\d+ +ResourceConflictException=\d+/m);
    expect(text).toMatch(/^ {6}functionError \.+: \d+ \(\d+\.\d\d%\)$/m);
    expect(text).toMatch(/^ {4}cold starts \.+: \d+ of \d+ started \(\d+\.\d\d%\)$/m);
    expect(text).toMatch(
      /^ {4}pending\.create \.+: count=25 min=\S+s mean=\S+s p50=\S+s p90=\S+s p99=\S+s p99\.9=\S+s max=\S+s$/m,
    );
    expect(text).toMatch(/^ {4}pending\.restore \.+: count=0$/m);
    expect(text).toMatch(/^ {4}peak \.+: \d+ of limit 1000 \(\d+\.\d\d%\)$/m);
    expect(text).toMatch(
      /^ {4}subnet-a \.+: capacity=40 peak used=1 \(2\.50%\) ENIs created=1 failed=0 deleted=0 \(vpc-a\)$/m,
    );
    expect(text).toMatch(/^ {4}events \.+: \d+ in \d+ rounds, \d+ messages$/m);
    expect(text).toMatch(/^ {4}wall time \.+: \d+(ms|\.\d\ds), \S+ events\/s$/m);
    expect(text).toMatch(/^ {4}✓ every invocation request has exactly one outcome$/m);
  });

  it("aligns the dot leaders", () => {
    const text = renderSummary(report, { color: false });
    const colons = text
      .split("\n")
      .filter((l) => / \.{3,}: /.test(l))
      .map((l) => l.indexOf(": "));
    expect(new Set(colons).size).toBe(1);
  });

  it("has no trailing whitespace, and color only when asked", () => {
    const plain = renderSummary(report, { color: false });
    for (const l of plain.split("\n")) expect(l).toBe(l.trimEnd());
    expect(plain).not.toContain("\x1b[");
    const colored = renderSummary(report, { color: true });
    expect(colored).toContain("\x1b[32m✓\x1b[39m");
    for (const l of colored.split("\n")) expect(l).toBe(l.trimEnd());
  });

  it("shows a violated invariant with its detail", () => {
    const broken: Report = structuredClone(report);
    broken.invariants[0] = {
      name: "every invocation request has exactly one outcome",
      ok: false,
      detail: "3 lost",
    };
    expect(renderSummary(broken, { color: false })).toMatch(
      /^ {4}✗ every invocation request has exactly one outcome: 3 lost$/m,
    );
    expect(renderVerdict(broken, { color: false })).toMatch(
      /^✗ test: 15m simulated, \d+ events in \S+; invariant violated: every invocation request has exactly one outcome$/,
    );
  });

  it("gives a one-line verdict", () => {
    expect(renderVerdict(report, { color: false })).toMatch(
      /^✓ test: 15m simulated, \d+ events in \S+; 6 invariants ok$/,
    );
    const partial: Report = structuredClone(report);
    partial.run.partial = true;
    partial.run.simulatedUs = 300_000_000;
    expect(renderVerdict(partial, { color: false })).toContain("5m of 15m (stopped early) simulated");
  });
});

describe("formatting", () => {
  it("formats durations with three significant digits in a fitting unit", () => {
    expect(formatSeconds(0)).toBe("0s");
    expect(formatSeconds(0.00085)).toBe("850µs");
    expect(formatSeconds(0.0000015)).toBe("1.50µs");
    expect(formatSeconds(0.00123)).toBe("1.23ms");
    expect(formatSeconds(0.25)).toBe("250ms");
    expect(formatSeconds(74.8)).toBe("74.8s");
    expect(formatSeconds(90)).toBe("90.0s");
    expect(formatSeconds(150)).toBe("2.50m");
    expect(formatSeconds(5.2 * 3600)).toBe("5.20h");
    expect(formatSeconds(14 * 86400)).toBe("14.0d");
  });

  it("formats counts compactly", () => {
    expect(formatCount(1234)).toBe("1234");
    expect(formatCount(45_678)).toBe("45.7k");
    expect(formatCount(3_713_731)).toBe("3.71M");
  });

  it("wraps words and takes the first sentence", () => {
    expect(wrap("aa bb cc dd", 5)).toEqual(["aa bb", "cc dd"]);
    expect(wrap("averylongword x", 4)).toEqual(["averylongword", "x"]);
    expect(firstSentence("How long do 3,000 functions\nwait? Then more.")).toBe(
      "How long do 3,000 functions wait?",
    );
    expect(firstSentence("No end")).toBe("No end");
  });
});

describe("progress", () => {
  it("renders simulated time, percent, events/s and ETA", () => {
    expect(renderProgress({ simTimeUs: 30_000_000, untilUs: 120_000_000, events: 500_000 }, 1000)).toBe(
      "simulated 30s of 2m (25.0%)  500k events/s  ETA 3s",
    );
    expect(
      renderProgress(
        { simTimeUs: 3 * 86_400_000_000 + 61_500_000, untilUs: 6 * 86_400_000_000, events: 10 },
        0,
      ),
    ).toBe("simulated 3d1m of 6d (50.0%)");
  });

  it("redraws at most every 100 ms of wall time, in place, and clears itself", () => {
    let now = 0;
    const written: string[] = [];
    const d = new ProgressDisplay(
      { write: (t: string) => written.push(t), columns: 30 },
      { nowMs: () => now },
    );
    const p = { simTimeUs: 1_000_000, untilUs: 10_000_000, events: 100 };
    d.update(p);
    now = 50;
    d.update(p);
    now = 120;
    d.update(p);
    expect(written.length).toBe(2);
    for (const w of written) {
      expect(w.startsWith("\r\x1b[2K")).toBe(true);
      expect(w.length - 5).toBeLessThan(30);
    }
    d.clear();
    expect(written[written.length - 1]).toBe("\r\x1b[2K");
    d.clear();
    expect(written.length).toBe(3);
  });
});

describe("TraceWriter", () => {
  const record = (timeUs: number, fn: string, operation = "Invoke"): TraceRecord => ({
    timeUs,
    function: fn,
    operation,
    outcome: "OK",
    message: "",
    reason: "",
    stateBefore: "Active",
    stateAfter: "Active",
    lastUpdateStatus: "Successful",
    stateReasonCode: "",
    lastUpdateStatusReasonCode: "",
    revision: 1,
  });

  it("writes NDJSON lines in time order, each function's records in their own order", () => {
    const dir = mkdtempSync(join(tmpdir(), "fleet-sim-trace-"));
    const file = join(dir, "t.ndjson");
    const w = TraceWriter.open(file);
    w.write(record(2_000_000, "b", "First"));
    w.write(record(2_000_000, "b", "Second"));
    w.write(record(1_500_000, "c"));
    w.write(record(2_000_000, "a"));
    w.close();
    w.write(record(3_000_000, "late"));
    const lines = readFileSync(file, "utf8")
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.t, l.function, l.operation])).toEqual([
      [1.5, "c", "Invoke"],
      [2, "a", "Invoke"],
      [2, "b", "First"],
      [2, "b", "Second"],
    ]);
    expect(Object.keys(lines[0])).toEqual([
      "t",
      "timeUs",
      "function",
      "operation",
      "outcome",
      "message",
      "reason",
      "stateBefore",
      "stateAfter",
      "lastUpdateStatus",
      "stateReasonCode",
      "lastUpdateStatusReasonCode",
      "revision",
    ]);
    expect(w.lines).toBe(4);
  });
});

// ---- A small JSON Schema checker: enough of draft 2020-12 for the report schema, and strict about it.

interface JsonSchema {
  [keyword: string]: unknown;
}

const KNOWN = new Set([
  "$schema",
  "$defs",
  "$ref",
  "title",
  "description",
  "type",
  "const",
  "enum",
  "minimum",
  "maximum",
  "pattern",
  "required",
  "properties",
  "additionalProperties",
  "propertyNames",
  "items",
]);

function validate(root: JsonSchema, value: unknown): string[] {
  const problems: string[] = [];
  check(root, root, value, "$", problems);
  return problems;
}

function typeOf(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
}

function check(root: JsonSchema, schema: JsonSchema, v: unknown, at: string, out: string[]): void {
  for (const k of Object.keys(schema))
    if (!KNOWN.has(k)) throw new Error(`schema keyword ${k} at ${at} is not checked`);
  if (typeof schema.$ref === "string") {
    const name = schema.$ref.replace("#/$defs/", "");
    check(root, (root.$defs as Record<string, JsonSchema>)[name], v, at, out);
    return;
  }
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    const t = typeOf(v);
    if (!types.includes(t) && !(t === "integer" && types.includes("number"))) {
      out.push(
        `${at}: expected ${types.join(" or ")}, got ${t === "integer" || t === "number" ? "number" : t}`,
      );
      return;
    }
  }
  if ("const" in schema && v !== schema.const) out.push(`${at}: expected ${JSON.stringify(schema.const)}`);
  if (Array.isArray(schema.enum) && !schema.enum.includes(v)) out.push(`${at}: not one of the enum`);
  if (typeof v === "number") {
    if (typeof schema.minimum === "number" && v < schema.minimum) out.push(`${at}: below ${schema.minimum}`);
    if (typeof schema.maximum === "number" && v > schema.maximum) out.push(`${at}: above ${schema.maximum}`);
  }
  if (
    typeof v === "string" &&
    typeof schema.pattern === "string" &&
    !new RegExp(schema.pattern, "u").test(v)
  ) {
    out.push(`${at}: does not match ${schema.pattern}`);
  }
  if (Array.isArray(v) && schema.items !== undefined) {
    for (const [i, item] of v.entries()) check(root, schema.items as JsonSchema, item, `${at}[${i}]`, out);
  }
  if (typeOf(v) === "object") {
    const o = v as Record<string, unknown>;
    const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
    for (const k of Object.keys(o)) {
      if (k in props) continue;
      if (schema.additionalProperties === false) out.push(`${at}: unexpected field ${k}`);
      else if (typeof schema.additionalProperties === "object") {
        check(root, schema.additionalProperties as JsonSchema, o[k], `${at}.${k}`, out);
      }
      const names = schema.propertyNames as { pattern?: string } | undefined;
      if (names?.pattern !== undefined && !new RegExp(names.pattern).test(k)) out.push(`${at}: bad key ${k}`);
    }
    for (const r of (schema.required ?? []) as string[]) if (!(r in o)) out.push(`${at}: missing ${r}`);
    for (const [k, s] of Object.entries(props)) if (k in o) check(root, s, o[k], `${at}.${k}`, out);
  }
}
