/**
 * What Lambda does with an asynchronous event after an attempt (V6, V7), in
 * the words of AWS's "How Lambda handles errors and retries with
 * asynchronous invocation" and "Use Lambda recursive loop detection":
 *
 * - throttles (429) and system errors (5xx) go back to the queue, retried
 *   with a delay that "increases exponentially from 1 second after the first
 *   attempt to a maximum of 5 minutes", until the maximum event age;
 * - function errors (and timeouts) are retried up to MaximumRetryAttempts
 *   times, "a one-minute wait between the first two attempts, and two
 *   minutes between the second and third";
 * - a function invoked "more than 16 times in the same chain of requests"
 *   has the next invocation of that chain stopped.
 *
 * Pure functions of numbers; the queue (async-events.ts) applies them.
 */
import { API_ERROR_HTTP_STATUS, ApiError } from "./aws-names.js";
import { AsyncRetryCause } from "./observations.js";

const S = 1_000_000;

/** First throttle/system-error retry delay, and the cap the exponential growth stops at. */
export const THROTTLE_RETRY_BASE_US = 1 * S;
export const THROTTLE_RETRY_CAP_US = 300 * S;
/** Waits before the first and the second retry after a function error. */
export const FUNCTION_ERROR_RETRY_DELAYS_US: readonly number[] = [60 * S, 120 * S];
/** Invocations one chain may make; the next one is stopped (RecursiveInvocationException). */
export const RECURSION_HOP_LIMIT = 16;

/** What an attempt's outcome asks for: -1 the event succeeded, else an AsyncRetryCause, or NOT_RETRYABLE. */
export const SUCCEEDED = -1;
export const NOT_RETRYABLE = -2;

export function classifyAttempt(error: number): number {
  if (error === ApiError.None) return SUCCEEDED;
  if (error === ApiError.TooManyRequestsException) return AsyncRetryCause.Throttled;
  if (error === ApiError.FunctionError || error === ApiError.Timeout) return AsyncRetryCause.FunctionError;
  if (API_ERROR_HTTP_STATUS[error] >= 500) return AsyncRetryCause.SystemError;
  // 4xx other than throttling (the function was deleted, or is Pending or Failed): retrying cannot help.
  return NOT_RETRYABLE;
}

/**
 * Delay before the k-th throttle/system-error retry of an event (k from 0):
 * 1 s * 2^k, capped at 5 minutes, stretched by up to half again by `u` in
 * [0, 1) so that a burst of throttled events does not come back in lockstep.
 * Successive delays of one event never shrink: the next one's least value
 * (2^(k+1) s) is above this one's greatest (1.5 * 2^k s), until the cap.
 */
export function throttleRetryDelayUs(k: number, u: number): number {
  const base = THROTTLE_RETRY_BASE_US * 2 ** Math.min(k, 20);
  return Math.round(Math.min(THROTTLE_RETRY_CAP_US, base * (1 + 0.5 * u)));
}
