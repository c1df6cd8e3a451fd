/**
 * Invoke's input: the function and qualifier from the path and query, the
 * X-Amz-Invocation-Type, X-Amz-Log-Type and X-Amz-Client-Context headers, and
 * the payload, which Lambda requires to be JSON (any JSON value; an empty
 * payload is the function's `{}`). The payload's size was checked when the
 * body was read (readBody).
 */
import { parseJson } from "./body.js";
import { Violations } from "./constraints.js";
import { checkTarget } from "./function-target.js";
import { headerValue, type RequestHeaders } from "./headers.js";
import { isJsonObject } from "./json-fields.js";
import { fail, ok, type Result } from "./problem.js";
import type { RouteMatch } from "./routes.js";

export const INVOCATION_TYPES = ["Event", "RequestResponse", "DryRun"] as const;
export const LOG_TYPES = ["None", "Tail"] as const;
export type InvocationType = (typeof INVOCATION_TYPES)[number];
export type LogType = (typeof LOG_TYPES)[number];

/** The longest X-Amz-Client-Context (base64) Lambda takes. */
export const MAX_CLIENT_CONTEXT_BYTES = 3583;

export interface InvokeInput {
  operation: "Invoke";
  FunctionName: string;
  Qualifier?: string;
  InvocationType: InvocationType;
  LogType: LogType;
  /** The client context, decoded from base64 (a JSON object). */
  ClientContext?: string;
  Payload: Buffer;
}

export function invokeInput(
  match: RouteMatch,
  headers: RequestHeaders,
  payload: Buffer,
): Result<InvokeInput> {
  const v = new Violations();
  const target = checkTarget(match, "NamespacedFunctionName", "optional", v);
  const invocationType = headerValue(headers, "X-Amz-Invocation-Type") ?? "RequestResponse";
  v.oneOf(invocationType, "invocationType", INVOCATION_TYPES);
  const logType = headerValue(headers, "X-Amz-Log-Type") ?? "None";
  v.oneOf(logType, "logType", LOG_TYPES);
  const clientContext = headerValue(headers, "X-Amz-Client-Context");
  return v.resolve(() => {
    const t = target();
    if (!t.ok) return t;
    const context = clientContext === undefined ? ok(undefined) : decodeClientContext(clientContext);
    if (!context.ok) return context;
    if (payload.length > 0) {
      const parsed = parseJson(payload);
      if (!parsed.ok) return parsed;
    }
    const input: InvokeInput = {
      operation: "Invoke",
      FunctionName: t.value.FunctionName,
      InvocationType: invocationType as InvocationType,
      LogType: logType as LogType,
      Payload: payload,
    };
    if (t.value.Qualifier !== undefined) input.Qualifier = t.value.Qualifier;
    if (context.value !== undefined) input.ClientContext = context.value;
    return ok(input);
  });
}

function decodeClientContext(header: string): Result<string | undefined> {
  if (Buffer.byteLength(header) > MAX_CLIENT_CONTEXT_BYTES)
    return fail(
      "InvalidParameterValueException",
      `Client context must be smaller than ${MAX_CLIENT_CONTEXT_BYTES} bytes when base64 encoded.`,
    );
  const invalid = fail<string | undefined>(
    "InvalidParameterValueException",
    "Client context must be a valid Base64-encoded JSON object.",
  );
  if (header.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(header)) return invalid;
  const decoded = Buffer.from(header, "base64");
  const parsed = parseJson(decoded);
  if (!parsed.ok || !isJsonObject(parsed.value)) return invalid;
  return ok(decoded.toString("utf8"));
}
