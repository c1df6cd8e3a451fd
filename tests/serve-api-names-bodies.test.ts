/**
 * FunctionName parsing in every form Lambda accepts, and request bodies: read
 * under their limit without pulling past it, parsed as JSON or refused in
 * Lambda's words.
 */
import { describe, expect, it } from "vitest";
import {
  CODE_REQUEST_LIMIT,
  INVOKE_EVENT_LIMIT,
  INVOKE_SYNC_LIMIT,
  JSON_REQUEST_LIMIT,
  bodyLimit,
  parseJsonBody,
  readBody,
} from "../src/serve/api/body.js";
import { parseFunctionName, resolveQualifier } from "../src/serve/api/function-name.js";

describe("parseFunctionName", () => {
  it("splits names, partial ARNs and ARNs, qualified or not", () => {
    const cases: [string, object][] = [
      ["my-function", { name: "my-function" }],
      ["my-function:live", { name: "my-function", qualifier: "live" }],
      ["my-function:$LATEST", { name: "my-function", qualifier: "$LATEST" }],
      ["123456789012:function:my-function", { name: "my-function", accountId: "123456789012" }],
      [
        "123456789012:function:my-function:7",
        { name: "my-function", qualifier: "7", accountId: "123456789012" },
      ],
      [
        "arn:aws:lambda:us-west-2:123456789012:function:my-function",
        { name: "my-function", accountId: "123456789012", region: "us-west-2" },
      ],
      [
        "arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:f:prod",
        { name: "f", qualifier: "prod", accountId: "123456789012", region: "us-gov-west-1" },
      ],
    ];
    for (const [raw, parsed] of cases)
      expect(parseFunctionName(raw), raw).toEqual({ ok: true, value: parsed });
  });

  it("refuses what Lambda's patterns refuse, by shape", () => {
    for (const raw of ["my function", "a/b", "f:1:2", "arn:aws:s3:::bucket", "", "f:"])
      expect(parseFunctionName(raw), raw).toMatchObject({
        ok: false,
        problem: { type: "ValidationException" },
      });
    expect(parseFunctionName("a.b")).toMatchObject({ ok: false });
    expect(parseFunctionName("a.b", "NamespacedFunctionName")).toEqual({ ok: true, value: { name: "a.b" } });
  });

  it("limits the whole string to 140 (170) and the name to 64", () => {
    const arn = `arn:aws:lambda:us-east-1:123456789012:function:${"f".repeat(64)}:${"q".repeat(50)}`;
    expect(arn.length).toBeGreaterThan(140);
    expect(parseFunctionName(arn)).toMatchObject({
      ok: false,
      problem: { type: "ValidationException", message: expect.stringContaining("less than or equal to 140") },
    });
    expect(parseFunctionName(arn, "NamespacedFunctionName").ok).toBe(true);
    expect(parseFunctionName("f".repeat(64)).ok).toBe(true);
    expect(parseFunctionName("f".repeat(65))).toMatchObject({
      problem: { type: "InvalidParameterValueException" },
    });
  });

  it("resolves the qualifier from the name or the parameter", () => {
    expect(resolveQualifier({ name: "f", qualifier: "1" }, undefined)).toEqual({ ok: true, value: "1" });
    expect(resolveQualifier({ name: "f" }, "2")).toEqual({ ok: true, value: "2" });
    expect(resolveQualifier({ name: "f", qualifier: "1" }, "1")).toEqual({ ok: true, value: "1" });
    expect(resolveQualifier({ name: "f", qualifier: "1" }, "2")).toMatchObject({
      problem: { type: "InvalidParameterValueException" },
    });
  });
});

/** A source of `chunks` chunks of `size` bytes that counts how many were pulled. */
function counted(chunks: number, size: number): { source: AsyncIterable<Uint8Array>; pulled: () => number } {
  let pulled = 0;
  const source = {
    [Symbol.asyncIterator]: () => ({
      next: async () =>
        pulled < chunks
          ? { done: false, value: new Uint8Array(size).fill(++pulled) }
          : { done: true, value: undefined },
    }),
  } as AsyncIterable<Uint8Array>;
  return { source, pulled: () => pulled };
}

describe("readBody", () => {
  it("reads a body under its limit", async () => {
    const { source } = counted(3, 10);
    const body = await readBody(source, "CreateAlias", {});
    expect(body.ok && body.value.length).toBe(30);
  });

  it("stops at the first chunk past the limit", async () => {
    const { source, pulled } = counted(1000, 65536);
    const body = await readBody(source, "Invoke", {});
    expect(body).toEqual({
      ok: false,
      problem: {
        type: "RequestEntityTooLargeException",
        message: "Request must be smaller than 6291456 bytes for the InvokeFunction operation",
      },
    });
    expect(pulled()).toBe(Math.floor(INVOKE_SYNC_LIMIT / 65536) + 1);
  });

  it("refuses a declared Content-Length past the limit without reading", async () => {
    const { source, pulled } = counted(1, 1);
    const body = await readBody(source, "UpdateFunctionCode", {
      "content-length": String(CODE_REQUEST_LIMIT + 1),
    });
    expect(body).toMatchObject({
      problem: {
        message: "Request must be smaller than 69905067 bytes for the UpdateFunctionCode operation",
      },
    });
    expect(pulled()).toBe(0);
  });

  it("has Lambda's limits per operation", () => {
    expect(bodyLimit("Invoke", {})).toBe(6_291_456);
    expect(bodyLimit("Invoke", { "x-amz-invocation-type": "Event" })).toBe(INVOKE_EVENT_LIMIT);
    expect(bodyLimit("Invoke", { "X-Amz-Invocation-Type": "DryRun" })).toBe(INVOKE_SYNC_LIMIT);
    expect(bodyLimit("CreateFunction", {})).toBe(69_905_067);
    expect(bodyLimit("PutFunctionConcurrency", {})).toBe(JSON_REQUEST_LIMIT);
  });

  it("turns a failing source into a problem", async () => {
    const source = {
      [Symbol.asyncIterator]: () => ({
        next: async () => {
          throw new Error("aborted");
        },
      }),
    } as AsyncIterable<Uint8Array>;
    expect(await readBody(source, "Invoke", {})).toMatchObject({ ok: false });
  });
});

describe("parseJsonBody", () => {
  it("takes objects, an empty body as {}, and deep nesting without a stack overflow", () => {
    expect(parseJsonBody(Buffer.alloc(0))).toEqual({ ok: true, value: {} });
    expect(parseJsonBody(Buffer.from('{"a":1}'))).toEqual({ ok: true, value: { a: 1 } });
    const deep = `{"a":${"[".repeat(100_000)}${"]".repeat(100_000)}}`;
    expect(parseJsonBody(Buffer.from(deep)).ok).toBe(true);
  });

  it("keeps __proto__ an own key", () => {
    const parsed = parseJsonBody(Buffer.from('{"__proto__":{"polluted":1}}'));
    expect(parsed.ok && Object.keys(parsed.value)).toEqual(["__proto__"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
