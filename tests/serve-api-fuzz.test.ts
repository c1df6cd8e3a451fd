/**
 * Fuzz: thousands of malformed requests (random methods, paths, queries,
 * headers, bodies with invalid UTF-8, huge numbers, deep nesting and
 * prototype keys) through the whole protocol layer: route, signature check,
 * body read and input parsing. Nothing throws, every refusal is a well-formed
 * AWS error answer (never a ServiceException, which would mean an unforeseen
 * failure), every acceptance is a typed input of the routed operation, and
 * Object.prototype gains nothing. Seeded, so every run fuzzes the same requests.
 */
import { describe, expect, it } from "vitest";
import type { ApiResponse } from "../src/serve/api/api-response.js";
import { checkAuthorization } from "../src/serve/api/auth.js";
import { readBody } from "../src/serve/api/body.js";
import { problemResponse, unknownOperationResponse } from "../src/serve/api/errors.js";
import type { RequestHeaders } from "../src/serve/api/headers.js";
import { parseInput, type ApiInput } from "../src/serve/api/inputs.js";
import { matchRoute } from "../src/serve/api/routes.js";
import { fuzzRequest } from "./helpers/fuzz-requests.js";

async function* chunks(data: Buffer): AsyncIterable<Uint8Array> {
  for (let at = 0; at < data.length; at += 4096) yield data.subarray(at, at + 4096);
}

/** The protocol layer as the server will run it; an answer or an input. */
async function handle(
  method: string,
  url: string,
  h: RequestHeaders,
  data: Buffer,
): Promise<ApiResponse | ApiInput> {
  const match = matchRoute(method, url);
  if (match === null) return unknownOperationResponse(method, url);
  const auth = checkAuthorization(h);
  if (!auth.ok) return problemResponse(auth.problem);
  const read = await readBody(chunks(data), match.operation, h);
  if (!read.ok) return problemResponse(read.problem);
  const input = parseInput(match, h, read.value);
  return input.ok ? input.value : problemResponse(input.problem);
}

const isResponse = (x: ApiResponse | ApiInput): x is ApiResponse => "status" in x;

describe("fuzzing the protocol layer", () => {
  it("answers 3,000 malformed requests without throwing or polluting prototypes", async () => {
    const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();
    const statuses = new Map<number, number>();
    const operations = new Set<string>();
    let accepted = 0;
    for (let i = 0; i < 3000; i++) {
      const [method, url, h, data] = fuzzRequest();
      const result = await handle(method, url, h, data);
      const where = `#${i} ${method} ${url}`;
      if (isResponse(result)) {
        expect(result.status, where).toBeGreaterThanOrEqual(400);
        expect(result.status, `${where}: ${String(result.body)}`).not.toBe(500);
        expect(result.headers["X-Amzn-ErrorType"], where).toBeTruthy();
        const parsed = JSON.parse(String(result.body)) as Record<string, unknown>;
        expect(typeof (parsed.message ?? parsed.Message), where).toBe("string");
        statuses.set(result.status, (statuses.get(result.status) ?? 0) + 1);
      } else {
        accepted++;
        operations.add(result.operation);
        expect(matchRoute(method, url)?.operation, where).toBe(result.operation);
        expect(() => JSON.stringify(result), where).not.toThrow();
      }
    }
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeKeys);
    const probe = {} as Record<string, unknown>;
    for (const key of ["polluted", "Variables", "FunctionName", "1", "live"])
      expect(probe[key]).toBeUndefined();
    // The fuzz reaches past the router: both refusals of many kinds and acceptances.
    expect([...statuses.keys()].sort()).toEqual(expect.arrayContaining([400, 403, 404]));
    expect(accepted).toBeGreaterThan(200);
    expect(operations.size).toBe(21);
  });
});
