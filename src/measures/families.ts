/**
 * The Prometheus metric families: the one list the live exporter, the
 * Pushgateway, the OpenMetrics file, the README's reference table and the
 * dashboards are all made from. Each family says how to read its series'
 * values from a Sample, so the exposition is a function of simulated state.
 *
 * Naming follows Prometheus practice: one prefix (`fleetsim_`), base units
 * (`_seconds`), `_total` on counters, bounded label values (operations,
 * error codes, states, subnets, VPCs, function templates, and qualifiers:
 * $LATEST, version or one of the scenario's alias names). Every series
 * also carries `run_id` and `scenario` (COMMON_LABELS). Function names are
 * labels only when the user asks (--metrics-function-labels N), on the few
 * families with `byFunction`, and only for the N busiest functions.
 */
import {
  LAST_UPDATE_STATUS_NAMES,
  OPERATION_NAMES,
  Operation,
  STATE_NAMES,
  THROTTLE_CAUSE_NAMES,
  THROTTLE_CAUSE_REASON,
} from "../model/aws-names.js";
import {
  ASYNC_DISPOSITION_NAMES,
  ASYNC_FAILURE_NAMES,
  ASYNC_RETRY_CAUSE_NAMES,
  AsyncFailure,
  ERROR_COUNT,
  Hist,
  SPILLOVER_REASON_NAMES,
  START_TYPE_NAMES,
  TEMPLATE_HIST_INDEX,
  THROTTLE_CAUSE_COUNT,
  WAITER_OUTCOME_NAMES,
} from "../model/observations.js";
import { DEPLOY_PHASE_NAMES } from "../model/deploy-window.js";
import type { Sample } from "../model/run.js";
import { ENI_SAMPLE_STATES, HIST_BUCKET_BOUNDS_US, type SampledHistogram } from "../model/sampling.js";
import {
  API_ERROR_CODE_INDEX,
  API_ERROR_CODES,
  API_SUCCESS_CODES,
  INVOCATION_OUTCOME_CODE,
  INVOCATION_OUTCOMES,
} from "../model/outcomes.js";
import type { MetricsContext } from "./context.js";
import { compare } from "./reading.js";
import { metricByName } from "./report-metrics.js";

export const METRIC_PREFIX = "fleetsim_";
/** Labels on every series, ahead of the family's own. */
export const COMMON_LABELS = ["run_id", "scenario"] as const;
/** The label --metrics-function-labels adds to the families with `byFunction`, after their own. */
export const FUNCTION_LABEL = "function";

export type MetricType = "counter" | "gauge" | "histogram";

interface FamilyBase {
  /** Full name as exposed; a counter's ends in `_total`. */
  name: string;
  help: string;
  /** The family's own labels (COMMON_LABELS come first on every series). */
  labels: readonly string[];
  /** OpenMetrics UNIT, when the name ends in it. */
  unit?: "seconds";
  /** Label values of each series, in the order of `labels`. */
  series: (ctx: MetricsContext) => string[][];
}

export interface ScalarFamily extends FamilyBase {
  type: "counter" | "gauge";
  /** The value of each series, in the order of `series`. */
  values: (s: Sample, ctx: MetricsContext) => number[];
  /** Set on the families that take a `function` label when functions are labelled (ctx.functionLabels > 0). */
  byFunction?: FunctionLabelled;
}

/**
 * How a family reads with a `function` label (last of its labels): its
 * usual series become those of function="other" and take `other`'s
 * values, and the labelled functions' series follow.
 */
export interface FunctionLabelled {
  /** Values of the usual series for the functions without a label of their own. */
  other: (s: Sample, ctx: MetricsContext) => number[];
  /** Series of the labelled functions at this sample: own label values (function last) and values. */
  functions: (s: Sample, ctx: MetricsContext) => { series: string[][]; values: number[] };
}

export interface HistogramFamily extends FamilyBase {
  type: "histogram";
  /** Bucket upper bounds, in seconds (the +Inf bucket is the count). */
  boundsS: readonly number[];
  /** The histogram of each series (µs), in the order of `series`. */
  histograms: (s: Sample, ctx: MetricsContext) => SampledHistogram[];
}

export type MetricFamily = ScalarFamily | HistogramFamily;

const one = (): string[][] => [[]];
const names = (list: readonly string[]) => (): string[][] => list.map((n) => [n]);
const boundsS = (h: number) => HIST_BUCKET_BOUNDS_US[h].map((us) => us / 1e6);

/** Operation outcomes: success, or one of the AWS error codes an API call can fail with. */
const API_OUTCOMES: readonly { outcome: string; errorCode: string; codes: readonly number[] }[] = [
  // HTTP 200: for Invoke, also invocations whose function errored or timed out.
  { outcome: "success", errorCode: "none", codes: API_SUCCESS_CODES },
  ...API_ERROR_CODES.map((code, k) => ({
    outcome: "error",
    errorCode: code,
    codes: [API_ERROR_CODE_INDEX[k]],
  })),
];

const MIB = 1_048_576;
const fileSystemSeries = (ctx: MetricsContext): string[][] => ctx.fileSystems.map((f) => [f.id]);

const CONTROL_PLANE_OPERATIONS = OPERATION_NAMES.filter((op) => op !== "Invoke");

/** Each of `first`'s label-value lists crossed with each template: the series order of templated families. */
const byTemplate =
  (first: readonly (readonly string[])[]) =>
  (ctx: MetricsContext): string[][] =>
    first.flatMap((v) => ctx.templates.map((t) => [...v, t]));
/** Values of `byTemplate` series: `read(i, t)` of each first-list entry i and template t. */
const perTemplate = (
  count: number,
  ctx: MetricsContext,
  read: (i: number, t: number) => number,
): number[] => {
  const out: number[] = [];
  for (let i = 0; i < count; i++) for (let t = 0; t < ctx.templates.length; t++) out.push(read(i, t));
  return out;
};
/** The sample's labelled functions: `byFunction` is only read with function labels on, when every sample has them. */
const labelled = (s: Sample) => {
  if (s.functions === null)
    throw new Error("a sample without labelled functions, but function labels are on");
  return s.functions;
};
/** A templated histogram of each template, by TEMPLATE_HISTS position of `h`. */
const templateHistograms = (s: Sample, h: number, templates: number) =>
  Array.from({ length: templates }, (_, t) => s.templateHistograms[TEMPLATE_HIST_INDEX[h] * templates + t]);
const INVOCATION_OUTCOME_LIST = INVOCATION_OUTCOMES.map((o) => [o]);
const STATE_LIST = STATE_NAMES.map((st) => [st]);
const STATE_COUNT = STATE_NAMES.length;

/** The ApiError code of each of INVOCATION_OUTCOMES, in order. */
const OUTCOME_CODE = INVOCATION_OUTCOMES.map((o) => INVOCATION_OUTCOME_CODE[o]);

/** Fates of asynchronous events: succeeded, or never processed (where to, why). */
const ASYNC_FATES: readonly { fate: string; reason: string; index: number }[] = [
  { fate: "succeeded", reason: "none", index: -1 },
  ...ASYNC_FAILURE_NAMES.flatMap((reason, r) =>
    ASYNC_DISPOSITION_NAMES.map((fate, d) => ({
      fate,
      reason,
      index: r * ASYNC_DISPOSITION_NAMES.length + d,
    })),
  ),
];

const subnetSeries = (ctx: MetricsContext) => ctx.subnets.map((s) => [s.id, s.vpc]);
const vpcSeries = (ctx: MetricsContext) => ctx.vpcs.map((v) => [v.id]);
const ENI_STATES = ENI_SAMPLE_STATES.length;

export const FAMILIES: readonly MetricFamily[] = [
  // ---- The run --------------------------------------------------------------------------------------
  {
    name: "fleetsim_run_info",
    type: "gauge",
    help: "Always 1; labels say which seed and simulator version made the run.",
    labels: ["seed", "version"],
    series: (ctx) => [[String(ctx.seed), ctx.version]],
    values: () => [1],
  },
  {
    name: "fleetsim_simulated_time_seconds",
    type: "gauge",
    help: "Simulated time the run has reached.",
    labels: [],
    unit: "seconds",
    series: one,
    values: (s) => [s.timeUs / 1e6],
  },
  {
    name: "fleetsim_run_until_seconds",
    type: "gauge",
    help: "Simulated time the run stops at (the scenario's duration, or --until).",
    labels: [],
    unit: "seconds",
    series: one,
    values: (_s, ctx) => [ctx.untilUs / 1e6],
  },
  {
    name: "fleetsim_events_processed_total",
    type: "counter",
    help: "Simulation events processed (partitions and coordinator).",
    labels: [],
    series: one,
    values: (s) => [s.events],
  },
  // ---- Functions ------------------------------------------------------------------------------------
  {
    name: "fleetsim_functions",
    type: "gauge",
    help: "Functions by State (Pending, Active, Inactive, Failed) and function template. With --metrics-function-labels, also by function: each labelled function has 1 on the State it is in and 0 on the others, and the other functions count under function=other.",
    labels: ["state", "template"],
    series: byTemplate(STATE_LIST),
    values: (s, ctx) => perTemplate(STATE_COUNT, ctx, (st, t) => s.statesByTemplate[t * STATE_COUNT + st]),
    byFunction: {
      other: (s, ctx) =>
        perTemplate(STATE_COUNT, ctx, (st, t) => labelled(s).otherStates[t * STATE_COUNT + st]),
      functions: (s, ctx) => {
        const f = labelled(s);
        return {
          series: f.names.flatMap((name, i) =>
            STATE_NAMES.map((st) => [st, ctx.templates[f.templates[i]], name]),
          ),
          values: f.states.flatMap((state) => STATE_NAMES.map((_, st) => (state === st ? 1 : 0))),
        };
      },
    },
  },
  {
    name: "fleetsim_functions_last_update_status",
    type: "gauge",
    help: "Functions by LastUpdateStatus (None: never updated, InProgress, Successful, Failed).",
    labels: ["last_update_status"],
    series: names(LAST_UPDATE_STATUS_NAMES),
    values: (s) => [...s.lastUpdateStatus],
  },
  {
    name: "fleetsim_functions_created_total",
    type: "counter",
    help: "Functions created by a successful CreateFunction.",
    labels: [],
    series: one,
    values: (s) => [s.counters.created],
  },
  {
    name: "fleetsim_functions_deleted_total",
    type: "counter",
    help: "Functions deleted by a successful DeleteFunction.",
    labels: [],
    series: one,
    values: (s) => [s.counters.deleted],
  },
  {
    name: "fleetsim_versions_published_total",
    type: "counter",
    help: "Versions published by a successful PublishVersion.",
    labels: [],
    series: one,
    values: (s) => [s.counters.versionsPublished],
  },
  // ---- API ------------------------------------------------------------------------------------------
  {
    name: "fleetsim_api_requests_total",
    type: "counter",
    help: "Lambda API requests answered, each attempt of a retried call counted, by operation, outcome (success or error) and AWS error code (none on success; an Invoke whose function errored or timed out, or an asynchronous one answered 202, is a success here).",
    labels: ["operation", "outcome", "error_code"],
    series: () => OPERATION_NAMES.flatMap((op) => API_OUTCOMES.map((o) => [op, o.outcome, o.errorCode])),
    values: (s) =>
      OPERATION_NAMES.flatMap((_, op) =>
        API_OUTCOMES.map((o) => o.codes.reduce((n, code) => n + s.counters.api[op * ERROR_COUNT + code], 0)),
      ),
  },
  {
    name: "fleetsim_control_plane_throttles_total",
    type: "counter",
    help: "Control-plane requests refused by the account's rate limits (TooManyRequestsException, Reason CallerRateLimitExceeded), by operation.",
    labels: ["operation"],
    series: names(CONTROL_PLANE_OPERATIONS),
    values: (s) => CONTROL_PLANE_OPERATIONS.map((op) => s.counters.apiThrottles[Operation[op]]),
  },
  // ---- Invocations ----------------------------------------------------------------------------------
  {
    name: "fleetsim_invocation_requests_total",
    type: "counter",
    help: "Invocation requests received (stream traffic, clients' Invoke calls, and the async poller's attempts).",
    labels: [],
    series: one,
    values: (s) => [s.counters.invocationRequests],
  },
  {
    name: "fleetsim_invocations_total",
    type: "counter",
    help: "Invocations by outcome (success, functionError, timeout, throttled, or the AWS error that refused them) and function template. With --metrics-function-labels, also by function: each labelled (busiest) function's own since it got its label, the rest under function=other.",
    labels: ["outcome", "template"],
    series: byTemplate(INVOCATION_OUTCOME_LIST),
    values: (s, ctx) =>
      perTemplate(
        INVOCATION_OUTCOMES.length,
        ctx,
        (o, t) => s.counters.invocationsByTemplate[t * ERROR_COUNT + OUTCOME_CODE[o]],
      ),
    byFunction: {
      other: (s, ctx) =>
        perTemplate(
          INVOCATION_OUTCOMES.length,
          ctx,
          (o, t) => labelled(s).otherInvocations[t * ERROR_COUNT + OUTCOME_CODE[o]],
        ),
      functions: (s, ctx) => {
        const f = labelled(s);
        return {
          series: f.names.flatMap((name, i) =>
            INVOCATION_OUTCOMES.map((o) => [o, ctx.templates[f.templates[i]], name]),
          ),
          values: f.names.flatMap((_, i) =>
            OUTCOME_CODE.map((code) => f.invocations[i * ERROR_COUNT + code]),
          ),
        };
      },
    },
  },
  {
    name: "fleetsim_invocation_starts_total",
    type: "counter",
    help: "Invocations that started, by start type (cold: a new execution environment; warm: a reused one) and function template.",
    labels: ["start_type", "template"],
    series: byTemplate(START_TYPE_NAMES.map((n) => [n])),
    values: (s, ctx) =>
      perTemplate(
        START_TYPE_NAMES.length,
        ctx,
        (j, t) => s.counters.startsByTemplate[t * START_TYPE_NAMES.length + j],
      ),
  },
  {
    name: "fleetsim_invocation_throttles_total",
    type: "counter",
    help: "Throttled invocations by cause, with the TooManyRequestsException Reason the caller reads, and function template.",
    labels: ["cause", "reason", "template"],
    series: byTemplate(THROTTLE_CAUSE_NAMES.map((c, i) => [c, THROTTLE_CAUSE_REASON[i]])),
    values: (s, ctx) =>
      perTemplate(
        THROTTLE_CAUSE_COUNT,
        ctx,
        (c, t) => s.counters.throttlesByTemplate[t * THROTTLE_CAUSE_COUNT + c],
      ),
  },
  {
    name: "fleetsim_invocations_by_qualifier_total",
    type: "counter",
    help: "Invocations by the qualifier the request named ($LATEST: none or $LATEST; version: any version number; or the alias name) and outcome, as fleetsim_invocations_total has it (summed over qualifiers, the same totals).",
    labels: ["qualifier", "outcome"],
    series: (ctx) => ctx.qualifiers.flatMap((q) => INVOCATION_OUTCOMES.map((o) => [q, o])),
    values: (s, ctx) =>
      ctx.qualifiers.flatMap((_, slot) =>
        OUTCOME_CODE.map((code) => s.counters.invocationsByQualifier[slot * ERROR_COUNT + code]),
      ),
  },
  {
    name: "fleetsim_invocation_starts_by_deploy_phase_total",
    type: "counter",
    help: "Invocations that started, by start type (cold, warm) and deploy phase: before, during or after the deploy window (from the scenario's first UpdateFunctionCode or UpdateAlias to the settling time after its last). Only for scenarios that deploy.",
    labels: ["phase", "start_type"],
    series: (ctx) =>
      ctx.deploys ? DEPLOY_PHASE_NAMES.flatMap((ph) => START_TYPE_NAMES.map((st) => [ph, st])) : [],
    values: (s, ctx) => (ctx.deploys ? [...s.counters.startsByDeployPhase] : []),
  },
  // ---- Provisioned concurrency (V2, V5) -------------------------------------------------------------
  {
    name: "fleetsim_provisioned_concurrency_invocations_total",
    type: "counter",
    help: "Invocations run on provisioned environments (CloudWatch's ProvisionedConcurrencyInvocations).",
    labels: [],
    series: one,
    values: (s) => [s.counters.provisionedInvocations],
  },
  {
    name: "fleetsim_provisioned_concurrency_spillover_invocations_total",
    type: "counter",
    help: "Invocations of a version or alias with provisioned concurrency run on demand because no provisioned environment could take them (CloudWatch's ProvisionedConcurrencySpilloverInvocations).",
    labels: [],
    series: one,
    values: (s) => [s.counters.spilloverInvocations],
  },
  {
    name: "fleetsim_provisioned_concurrency_spillovers_total",
    type: "counter",
    help: "Requests to a version or alias with provisioned concurrency that found no provisioned environment to run on, by reason: allBusy (every environment busy) or requestRate (their request rate spent). They run on demand (the spillover invocations), or are throttled with cause provisionedRequestRate when no on-demand concurrency is left.",
    labels: ["reason"],
    series: names(SPILLOVER_REASON_NAMES),
    values: (s) => [...s.counters.spillovers],
  },
  // ---- Clients --------------------------------------------------------------------------------------
  {
    name: "fleetsim_client_retries_total",
    type: "counter",
    help: "Client retries after a retryable error (SDK standard retry policy).",
    labels: [],
    series: one,
    values: (s) => [s.counters.clientRetries],
  },
  {
    name: "fleetsim_client_calls_given_up_total",
    type: "counter",
    help: "Client calls abandoned after their last attempt failed with a retryable error.",
    labels: [],
    series: one,
    values: (s) => [s.counters.clientGaveUp],
  },
  {
    name: "fleetsim_waiters_total",
    type: "counter",
    help: "SDK waiters by what happened: started, then succeeded, failed or timedOut.",
    labels: ["outcome"],
    series: names(WAITER_OUTCOME_NAMES),
    values: (s) => [...s.counters.waiters],
  },
  // ---- Durations ------------------------------------------------------------------------------------
  {
    name: "fleetsim_pending_duration_seconds",
    type: "histogram",
    help: "Time functions spent in Pending, by StateReasonCode (Creating: after CreateFunction; Restoring: waking an Inactive function) and function template.",
    labels: ["reason_code", "template"],
    unit: "seconds",
    boundsS: boundsS(Hist.PendingCreate),
    series: byTemplate([["Creating"], ["Restoring"]]),
    histograms: (s, ctx) => [
      ...templateHistograms(s, Hist.PendingCreate, ctx.templates.length),
      ...templateHistograms(s, Hist.PendingRestore, ctx.templates.length),
    ],
  },
  {
    name: "fleetsim_update_in_progress_duration_seconds",
    type: "histogram",
    help: "Time updates spent with LastUpdateStatus InProgress.",
    labels: [],
    unit: "seconds",
    boundsS: boundsS(Hist.UpdateInProgress),
    series: one,
    histograms: (s) => [s.histograms[Hist.UpdateInProgress]],
  },
  {
    name: "fleetsim_client_create_to_active_seconds",
    type: "histogram",
    help: "Time from a client's CreateFunction to its waiter seeing the function Active.",
    labels: [],
    unit: "seconds",
    boundsS: boundsS(Hist.CreateToActiveClient),
    series: one,
    histograms: (s) => [s.histograms[Hist.CreateToActiveClient]],
  },
  {
    name: "fleetsim_invocation_latency_seconds",
    type: "histogram",
    help: "Time from an invocation's arrival to its end, init duration included, by function template.",
    labels: ["template"],
    unit: "seconds",
    boundsS: boundsS(Hist.InvocationLatency),
    series: (ctx) => ctx.templates.map((t) => [t]),
    histograms: (s, ctx) => templateHistograms(s, Hist.InvocationLatency, ctx.templates.length),
  },
  {
    name: "fleetsim_init_duration_seconds",
    type: "histogram",
    help: "Init duration of cold starts.",
    labels: [],
    unit: "seconds",
    boundsS: boundsS(Hist.InitDuration),
    series: one,
    histograms: (s) => [s.histograms[Hist.InitDuration]],
  },
  {
    name: "fleetsim_provisioned_first_invoke_latency_seconds",
    type: "histogram",
    help: "Extra latency of the first invocation on a provisioned environment (JIT runtimes' lazy loading; more at low memory).",
    labels: [],
    unit: "seconds",
    boundsS: boundsS(Hist.FirstInvokeLatency),
    series: one,
    histograms: (s) => [s.histograms[Hist.FirstInvokeLatency]],
  },
  // ---- Asynchronous invocation (V6, V7) ----------------------------------------------------------------
  {
    name: "fleetsim_async_events_accepted_total",
    type: "counter",
    help: "Asynchronous events accepted into a function's queue: Invoke calls with InvocationType Event answered 202, and self-triggered invocations (V7).",
    labels: [],
    series: one,
    values: (s) => [s.counters.asyncAccepted],
  },
  {
    name: "fleetsim_async_event_fates_total",
    type: "counter",
    help: "Asynchronous events by fate: succeeded, or never processed and sent to an on-failure destination, the dead-letter queue, or dropped, with the reason (maximumEventAge, retriesExhausted, recursiveLoop, rejected).",
    labels: ["fate", "reason"],
    series: () => ASYNC_FATES.map((x) => [x.fate, x.reason]),
    values: (s) =>
      ASYNC_FATES.map((x) => (x.index < 0 ? s.counters.asyncSucceeded : s.counters.asyncFailures[x.index])),
  },
  {
    name: "fleetsim_async_retries_total",
    type: "counter",
    help: "Asynchronous events sent back to the queue for another attempt, by cause (throttled, systemError, functionError).",
    labels: ["cause"],
    series: names(ASYNC_RETRY_CAUSE_NAMES),
    values: (s) => [...s.counters.asyncRetries],
  },
  {
    name: "fleetsim_recursive_loop_stops_total",
    type: "counter",
    help: "Invocation chains Lambda stopped as recursive loops after 16 invocations (RecursiveInvocationException).",
    labels: [],
    series: one,
    values: (s) => [
      ASYNC_DISPOSITION_NAMES.reduce(
        (n, _d, d) =>
          n + s.counters.asyncFailures[AsyncFailure.RecursiveLoop * ASYNC_DISPOSITION_NAMES.length + d],
        0,
      ),
    ],
  },
  {
    name: "fleetsim_async_queue_depth",
    type: "gauge",
    help: "Asynchronous events waiting in the functions' queues, for a first attempt or a retry.",
    labels: [],
    series: one,
    values: (s) => [s.asyncQueueDepth],
  },
  {
    name: "fleetsim_async_oldest_event_age_seconds",
    type: "gauge",
    help: "Age of the oldest asynchronous event waiting in a queue (0 when none).",
    labels: [],
    unit: "seconds",
    series: one,
    values: (s) => [s.asyncOldestEventAgeUs / 1e6],
  },
  {
    name: "fleetsim_async_event_age_seconds",
    type: "histogram",
    help: "Age of asynchronous events when the poller takes them for an attempt (time since they were queued).",
    labels: [],
    unit: "seconds",
    boundsS: boundsS(Hist.AsyncEventAge),
    series: one,
    histograms: (s) => [s.histograms[Hist.AsyncEventAge]],
  },
  // ---- Concurrency ----------------------------------------------------------------------------------
  {
    name: "fleetsim_concurrency_in_use",
    type: "gauge",
    help: "Concurrent executions in use, by pool: unreserved (the account's shared pool) or reserved.",
    labels: ["pool"],
    series: names(["unreserved", "reserved"]),
    values: (s) => [s.shared.unreservedInFlight, s.concurrency - s.shared.unreservedInFlight],
  },
  {
    name: "fleetsim_provisioned_concurrency_in_use",
    type: "gauge",
    help: "Provisioned environments running a request (V2). Their concurrency was set aside when they were allocated, so fleetsim_concurrency_in_use does not count them.",
    labels: [],
    series: one,
    values: (s) => [s.provisionedInUse],
  },
  {
    name: "fleetsim_provisioned_concurrency_allocated",
    type: "gauge",
    help: "Provisioned environments initialised (AWS's AllocatedProvisionedConcurrentExecutions, summed over configurations).",
    labels: [],
    series: one,
    values: (s) => [s.provisionedAllocated],
  },
  {
    name: "fleetsim_concurrency_limit",
    type: "gauge",
    help: "The account's concurrency limit.",
    labels: [],
    series: one,
    values: (_s, ctx) => [ctx.concurrencyLimit],
  },
  {
    name: "fleetsim_concurrency_unreserved_pool",
    type: "gauge",
    help: "Concurrency left to functions without reserved concurrency (the limit less all reservations).",
    labels: [],
    series: one,
    values: (s) => [s.shared.unreservedPool],
  },
  {
    name: "fleetsim_concurrency_peak",
    type: "gauge",
    help: "Highest concurrency in use since the start of the run.",
    labels: [],
    series: one,
    values: (s) => [s.shared.peakConcurrency],
  },
  // ---- Subnets and ENIs -----------------------------------------------------------------------------
  {
    name: "fleetsim_subnet_capacity_ips",
    type: "gauge",
    help: "Usable IP addresses of the subnet.",
    labels: ["subnet", "vpc"],
    series: subnetSeries,
    values: (_s, ctx) => ctx.subnets.map((x) => x.capacityIps),
  },
  {
    name: "fleetsim_subnet_used_ips",
    type: "gauge",
    help: "IP addresses of the subnet held by the simulated functions' Hyperplane ENIs.",
    labels: ["subnet", "vpc"],
    series: subnetSeries,
    values: (s) => [...s.subnetUsedIps],
  },
  {
    name: "fleetsim_subnet_others_ips",
    type: "gauge",
    help: "IP addresses of the subnet taken by other resources (including an exhaustion fault).",
    labels: ["subnet", "vpc"],
    series: subnetSeries,
    values: (s) => [...s.shared.subnetOthersIps],
  },
  {
    name: "fleetsim_subnet_free_ips",
    type: "gauge",
    help: "Free IP addresses of the subnet: capacity less ours and others'.",
    labels: ["subnet", "vpc"],
    series: subnetSeries,
    values: (s, ctx) =>
      ctx.subnets.map((x, i) => x.capacityIps - s.subnetUsedIps[i] - s.shared.subnetOthersIps[i]),
  },
  {
    name: "fleetsim_subnet_peak_used_ips",
    type: "gauge",
    help: "Highest number of the subnet's IP addresses held by our ENIs since the start of the run.",
    labels: ["subnet", "vpc"],
    series: subnetSeries,
    values: (s) => [...s.shared.subnetPeakUsedIps],
  },
  {
    name: "fleetsim_enis",
    type: "gauge",
    help: "Hyperplane ENIs of the simulated functions by subnet and state: creating, in_use (claimed by functions), idle (unclaimed, awaiting deletion), failed (creation failed).",
    labels: ["subnet", "vpc", "state"],
    series: (ctx) => ctx.subnets.flatMap((x) => ENI_SAMPLE_STATES.map((st) => [x.id, x.vpc, st])),
    values: (s, ctx) =>
      ctx.subnets.flatMap((_, i) =>
        ENI_SAMPLE_STATES.map((_st, j) => s.shared.enisByState[i * ENI_STATES + j]),
      ),
  },
  {
    name: "fleetsim_eni_creations_total",
    type: "counter",
    help: "Hyperplane ENI creations started in the subnet.",
    labels: ["subnet", "vpc"],
    series: subnetSeries,
    values: (s) => [...s.shared.enisCreated],
  },
  {
    name: "fleetsim_eni_creation_failures_total",
    type: "counter",
    help: "Hyperplane ENI creations in the subnet that failed (no free IP, the VPC's ENI quota, or an injected fault).",
    labels: ["subnet", "vpc"],
    series: subnetSeries,
    values: (s) => [...s.shared.enisFailed],
  },
  {
    name: "fleetsim_eni_deletions_total",
    type: "counter",
    help: "Unused Hyperplane ENIs deleted in the subnet (which frees their IP addresses).",
    labels: ["subnet", "vpc"],
    series: subnetSeries,
    values: (s) => [...s.shared.enisDeleted],
  },
  {
    name: "fleetsim_vpc_enis",
    type: "gauge",
    help: "Hyperplane ENIs of the simulated functions counted against the VPC's network-interface quota.",
    labels: ["vpc"],
    series: vpcSeries,
    values: (s) => [...s.shared.vpcEnis],
  },
  {
    name: "fleetsim_vpc_peak_enis",
    type: "gauge",
    help: "Highest number of our ENIs in the VPC since the start of the run.",
    labels: ["vpc"],
    series: vpcSeries,
    values: (s) => [...s.shared.vpcPeakEnis],
  },
  {
    name: "fleetsim_vpc_eni_quota",
    type: "gauge",
    help: "Network interfaces per VPC quota.",
    labels: ["vpc"],
    series: vpcSeries,
    values: (_s, ctx) => ctx.vpcs.map((v) => v.eniQuota),
  },
  {
    name: "fleetsim_vpc_enis_used_by_others",
    type: "gauge",
    help: "Part of the VPC's network-interface quota other resources use.",
    labels: ["vpc"],
    series: vpcSeries,
    values: (_s, ctx) => ctx.vpcs.map((v) => v.enisUsedByOthers),
  },
  // ---- EFS file systems (V10) -----------------------------------------------------------------------
  {
    name: "fleetsim_efs_burst_credit_balance_bytes",
    type: "gauge",
    help: "Burst credit balance of an EFS file system (out of credits it serves only its baseline throughput).",
    labels: ["file_system"],
    series: fileSystemSeries,
    values: (s) => s.shared.efsCreditsMiB.map((c) => c * MIB),
  },
  {
    name: "fleetsim_efs_throughput_demand_bytes_per_second",
    type: "gauge",
    help: "IO throughput the running invocations of the functions mounting an EFS file system ask of it.",
    labels: ["file_system"],
    series: fileSystemSeries,
    values: (s) => s.shared.efsDemandMiBps.map((d) => d * MIB),
  },
  {
    name: "fleetsim_efs_baseline_throughput_bytes_per_second",
    type: "gauge",
    help: "Baseline throughput of an EFS file system: what it serves once its burst credits are spent.",
    labels: ["file_system"],
    series: fileSystemSeries,
    values: (_s, ctx) => ctx.fileSystems.map((f) => f.baselineMiBps * MIB),
  },
  {
    name: "fleetsim_efs_invocations_in_flight",
    type: "gauge",
    help: "Invocations running on functions that mount an EFS file system, across all partitions.",
    labels: ["file_system"],
    series: fileSystemSeries,
    values: (s) => [...s.shared.efsInFlight],
  },
  // ---- thresholds (docs/thresholds.md) ---------------------------------------------------------------
  {
    name: "fleetsim_threshold_ok",
    type: "gauge",
    help: "1 while a threshold of the scenario holds at the sample point, 0 while it fails (percentiles estimated from the sampled buckets).",
    labels: ["threshold"],
    series: (ctx) => ctx.thresholds.map((t) => [t.source]),
    values: (s, ctx) => {
      const limits = {
        concurrencyLimit: ctx.concurrencyLimit,
        subnetCapacityIps: ctx.subnets.map((x) => x.capacityIps),
      };
      return ctx.thresholds.map((t) =>
        compare(metricByName(t.metric)!.fromSample!(s, limits), t.op, t.value) ? 1 : 0,
      );
    },
  },
];

/** A family by name; throws for an unknown one (dashboards name families through this). */
export function family(name: string): MetricFamily {
  const f = FAMILIES.find((x) => x.name === name);
  if (f === undefined) throw new Error(`no metric family ${name}`);
  return f;
}

/** The OpenMetrics MetricFamily name: a counter's without its `_total`. */
export function familyBaseName(f: MetricFamily): string {
  return f.type === "counter" ? f.name.replace(/_total$/, "") : f.name;
}
