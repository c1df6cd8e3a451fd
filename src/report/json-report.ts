/**
 * The run's JSON report: everything the end-of-run summary shows, as one
 * versioned object (docs/report-schema.md, schema/report.schema.json).
 * Histograms carry their hdr-histogram-js encoding so reports can be merged.
 * Only `run.wallMs` and `run.eventsPerSec` depend on the wall clock; the rest
 * is a pure function of (scenario, seed).
 */
import { encodeHistogram, type Histogram, histogramMean, newHistogram } from "../model/histogram.js";
import {
  API_ERROR_NAMES,
  ApiError,
  LAST_UPDATE_STATUS_NAMES,
  OPERATION_NAMES,
  type OperationName,
  PROVISIONED_STATUS_NAMES,
  STATE_NAMES,
  THROTTLE_CAUSE_NAMES,
} from "../model/aws-names.js";
import { usesAsync } from "../model/async-events.js";
import { type Bill, billOf, type Charges, costInputsOf, perMillionInvocations } from "../model/cost.js";
import { DEPLOY_PHASE_NAMES, deployWindow } from "../model/deploy-window.js";
import {
  ASYNC_DISPOSITION_NAMES,
  ASYNC_FAILURE_NAMES,
  ASYNC_RETRY_CAUSE_NAMES,
  AsyncFailure,
  ERROR_COUNT,
  HIST_NAMES,
  type HistName,
  SPILLOVER_REASON_NAMES,
  WAITER_OUTCOME_NAMES,
} from "../model/observations.js";
import {
  API_ERROR_CODE_INDEX,
  API_ERROR_CODES,
  API_SUCCESS_CODES,
  type ApiErrorCodeName,
  EFS_MOUNT_ERROR_NAMES,
  INVOCATION_OUTCOME_CODE,
  INVOCATION_OUTCOMES,
} from "../model/outcomes.js";
import { qualifierSlotCount, qualifierSlotName } from "../model/qualifiers.js";
import type { RunOutcome, Sample } from "../model/run.js";
import { packageVersion } from "../measures/package-version.js";
import { environmentsReport } from "./environments-report.js";
import {
  type ApiOperationReport,
  type AsyncReport,
  type CostReport,
  type FileSystemReport,
  type ReplayReport,
  type HistogramReport,
  REPORT_SCHEMA_VERSION,
  type Report,
  type SampleReport,
  TOOL_NAME,
  WALL_CLOCK_FIELDS,
  type WallClockFreeReport,
} from "../measures/report-shape.js";

// The report's shape and the package version are declared below the report
// (src/measures), where the catalogue reads them; the report's users import them here.
export type * from "../measures/report-shape.js";
export { REPORT_SCHEMA_VERSION, TOOL_NAME, WALL_CLOCK_FIELDS } from "../measures/report-shape.js";
export { packageVersion };

export interface ReportMeta {
  /** The scenario file as the user named it, or null for a Plan built in code. */
  file: string | null;
  seed: number;
  partitions: number;
}

export function buildReport(outcome: RunOutcome, meta: ReportMeta): Report {
  const { plan, obs, shared } = outcome;
  const seconds = outcome.wallMs / 1000;
  // Invocation outcomes include the async poller's attempts, which are not clients' API requests.
  const invoke = (code: number) => {
    let n = 0;
    for (let t = 0; t < plan.templates.length; t++) n += obs.invocationsByTemplate[t * ERROR_COUNT + code];
    return n;
  };
  const existingAtStart = plan.functions.template.reduce(
    (n, t) => n + (plan.templates[t].existing ? 1 : 0),
    0,
  );

  const report: Report = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: TOOL_NAME,
    version: packageVersion(),
    scenario: {
      name: plan.name,
      description: plan.description,
      file: meta.file,
      seed: meta.seed,
      partitions: meta.partitions,
      untilUs: plan.untilUs,
    },
    run: {
      simulatedUs: outcome.kernel.endUs,
      events: outcome.kernel.events,
      windows: outcome.kernel.rounds,
      messages: outcome.kernel.messages,
      workers: outcome.threads.workers,
      workersReason: outcome.threads.reason,
      wallMs: Math.round(outcome.wallMs * 1000) / 1000,
      eventsPerSec: seconds > 0 ? Math.round(outcome.kernel.events / seconds) : 0,
      partial: outcome.partial,
    },
    functions: {
      byState: byName(STATE_NAMES, outcome.states),
      byLastUpdateStatus: byName(LAST_UPDATE_STATUS_NAMES, outcome.lastUpdateStatus),
      existingAtStart,
      created: obs.created,
      deleted: obs.deleted,
      versionsPublished: obs.versionsPublished,
    },
    api: apiReport(obs.api),
    invocations: {
      requests: obs.invocationRequests,
      outcomes: byName(
        INVOCATION_OUTCOMES,
        INVOCATION_OUTCOMES.map((o) => invoke(INVOCATION_OUTCOME_CODE[o])),
      ),
      coldStarts: obs.coldStarts,
      warmStarts: obs.warmStarts,
      coldStartRatio: ratio(obs.coldStarts, obs.coldStarts + obs.warmStarts),
      byRevision: Object.fromEntries(
        [...obs.invocationsByRevision.entries()]
          .sort((a, b) => a[0] - b[0])
          .map(([rev, n]) => [String(rev), n]),
      ),
      throttlesByCause: byName(THROTTLE_CAUSE_NAMES, obs.throttles),
      byQualifier: byQualifier(plan.aliases, obs.invocationsByQualifier),
      provisioned: {
        invocations: obs.provisionedInvocations,
        spilloverInvocations: obs.spilloverInvocations,
        spillovers: byName(SPILLOVER_REASON_NAMES, obs.spillovers),
        environmentsInitialized: obs.provisionedInitialized,
        environmentsReleased: obs.provisionedReleased,
        environmentsFailed: obs.provisionedFailed,
        requestedAtEnd: outcome.provisioned[0],
        allocatedAtEnd: outcome.provisioned[1],
        availableAtEnd: outcome.provisioned[2],
        configsByStatus: byName(PROVISIONED_STATUS_NAMES, outcome.provisioned.slice(3)),
      },
      coldStartRatioByDeployPhase:
        deployWindow(plan) === null
          ? null
          : (Object.fromEntries(
              DEPLOY_PHASE_NAMES.map((name, i) => {
                const cold = obs.startsByDeployPhase[i * 2];
                return [name, ratio(cold, cold + obs.startsByDeployPhase[i * 2 + 1])];
              }),
            ) as Record<(typeof DEPLOY_PHASE_NAMES)[number], number>),
      openAtEnd: outcome.openInvocations,
    },
    clients: {
      retries: obs.clientRetries,
      gaveUp: obs.clientGaveUp,
      waiters: byName(WAITER_OUTCOME_NAMES, obs.waiters),
      openTasks: outcome.openClientTasks,
    },
    histograms: Object.fromEntries(
      HIST_NAMES.map((name, i) => [name, histogramReport(obs.histograms[i])]),
    ) as Record<HistName, HistogramReport>,
    concurrency: {
      limit: plan.account.concurrencyLimit,
      unreservedPool: shared.unreservedPool,
      peak: shared.peakConcurrency,
      peakUnreserved: shared.peakUnreservedConcurrency,
      inFlightAtEnd: shared.concurrencyInFlight,
    },
    cost: costReport(outcome),
    environments: environmentsReport(outcome),
    subnets: plan.subnets.map((s, i) => {
      const u = shared.subnets[i];
      return {
        id: s.id,
        vpc: plan.vpcs[s.vpc]?.id ?? "",
        cidr: s.cidr,
        capacityIps: s.capacityIps,
        peakUsedIps: u.peakUsedIps,
        usedIpsAtEnd: u.usedIps,
        othersIps: u.othersIps,
        freeIpsAtEnd: s.capacityIps - u.usedIps - u.othersIps,
        minHeadroom: s.capacityIps > 0 ? round6(1 - u.peakUsedIps / s.capacityIps) : 0,
        enisCreated: u.enisCreated,
        enisFailed: u.enisFailed,
        enisDeleted: u.enisDeleted,
      };
    }),
    vpcs: plan.vpcs.map((v, i) => ({
      id: v.id,
      eniQuota: v.eniQuota,
      enisUsedByOthers: v.enisUsedByOthers,
      peakEnis: shared.vpcPeakEnis[i] ?? 0,
      enisAtEnd: shared.vpcEnis[i] ?? 0,
    })),
    invariants: outcome.invariants.map((r) => ({ name: r.name, ok: r.ok, detail: r.detail })),
  };
  if (plan.callers.length > 0) {
    report.callers = plan.callers.map((c, i) => ({
      name: c.name,
      account: c.account,
      arn: c.arn,
      invocations: obs.invocationsByCaller[i],
      denied: obs.deniedByCaller[i],
    }));
  }
  if (plan.fileSystems.length > 0) report.fileSystems = fileSystemsReport(outcome);
  if (outcome.replays.length > 0) report.replays = replaysReport(outcome);
  const withAsync = usesAsync(plan);
  if (withAsync) report.async = asyncReport(outcome);
  if (outcome.samples.length > 0) report.samples = outcome.samples.map((s) => sampleReport(s, withAsync));
  return report;
}

function costReport(outcome: RunOutcome): CostReport {
  const { plan, obs } = outcome;
  const inputs = costInputsOf(plan);
  const bill = billOf(inputs, obs.billingByTemplate, outcome.kernel.endUs);
  return {
    currency: "USD",
    ...charges(bill.total.usd),
    perMillionInvocations: figure(perMillionInvocations(bill.total)),
    usage: usage(bill.total),
    byTemplate: Object.fromEntries(
      bill.byTemplate.map((b, t) => [
        plan.templates[t].name,
        { architecture: inputs.architectures[t], ...charges(b.usd), usage: usage(b) },
      ]),
    ),
    prices: structuredClone(inputs.pricing),
  };
}

/** Twelve significant digits: sums of fractions of a cent print as the figures they are. */
const figure = (x: number) => Number(x.toPrecision(12));

function charges(c: Charges): Charges {
  return {
    total: figure(c.total),
    onDemand: { requests: figure(c.onDemand.requests), duration: figure(c.onDemand.duration) },
    provisioned: {
      requests: figure(c.provisioned.requests),
      allocated: figure(c.provisioned.allocated),
      duration: figure(c.provisioned.duration),
    },
    idleProvisioned: figure(c.idleProvisioned),
  };
}

function usage(b: Bill): Bill["usage"] {
  const u = b.usage;
  return {
    requests: u.requests,
    provisionedRequests: u.provisionedRequests,
    onDemandGbSeconds: figure(u.onDemandGbSeconds),
    provisionedGbSeconds: figure(u.provisionedGbSeconds),
    allocatedGbSeconds: figure(u.allocatedGbSeconds),
    idleGbSeconds: figure(u.idleGbSeconds),
  };
}

function replaysReport(outcome: RunOutcome): ReplayReport[] {
  return outcome.replays.map((r, i) => {
    const replay = outcome.plan.replays![i];
    const source = replay.source;
    return {
      format: source.format,
      files: source.format === "azure-2019" ? [...source.files] : [source.file],
      startSeconds: replay.startUs / 1e6,
      endSeconds: replay.endUs / 1e6,
      ...r,
    };
  });
}

function fileSystemsReport(outcome: RunOutcome): FileSystemReport[] {
  const { plan, obs } = outcome;
  const k = EFS_MOUNT_ERROR_NAMES.length;
  return plan.fileSystems.map((f, i) => {
    const e = outcome.efs.fileSystems[i];
    return {
      id: f.id,
      accessPointArn: f.accessPointArn,
      baselineMiBps: f.baselineMiBps,
      burstMiBps: f.burstMiBps,
      burstCreditsMiB: f.burstCreditsMiB,
      creditsAtEndMiB: round6(e.creditsAtEndMiB),
      minCreditsMiB: round6(e.minCreditsMiB),
      peakDemandMiBps: round6(e.peakDemandMiBps),
      slowedAdmissions: e.slowedAdmissions,
      mountFailures: byName(EFS_MOUNT_ERROR_NAMES, obs.efsMountFailures.subarray(i * k, (i + 1) * k)),
      ioStopped: obs.efsIoStopped[i],
    };
  });
}

function asyncReport(outcome: RunOutcome): AsyncReport {
  const obs = outcome.obs;
  const width = ASYNC_DISPOSITION_NAMES.length;
  const failedByReason = Object.fromEntries(
    ASYNC_FAILURE_NAMES.map((reason, r) => [
      reason,
      byName(ASYNC_DISPOSITION_NAMES, obs.asyncFailures.subarray(r * width, (r + 1) * width)),
    ]),
  ) as AsyncReport["failedByReason"];
  const failed = byName(
    ASYNC_DISPOSITION_NAMES,
    ASYNC_DISPOSITION_NAMES.map((_, d) =>
      ASYNC_FAILURE_NAMES.reduce((n, _r, r) => n + obs.asyncFailures[r * width + d], 0),
    ),
  );
  const a = outcome.async;
  return {
    accepted: obs.asyncAccepted,
    selfTriggered: obs.asyncSelfTriggered,
    succeeded: obs.asyncSucceeded,
    failed,
    failedByReason,
    retries: byName(ASYNC_RETRY_CAUSE_NAMES, obs.asyncRetries),
    recursiveStops: ASYNC_DISPOSITION_NAMES.reduce(
      (n, _d, d) => n + obs.asyncFailures[AsyncFailure.RecursiveLoop * width + d],
      0,
    ),
    queuedAtEnd: a.queuedAtEnd,
    inFlightAtEnd: a.inFlightAtEnd,
    oldestEventAgeAtEnd: a.queuedAtEnd > 0 ? (outcome.kernel.endUs - a.oldestQueuedUs) / 1e6 : 0,
  };
}

/** A copy of the report without its wall-clock fields: equal for equal (scenario, seed). */
export function stripWallClock(report: Report): WallClockFreeReport {
  const copy = structuredClone(report) as Report;
  const run: Partial<Report["run"]> = copy.run;
  for (const field of WALL_CLOCK_FIELDS) delete run[field];
  return copy;
}

/** The failed invariants of a report. */
export function violatedInvariants(report: Report): Report["invariants"] {
  return report.invariants.filter((i) => !i.ok);
}

function apiReport(api: Float64Array): Record<OperationName, ApiOperationReport> {
  const out = {} as Record<OperationName, ApiOperationReport>;
  OPERATION_NAMES.forEach((name, op) => {
    const row = (code: number) => api[op * ERROR_COUNT + code];
    const errors: Partial<Record<ApiErrorCodeName, number>> = {};
    let failed = 0;
    API_ERROR_CODES.forEach((code, k) => {
      const n = row(API_ERROR_CODE_INDEX[k]);
      if (n > 0) errors[code] = n;
      failed += n;
    });
    const success = API_SUCCESS_CODES.reduce((n, code) => n + row(code), 0);
    out[name] = { requests: success + failed, success, errors };
  });
  return out;
}

function histogramReport(h: Histogram): HistogramReport {
  const count = h.totalCount;
  const s = (us: number) => (count > 0 ? us / 1e6 : 0);
  let encoded: string | undefined;
  return {
    count,
    min: s(h.getValueAtPercentile(0)),
    mean: s(round6(histogramMean(h))),
    p50: s(h.getValueAtPercentile(50)),
    p90: s(h.getValueAtPercentile(90)),
    p95: s(h.getValueAtPercentile(95)),
    p99: s(h.getValueAtPercentile(99)),
    p999: s(h.getValueAtPercentile(99.9)),
    max: s(h.getValueAtPercentile(100)),
    // Encoded when first read (written to a file, drawn, sent to another
    // thread): a run that only prints its summary never deflates.
    get hdr() {
      return (encoded ??= canonicalEncoding(h));
    },
  };
}

/**
 * The histogram's compressed base64, the same for the same recorded values:
 * an auto-resized histogram's layout depends on the order its parts were
 * merged in (which depends on the partition count), so the counts are first
 * copied into a histogram sized by the maximum alone.
 */
function canonicalEncoding(h: Histogram): string {
  const copy = newHistogram(Math.max(h.maxValue, 2));
  copy.add(h);
  return encodeHistogram(copy);
}

function sampleReport(s: Sample, withAsync: boolean): SampleReport {
  const r: SampleReport = {
    t: s.timeUs / 1e6,
    timeUs: s.timeUs,
    byState: byName(STATE_NAMES, s.states),
    byLastUpdateStatus: byName(LAST_UPDATE_STATUS_NAMES, s.lastUpdateStatus),
    concurrency: s.concurrency,
    subnetUsedIps: [...s.subnetUsedIps],
    ...(s.shared.efsCreditsMiB.length > 0 ? { efsCreditsMiB: s.shared.efsCreditsMiB.map(round6) } : {}),
  };
  if (withAsync) {
    r.asyncQueueDepth = s.asyncQueueDepth;
    r.asyncOldestEventAge = s.asyncOldestEventAgeUs / 1e6;
  }
  return r;
}

function byName<K extends string>(names: readonly K[], values: ArrayLike<number>): Record<K, number> {
  const out = {} as Record<K, number>;
  names.forEach((name, i) => {
    out[name] = values[i] ?? 0;
  });
  return out;
}

const ratio = (a: number, b: number) => (b > 0 ? round6(a / b) : 0);
const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

/** Invocation outcomes by qualifier slot (qualifiers.ts), only the slots and codes that occurred. */
function byQualifier(
  aliases: readonly string[],
  counts: Float64Array,
): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (let slot = 0; slot < qualifierSlotCount(aliases); slot++) {
    const row: Record<string, number> = {};
    for (let e = 0; e < ERROR_COUNT; e++) {
      const n = counts[slot * ERROR_COUNT + e];
      if (n > 0) row[e === ApiError.None ? "success" : API_ERROR_NAMES[e]] = n;
    }
    if (Object.keys(row).length > 0) out[qualifierSlotName(slot, aliases)] = row;
  }
  return out;
}
