/**
 * The model's vocabulary of outcomes as the outputs name them: what an
 * invocation ended with, and which AWS error codes an API call can fail
 * with. The mapping from an outcome to the ApiError code it is counted
 * under lives here once; the JSON report, the named metrics and the
 * Prometheus families all read it.
 */
import { API_ERROR_NAMES, ApiError } from "./aws-names.js";

/** Codes an API call can fail with (FunctionError and Timeout are invocation outcomes, not API errors). */
export const API_ERROR_CODES = API_ERROR_NAMES.filter(
  (name): name is Exclude<(typeof API_ERROR_NAMES)[number], "" | "FunctionError" | "Timeout"> =>
    name !== "" && name !== "FunctionError" && name !== "Timeout",
);
export type ApiErrorCodeName = (typeof API_ERROR_CODES)[number];

/** The ApiError code of each of API_ERROR_CODES, in order. */
export const API_ERROR_CODE_INDEX: readonly number[] = API_ERROR_CODES.map((c) => API_ERROR_NAMES.indexOf(c));

/** Codes answered with HTTP 200: for Invoke, also invocations whose function errored or timed out. */
export const API_SUCCESS_CODES: readonly number[] = [ApiError.None, ApiError.FunctionError, ApiError.Timeout];

/** Invocation outcomes, our words first, then the AWS errors that refuse an invocation. */
export const INVOCATION_OUTCOMES = [
  "success",
  "functionError",
  "timeout",
  "throttled",
  "ResourceConflictException",
  "ResourceNotReadyException",
  "ResourceNotFoundException",
  "AccessDeniedException",
  "KMSDisabledException",
  "EFSMountFailureException",
  "EFSMountConnectivityException",
  "EFSMountTimeoutException",
  "EFSIOException",
] as const;
export type InvocationOutcomeName = (typeof INVOCATION_OUTCOMES)[number];

/** Our words' codes; the AWS error outcomes are counted under their own code. */
const OUR_OUTCOME_CODES: Readonly<Record<string, number>> = {
  success: ApiError.None,
  functionError: ApiError.FunctionError,
  timeout: ApiError.Timeout,
  throttled: ApiError.TooManyRequestsException,
};

/** The ApiError code each invocation outcome is counted under. */
export const INVOCATION_OUTCOME_CODE: Readonly<Record<InvocationOutcomeName, number>> = Object.fromEntries(
  INVOCATION_OUTCOMES.map((o) => [
    o,
    OUR_OUTCOME_CODES[o] ?? API_ERROR_NAMES.indexOf(o as (typeof API_ERROR_NAMES)[number]),
  ]),
) as Record<InvocationOutcomeName, number>;

/** The EFS mount errors, in the order of the model's EFS_MOUNT_FAULT_KINDS. */
export const EFS_MOUNT_ERROR_NAMES = [
  "EFSMountFailureException",
  "EFSMountConnectivityException",
  "EFSMountTimeoutException",
] as const;
export type EfsMountErrorName = (typeof EFS_MOUNT_ERROR_NAMES)[number];
