/**
 * A compiled scenario: plain data, all names resolved to indices, all
 * durations in integer microseconds, every default filled in. The scenario
 * compiler produces it; the model runs it. Being plain data it can be posted
 * to worker threads unchanged.
 */
import type { FailureReasonName, InvocationTypeName, OperationName } from "./aws-names.js";
import type { ModelDefaults } from "./defaults.js";
import type { CpuScaling } from "./cpu-scaling.js";
import type { Distribution } from "./duration-distribution.js";
import type { Architecture, Pricing } from "./pricing.js";

export type { Distribution };

export interface PlanAccount {
  /** Account concurrency limit (AWS default 1,000). */
  concurrencyLimit: number;
  /** Concurrency that reservations can never take (AWS: 100). */
  unreservedMinimum: number;
  /** Shared token bucket of all control-plane operations (R15). */
  controlPlaneRatePerSec: number;
  controlPlaneBurst: number;
  /** GetFunction's own bucket (R15). */
  getFunctionRatePerSec: number;
  getFunctionBurst: number;
}

export interface PlanVpc {
  id: string;
  /** Network interfaces per VPC quota (R19). */
  eniQuota: number;
  /** Part of the quota other services already use. */
  enisUsedByOthers: number;
  /** The security groups the scenario declares in the VPC. */
  securityGroups: string[];
}

export interface PlanSubnet {
  id: string;
  /** Index into Plan.vpcs. */
  vpc: number;
  /** Usable IP addresses (CIDR size less AWS's 5 reserved, or given). */
  capacityIps: number;
  /** Addresses already used by other resources at the start. */
  usedByOthersIps: number;
  /** Source text, for the report. */
  cidr: string | null;
}

/** A distinct VPC configuration: one Hyperplane ENI per (subnet, security-group set). */
export interface PlanVpcConfig {
  vpc: number;
  /** Indices into Plan.subnets. */
  subnets: number[];
  /** Security group ids, sorted. */
  securityGroups: string[];
  /** One ENI key per subnet, index into Plan.eniKeys. */
  eniKeys: number[];
}

/** An (subnet, security-group set) combination: the unit of ENI sharing. */
export interface PlanEniKey {
  subnet: number;
  /** Security group ids joined by ",". */
  securityGroups: string;
}

export type PackageType = "Zip" | "Image";

/** Where an event that is never processed goes (V6): 0 dropped, 1 an on-failure destination, 2 the dead-letter queue. */
export const OnFailure = { None: 0, Destination: 1, DeadLetterQueue: 2 } as const;
export type OnFailureCode = (typeof OnFailure)[keyof typeof OnFailure];
export const ON_FAILURE_NAMES = ["none", "destination", "dlq"] as const;

/** The function's asynchronous invocation settings (PutFunctionEventInvokeConfig, DeadLetterConfig). */
export interface PlanAsyncConfig {
  /** MaximumEventAgeInSeconds, in µs (60 s to 6 h; default 6 h). */
  maximumEventAgeUs: number;
  /** MaximumRetryAttempts after a function error (0 to 2; default 2). */
  maximumRetryAttempts: number;
  onFailure: OnFailureCode;
}

/** The settings a template without `async` has (AWS's defaults). */
export const DEFAULT_ASYNC_CONFIG: PlanAsyncConfig = {
  maximumEventAgeUs: 6 * 3600 * 1_000_000,
  maximumRetryAttempts: 2,
  onFailure: OnFailure.None,
};

/** V7: each successful invocation triggers an asynchronous invocation of the same function with this probability. */
export interface PlanRecursion {
  probability: number;
}

export interface PlanTemplate {
  name: string;
  runtime: string;
  memoryMb: number;
  packageType: PackageType;
  /** Index into Plan.vpcConfigs, or -1 for no VPC. */
  vpcConfig: number;
  /** Reserved concurrency, or -1 when none is set. */
  reservedConcurrency: number;
  /** Init duration of a cold start. */
  initDuration: Distribution;
  /** Handler run time of one invocation. */
  duration: Distribution;
  /** Probability that an invocation ends in a function error (D4). */
  errorRate: number;
  timeoutUs: number;
  /** Functions of this template exist (Active) when the run starts. */
  existing: boolean;
  /** Resource-based policy: who may invoke the functions besides the account's own identities (V8). */
  policy: PlanResourcePolicy;
  /** Index into Plan.kmsKeys of the key encrypting the environment, or -1 for the AWS managed key (V9). */
  kmsKey: number;
  /** Index into Plan.fileSystems of the EFS file system the functions mount, or -1 (V10). */
  fileSystem: number;
  /** IO throughput one running invocation asks of its file system, MiB/s (V10). */
  ioThroughputMiBps: number;
  /** Asynchronous invocation settings; absent: DEFAULT_ASYNC_CONFIG. */
  async?: PlanAsyncConfig;
  /** Self-triggering (V7); absent: none. */
  recursion?: PlanRecursion;
  /** The functions' instruction set (it sets their prices); absent: x86_64. */
  architecture?: Architecture;
  /** Run time scaled by the CPU the memory buys (cpu-scaling.ts); absent: `duration` at any memory. */
  cpuScaling?: CpuScaling;
}

/** Principals a function's resource-based policy lets invoke it (lambda:InvokeFunction). */
export interface PlanResourcePolicy {
  /** "*": anyone. */
  anyone: boolean;
  /** Account ids (12 digits) whose identities may invoke. */
  accounts: string[];
  /** Caller ARNs that may invoke. */
  arns: string[];
}

/** An identity that invokes functions (V8): a user or role, in this account or another. */
export interface PlanCaller {
  name: string;
  /** 12-digit account id. */
  account: string;
  arn: string;
  /** Its identity-based policy allows lambda:InvokeFunction on these functions (ascending), or on all when null. */
  allow: Int32Array | null;
}

/** An EFS file system (V10): its access point and its bursting throughput. */
export interface PlanFileSystem {
  id: string;
  /** arn:aws:elasticfilesystem:<region>:<account>:access-point/<fsap-...> */
  accessPointArn: string;
  baselineMiBps: number;
  burstMiBps: number;
  /** Burst credit balance at the start, which is also its maximum (MiB). */
  burstCreditsMiB: number;
}

export interface PlanFunctions {
  /** Function names, by function index. */
  names: string[];
  /** Template index of each function. */
  template: Int32Array;
}

export type WaiterName =
  "FunctionActive" | "FunctionActiveV2" | "FunctionUpdated" | "FunctionUpdatedV2" | "PublishedVersionActive";

export interface PlanRetryPolicy {
  /** Total attempts including the first (SDK standard mode: 3). */
  maxAttempts: number;
  /** Backoff base for retryable errors other than throttling. */
  baseDelayUs: number;
  /** Backoff base for throttling errors. */
  throttleBaseDelayUs: number;
  maxBackoffUs: number;
}

export interface PlanClient {
  name: string;
  /** Waiter run after each mutating call, or null to fire and forget. */
  waiter: WaiterName | null;
  retry: PlanRetryPolicy;
}

/** Fields an UpdateFunctionConfiguration can change; absent ones stay. */
export interface PlanConfigChange {
  /** New VPC configuration index, -1 to detach from the VPC, undefined to keep. */
  vpcConfig?: number;
  memoryMb?: number;
  timeoutUs?: number;
  /** New KMS key index, -1 for the AWS managed key, undefined to keep (V9). */
  kmsKey?: number;
}

export type ControlOperation = Exclude<OperationName, "Invoke" | "GetFunction" | "GetFunctionConfiguration">;

/** A workload action applied to many functions at a rate (creates, updates, deletes). */
export interface PlanStep {
  atUs: number;
  operation: ControlOperation | "Invoke";
  /** Function indices in the order the action reaches them. */
  targets: Int32Array;
  /** Targets reached per second; 0 reaches all at atUs. */
  ratePerSec: number;
  client: number;
  config?: PlanConfigChange;
  /** Index into Plan.callers of who invokes (its Invoke calls), or -1: the account's administrator (V8). */
  caller?: number;
  /** Further calls the same client makes on each target after this one (and its waiter) succeed. */
  then: ControlOperation[] | ("Invoke" | ControlOperation)[];
}

/** Arrival rate over time: piecewise linear between points, constant after the last. */
export interface RateProfile {
  points: { atUs: number; ratePerSec: number }[];
}

export interface PlanInvokeStream {
  startUs: number;
  endUs: number;
  targets: Int32Array;
  /** Total arrival rate of the stream, shared among targets by popularity. */
  rate: RateProfile;
  /** poisson: exponential gaps; constant: evenly spaced per function. */
  process: "poisson" | "constant";
  popularity: { kind: "uniform" } | { kind: "zipf"; exponent: number };
  client: number;
  /** What the requests name (model/qualifiers.ts); absent or 0: unqualified, $LATEST. */
  qualifier?: number;
  /** Index into Plan.callers, or -1: the account's administrator (V8). */
  caller?: number;
  /** Absent: RequestResponse. */
  invocationType?: InvocationTypeName;
}

/** Where a replay's rows come from (src/trace/ reads each format as a stream). */
export type PlanTraceSource =
  /** Per-invocation rows: arrival time, function key, duration when the format has one. */
  | { format: "azure-2021" | "csv"; file: string }
  /**
   * Per-minute counts, one file per day chained; arrivals spread within each
   * minute. With durationFiles (one per day), each arrival's duration is
   * drawn from its function's percentiles that day.
   */
  | { format: "azure-2019"; files: string[]; arrivals: "poisson" | "uniform"; durationFiles?: string[] };

/**
 * A workload step that replays a trace (issue 14): its rows become arrivals
 * at the functions they map to, from startUs until endUs. Trace time
 * `fromUs` plays at startUs.
 */
export interface PlanReplay {
  source: PlanTraceSource;
  startUs: number;
  endUs: number;
  fromUs: number;
  /** How far ahead of the simulated time rows are read (rows sorted by end time arrive out of order within it). */
  lookaheadUs: number;
  /** The functions the trace may play, in selector order (for match `order`). */
  targets: Int32Array;
  /**
   * How trace functions become scenario functions: by name (the trace's name
   * for it, trace-names.ts), by order of first appearance, or by the pairs
   * of a mapping file (trace key or name, function index).
   */
  match: { kind: "name" } | { kind: "order" } | { kind: "map"; pairs: [string, number][] };
  /** Whether the rows' durations replace the template's (when the format has them). */
  traceDurations: boolean;
  /** The trace files' total size, for choosing threads before the trace is read (thread-choice.ts). */
  traceBytes: number;
  qualifier?: number;
  caller?: number;
}

export type PlanFault =
  /** Creates that start in [fromUs, untilUs) never finish provisioning (R5). */
  | { kind: "createHang"; fromUs: number; untilUs: number; probability: number; targets: Int32Array | null }
  /** ENI creations in the subnets fail with `code` (R3, R9, R12). */
  | {
      kind: "eniCreationFailure";
      fromUs: number;
      untilUs: number;
      probability: number;
      subnets: number[] | null;
      code: FailureReasonName;
    }
  /** Other resources take every free IP of the subnets during the window. */
  | { kind: "subnetExhausted"; fromUs: number; untilUs: number; subnets: number[] }
  /** The functions' execution role loses its permissions during the window. */
  | { kind: "rolePermissions"; fromUs: number; untilUs: number; targets: Int32Array | null }
  /** Provisioning of creates/updates/restores fails with `code` with a probability. */
  | {
      kind: "provisioningFailure";
      fromUs: number;
      untilUs: number;
      probability: number;
      targets: Int32Array | null;
      code: FailureReasonName;
    }
  /**
   * Provisioned environments that finish initialising in the window fail
   * with a probability (their init errors): the configurations they belong
   * to go FAILED (V2).
   */
  | {
      kind: "provisionedConcurrencyFailure";
      fromUs: number;
      untilUs: number;
      probability: number;
      targets: Int32Array | null;
    }
  /** The KMS key is disabled in the window; re-enabled at untilUs (V9). */
  | { kind: "kmsKeyDisabled"; fromUs: number; untilUs: number; key: number }
  /**
   * Lambda's grant on the key is revoked at fromUs, for the functions then
   * using `key` (or, with key -1, the targets' current keys); it stays
   * revoked until a configuration update changes the function's key (V9).
   */
  | { kind: "kmsGrantRevoked"; fromUs: number; untilUs: number; key: number; targets: Int32Array | null }
  /** Cold starts of functions mounting the file system (all, when -1) fail to mount (V10). */
  | {
      kind: EfsMountFaultKind;
      fromUs: number;
      untilUs: number;
      probability: number;
      fileSystem: number;
      targets: Int32Array | null;
    };

/** Parameters of an explicit call beyond its function, in the Lambda API's own terms (V1, V2, V4). */
export interface PlanCallParams {
  /** Invoke and the provisioned-concurrency calls: what they name (model/qualifiers.ts). */
  qualifier?: number;
  /** CreateAlias / UpdateAlias / DeleteAlias: index into Plan.aliases. */
  alias?: number;
  /** CreateAlias / UpdateAlias: the version the alias points to (0 = $LATEST). */
  functionVersion?: number;
  /** RoutingConfig.AdditionalVersionWeights (one entry, as AWS allows); null removes routing. */
  routing?: { version: number; weight: number } | null;
  reservedConcurrentExecutions?: number;
  provisionedConcurrentExecutions?: number;
}
export const EFS_MOUNT_FAULT_KINDS = ["efsMountFailure", "efsMountConnectivity", "efsMountTimeout"] as const;
export type EfsMountFaultKind = (typeof EFS_MOUNT_FAULT_KINDS)[number];

/** One explicit API call, replayed exactly. */
export interface PlanCall {
  atUs: number;
  operation: OperationName;
  function: number;
  client: number;
  /** Index into Plan.callers, or -1 (V8). */
  caller?: number;
  config?: PlanConfigChange;
  params?: PlanCallParams;
  /** For Invoke; absent: RequestResponse. */
  invocationType?: InvocationTypeName;
}

export interface Plan {
  name: string;
  /** The question the scenario answers (its header comment or `description`). */
  description: string;
  /** Source file, for messages. */
  file: string | null;
  seed: number;
  untilUs: number;
  defaults: ModelDefaults;
  account: PlanAccount;
  vpcs: PlanVpc[];
  subnets: PlanSubnet[];
  vpcConfigs: PlanVpcConfig[];
  eniKeys: PlanEniKey[];
  templates: PlanTemplate[];
  functions: PlanFunctions;
  clients: PlanClient[];
  steps: PlanStep[];
  invokeStreams: PlanInvokeStream[];
  /** Trace replays (issue 14); absent or empty: none. */
  replays?: PlanReplay[];
  faults: PlanFault[];
  calls: PlanCall[];
  /** Alias names the scenario uses, indexed by PlanCallParams.alias and alias qualifiers. */
  aliases: string[];
  /** Identities that invoke functions (V8); empty: every call is the account's administrator's. */
  callers: PlanCaller[];
  /** Customer managed KMS keys, by name (V9). */
  kmsKeys: string[];
  fileSystems: PlanFileSystem[];
  /** What Lambda charges (pricing.ts); absent: DEFAULT_PRICING. */
  pricing?: Pricing;
  /** Pass/fail criteria on the report's metrics (src/report/report-metrics.ts); absent or empty: none. */
  thresholds?: PlanThreshold[];
  /** The scenario's warmup: steady-state metrics count from the first sample point at or after it (issue 6). */
  warmupUs?: number;
  /**
   * A live plan (fleet-sim serve): calls and function names are added while
   * it runs, so the partitions build every room a call could need
   * (versions, async queues, concurrency changes, key changes) up front.
   */
  live?: boolean;
}

export const THRESHOLD_OPERATORS = ["<", "<=", ">", ">=", "==", "!="] as const;
export type ThresholdOperator = (typeof THRESHOLD_OPERATORS)[number];

/** A threshold as compiled: `metric op value`, the value in the metric's unit (seconds, ratio, count). */
export interface PlanThreshold {
  /** The expression as the file wrote it, for display. */
  source: string;
  metric: string;
  op: ThresholdOperator;
  value: number;
  /** Checked at every sample point; the first failure stops the run. */
  abortOnFail: boolean;
  /** No abort check at sample points before this simulated time. */
  delayAbortEvalUs: number;
}
