/**
 * THE registry of a run's named scalar metrics: what thresholds name, what
 * the README lists, and what replications and sweeps aggregate. Each metric
 * reads the JSON report (a pure function of it); most can also be read from
 * a sample during the run (for abortOnFail), from the sampled counters and
 * bucketed histograms. Names are dotted, our own words in snake_case, AWS's
 * names (operations, error codes) exactly as AWS spells them.
 */
import { ApiError, OPERATION_NAMES, STATE_NAMES, THROTTLE_CAUSE_NAMES } from "../model/aws-names.js";
import {
  ASYNC_DISPOSITION_NAMES,
  ERROR_COUNT,
  HIST_NAMES,
  type HistName,
  WAITER_OUTCOME_NAMES,
} from "../model/observations.js";
import type { Sample } from "../model/run.js";
import { HIST_BUCKET_BOUNDS_US } from "../model/sampling.js";
import {
  API_ERROR_CODE_INDEX,
  API_ERROR_CODES,
  API_SUCCESS_CODES,
  INVOCATION_OUTCOME_CODE,
  INVOCATION_OUTCOMES,
  type InvocationOutcomeName,
} from "../model/outcomes.js";
import { HISTOGRAM_STATS, type MetricUnit, type SampleLimits, sampledStat } from "./reading.js";
import type { HistogramReport, Report } from "./report-shape.js";

export interface ReportMetric {
  /** Dotted name, as thresholds write it: "pending.create.p99". */
  readonly name: string;
  /** The name with its variable parts as placeholders ("api.<Operation>.requests"): the README's rows. */
  readonly family: string;
  readonly unit: MetricUnit;
  readonly description: string;
  /** The value in a finished run's report. */
  readonly fromReport: (report: Report) => number;
  /** The value at a sample point during the run; absent: only known at the end (no abortOnFail). */
  readonly fromSample?: (sample: Sample, limits: SampleLimits) => number;
}

/** How each histogram is named in the summary and in metric names. */
export const HISTOGRAM_LABELS: Readonly<Record<HistName, string>> = {
  pendingCreate: "pending.create",
  pendingRestore: "pending.restore",
  updateInProgress: "update.in_progress",
  createToActiveClient: "create_to_active.client",
  invocationLatency: "invocation.latency",
  initDuration: "init.duration",
  firstInvokeLatency: "provisioned.first_invoke",
  asyncEventAge: "async.event_age",
};

/** "accountConcurrency" -> "account_concurrency"; AWS names are not passed through this. */
export const snakeCase = (s: string): string => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

const ratio = (a: number, b: number) => (b > 0 ? a / b : 0);

const OUTCOME_CODE = INVOCATION_OUTCOME_CODE;

/** Our words in snake_case, AWS's error codes as they are. */
const outcomeMetricName = (o: InvocationOutcomeName) => (/^[a-z]/.test(o) ? snakeCase(o) : o);

function sampledOutcome(s: Sample, code: number): number {
  const a = s.counters.invocationsByTemplate;
  let n = 0;
  for (let i = code; i < a.length; i += ERROR_COUNT) n += a[i];
  return n;
}

const reportAnswered = (r: Report) => INVOCATION_OUTCOMES.reduce((n, o) => n + r.invocations.outcomes[o], 0);
const sampleAnswered = (s: Sample) =>
  INVOCATION_OUTCOMES.reduce((n, o) => n + sampledOutcome(s, OUTCOME_CODE[o]), 0);

function invocationMetrics(): ReportMetric[] {
  const m: ReportMetric[] = [
    {
      name: "invocations.requests",
      family: "invocations.requests",
      unit: "count",
      description: "Invoke requests made by clients (each retry counted).",
      fromReport: (r) => r.invocations.requests,
      fromSample: (s) => s.counters.invocationRequests,
    },
    {
      name: "invocations.answered",
      family: "invocations.answered",
      unit: "count",
      description: "Invocations with an outcome (the sum of invocations.outcomes.*).",
      fromReport: reportAnswered,
      fromSample: sampleAnswered,
    },
    {
      name: "invocations.success",
      family: "invocations.success",
      unit: "count",
      description: "Invocations that succeeded.",
      fromReport: (r) => r.invocations.outcomes.success,
      fromSample: (s) => sampledOutcome(s, ApiError.None),
    },
    {
      name: "invocations.failure_rate",
      family: "invocations.failure_rate",
      unit: "ratio",
      description: "Answered invocations that did not succeed, of all answered (0 when none).",
      fromReport: (r) => ratio(reportAnswered(r) - r.invocations.outcomes.success, reportAnswered(r)),
      fromSample: (s) => ratio(sampleAnswered(s) - sampledOutcome(s, ApiError.None), sampleAnswered(s)),
    },
    {
      name: "invocations.throttle_rate",
      family: "invocations.throttle_rate",
      unit: "ratio",
      description: "Answered invocations throttled (TooManyRequestsException), of all answered.",
      fromReport: (r) => ratio(r.invocations.outcomes.throttled, reportAnswered(r)),
      fromSample: (s) => ratio(sampledOutcome(s, ApiError.TooManyRequestsException), sampleAnswered(s)),
    },
    {
      name: "invocations.cold_starts",
      family: "invocations.cold_starts",
      unit: "count",
      description: "Invocations that started a new execution environment.",
      fromReport: (r) => r.invocations.coldStarts,
      fromSample: (s) => s.counters.coldStarts,
    },
    {
      name: "invocations.cold_start_ratio",
      family: "invocations.cold_start_ratio",
      unit: "ratio",
      description: "Cold starts of all started invocations.",
      fromReport: (r) => r.invocations.coldStartRatio,
      fromSample: (s) => ratio(s.counters.coldStarts, s.counters.coldStarts + s.counters.warmStarts),
    },
    {
      name: "invocations.open_at_end",
      family: "invocations.open_at_end",
      unit: "count",
      description: "Invocations still in flight when the run ended.",
      fromReport: (r) => r.invocations.openAtEnd,
    },
  ];
  for (const o of INVOCATION_OUTCOMES) {
    const code = OUTCOME_CODE[o];
    m.push({
      name: `invocations.outcomes.${outcomeMetricName(o)}`,
      family: "invocations.outcomes.<outcome>",
      unit: "count",
      description: "Invocations with this outcome.",
      fromReport: (r) => r.invocations.outcomes[o],
      fromSample: (s) => sampledOutcome(s, code),
    });
  }
  THROTTLE_CAUSE_NAMES.forEach((cause, i) => {
    m.push({
      name: `invocations.throttles.${snakeCase(cause)}`,
      family: "invocations.throttles.<cause>",
      unit: "count",
      description: "Throttled invocations by cause.",
      fromReport: (r) => r.invocations.throttlesByCause[cause],
      fromSample: (s) => s.counters.throttles[i],
    });
  });
  const pc = (r: Report) => r.invocations.provisioned;
  m.push(
    {
      name: "invocations.provisioned.invocations",
      family: "invocations.provisioned.invocations",
      unit: "count",
      description: "Requests run on provisioned environments (ProvisionedConcurrencyInvocations).",
      fromReport: (r) => pc(r).invocations,
      fromSample: (s) => s.counters.provisionedInvocations,
    },
    {
      name: "invocations.provisioned.spillover_invocations",
      family: "invocations.provisioned.spillover_invocations",
      unit: "count",
      description: "Requests to a version with provisioned concurrency run on demand.",
      fromReport: (r) => pc(r).spilloverInvocations,
      fromSample: (s) => s.counters.spilloverInvocations,
    },
    {
      name: "invocations.provisioned.spillover_ratio",
      family: "invocations.provisioned.spillover_ratio",
      unit: "ratio",
      description: "Spillover invocations of all invocations of versions with provisioned concurrency.",
      fromReport: (r) => ratio(pc(r).spilloverInvocations, pc(r).invocations + pc(r).spilloverInvocations),
      fromSample: (s) =>
        ratio(
          s.counters.spilloverInvocations,
          s.counters.provisionedInvocations + s.counters.spilloverInvocations,
        ),
    },
  );
  return m;
}

function apiMetrics(): ReportMetric[] {
  const m: ReportMetric[] = [];
  const row = (s: Sample, op: number, code: number) => s.counters.api[op * ERROR_COUNT + code];
  const okOf = (s: Sample, op: number) => API_SUCCESS_CODES.reduce((n, c) => n + row(s, op, c), 0);
  const codes = API_ERROR_CODE_INDEX;
  OPERATION_NAMES.forEach((op, i) => {
    m.push(
      {
        name: `api.${op}.requests`,
        family: "api.<Operation>.requests",
        unit: "count",
        description: "Answered calls of the operation, each attempt counted.",
        fromReport: (r) => r.api[op].requests,
        fromSample: (s) => codes.reduce((n, c) => n + row(s, i, c), okOf(s, i)),
      },
      {
        name: `api.${op}.success`,
        family: "api.<Operation>.success",
        unit: "count",
        description: "Calls of the operation answered with HTTP 200.",
        fromReport: (r) => r.api[op].success,
        fromSample: (s) => okOf(s, i),
      },
    );
    API_ERROR_CODES.forEach((code, k) => {
      m.push({
        name: `api.${op}.errors.${code}`,
        family: "api.<Operation>.errors.<Code>",
        unit: "count",
        description: "Calls of the operation answered with this AWS error code.",
        fromReport: (r) => r.api[op].errors[code] ?? 0,
        fromSample: (s) => row(s, i, codes[k]),
      });
    });
  });
  return m;
}

function histogramMetrics(): ReportMetric[] {
  const m: ReportMetric[] = [];
  HIST_NAMES.forEach((hist, h) => {
    for (const stat of HISTOGRAM_STATS) {
      m.push({
        name: `${HISTOGRAM_LABELS[hist]}.${stat}`,
        family: `<histogram>.${stat}`,
        unit: stat === "count" ? "count" : "seconds",
        description:
          stat === "count"
            ? "Durations recorded in the histogram."
            : `The histogram's ${stat}, in seconds (0 when empty).`,
        fromReport: (r) => r.histograms[hist][stat satisfies keyof HistogramReport],
        fromSample: (s) => sampledStat(s.histograms[h], HIST_BUCKET_BOUNDS_US[h], stat),
      });
    }
  });
  return m;
}

function concurrencyMetrics(): ReportMetric[] {
  return [
    {
      name: "concurrency.peak",
      family: "concurrency.peak",
      unit: "count",
      description: "Most on-demand executions in flight at once, account-wide.",
      fromReport: (r) => r.concurrency.peak,
      fromSample: (s) => s.shared.peakConcurrency,
    },
    {
      name: "concurrency.peak_ratio",
      family: "concurrency.peak_ratio",
      unit: "ratio",
      description: "concurrency.peak of the account's concurrency limit.",
      fromReport: (r) => ratio(r.concurrency.peak, r.concurrency.limit),
      fromSample: (s, l) => ratio(s.shared.peakConcurrency, l.concurrencyLimit),
    },
    {
      name: "concurrency.peak_unreserved",
      family: "concurrency.peak_unreserved",
      unit: "count",
      description: "Most executions in flight at once in the unreserved pool.",
      fromReport: (r) => r.concurrency.peakUnreserved,
    },
  ];
}

/** 1 − peakUsedIps / capacityIps of the fullest subnet; 1 without subnets. */
function minHeadroom(capacity: readonly number[], peakUsed: readonly number[]): number {
  let min = 1;
  for (let i = 0; i < capacity.length; i++) {
    const h = capacity[i] > 0 ? 1 - peakUsed[i] / capacity[i] : 0;
    if (h < min) min = h;
  }
  return Math.round(min * 1e6) / 1e6;
}

function networkMetrics(): ReportMetric[] {
  const sum = (xs: readonly number[]) => xs.reduce((n, x) => n + x, 0);
  return [
    {
      name: "subnets.min_headroom",
      family: "subnets.min_headroom",
      unit: "ratio",
      description:
        "Smallest subnets[].minHeadroom: 1 − peakUsedIps / capacityIps of the fullest subnet (1 without subnets).",
      fromReport: (r) =>
        minHeadroom(
          r.subnets.map((s) => s.capacityIps),
          r.subnets.map((s) => s.peakUsedIps),
        ),
      fromSample: (s, l) => minHeadroom(l.subnetCapacityIps, s.shared.subnetPeakUsedIps),
    },
    {
      name: "subnets.enis_created",
      family: "subnets.enis_created",
      unit: "count",
      description: "ENIs created, over all subnets.",
      fromReport: (r) => sum(r.subnets.map((s) => s.enisCreated)),
      fromSample: (s) => sum(s.shared.enisCreated),
    },
    {
      name: "subnets.enis_failed",
      family: "subnets.enis_failed",
      unit: "count",
      description: "ENI creations that failed, over all subnets.",
      fromReport: (r) => sum(r.subnets.map((s) => s.enisFailed)),
      fromSample: (s) => sum(s.shared.enisFailed),
    },
  ];
}

function functionMetrics(): ReportMetric[] {
  const m: ReportMetric[] = STATE_NAMES.map((state, i) => ({
    name: `functions.${state.toLowerCase()}`,
    family: "functions.<state>",
    unit: "count" as const,
    description: "Functions in this State at the end (at the sample point during the run).",
    fromReport: (r: Report) => r.functions.byState[state],
    fromSample: (s: Sample) => s.states[i],
  }));
  m.push(
    {
      name: "functions.last_update_failed",
      family: "functions.last_update_failed",
      unit: "count",
      description: "Functions whose LastUpdateStatus is Failed at the end.",
      fromReport: (r) => r.functions.byLastUpdateStatus.Failed,
      fromSample: (s) => s.lastUpdateStatus[3],
    },
    {
      name: "functions.created",
      family: "functions.created",
      unit: "count",
      description: "Functions created during the run.",
      fromReport: (r) => r.functions.created,
      fromSample: (s) => s.counters.created,
    },
    {
      name: "functions.deleted",
      family: "functions.deleted",
      unit: "count",
      description: "Functions deleted during the run.",
      fromReport: (r) => r.functions.deleted,
      fromSample: (s) => s.counters.deleted,
    },
    {
      name: "functions.versions_published",
      family: "functions.versions_published",
      unit: "count",
      description: "Versions published during the run.",
      fromReport: (r) => r.functions.versionsPublished,
      fromSample: (s) => s.counters.versionsPublished,
    },
  );
  return m;
}

function clientMetrics(): ReportMetric[] {
  const m: ReportMetric[] = [
    {
      name: "clients.retries",
      family: "clients.retries",
      unit: "count",
      description: "Calls the clients retried.",
      fromReport: (r) => r.clients.retries,
      fromSample: (s) => s.counters.clientRetries,
    },
    {
      name: "clients.gave_up",
      family: "clients.gave_up",
      unit: "count",
      description: "Calls the clients gave up on after their last attempt.",
      fromReport: (r) => r.clients.gaveUp,
      fromSample: (s) => s.counters.clientGaveUp,
    },
  ];
  WAITER_OUTCOME_NAMES.forEach((w, i) => {
    m.push({
      name: `clients.waiters.${snakeCase(w)}`,
      family: "clients.waiters.<outcome>",
      unit: "count",
      description: "Waiters by outcome.",
      fromReport: (r) => r.clients.waiters[w],
      fromSample: (s) => s.counters.waiters[i],
    });
  });
  return m;
}

function asyncMetrics(): ReportMetric[] {
  const width = ASYNC_DISPOSITION_NAMES.length;
  /** Events never processed that went to disposition d, summed over the reasons. */
  const failedTo = (s: Sample, d: number) => {
    let n = 0;
    for (let i = d; i < s.counters.asyncFailures.length; i += width) n += s.counters.asyncFailures[i];
    return n;
  };
  const short: Record<(typeof ASYNC_DISPOSITION_NAMES)[number], string> = {
    dropped: "dropped",
    destination: "destination",
    deadLetterQueue: "dlq",
  };
  const m: ReportMetric[] = [
    {
      name: "async.accepted",
      family: "async.accepted",
      unit: "count",
      description: "Asynchronous events accepted into a queue (0 without asynchronous invocation).",
      fromReport: (r) => r.async?.accepted ?? 0,
      fromSample: (s) => s.counters.asyncAccepted,
    },
    {
      name: "async.self_triggered",
      family: "async.self_triggered",
      unit: "count",
      description: "Of those, queued by a self-triggering function's success.",
      fromReport: (r) => r.async?.selfTriggered ?? 0,
      fromSample: (s) => s.counters.asyncSelfTriggered,
    },
    {
      name: "async.succeeded",
      family: "async.succeeded",
      unit: "count",
      description: "Asynchronous events whose invocation succeeded.",
      fromReport: (r) => r.async?.succeeded ?? 0,
      fromSample: (s) => s.counters.asyncSucceeded,
    },
    {
      name: "async.retries",
      family: "async.retries",
      unit: "count",
      description: "Attempts after which an event went back to the queue, all causes.",
      fromReport: (r) => Object.values(r.async?.retries ?? {}).reduce((n, x) => n + x, 0),
      fromSample: (s) => s.counters.asyncRetries.reduce((n, x) => n + x, 0),
    },
    {
      name: "async.recursive_stops",
      family: "async.recursive_stops",
      unit: "count",
      description: "Chains stopped as recursive loops after 16 invocations.",
      fromReport: (r) => r.async?.recursiveStops ?? 0,
      fromSample: (s) => {
        let n = 0;
        for (let d = 0; d < width; d++) n += s.counters.asyncFailures[2 * width + d];
        return n;
      },
    },
    {
      name: "async.queued_at_end",
      family: "async.queued_at_end",
      unit: "count",
      description: "Events still waiting in the queues at the end.",
      fromReport: (r) => r.async?.queuedAtEnd ?? 0,
    },
  ];
  ASYNC_DISPOSITION_NAMES.forEach((d, i) => {
    m.push({
      name: `async.${short[d]}`,
      family: "async.<disposition>",
      unit: "count",
      description: "Events never processed, by where they went (dlq: the dead-letter queue).",
      fromReport: (r) => r.async?.failed[d] ?? 0,
      fromSample: (s) => failedTo(s, i),
    });
  });
  return m;
}

const BASE_METRICS: readonly ReportMetric[] = [
  ...invocationMetrics(),
  ...apiMetrics(),
  ...histogramMetrics(),
  ...concurrencyMetrics(),
  ...networkMetrics(),
  ...functionMetrics(),
  ...clientMetrics(),
  ...asyncMetrics(),
];

/** Families that count since the start of the run: a difference of two samples is a count over the interval. */
const CUMULATIVE =
  /^(invocations|api|clients|async|pending|update|create_to_active|invocation|init|provisioned)\./;

/** Whether a metric has a steady-state twin (steady-state.ts): cumulative, and readable from samples. */
export const isCumulative = (m: ReportMetric): boolean =>
  m.fromSample !== undefined && CUMULATIVE.test(m.name) && !m.name.endsWith("_at_end");

/** `steady.<metric>`: the metric over the steady state, after the scenario's warmup (the whole run without one). */
function steadyMetrics(): ReportMetric[] {
  return BASE_METRICS.filter(isCumulative).map((m) => ({
    name: `steady.${m.name}`,
    family: `steady.${m.family}`,
    unit: m.unit,
    description: `${m.description} Steady state: from the first sample point after the scenario's warmup to the end (the whole run without a warmup).`,
    fromReport: (r: Report) => r.steadyState?.values[m.name] ?? m.fromReport(r),
  }));
}

export const METRICS: readonly ReportMetric[] = Object.freeze([...BASE_METRICS, ...steadyMetrics()]);

const BY_NAME: ReadonlyMap<string, ReportMetric> = new Map(METRICS.map((m) => [m.name, m]));

export const METRIC_NAMES: readonly string[] = METRICS.map((m) => m.name);

export function metricByName(name: string): ReportMetric | undefined {
  return BY_NAME.get(name);
}

/** The metric's value in the report; throws for a name the registry does not have. */
export function metricValue(name: string, report: Report): number {
  const m = BY_NAME.get(name);
  if (m === undefined) throw new Error(`unknown report metric '${name}'`);
  return m.fromReport(report);
}

/** The README's list of every metric: one row per family, its names spelt out. */
export function metricsListMarkdown(): string {
  const families = new Map<string, ReportMetric[]>();
  for (const m of METRICS) {
    const list = families.get(m.family) ?? [];
    list.push(m);
    families.set(m.family, list);
  }
  const rows = [
    "| metric | unit | abortOnFail | description |",
    "| --- | --- | --- | --- |",
    ...[...families.entries()].map(([family, ms]) => {
      const names =
        ms.length === 1 || family.includes("<histogram>") || family.startsWith("api.")
          ? `\`${family}\``
          : `\`${family}\`: ${ms.map((m) => `\`${m.name}\``).join(", ")}`;
      const abortable = ms.every((m) => m.fromSample !== undefined) ? "yes" : "no";
      return `| ${names} | ${ms[0].unit} | ${abortable} | ${ms[0].description} |`;
    }),
  ];
  const list = (xs: readonly string[]) => xs.map((x) => `\`${x}\``).join(", ");
  return [
    `${METRICS.length} metrics. \`<histogram>\` is one of ${list(HIST_NAMES.map((h) => HISTOGRAM_LABELS[h]))};`,
    `\`<Operation>\` one of ${list(OPERATION_NAMES)};`,
    `\`<Code>\` one of ${list(API_ERROR_CODES)}. Every name is listed after the table.`,
    "",
    ...rows,
    "",
    "<details><summary>every metric name</summary>",
    "",
    "```text",
    ...METRICS.map((m) => m.name),
    "```",
    "",
    "</details>",
  ].join("\n");
}
