/**
 * TooManyRequestsException as Lambda words it for each of its limits. The
 * Reason tells the caller which limit bit (the SDK exposes it as
 * `Reason`); the message differs between the two front ends:
 * - Invoke (the data plane): "Rate Exceeded.", as in
 *   `{"Reason":"ConcurrentInvocationLimitExceeded","Type":"User","message":"Rate Exceeded."}`
 *   and the same body with ReservedFunctionConcurrentInvocationLimitExceeded;
 *   the rate Reasons (FunctionInvocationRateLimitExceeded, ...) are given the
 *   same message, the data plane's only one.
 * - the control plane (CreateFunction, GetFunction, ...): "Rate exceeded", as in
 *   `{"Reason":"CallerRateLimitExceeded","Type":"User","message":"Rate exceeded"}`.
 * The retry delay goes in the Retry-After header, the SDK's retryAfterSeconds.
 */
import { Messages, THROTTLE_CAUSE_REASON } from "../../model/aws-names.js";
import type { ApiResponse } from "./api-response.js";
import { errorResponse } from "./errors.js";

const RETRY_AFTER_SECONDS = 1;

/** An Invoke refused by a concurrency or rate limit: cause is the model's ThrottleCause (-1: unknown, the account's). */
export function invokeThrottleResponse(cause: number): ApiResponse {
  const reason = THROTTLE_CAUSE_REASON[cause] ?? "ConcurrentInvocationLimitExceeded";
  return errorResponse("TooManyRequestsException", Messages.concurrencyExceeded, {
    reason,
    retryAfterSeconds: RETRY_AFTER_SECONDS,
  });
}

/** A control-plane call over the account's request rate. */
export function callerThrottleResponse(): ApiResponse {
  return errorResponse("TooManyRequestsException", Messages.rateExceeded, {
    reason: "CallerRateLimitExceeded",
    retryAfterSeconds: RETRY_AFTER_SECONDS,
  });
}
