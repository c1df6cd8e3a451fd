/**
 * A refusal before any simulation: the AWS error it becomes, its message and
 * the extras some errors carry. Parsers return a Result rather than throw, so
 * a malformed request can never escape as an exception.
 */
import type { ApiErrorType } from "./error-types.js";

export interface ApiProblem {
  readonly type: ApiErrorType;
  readonly message: string;
  /** TooManyRequestsException's Reason. */
  readonly reason?: string;
  /** TooManyRequestsException's Retry-After header. */
  readonly retryAfterSeconds?: number;
}

export type Result<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: ApiProblem };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });

export function fail<T = never>(type: ApiErrorType, message: string): Result<T> {
  return { ok: false, problem: { type, message } };
}
