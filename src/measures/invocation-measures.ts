/** Measures of invocations: requests, outcomes, cold and warm starts, throttles, qualifiers, provisioned concurrency. */
import { ApiError, THROTTLE_CAUSE_NAMES, THROTTLE_CAUSE_REASON } from "../model/aws-names.js";
import { DEPLOY_PHASE_NAMES } from "../model/deploy-window.js";
import {
  ERROR_COUNT,
  SPILLOVER_REASON_NAMES,
  START_TYPE_NAMES,
  THROTTLE_CAUSE_COUNT,
} from "../model/observations.js";
import {
  INVOCATION_OUTCOME_CODE,
  INVOCATION_OUTCOMES,
  type InvocationOutcomeName,
} from "../model/outcomes.js";
import type { Sample } from "../model/run.js";
import { byTemplate, labelled, names, one, perTemplate, ratio, snakeCase } from "./label-series.js";
import { type Measure, namedMetric, type ReportMetric, scalarMeasure } from "./measure.js";
import type { Report } from "./report-shape.js";

/** The ApiError code of each of INVOCATION_OUTCOMES, in order. */
const OUTCOME_CODE = INVOCATION_OUTCOMES.map((o) => INVOCATION_OUTCOME_CODE[o]);
const INVOCATION_OUTCOME_LIST = INVOCATION_OUTCOMES.map((o) => [o]);

/** Invocations counted under ApiError `code`, over all templates. */
function sampledOutcome(s: Sample, code: number): number {
  const a = s.counters.invocationsByTemplate;
  let n = 0;
  for (let i = code; i < a.length; i += ERROR_COUNT) n += a[i];
  return n;
}
const reportAnswered = (r: Report) => INVOCATION_OUTCOMES.reduce((n, o) => n + r.invocations.outcomes[o], 0);
const sampleAnswered = (s: Sample) => OUTCOME_CODE.reduce((n, code) => n + sampledOutcome(s, code), 0);

/** Our words in snake_case, AWS's error codes as they are. */
const outcomeMetricName = (o: InvocationOutcomeName) => (/^[a-z]/.test(o) ? snakeCase(o) : o);

const outcomeNamed = (): ReportMetric[] => [
  namedMetric({
    name: "invocations.answered",
    unit: "count",
    description: "Invocations with an outcome (the sum of invocations.outcomes.*).",
    fromReport: reportAnswered,
    fromSample: sampleAnswered,
  }),
  namedMetric({
    name: "invocations.success",
    unit: "count",
    description: "Invocations that succeeded.",
    fromReport: (r) => r.invocations.outcomes.success,
    fromSample: (s) => sampledOutcome(s, ApiError.None),
  }),
  namedMetric({
    name: "invocations.failure_rate",
    unit: "ratio",
    description: "Answered invocations that did not succeed, of all answered (0 when none).",
    fromReport: (r) => ratio(reportAnswered(r) - r.invocations.outcomes.success, reportAnswered(r)),
    fromSample: (s) => ratio(sampleAnswered(s) - sampledOutcome(s, ApiError.None), sampleAnswered(s)),
  }),
  namedMetric({
    name: "invocations.throttle_rate",
    unit: "ratio",
    description: "Answered invocations throttled (TooManyRequestsException), of all answered.",
    fromReport: (r) => ratio(r.invocations.outcomes.throttled, reportAnswered(r)),
    fromSample: (s) => ratio(sampledOutcome(s, ApiError.TooManyRequestsException), sampleAnswered(s)),
  }),
  ...INVOCATION_OUTCOMES.map((o, k): ReportMetric => ({
    name: `invocations.outcomes.${outcomeMetricName(o)}`,
    family: "invocations.outcomes.<outcome>",
    unit: "count",
    description: "Invocations with this outcome.",
    fromReport: (r) => r.invocations.outcomes[o],
    fromSample: (s) => sampledOutcome(s, OUTCOME_CODE[k]),
  })),
];

const pc = (r: Report) => r.invocations.provisioned;

export const INVOCATION_MEASURES: readonly Measure[] = [
  scalarMeasure({
    family: "fleetsim_invocation_requests_total",
    type: "counter",
    help: "Invocation requests received (stream traffic, clients' Invoke calls, and the async poller's attempts).",
    name: "invocations.requests",
    unit: "count",
    description: "Invoke requests made by clients (each retry counted).",
    fromReport: (r) => r.invocations.requests,
    fromSample: (s) => s.counters.invocationRequests,
  }),
  {
    family: {
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
    named: outcomeNamed(),
  },
  {
    family: {
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
    named: [
      namedMetric({
        name: "invocations.cold_starts",
        unit: "count",
        description: "Invocations that started a new execution environment.",
        fromReport: (r) => r.invocations.coldStarts,
        fromSample: (s) => s.counters.coldStarts,
      }),
      namedMetric({
        name: "invocations.cold_start_ratio",
        unit: "ratio",
        description: "Cold starts of all started invocations.",
        fromReport: (r) => r.invocations.coldStartRatio,
        fromSample: (s) => ratio(s.counters.coldStarts, s.counters.coldStarts + s.counters.warmStarts),
      }),
    ],
  },
  {
    family: {
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
    named: THROTTLE_CAUSE_NAMES.map((cause, i): ReportMetric => ({
      name: `invocations.throttles.${snakeCase(cause)}`,
      family: "invocations.throttles.<cause>",
      unit: "count",
      description: "Throttled invocations by cause.",
      fromReport: (r) => r.invocations.throttlesByCause[cause],
      fromSample: (s) => s.counters.throttles[i],
    })),
  },
  {
    family: {
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
  },
  {
    family: {
      name: "fleetsim_invocation_starts_by_deploy_phase_total",
      type: "counter",
      help: "Invocations that started, by start type (cold, warm) and deploy phase: before, during or after the deploy window (from the scenario's first UpdateFunctionCode or UpdateAlias to the settling time after its last). Only for scenarios that deploy.",
      labels: ["phase", "start_type"],
      series: (ctx) =>
        ctx.deploys ? DEPLOY_PHASE_NAMES.flatMap((ph) => START_TYPE_NAMES.map((st) => [ph, st])) : [],
      values: (s, ctx) => (ctx.deploys ? [...s.counters.startsByDeployPhase] : []),
    },
  },
  {
    named: [
      namedMetric({
        name: "invocations.open_at_end",
        unit: "count",
        description: "Invocations still in flight when the run ended.",
        fromReport: (r) => r.invocations.openAtEnd,
      }),
    ],
  },
  // Provisioned concurrency (V2, V5)
  scalarMeasure({
    family: "fleetsim_provisioned_concurrency_invocations_total",
    type: "counter",
    help: "Invocations run on provisioned environments (CloudWatch's ProvisionedConcurrencyInvocations).",
    name: "invocations.provisioned.invocations",
    unit: "count",
    description: "Requests run on provisioned environments (ProvisionedConcurrencyInvocations).",
    fromReport: (r) => pc(r).invocations,
    fromSample: (s) => s.counters.provisionedInvocations,
  }),
  {
    family: {
      name: "fleetsim_provisioned_concurrency_spillover_invocations_total",
      type: "counter",
      help: "Invocations of a version or alias with provisioned concurrency run on demand because no provisioned environment could take them (CloudWatch's ProvisionedConcurrencySpilloverInvocations).",
      labels: [],
      series: one,
      values: (s) => [s.counters.spilloverInvocations],
    },
    named: [
      namedMetric({
        name: "invocations.provisioned.spillover_invocations",
        unit: "count",
        description: "Requests to a version with provisioned concurrency run on demand.",
        fromReport: (r) => pc(r).spilloverInvocations,
        fromSample: (s) => s.counters.spilloverInvocations,
      }),
      namedMetric({
        name: "invocations.provisioned.spillover_ratio",
        unit: "ratio",
        description: "Spillover invocations of all invocations of versions with provisioned concurrency.",
        fromReport: (r) => ratio(pc(r).spilloverInvocations, pc(r).invocations + pc(r).spilloverInvocations),
        fromSample: (s) =>
          ratio(
            s.counters.spilloverInvocations,
            s.counters.provisionedInvocations + s.counters.spilloverInvocations,
          ),
      }),
    ],
  },
  {
    family: {
      name: "fleetsim_provisioned_concurrency_spillovers_total",
      type: "counter",
      help: "Requests to a version or alias with provisioned concurrency that found no provisioned environment to run on, by reason: allBusy (every environment busy) or requestRate (their request rate spent). They run on demand (the spillover invocations), or are throttled with cause provisionedRequestRate when no on-demand concurrency is left.",
      labels: ["reason"],
      series: names(SPILLOVER_REASON_NAMES),
      values: (s) => [...s.counters.spillovers],
    },
  },
];
