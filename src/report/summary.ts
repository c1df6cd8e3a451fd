/**
 * The end-of-run summary on stdout, in the manner of k6's: a header, then one
 * section per concern with dot-led labels, percentile lines for every
 * duration histogram, and the invariants with ✓/✗. Rendered from the JSON
 * report alone, so a saved report prints the same summary.
 */
import { LAST_UPDATE_STATUS_NAMES, OPERATION_NAMES, STATE_NAMES } from "../model/aws-names.js";
import { HIST_NAMES, type HistName } from "../model/observations.js";
import { formatDurationUs } from "../scenario/units.js";
import type { MetricUnit } from "../measures/reading.js";
import { HISTOGRAM_LABELS } from "../measures/report-metrics.js";
import { INVOCATION_OUTCOMES } from "../model/outcomes.js";
import { type Report, violatedInvariants } from "./json-report.js";
import { formatSeconds, formatSignificant, formatStyled, valueStyle } from "./number-format.js";

export interface SummaryOptions {
  /** ANSI colors (only when stdout is a terminal). */
  color: boolean;
}

export { HISTOGRAM_LABELS };

const LABEL_WIDTH = 32;
/** The description is wrapped to this many columns. */
const TEXT_WIDTH = 100;

type Line = (label: string, value: string, indent?: number) => void;

/** ENVIRONMENTS: the warm pool on average, its peak and its environments' lives; provisioned apart. */
function renderEnvironments(report: Report, line: Line, section: (title: string) => void): void {
  const env = report.environments as Report["environments"] | undefined; // absent from reports of older versions
  if (env === undefined) return;
  section("ENVIRONMENTS");
  const avg = (a: { total: number; busy: number; idle: number }) =>
    `${a.total.toFixed(2)} (busy ${a.busy.toFixed(2)}, idle ${a.idle.toFixed(2)})`;
  const pct = (r: number) => `${(r * 100).toFixed(1)}%`;
  const figures = (f: Report["environments"]["byTemplate"][string]) =>
    `average ${avg(f.average)}, peak ${f.peak}, utilization ${pct(f.utilization)}`;
  const lives = (f: Report["environments"]["byTemplate"][string]) =>
    `created=${f.created} expiredIdle=${f.expiredIdle} recycled=${f.recycled}, idle ${f.idleGbSeconds.toFixed(1)} GB-s`;
  line("on demand", figures(env));
  line("lives", lives(env));
  const templates = Object.entries(env.byTemplate).filter(([, f]) => f.created > 0);
  if (templates.length > 1)
    for (const [name, f] of templates) line(`  ${name}`, `${figures(f)}; ${lives(f)}`);
  const pv = env.provisioned;
  if (pv.average.total > 0)
    line(
      "provisioned",
      `average ${avg(pv.average)}, utilization ${pct(pv.utilization)}, idle ${pv.idleGbSeconds.toFixed(1)} GB-s`,
    );
}

export function renderSummary(report: Report, opts: SummaryOptions): string {
  const c = palette(opts.color);
  const out: string[] = [];
  const line = (label: string, value: string, indent = 4) => out.push(leader(label, value, indent, c));
  const section = (title: string) => out.push("", `  ${c.bold(title)}`);

  // Header
  const sc = report.scenario;
  out.push("");
  line("scenario", sc.file === null ? sc.name : `${sc.name} (${sc.file})`, 2);
  const valueColumn = LABEL_WIDTH + 5;
  for (const l of wrap(firstSentence(sc.description), TEXT_WIDTH - valueColumn)) {
    out.push(`${" ".repeat(valueColumn)}${c.dim(l)}`);
  }
  line("seed", String(sc.seed), 2);
  line("partitions", String(sc.partitions), 2);
  line("simulated", simulatedSpan(report), 2);

  // Functions
  const fns = report.functions;
  section("FUNCTIONS");
  line("State", STATE_NAMES.map((s) => `${s}=${fns.byState[s]}`).join(" "));
  line(
    "LastUpdateStatus",
    LAST_UPDATE_STATUS_NAMES.map((s) => `${s}=${fns.byLastUpdateStatus[s]}`).join(" "),
  );
  line(
    "lifecycle",
    `existing=${fns.existingAtStart} created=${fns.created} deleted=${fns.deleted} versions=${fns.versionsPublished}`,
  );

  // API operations
  section("API");
  const ops = OPERATION_NAMES.filter((op) => report.api[op].requests > 0);
  if (ops.length === 0) out.push("    no API calls");
  else {
    const nameWidth = Math.max(...ops.map((o) => o.length), "operation".length);
    const numWidth = Math.max(8, ...ops.map((o) => String(report.api[o].requests).length));
    out.push(
      `    ${c.dim(`${"operation".padEnd(nameWidth)}  ${"requests".padStart(numWidth)}  ${"ok".padStart(numWidth)}  errors`)}`,
    );
    for (const op of ops) {
      const a = report.api[op];
      const errors = Object.entries(a.errors)
        .map(([code, n]) => c.warn(`${code}=${n}`))
        .join(" ");
      out.push(
        `    ${op.padEnd(nameWidth)}  ${String(a.requests).padStart(numWidth)}  ${String(a.success).padStart(numWidth)}  ${errors || "-"}`,
      );
    }
  }

  // Invocations
  const inv = report.invocations;
  section("INVOCATIONS");
  line("requests", `${inv.requests} (${inv.openAtEnd} still in flight at the end)`);
  const answered = INVOCATION_OUTCOMES.reduce((n, o) => n + inv.outcomes[o], 0);
  for (const o of INVOCATION_OUTCOMES) {
    const n = inv.outcomes[o];
    if (n === 0 && o !== "success") continue;
    const text = `${n} ${percent(n, answered)}`;
    line(`  ${o}`, o === "success" ? text : c.warn(text));
  }
  const started = inv.coldStarts + inv.warmStarts;
  line("cold starts", `${inv.coldStarts} of ${started} started ${percent(inv.coldStarts, started)}`);
  const revisions = Object.keys(inv.byRevision);
  if (revisions.length > 1) {
    line("by revision", revisions.map((r) => `r${r}=${inv.byRevision[r]}`).join(" "));
  }
  const throttles = Object.entries(inv.throttlesByCause).filter(([, n]) => n > 0);
  if (throttles.length > 0) line("throttles by cause", throttles.map(([k, n]) => `${k}=${n}`).join(" "));
  const qualifiers = Object.entries(inv.byQualifier);
  if (qualifiers.some(([q]) => q !== "$LATEST")) {
    for (const [q, outcomes] of qualifiers) {
      line(
        `by qualifier ${q}`,
        Object.entries(outcomes)
          .map(([k, n]) => `${k}=${n}`)
          .join(" "),
      );
    }
  }
  const pc = inv.provisioned;
  if (pc.invocations + pc.spilloverInvocations > 0) {
    line(
      "provisioned",
      `${pc.invocations}, spillover ${pc.spilloverInvocations} ${percent(pc.spilloverInvocations, pc.invocations + pc.spilloverInvocations)}`,
    );
    line("  environments", `${pc.environmentsInitialized} initialised, ${pc.environmentsReleased} released`);
  }
  const byPhase = inv.coldStartRatioByDeployPhase;
  if (byPhase !== null) {
    const pct = (r: number) => `${(r * 100).toFixed(2)}%`;
    line(
      "cold starts around deploy",
      `before ${pct(byPhase.before)} during ${pct(byPhase.during)} after ${pct(byPhase.after)}`,
    );
  }
  if (report.callers !== undefined) {
    line("denied by caller", report.callers.map((x) => `${x.name}=${x.denied}/${x.invocations}`).join(" "));
  }
  for (const fs of report.fileSystems ?? []) {
    const mounts = Object.entries(fs.mountFailures).filter(([, n]) => n > 0);
    const failed =
      mounts.length === 0 ? "" : ` mounts failed ${mounts.map(([k, n]) => `${k}=${n}`).join(" ")}`;
    const credits = `credits min=${fs.minCreditsMiB.toFixed(0)} end=${fs.creditsAtEndMiB.toFixed(0)} of ${fs.burstCreditsMiB} MiB`;
    const demand = `peak demand ${fs.peakDemandMiBps.toFixed(1)} MiB/s (baseline ${fs.baselineMiBps}, burst ${fs.burstMiBps})`;
    const io = fs.ioStopped > 0 ? c.warn(` EFSIOException=${fs.ioStopped}`) : "";
    line(`efs ${fs.id}`, `${credits}, ${demand}${io}${failed === "" ? "" : c.warn(failed)}`);
  }
  for (const [i, r] of (report.replays ?? []).entries()) {
    const late = r.lateRows > 0 ? c.warn(` late=${r.lateRows}`) : "";
    const unmatched = r.unmatchedRows > 0 ? ` unmatched=${r.unmatchedRows}` : "";
    line(
      `replay ${i + 1} (${r.format})`,
      `${r.arrivals} invocations of ${r.rows} rows${unmatched}${late}; ${r.matchedFunctions} of ${r.traceFunctions} trace functions played`,
    );
  }
  const as = report.async;
  if (as !== undefined) {
    const f = as.failed;
    line(
      "async events",
      `accepted=${as.accepted} succeeded=${as.succeeded} destination=${f.destination} dlq=${f.deadLetterQueue} dropped=${f.dropped} queued at end=${as.queuedAtEnd}`,
    );
    const rt = as.retries;
    line(
      "async retries",
      `throttled=${rt.throttled} systemError=${rt.systemError} functionError=${rt.functionError}; aged out=${sumOf(as.failedByReason.maximumEventAge)} recursive stops=${as.recursiveStops}`,
    );
  }

  // Clients
  const cl = report.clients;
  section("CLIENTS");
  line("retries", `${cl.retries} (gave up ${cl.gaveUp})`);
  const w = cl.waiters;
  line("waiters", `started=${w.started} succeeded=${w.succeeded} failed=${w.failed} timedOut=${w.timedOut}`);
  if (cl.openTasks > 0) line("open at the end", String(cl.openTasks));

  // Durations
  section("DURATIONS");
  for (const name of HIST_NAMES) {
    // Shown only when the scenario invokes asynchronously, or has provisioned environments.
    if (name === "asyncEventAge" && report.async === undefined) continue;
    if (name === "firstInvokeLatency" && report.invocations.provisioned.environmentsInitialized === 0)
      continue;
    line(HISTOGRAM_LABELS[name], histogramLine(report.histograms[name]));
  }

  // Concurrency
  const cc = report.concurrency;
  section("CONCURRENCY");
  line("peak", `${cc.peak} of limit ${cc.limit} ${percent(cc.peak, cc.limit)}`);
  line(
    "peak unreserved",
    `${cc.peakUnreserved} of pool ${cc.unreservedPool} ${percent(cc.peakUnreserved, cc.unreservedPool)}`,
  );

  renderEnvironments(report, line, section);
  // Cost
  const cost = report.cost;
  section("COST");
  const invoked = cost.usage.requests + cost.usage.provisionedRequests;
  line("total", `${usd(cost.total)} (${usd(cost.perMillionInvocations)} per million invocations)`);
  line(
    "on demand",
    `requests ${usd(cost.onDemand.requests)} duration ${usd(cost.onDemand.duration)} (${formatSignificant(cost.usage.onDemandGbSeconds)} GB-s)`,
  );
  const pcUsd = cost.provisioned;
  if (pcUsd.requests + pcUsd.allocated + pcUsd.duration > 0) {
    line(
      "provisioned",
      `allocated ${usd(pcUsd.allocated)} (idle ${usd(cost.idleProvisioned)}) requests ${usd(pcUsd.requests)} duration ${usd(pcUsd.duration)}`,
    );
  }
  const templates = Object.entries(cost.byTemplate);
  if (templates.length > 1 && invoked > 0)
    line("by template", templates.map(([name, t]) => `${name}=${usd(t.total)}`).join(" "));

  // Network
  if (report.subnets.length > 0) {
    section("SUBNETS");
    for (const s of report.subnets) {
      const where = s.cidr === null ? s.vpc : `${s.vpc} ${s.cidr}`;
      const peak = `peak used=${s.peakUsedIps} ${percent(s.peakUsedIps, s.capacityIps)}`;
      line(
        s.id,
        `capacity=${s.capacityIps} ${s.minHeadroom < 0.1 ? c.warn(peak) : peak} ENIs created=${s.enisCreated} failed=${s.enisFailed} deleted=${s.enisDeleted} (${where})`,
      );
    }
    for (const v of report.vpcs) {
      const used = v.peakEnis + v.enisUsedByOthers;
      line(
        v.id,
        `ENIs peak=${v.peakEnis} + others ${v.enisUsedByOthers} of quota ${v.eniQuota} ${percent(used, v.eniQuota)}`,
      );
    }
  }

  // Run
  const r = report.run;
  section("RUN");
  line("simulated", simulatedSpan(report));
  line("events", `${r.events} in ${r.windows} rounds, ${r.messages} messages`);
  line("threads", r.workers === 0 ? `one (${r.workersReason})` : `${r.workers} workers (${r.workersReason})`);
  line("wall time", `${formatWallMs(r.wallMs)}, ${formatCount(r.eventsPerSec)} events/s`);

  // Thresholds
  const th = report.thresholds;
  if (th !== undefined) {
    section("THRESHOLDS");
    for (const t of th.results) {
      const value = formatMetricValue(t.observed, t.unit, t.threshold);
      out.push(
        t.ok
          ? `    ${c.ok("✓")} ${t.threshold}: ${value}`
          : `    ${c.bad("✗")} ${t.threshold}: ${c.bad(value)}`,
      );
    }
    if (th.aborted !== null) {
      const a = th.aborted;
      const unit = th.results.find((t) => t.threshold === a.threshold)?.unit ?? "count";
      line(
        "aborted",
        c.bad(
          `at ${formatDurationUs(a.atUs)} by ${a.threshold} (observed ${formatMetricValue(a.observed, unit, a.threshold)} at that sample)`,
        ),
      );
    }
  }

  // Invariants
  section("INVARIANTS");
  for (const i of report.invariants) {
    out.push(i.ok ? `    ${c.ok("✓")} ${i.name}` : `    ${c.bad("✗")} ${i.name}: ${c.bad(i.detail)}`);
  }
  out.push("");
  return out.map((l) => l.trimEnd()).join("\n");
}

/** The one line `--quiet` prints: the verdict of the run. */
export function renderVerdict(report: Report, opts: SummaryOptions): string {
  const c = palette(opts.color);
  const broken = violatedInvariants(report);
  const r = report.run;
  const facts = `${simulatedSpan(report)} simulated, ${r.events} events in ${formatWallMs(r.wallMs)}`;
  if (broken.length > 0) {
    return `${c.bad("✗")} ${report.scenario.name}: ${facts}; invariant violated: ${broken.map((b) => b.name).join("; ")}`;
  }
  const ok = `${report.invariants.length} invariants ok`;
  const th = report.thresholds;
  const failed = th?.results.filter((t) => !t.ok) ?? [];
  if (failed.length > 0) {
    return `${c.bad("✗")} ${report.scenario.name}: ${facts}; ${ok}; threshold failed: ${failed.map((t) => t.threshold).join("; ")}`;
  }
  const passed = th === undefined ? "" : `; ${th.results.length} thresholds ok`;
  return `${c.ok("✓")} ${report.scenario.name}: ${facts}; ${ok}${passed}`;
}

/** A k6-style percentile line: "count=5000 p50=74.8s p90=86.1s ...". */
export function histogramLine(h: Report["histograms"][HistName]): string {
  if (h.count === 0) return "count=0";
  return [
    `count=${h.count}`,
    `min=${formatSeconds(h.min)}`,
    `mean=${formatSeconds(h.mean)}`,
    `p50=${formatSeconds(h.p50)}`,
    `p90=${formatSeconds(h.p90)}`,
    `p99=${formatSeconds(h.p99)}`,
    `p99.9=${formatSeconds(h.p999)}`,
    `max=${formatSeconds(h.max)}`,
  ].join(" ");
}

/**
 * A threshold's observed value in its metric's unit, by the one unit rule
 * (number-format.ts): "74.8s"; a ratio in percent when the threshold is
 * written in percent ("0.23%"), else as a ratio ("0.9981"); "12".
 */
export function formatMetricValue(value: number, unit: MetricUnit, thresholdText?: string): string {
  return formatStyled(value, valueStyle(unit, thresholdText));
}

export { formatSeconds };

/** Dollars to four significant digits: "$0.01536", "$12.35", "$0". */
const usd = (x: number): string => `$${formatSignificant(x)}`;

function threeDigits(x: number): string {
  if (x >= 100) return x.toFixed(0);
  if (x >= 10) return x.toFixed(1);
  return x.toFixed(2);
}

function simulatedSpan(report: Report): string {
  const r = report.run;
  const until = report.scenario.untilUs;
  if (r.partial) return `${formatDurationUs(r.simulatedUs)} of ${formatDurationUs(until)} (stopped early)`;
  return formatDurationUs(r.simulatedUs);
}

function formatWallMs(ms: number): string {
  return ms < 1000 ? `${ms.toFixed(0)}ms` : `${(ms / 1000).toFixed(2)}s`;
}

/** 1234 -> "1234", 45678 -> "45.7k", 3713731 -> "3.71M". */
export function formatCount(n: number): string {
  if (n < 10_000) return String(Math.round(n));
  if (n < 1e6) return `${threeDigits(n / 1e3)}k`;
  if (n < 1e9) return `${threeDigits(n / 1e6)}M`;
  return `${threeDigits(n / 1e9)}G`;
}

function sumOf(counts: Record<string, number>): number {
  return Object.values(counts).reduce((n, x) => n + x, 0);
}

function percent(part: number, whole: number): string {
  return whole > 0 ? `(${((100 * part) / whole).toFixed(2)}%)` : "(-)";
}

/** The first sentence of a text (a scenario's description starts with the question it answers). */
export function firstSentence(text: string): string {
  const flat = text.trim().split(/\s+/).filter(Boolean).join(" ");
  const end = /[.?!](?=\s|$)/.exec(flat);
  return end === null ? flat : flat.slice(0, end.index + 1);
}

/** Words into lines of at most `width` characters (a longer word gets a line of its own). */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let current = "";
  for (const word of text.split(" ")) {
    if (word === "") continue;
    if (current !== "" && current.length + 1 + word.length > width) {
      lines.push(current);
      current = word;
    } else current = current === "" ? word : `${current} ${word}`;
  }
  if (current !== "") lines.push(current);
  return lines;
}

interface Palette {
  bold: (s: string) => string;
  dim: (s: string) => string;
  ok: (s: string) => string;
  bad: (s: string) => string;
  warn: (s: string) => string;
}

function palette(color: boolean): Palette {
  const wrap = (open: number, close: number) => (s: string) =>
    color ? `\x1b[${open}m${s}\x1b[${close}m` : s;
  return { bold: wrap(1, 22), dim: wrap(2, 22), ok: wrap(32, 39), bad: wrap(31, 39), warn: wrap(33, 39) };
}

/** `label ......: value`, the label and its dots padded to a common width. */
function leader(label: string, value: string, indent: number, c: Palette): string {
  const dots = ".".repeat(Math.max(LABEL_WIDTH - label.length - (indent - 2), 3));
  return `${" ".repeat(indent)}${label} ${c.dim(dots)}: ${value}`;
}
