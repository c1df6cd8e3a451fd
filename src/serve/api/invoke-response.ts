/**
 * Invoke's answers. RequestResponse: 200 with the function's response as the
 * body, X-Amz-Executed-Version, and X-Amz-Function-Error when the function
 * failed (the invocation itself succeeded, so the status stays 200) and
 * X-Amz-Log-Result when the caller asked for the log tail. Event: 202, no
 * body. DryRun: 204, no body.
 */
import { emptyResponse, type ApiResponse } from "./api-response.js";
import type { InvocationType } from "./inputs-invoke.js";

export interface InvokeOutcome {
  invocationType: InvocationType;
  /** The version that ran ("$LATEST", "3"). */
  executedVersion: string;
  /** The function's response; `null` (what a handler returning nothing gives) when absent. */
  payload?: Buffer | string;
  functionError?: "Unhandled" | "Handled";
  /** invokeLogTail's value. */
  logResult?: string;
}

export function invokeResponse(outcome: InvokeOutcome): ApiResponse {
  if (outcome.invocationType === "Event") return emptyResponse(202);
  if (outcome.invocationType === "DryRun") return emptyResponse(204);
  const headers: Record<string, string> = {
    "Content-Type": "application/json",
    "X-Amz-Executed-Version": outcome.executedVersion,
  };
  if (outcome.functionError !== undefined) headers["X-Amz-Function-Error"] = outcome.functionError;
  if (outcome.logResult !== undefined) headers["X-Amz-Log-Result"] = outcome.logResult;
  return { status: 200, headers, body: outcome.payload ?? "null" };
}

/** The payload of a function that threw, as the runtimes print it. */
export function functionErrorPayload(errorType: string, errorMessage: string): string {
  return JSON.stringify({ errorType, errorMessage, trace: [] });
}

/** The payload of an invocation that ran past its timeout, as today's runtimes report it. */
export function taskTimedOutPayload(requestId: string, timeoutS: number): string {
  return JSON.stringify({
    errorType: "Sandbox.Timedout",
    errorMessage: `RequestId: ${requestId} Error: Task timed out after ${timeoutS.toFixed(2)} seconds`,
  });
}
