/**
 * Error answers as Lambda sends them: the status of the error, the
 * `X-Amzn-ErrorType` header the SDK reads the error's name from, and a JSON
 * body with the keys in Lambda's (sorted) order, e.g.
 * `{"Reason":"...","Type":"User","message":"Rate Exceeded."}`.
 */
import { jsonResponse, type ApiResponse } from "./api-response.js";
import { ERROR_SPECS, type ApiErrorType } from "./error-types.js";
import type { ApiProblem } from "./problem.js";

export function errorResponse(
  type: ApiErrorType,
  message: string,
  extra: { reason?: string; retryAfterSeconds?: number } = {},
): ApiResponse {
  const spec = ERROR_SPECS[type];
  const fields: [string, string][] = [[spec.messageKey, message]];
  if (spec.fault !== null) fields.push(["Type", spec.fault]);
  if (extra.reason !== undefined) fields.push(["Reason", extra.reason]);
  fields.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const headers: Record<string, string> = { "X-Amzn-ErrorType": type };
  if (extra.retryAfterSeconds !== undefined) headers["Retry-After"] = String(extra.retryAfterSeconds);
  return jsonResponse(spec.status, Object.fromEntries(fields), headers);
}

export function problemResponse(problem: ApiProblem): ApiResponse {
  return errorResponse(problem.type, problem.message, problem);
}

/**
 * A path and method that name no operation served here: Lambda's front end
 * answers 404 UnknownOperationException. Operations Lambda has but the
 * simulator does not serve (ListAliases, tags, ...) get the same answer.
 */
export function unknownOperationResponse(method: string, path: string): ApiResponse {
  return errorResponse("UnknownOperationException", `Unknown operation: ${method} ${path}`);
}
