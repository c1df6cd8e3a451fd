/**
 * The shape of the run's JSON report (docs/report-schema.md,
 * schema/report.schema.json): the paths the measure catalogue reads its
 * named metrics from. report/json-report.ts builds it; this file holds only
 * types and the schema's fixed names, so the catalogue, the exporters and
 * the report all read one definition without importing each other.
 */
import type {
  LastUpdateStatusName,
  OperationName,
  PROVISIONED_STATUS_NAMES,
  StateName,
  THROTTLE_CAUSE_NAMES,
} from "../model/aws-names.js";
import type { DEPLOY_PHASE_NAMES } from "../model/deploy-window.js";
import type { ReplayTally } from "../model/partition-result.js";
import type {
  ASYNC_DISPOSITION_NAMES,
  ASYNC_FAILURE_NAMES,
  ASYNC_RETRY_CAUSE_NAMES,
  HistName,
  SPILLOVER_REASON_NAMES,
  WAITER_OUTCOME_NAMES,
} from "../model/observations.js";
import type { ApiErrorCodeName, EfsMountErrorName, InvocationOutcomeName } from "../model/outcomes.js";
import type { Charges, Usage } from "../model/cost.js";
import type { Architecture, Pricing } from "../model/pricing.js";
import type { MetricUnit } from "./reading.js";

export const REPORT_SCHEMA_VERSION = 1;
export const TOOL_NAME = "lambda-fleet-sim";

/**
 * Fields that depend on the wall clock, or on the threads the host gave the
 * run: the only ones that differ between two runs of one seed.
 */
export const WALL_CLOCK_FIELDS = ["wallMs", "eventsPerSec", "workers", "workersReason"] as const;

export interface ApiOperationReport {
  /** Answered calls, each attempt of a retried call counted. */
  requests: number;
  /** Calls answered with HTTP 200 (for Invoke, also those whose function errored or timed out). */
  success: number;
  /** Calls answered with an AWS error, by error code; only codes that occurred. */
  errors: Partial<Record<ApiErrorCodeName, number>>;
}

/** A duration distribution, in seconds. */
export interface HistogramReport {
  count: number;
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
  /** hdr-histogram-js `encodeIntoCompressedBase64` of the histogram in microseconds. */
  hdr: string;
}

export interface SubnetReport {
  id: string;
  vpc: string;
  cidr: string | null;
  capacityIps: number;
  peakUsedIps: number;
  usedIpsAtEnd: number;
  othersIps: number;
  freeIpsAtEnd: number;
  minHeadroom: number;
  enisCreated: number;
  enisFailed: number;
  enisDeleted: number;
}

export interface VpcReport {
  id: string;
  eniQuota: number;
  enisUsedByOthers: number;
  peakEnis: number;
  enisAtEnd: number;
}

export interface SampleReport {
  t: number;
  timeUs: number;
  byState: Record<StateName, number>;
  byLastUpdateStatus: Record<LastUpdateStatusName, number>;
  concurrency: number;
  subnetUsedIps: number[];
  /** Burst credit balance of each file system (MiB), when the scenario has file systems (V10). */
  efsCreditsMiB?: number[];
  /** With asynchronous invocation: events waiting in the queues. */
  asyncQueueDepth?: number;
  /** With asynchronous invocation: age of the oldest waiting event, in seconds (0 when none). */
  asyncOldestEventAge?: number;
}

export type AsyncDispositionName = (typeof ASYNC_DISPOSITION_NAMES)[number];
export type AsyncFailureName = (typeof ASYNC_FAILURE_NAMES)[number];

/** Asynchronous invocation (V6, V7): what happened to the events. */
export interface AsyncReport {
  /** Events accepted into a queue: Invoke calls with InvocationType Event answered 202, and self-triggers. */
  accepted: number;
  /** Of those, queued by a self-triggering function's success (V7). */
  selfTriggered: number;
  /** Events whose invocation succeeded. */
  succeeded: number;
  /** Events never processed, by where they went. */
  failed: Record<AsyncDispositionName, number>;
  /** The same by why: past the maximum event age, out of retries after function errors, stopped as a recursive loop, refused by a non-retryable error. */
  failedByReason: Record<AsyncFailureName, Record<AsyncDispositionName, number>>;
  /** Attempts after which an event went back to the queue, by cause. */
  retries: Record<(typeof ASYNC_RETRY_CAUSE_NAMES)[number], number>;
  /** Chains stopped after 16 invocations (the failedByReason.recursiveLoop events). */
  recursiveStops: number;
  queuedAtEnd: number;
  inFlightAtEnd: number;
  /** Age of the oldest event waiting at the end, in seconds (0 when none). */
  oldestEventAgeAtEnd: number;
}

/** Execution environments on average over the run: alive, running a request, idle and warm. */
export interface EnvironmentAverages {
  total: number;
  busy: number;
  idle: number;
}

/** The on-demand warm pool of the account or of one template (issue 13; docs/report-schema.md). */
export interface EnvironmentFigures {
  /** Time averages over the run (environment-seconds / simulated seconds). */
  average: EnvironmentAverages;
  /** The sum over pools (a function's $LATEST, each published version) of the most environments each held at once: an upper bound of the most alive at once. */
  peak: number;
  created: number;
  /** Environments reclaimed after their keep-alive idle. */
  expiredIdle: number;
  /** Environments gone because they reached their maximum lifetime (busy or idle). */
  recycled: number;
  /** busy / total, time-weighted (0 without environments). */
  utilization: number;
  /** Idle environment-seconds times each one's memory in GB (MB / 1024). */
  idleGbSeconds: number;
}

export interface EnvironmentsReport extends EnvironmentFigures {
  /** Provisioned environments (V2): initialised (total), running a request (busy), idle. */
  provisioned: { average: EnvironmentAverages; utilization: number; idleGbSeconds: number };
  /** The same figures by function template. */
  byTemplate: Record<string, EnvironmentFigures>;
}

/** A caller identity and what its Invoke calls met (V8). */
export interface CallerReport {
  name: string;
  account: string;
  arn: string;
  invocations: number;
  /** Answered AccessDeniedException. */
  denied: number;
}

/** An EFS file system: its throughput, burst credits and the errors its functions met (V10). */
export interface FileSystemReport {
  id: string;
  accessPointArn: string;
  baselineMiBps: number;
  burstMiBps: number;
  burstCreditsMiB: number;
  creditsAtEndMiB: number;
  minCreditsMiB: number;
  peakDemandMiBps: number;
  /** Admissions whose IO was slowed (demand above what the file system served). */
  slowedAdmissions: number;
  /** Cold starts whose mount failed, by error code. */
  mountFailures: Record<EfsMountErrorName, number>;
  /** Invocations stopped with EFSIOException. */
  ioStopped: number;
}

/** What a template's functions cost (USD) and used. */
export interface TemplateCostReport extends Charges {
  architecture: Architecture;
  usage: Usage;
}

/**
 * What the run cost at the prices used (docs/cost.md): USD on demand,
 * on provisioned concurrency, and the idle share of the provisioned
 * allocation; by template and in total.
 */
export interface CostReport extends Charges {
  currency: "USD";
  /** total per million invocations that ran (0 when none did). */
  perMillionInvocations: number;
  usage: Usage;
  byTemplate: Record<string, TemplateCostReport>;
  /** The prices used: AWS's us-east-1 defaults with the scenario's `pricing:` overrides. */
  prices: Pricing;
}

export interface Report {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  tool: typeof TOOL_NAME;
  version: string;
  scenario: {
    name: string;
    description: string;
    file: string | null;
    seed: number;
    partitions: number;
    untilUs: number;
  };
  run: {
    simulatedUs: number;
    events: number;
    windows: number;
    messages: number;
    /** Worker threads that hosted partitions beside the coordinator's thread, and why that many. */
    workers: number;
    workersReason: string;
    wallMs: number;
    eventsPerSec: number;
    partial: boolean;
  };
  functions: {
    byState: Record<StateName, number>;
    byLastUpdateStatus: Record<LastUpdateStatusName, number>;
    existingAtStart: number;
    created: number;
    deleted: number;
    versionsPublished: number;
  };
  api: Record<OperationName, ApiOperationReport>;
  invocations: {
    requests: number;
    outcomes: Record<InvocationOutcomeName, number>;
    coldStarts: number;
    warmStarts: number;
    coldStartRatio: number;
    byRevision: Record<string, number>;
    throttlesByCause: Record<(typeof THROTTLE_CAUSE_NAMES)[number], number>;
    /** Outcomes by what the requests named: $LATEST (unqualified), "version" (any version number) or an alias (V1). */
    byQualifier: Record<string, Record<string, number>>;
    /** Provisioned concurrency (V2, V3); all zero when the scenario configures none. */
    provisioned: {
      invocations: number;
      spilloverInvocations: number;
      spillovers: Record<(typeof SPILLOVER_REASON_NAMES)[number], number>;
      environmentsInitialized: number;
      environmentsReleased: number;
      /** Environments whose init failed (their configurations went FAILED). */
      environmentsFailed: number;
      /** At the end, summed over the configurations: AWS's Requested/Allocated/AvailableProvisionedConcurrentExecutions. */
      requestedAtEnd: number;
      allocatedAtEnd: number;
      availableAtEnd: number;
      /** Configurations by Status at the end. */
      configsByStatus: Record<(typeof PROVISIONED_STATUS_NAMES)[number], number>;
    };
    /** Cold-start ratio before, during and after the deploy window (deploy-window.ts); null without deploys. */
    coldStartRatioByDeployPhase: Record<(typeof DEPLOY_PHASE_NAMES)[number], number> | null;
    openAtEnd: number;
  };
  clients: {
    retries: number;
    gaveUp: number;
    waiters: Record<(typeof WAITER_OUTCOME_NAMES)[number], number>;
    openTasks: number;
  };
  histograms: Record<HistName, HistogramReport>;
  concurrency: {
    limit: number;
    unreservedPool: number;
    peak: number;
    peakUnreserved: number;
    inFlightAtEnd: number;
  };
  cost: CostReport;
  /** The execution environments: the warm pool over time and the environments' lives. */
  environments: EnvironmentsReport;
  subnets: SubnetReport[];
  vpcs: VpcReport[];
  /** Present when the scenario has callers (V8). */
  callers?: CallerReport[];
  /** Present when the scenario has EFS file systems (V10). */
  fileSystems?: FileSystemReport[];
  /** Present when the workload replays traces (issue 14): one entry per replay step. */
  replays?: ReplayReport[];
  invariants: { name: string; ok: boolean; detail: string }[];
  /** Present when the scenario invokes asynchronously (or has a self-triggering function). */
  async?: AsyncReport;
  samples?: SampleReport[];
  /** Present when the scenario has thresholds (docs/thresholds.md). */
  /** With the scenario's warmup: the cumulative metrics over the steady state (steady-state.ts). */
  steadyState?: SteadyStateReport;
  thresholds?: ThresholdsReport;
}

export type WallClockFreeReport = Omit<Report, "run"> & {
  run: Omit<Report["run"], (typeof WALL_CLOCK_FIELDS)[number]>;
};

export interface SteadyStateReport {
  /** The sample point the steady state starts at (the first at or after the warm-up), and the run's end. */
  fromUs: number;
  toUs: number;
  /** Each cumulative metric over [fromUs, toUs]. */
  values: Record<string, number>;
}

export interface ThresholdResult {
  /** The expression as the scenario wrote it. */
  threshold: string;
  metric: string;
  unit: MetricUnit;
  /** The metric's value in the report. */
  observed: number;
  ok: boolean;
  abortOnFail: boolean;
}

/** The threshold that stopped the run, where, and what it saw. */
export interface ThresholdAbort {
  threshold: string;
  /** The sample point at which it failed. */
  atUs: number;
  /** The metric's value at that sample (percentiles estimated from the sample's buckets). */
  observed: number;
}

export interface ThresholdsReport {
  results: ThresholdResult[];
  /** Set when an abortOnFail threshold stopped the run; run.partial is then true. */
  aborted: ThresholdAbort | null;
}

/** What one replay step read from its trace and delivered (the counts as ReplayTally says). */
export interface ReplayReport extends ReplayTally {
  format: string;
  /** The trace's files, as the plan resolved them. */
  files: string[];
  /** Simulated time the replay started and ended, in seconds. */
  startSeconds: number;
  endSeconds: number;
}
