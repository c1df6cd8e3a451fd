/**
 * What the protocol layer hands the HTTP server: a status, headers and a
 * body, nothing tied to a socket, so every answer can be unit tested.
 */
import { SUCCESS_STATUS, type ApiOperationName } from "./operations.js";

export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer | string;
}

/** A JSON answer, as restJson1 expects it. */
export function jsonResponse(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): ApiResponse {
  return { status, headers: { "Content-Type": "application/json", ...headers }, body: JSON.stringify(body) };
}

/** An answer without a body (204, Event's 202). */
export function emptyResponse(status: number, headers: Record<string, string> = {}): ApiResponse {
  return { status, headers, body: "" };
}

/** An operation's success: its status, and the output shape unless the status is 204. */
export function successResponse(
  operation: Exclude<ApiOperationName, "Invoke">,
  output: unknown = {},
): ApiResponse {
  const status = SUCCESS_STATUS[operation];
  return status === 204 ? emptyResponse(status) : jsonResponse(status, output);
}
