/** Measures of the Lambda API: requests answered by operation and outcome, control-plane throttles. */
import { OPERATION_NAMES, Operation } from "../model/aws-names.js";
import { ERROR_COUNT } from "../model/observations.js";
import { API_ERROR_CODE_INDEX, API_ERROR_CODES, API_SUCCESS_CODES } from "../model/outcomes.js";
import type { Sample } from "../model/run.js";
import { names } from "./label-series.js";
import type { Measure, ReportMetric } from "./measure.js";

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

const CONTROL_PLANE_OPERATIONS = OPERATION_NAMES.filter((op) => op !== "Invoke");

/** Requests of operation `op` answered with ApiError `code`, cumulative. */
const row = (s: Sample, op: number, code: number) => s.counters.api[op * ERROR_COUNT + code];
const okOf = (s: Sample, op: number) => API_SUCCESS_CODES.reduce((n, c) => n + row(s, op, c), 0);

function apiNamed(): ReportMetric[] {
  const m: ReportMetric[] = [];
  OPERATION_NAMES.forEach((op, i) => {
    m.push(
      {
        name: `api.${op}.requests`,
        family: "api.<Operation>.requests",
        unit: "count",
        description: "Answered calls of the operation, each attempt counted.",
        fromReport: (r) => r.api[op].requests,
        fromSample: (s) => API_ERROR_CODE_INDEX.reduce((n, c) => n + row(s, i, c), okOf(s, i)),
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
        fromSample: (s) => row(s, i, API_ERROR_CODE_INDEX[k]),
      });
    });
  });
  return m;
}

export const API_MEASURES: readonly Measure[] = [
  {
    family: {
      name: "fleetsim_api_requests_total",
      type: "counter",
      help: "Lambda API requests answered, each attempt of a retried call counted, by operation, outcome (success or error) and AWS error code (none on success; an Invoke whose function errored or timed out, or an asynchronous one answered 202, is a success here).",
      labels: ["operation", "outcome", "error_code"],
      series: () => OPERATION_NAMES.flatMap((op) => API_OUTCOMES.map((o) => [op, o.outcome, o.errorCode])),
      values: (s) =>
        OPERATION_NAMES.flatMap((_, op) =>
          API_OUTCOMES.map((o) =>
            o.codes.reduce((n, code) => n + s.counters.api[op * ERROR_COUNT + code], 0),
          ),
        ),
    },
    named: apiNamed(),
  },
  {
    family: {
      name: "fleetsim_control_plane_throttles_total",
      type: "counter",
      help: "Control-plane requests refused by the account's rate limits (TooManyRequestsException, Reason CallerRateLimitExceeded), by operation.",
      labels: ["operation"],
      series: names(CONTROL_PLANE_OPERATIONS),
      values: (s) => CONTROL_PLANE_OPERATIONS.map((op) => s.counters.apiThrottles[Operation[op]]),
    },
  },
];
