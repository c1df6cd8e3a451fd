/**
 * Seeded generators of malformed Lambda API requests (random methods, paths,
 * queries, headers, bodies with invalid UTF-8, huge numbers, deep nesting and
 * prototype keys, and valid requests with members dropped or replaced), shared
 * by the in-process fuzz of the protocol layer (serve-api-fuzz.test.ts) and
 * the one over real HTTP (serve-fuzz-live.test.ts). One stream per test file:
 * seedFuzz() restarts it.
 */
import type { RequestHeaders } from "../../src/serve/api/headers.js";

/** mulberry32: a small seeded PRNG. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let random = prng(0x1a2b3c4d);
/** Restarts the generators' stream. */
export function seedFuzz(seed: number): void {
  random = prng(seed);
}
export const int = (n: number): number => Math.floor(random() * n);
export const pick = <T>(items: readonly T[]): T => items[int(items.length)];
export const chance = (p: number): boolean => random() < p;

export const PROTO_KEYS = ["__proto__", "constructor", "prototype", "toString", "hasOwnProperty"];
const ALPHABET = Array.from("abcXYZ019-_.:$/%?&=# +é\u0000\u2028😀");

export function randomString(max = 20): string {
  if (chance(0.1)) return pick(PROTO_KEYS);
  if (chance(0.05)) return "x".repeat(int(5000));
  let s = "";
  for (let i = int(max); i > 0; i--) s += pick(ALPHABET);
  return s;
}

const FUNCTION_NAMES = [
  "f",
  "my-function",
  "my-function:live",
  "my-function:$LATEST",
  "123456789012:function:f:3",
  "arn:aws:lambda:us-east-1:123456789012:function:f",
  "arn:aws:lambda:us-east-1:123456789012:function:f:1",
  "a.b",
  "f".repeat(65),
];

function label(): string {
  const raw = chance(0.6) ? pick(FUNCTION_NAMES) : randomString();
  if (chance(0.1)) return raw; // unencoded: slashes, '?', '#' and '%' break the path as they may
  return chance(0.1) ? "%" + randomString(3) : encodeURIComponent(raw);
}

const TEMPLATES = [
  "/2015-03-31/functions",
  "/2015-03-31/functions/{F}",
  "/2015-03-31/functions/{F}/configuration",
  "/2015-03-31/functions/{F}/code",
  "/2015-03-31/functions/{F}/versions",
  "/2015-03-31/functions/{F}/invocations",
  "/2015-03-31/functions/{F}/aliases",
  "/2015-03-31/functions/{F}/aliases/{N}",
  "/2017-10-31/functions/{F}/concurrency",
  "/2019-09-30/functions/{F}/concurrency",
  "/2019-09-30/functions/{F}/provisioned-concurrency",
  "/2016-08-19/account-settings",
];

function query(): string {
  if (chance(0.4)) return "";
  const params: string[] = [];
  for (let i = 1 + int(3); i > 0; i--) {
    const key = pick([
      "Qualifier",
      "Marker",
      "MaxItems",
      "FunctionVersion",
      "MasterRegion",
      "List",
      ...PROTO_KEYS,
    ]);
    const value = pick([
      "1",
      "live",
      "$LATEST",
      "0",
      "-5",
      "10001",
      "99999999999999999999",
      "1e3",
      "ALL",
      "",
      randomString(),
    ]);
    params.push(`${encodeURIComponent(key)}=${chance(0.9) ? encodeURIComponent(value) : value}`);
  }
  return "?" + params.join("&");
}

export function path(): string {
  if (chance(0.05)) return randomString(40);
  const template = pick(TEMPLATES)
    .replace("{F}", label)
    .replace("{N}", () => (chance(0.7) ? pick(["live", "12", "$LATEST", "a-b_c"]) : label()));
  return template + (chance(0.1) ? "/" : "") + query();
}

/** A JSON value, as text so prototype keys and numbers JSON.stringify cannot write get in. */
export function jsonValue(depth: number): string {
  const r = int(12);
  if (depth > 3 || r < 3)
    return pick([
      "0",
      "-1",
      "1.5",
      "128",
      "3",
      "900",
      "10241",
      "1e400",
      "-1e400",
      "99999999999",
      "2147483648",
    ]);
  if (r < 6) return JSON.stringify(chance(0.5) ? randomString() : pick(VALID_STRINGS));
  if (r < 7) return pick(["true", "false", "null"]);
  if (r < 8) return `[${Array.from({ length: int(4) }, () => jsonValue(depth + 1)).join(",")}]`;
  if (r < 9 && chance(0.2)) return "[".repeat(5000) + "]".repeat(5000);
  return jsonObject(depth + 1);
}

const FIELDS = [
  "FunctionName",
  "Role",
  "Runtime",
  "Handler",
  "Code",
  "ZipFile",
  "S3Bucket",
  "S3Key",
  "ImageUri",
  "MemorySize",
  "Timeout",
  "Environment",
  "Variables",
  "VpcConfig",
  "SubnetIds",
  "SecurityGroupIds",
  "Tags",
  "Layers",
  "Architectures",
  "PackageType",
  "EphemeralStorage",
  "Size",
  "TracingConfig",
  "Mode",
  "Publish",
  "DryRun",
  "Name",
  "FunctionVersion",
  "RoutingConfig",
  "AdditionalVersionWeights",
  "ReservedConcurrentExecutions",
  "ProvisionedConcurrentExecutions",
  "RevisionId",
  "Description",
  "CodeSha256",
  ...PROTO_KEYS,
];

const VALID_STRINGS = [
  "my-function",
  "arn:aws:iam::123456789012:role/r",
  "nodejs22.x",
  "index.handler",
  "UEsDBA==",
  "UEsFBg==",
  "bucket",
  "key.zip",
  "Zip",
  "Image",
  "x86_64",
  "arm64",
  "Active",
  "live",
  "1",
  "$LATEST",
];

export function jsonObject(depth: number): string {
  const members = Array.from({ length: int(8) }, () => `${JSON.stringify(pick(FIELDS))}:${jsonValue(depth)}`);
  return `{${members.join(",")}}`;
}

export function body(): Buffer {
  const r = int(10);
  if (r === 0) return Buffer.alloc(0);
  if (r === 1) return Buffer.from(Array.from({ length: int(64) }, () => int(256))); // invalid UTF-8, mostly
  if (r === 2) return Buffer.from(jsonObject(0).slice(0, int(40))); // truncated
  if (r === 3) return Buffer.from(jsonValue(0));
  return Buffer.from(jsonObject(0));
}

export function headers(): RequestHeaders {
  const h: Record<string, string | string[]> = {};
  if (chance(0.8))
    h.authorization = chance(0.8)
      ? `AWS4-HMAC-SHA256 Credential=AKID/20261205/${pick(["us-east-1", "", "EU"])}/${pick(["lambda", "s3"])}/aws4_request, SignedHeaders=host, Signature=x`
      : randomString();
  if (chance(0.7)) h["x-amz-date"] = "20261205T170401Z";
  if (chance(0.3))
    h["x-amz-invocation-type"] = pick(["Event", "RequestResponse", "DryRun", "event", randomString()]);
  if (chance(0.3)) h["x-amz-log-type"] = pick(["Tail", "None", randomString()]);
  if (chance(0.2))
    h["x-amz-client-context"] = pick([
      Buffer.from('{"custom":{}}').toString("base64"),
      Buffer.from("[1]").toString("base64"),
      "not base64!",
      "A".repeat(4000),
      randomString(),
    ]);
  if (chance(0.2)) h["content-length"] = pick(["0", "99999999999", "-1", "abc"]);
  if (chance(0.1)) h["x-amz-invocation-type"] = ["Event", "DryRun"];
  return h;
}

const ZIP_BASE64 = Buffer.from("PK\x03\x04code", "latin1").toString("base64");

/** A valid request of each operation: method, path, JSON body members. */
const VALID: readonly [string, string, Record<string, unknown>][] = [
  [
    "POST",
    "/2015-03-31/functions",
    {
      FunctionName: "f",
      Role: "arn:aws:iam::123456789012:role/r",
      Runtime: "python3.13",
      Handler: "app.handler",
      Code: { ZipFile: ZIP_BASE64 },
      MemorySize: 512,
      Environment: { Variables: { A: "1" } },
      Tags: { team: "a" },
    },
  ],
  ["GET", "/2015-03-31/functions/f?Qualifier=1", {}],
  ["GET", "/2015-03-31/functions/f/configuration", {}],
  ["GET", "/2015-03-31/functions?MaxItems=10", {}],
  ["PUT", "/2015-03-31/functions/f/code", { ZipFile: ZIP_BASE64, Publish: true }],
  ["PUT", "/2015-03-31/functions/f/configuration", { Timeout: 30, Description: "d" }],
  ["POST", "/2015-03-31/functions/f/versions", { Description: "v" }],
  ["GET", "/2015-03-31/functions/f/versions", {}],
  ["DELETE", "/2015-03-31/functions/f", {}],
  ["POST", "/2015-03-31/functions/f/invocations", { any: "payload" }],
  ["POST", "/2015-03-31/functions/f/aliases", { Name: "live", FunctionVersion: "1" }],
  ["GET", "/2015-03-31/functions/f/aliases/live", {}],
  [
    "PUT",
    "/2015-03-31/functions/f/aliases/live",
    { RoutingConfig: { AdditionalVersionWeights: { "2": 0.5 } } },
  ],
  ["DELETE", "/2015-03-31/functions/f/aliases/live", {}],
  ["PUT", "/2017-10-31/functions/f/concurrency", { ReservedConcurrentExecutions: 10 }],
  ["GET", "/2019-09-30/functions/f/concurrency", {}],
  ["DELETE", "/2017-10-31/functions/f/concurrency", {}],
  [
    "PUT",
    "/2019-09-30/functions/f/provisioned-concurrency?Qualifier=live",
    { ProvisionedConcurrentExecutions: 2 },
  ],
  ["GET", "/2019-09-30/functions/f/provisioned-concurrency?Qualifier=1", {}],
  ["DELETE", "/2019-09-30/functions/f/provisioned-concurrency?Qualifier=1", {}],
  ["GET", "/2016-08-19/account-settings", {}],
];

export const SIGNED = {
  authorization:
    "AWS4-HMAC-SHA256 Credential=AKID/20261205/us-east-1/lambda/aws4_request, SignedHeaders=host, Signature=x",
  "x-amz-date": "20261205T170401Z",
};

/** A valid request with a few members dropped, replaced by random values, or joined by prototype keys. */
export function mutatedValid(): [string, string, RequestHeaders, Buffer] {
  const [method, url, members] = pick(VALID);
  const entries = Object.entries(members).map(([key, value]) => [key, JSON.stringify(value)]);
  for (let n = int(3); n > 0; n--) {
    const r = int(3);
    if (r === 0 && entries.length > 0) entries.splice(int(entries.length), 1);
    else if (r === 1 && entries.length > 0) entries[int(entries.length)][1] = jsonValue(1);
    else entries.push([pick(PROTO_KEYS), jsonValue(1)]);
  }
  const text = `{${entries.map(([key, value]) => `${JSON.stringify(key)}:${value}`).join(",")}}`;
  const h: Record<string, string> = { ...SIGNED };
  if (chance(0.3)) h["x-amz-invocation-type"] = pick(["Event", "DryRun", "RequestResponse"]);
  if (chance(0.3)) h["x-amz-log-type"] = "Tail";
  return [method, url, h, Buffer.from(text)];
}

/** A request: 40% a mutated valid one, else random method, path, headers and body. */
export function fuzzRequest(): [string, string, RequestHeaders, Buffer] {
  return chance(0.4)
    ? mutatedValid()
    : [
        pick(["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "get", "", randomString(6)]),
        path(),
        headers(),
        body(),
      ];
}
