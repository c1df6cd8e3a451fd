/**
 * Request bodies: read up to a byte limit without buffering past it, then
 * parsed as the JSON restJson1 sends. Limits:
 * - Invoke, RequestResponse and DryRun: 6 MB (6,291,456 bytes), Lambda's
 *   synchronous payload quota.
 * - Invoke, Event: 1 MB (1,048,576 bytes), the asynchronous quota since
 *   October 2025 (it was 256 KB before).
 * - CreateFunction and UpdateFunctionCode: 69,905,067 bytes, which is 4/3 of
 *   the 50 MB zip Lambda accepts inline, rounded up: the base64 of the largest
 *   zip. Lambda's own limit, named in its "Request must be smaller than
 *   69905067 bytes for the UpdateFunctionCode operation".
 * - Every other operation: 256 KB, far above any valid body (a 4 KB
 *   environment, 256-character descriptions, 50 tags); AWS documents none.
 * An oversized request is RequestEntityTooLargeException (413) from Lambda's
 * front end, in the words it uses for all of these.
 */
import { fail, ok, type Result } from "./problem.js";
import { headerValue, type RequestHeaders } from "./headers.js";
import { isJsonObject, type JsonObject } from "./json-fields.js";
import type { ApiOperationName } from "./operations.js";

export const INVOKE_SYNC_LIMIT = 6_291_456;
export const INVOKE_EVENT_LIMIT = 1_048_576;
export const ZIP_FILE_LIMIT = 52_428_800;
export const CODE_REQUEST_LIMIT = Math.ceil((ZIP_FILE_LIMIT * 4) / 3);
export const JSON_REQUEST_LIMIT = 262_144;

/** AWS's operation name in the message: Invoke is InvokeFunction to the front end. */
const LIMIT_NAME: Partial<Record<ApiOperationName, string>> = { Invoke: "InvokeFunction" };

export function bodyLimit(operation: ApiOperationName, headers: RequestHeaders): number {
  if (operation === "Invoke")
    return headerValue(headers, "X-Amz-Invocation-Type") === "Event" ? INVOKE_EVENT_LIMIT : INVOKE_SYNC_LIMIT;
  if (operation === "CreateFunction" || operation === "UpdateFunctionCode") return CODE_REQUEST_LIMIT;
  return JSON_REQUEST_LIMIT;
}

function tooLarge(operation: ApiOperationName, limit: number): Result<never> {
  const name = LIMIT_NAME[operation] ?? operation;
  return fail(
    "RequestEntityTooLargeException",
    `Request must be smaller than ${limit} bytes for the ${name} operation`,
  );
}

/**
 * The body, or RequestEntityTooLargeException as soon as the declared length or
 * the bytes read pass the limit. On overflow it stops pulling without
 * destroying the source, so the server can still answer 413 on the socket; it
 * should close the connection after that answer.
 */
export async function readBody(
  source: AsyncIterable<Uint8Array>,
  operation: ApiOperationName,
  headers: RequestHeaders,
): Promise<Result<Buffer>> {
  const limit = bodyLimit(operation, headers);
  const declared = headerValue(headers, "Content-Length");
  if (declared !== undefined && /^\d+$/.test(declared) && Number(declared) > limit)
    return tooLarge(operation, limit);
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    const iterator = source[Symbol.asyncIterator]();
    for (;;) {
      const next = await iterator.next();
      if (next.done === true) break;
      const chunk = Buffer.from(next.value);
      total += chunk.length;
      if (total > limit) return tooLarge(operation, limit);
      chunks.push(chunk);
    }
  } catch (error) {
    return fail("InvalidRequestContentException", `Could not read the request body: ${String(error)}`);
  }
  return ok(Buffer.concat(chunks, total));
}

const UTF8 = new TextDecoder("utf-8", { fatal: true });

/** Any JSON value, or InvalidRequestContentException in Lambda's words. */
export function parseJson(body: Buffer): Result<unknown> {
  let text: string;
  try {
    text = UTF8.decode(body);
  } catch {
    return fail(
      "InvalidRequestContentException",
      "Could not parse request body into json: the body is not valid UTF-8",
    );
  }
  try {
    return ok(JSON.parse(text) as unknown);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return fail(
      "InvalidRequestContentException",
      `Could not parse request body into json: Could not parse payload into json: ${detail}`,
    );
  }
}

/** An operation's JSON input: an object; an empty body is `{}`. */
export function parseJsonBody(body: Buffer): Result<JsonObject> {
  if (body.length === 0) return ok({});
  const parsed = parseJson(body);
  if (!parsed.ok) return parsed;
  if (!isJsonObject(parsed.value))
    return fail(
      "InvalidRequestContentException",
      "Could not parse request body into json: the request body must be a JSON object",
    );
  return ok(parsed.value);
}
