/**
 * Fuzz over real HTTP: 1,200 seeded malformed requests on raw sockets to a
 * running `fleet-sim serve` (the generators of serve-api-fuzz.test.ts, plus
 * what only a socket can send: declared and streamed bodies over Lambda's
 * limits, truncated bodies, sockets closed mid-request, wrong content types,
 * bytes that are not HTTP). Every request that is answered gets a 4xx (or a
 * success, for what is valid after all), never a 500 other than the ones by
 * design; the process keeps running, and answers a valid SDK request after.
 */
import { connect } from "node:net";
import { CreateFunctionCommand, GetFunctionCommand } from "@aws-sdk/client-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RequestHeaders } from "../src/serve/api/headers.js";
import { INVOKE_EVENT_LIMIT, INVOKE_SYNC_LIMIT, JSON_REQUEST_LIMIT } from "../src/serve/api/body.js";
import { buildCli } from "./helpers/build-cli.js";
import { chance, fuzzRequest, int, pick, SIGNED, seedFuzz } from "./helpers/fuzz-requests.js";
import { createInput, lambdaClient, type Served, serve } from "./helpers/serve-cli.js";

const REQUESTS = 1200;
const PARALLEL = 16;
/** 500s the server gives by design: an operation not simulated yet, or no free function slot. */
const BY_DESIGN_500 = /does not simulate \S+ yet|no free function slot/;

let main = "";
let s: Served;
let port = 0;

beforeAll(async () => {
  main = buildCli("serve-fuzz-live");
  s = await serve(main, ["--speed", "60"]);
  port = Number(new URL(s.url).port);
}, 120_000);
afterAll(async () => {
  await s?.stop();
});

interface Sent {
  kind: string;
  /** What goes on the socket, in order (a gap of a few ms between parts). */
  parts: Buffer[];
  /** After the parts: half-close (end), reset (destroy), or wait for the answer. */
  then: "end" | "destroy" | "wait";
  /** True when the server must answer. */
  answered: boolean;
}

interface Answer {
  status: number | null;
  text: string;
}

/** Sends the parts on a new connection; the answer is whatever came back before the socket closed. */
function send(sent: Sent, timeoutMs = 15_000): Promise<Answer> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    const done = (): void => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString("latin1");
      const m = /^HTTP\/1\.1 (\d{3})/.exec(text);
      resolve({ status: m === null ? null : Number(m[1]), text });
    };
    const timer = setTimeout(() => socket.destroy(), timeoutMs);
    socket.on("data", (d: Buffer) => chunks.push(d));
    socket.on("error", () => {});
    socket.on("close", done);
    socket.on("connect", () => {
      void (async () => {
        for (const part of sent.parts) {
          if (socket.destroyed) return;
          socket.write(part);
          await new Promise((r) => setTimeout(r, 2));
        }
        if (sent.then === "end") socket.end();
        else if (sent.then === "destroy") socket.destroy();
      })();
    });
  });
}

function head(method: string, url: string, headers: RequestHeaders): string {
  const lines = [`${method} ${url} HTTP/1.1`, `Host: 127.0.0.1:${port}`, "Connection: close"];
  for (const [name, value] of Object.entries(headers))
    for (const v of typeof value === "string" ? [value] : (value ?? [])) lines.push(`${name}: ${v}`);
  return lines.join("\r\n") + "\r\n\r\n";
}

const latin1 = (text: string) => Buffer.from(text, "latin1");

const WRONG_TYPES = [
  "text/plain",
  "application/xml",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "application/json; charset=latin1",
  "",
];

/** Operations with a limit, as [method, path, extra headers, limit]. */
const LIMITED: [string, string, Record<string, string>, number][] = [
  ["POST", "/2015-03-31/functions/f/invocations", {}, INVOKE_SYNC_LIMIT],
  ["POST", "/2015-03-31/functions/f/invocations", { "X-Amz-Invocation-Type": "Event" }, INVOKE_EVENT_LIMIT],
  ["PUT", "/2015-03-31/functions/f/configuration", {}, JSON_REQUEST_LIMIT],
  ["POST", "/2015-03-31/functions", {}, Math.ceil((52_428_800 * 4) / 3)],
];

/** One request of the fuzz: its kind picked by the seeded stream. */
function next(): Sent {
  const r = int(100);
  const [method, url, headers, body] = fuzzRequest();
  const declared = Object.keys(headers).some((h) => h.toLowerCase() === "content-length");
  const withLength = declared ? headers : { ...headers, "Content-Length": String(body.length) };
  if (r < 55) {
    // As generated; methods and paths that are not HTTP are the server's parser's to refuse (400).
    return {
      kind: "fuzz",
      parts: [latin1(head(method, url, withLength)), body],
      then: "wait",
      answered: true,
    };
  }
  if (r < 62) {
    const [m, u, extra, limit] = pick(LIMITED);
    const h = { ...SIGNED, ...extra, "Content-Length": String(limit + 1 + int(1000)) };
    return {
      kind: "declared-oversize",
      parts: [latin1(head(m, u, h)), Buffer.alloc(int(4096), 120)],
      then: "wait",
      answered: true,
    };
  }
  if (r < 64) {
    // Streamed past the limit without a length (chunked): refused as the bytes pass it. Only the small limits.
    const [m, u, extra, limit] = pick(LIMITED.slice(1, 3));
    const h = { ...SIGNED, ...extra, "Transfer-Encoding": "chunked" };
    const piece = Buffer.alloc(64 * 1024, 97);
    const chunk = Buffer.concat([latin1(`${piece.length.toString(16)}\r\n`), piece, latin1("\r\n")]);
    const parts = [
      latin1(head(m, u, h)),
      ...Array.from({ length: Math.ceil(limit / piece.length) + 1 }, () => chunk),
    ];
    return { kind: "streamed-oversize", parts, then: "wait", answered: true };
  }
  if (r < 74) {
    // The body stops short of its declared length, and the client half-closes.
    const cut = body.length === 0 ? Buffer.from("{") : body.subarray(0, int(body.length));
    const h = { ...headers, "Content-Length": String(cut.length + 1 + int(5000)) };
    return { kind: "truncated", parts: [latin1(head(method, url, h)), cut], then: "end", answered: false };
  }
  if (r < 82) {
    // The socket goes away mid-request: in the head, or after it.
    const whole = Buffer.concat([latin1(head(method, url, withLength)), body]);
    return {
      kind: "abrupt",
      parts: [whole.subarray(0, int(whole.length + 1))],
      then: "destroy",
      answered: false,
    };
  }
  if (r < 94) {
    const h = { ...withLength, "Content-Type": pick(WRONG_TYPES) };
    return {
      kind: "content-type",
      parts: [latin1(head(method, url, h)), body],
      then: "wait",
      answered: true,
    };
  }
  // Not HTTP at all, or a request line of bytes that are not UTF-8.
  const bytes = chance(0.5)
    ? Buffer.from(Array.from({ length: 1 + int(200) }, () => int(256)))
    : Buffer.concat([
        latin1("GET /2015-03-31/functions/"),
        Buffer.from([0xc3, 0x28, 0xff]),
        latin1(" HTTP/1.1\r\n\r\n"),
      ]);
  return { kind: "garbage", parts: [bytes], then: chance(0.5) ? "end" : "wait", answered: false };
}

describe("fuzzing fleet-sim serve over HTTP", () => {
  it(`answers ${REQUESTS} malformed requests without a 500 or a crash, then serves the SDK`, async () => {
    seedFuzz(0x5eed1e55);
    const requests = Array.from({ length: REQUESTS }, next);
    const statuses = new Map<number, number>();
    const kinds = new Map<string, number>();
    for (let at = 0; at < requests.length; at += PARALLEL) {
      const batch = requests.slice(at, at + PARALLEL);
      const answers = await Promise.all(batch.map((r) => send(r)));
      answers.forEach((a, i) => {
        const sent = batch[i];
        const where = `#${at + i} ${sent.kind}: ${sent.parts[0].subarray(0, 120).toString("latin1")}\n${a.text.slice(0, 600)}`;
        kinds.set(sent.kind, (kinds.get(sent.kind) ?? 0) + 1);
        if (sent.answered) expect(a.status, where).not.toBeNull();
        if (a.status === null) return;
        statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
        if (a.status >= 500) {
          expect(a.status, where).toBe(500);
          expect(a.text, where).toMatch(/x-amzn-errortype: ServiceException/i);
          expect(a.text, where).toMatch(BY_DESIGN_500);
        }
        if (sent.kind.endsWith("oversize") && a.status !== 403 && a.status !== 404) {
          expect(a.status, where).toBe(413);
          expect(a.text, where).toMatch(/x-amzn-errortype: RequestEntityTooLargeException/i);
        }
      });
      expect(s.exited(), `the server exited: ${s.stderr()}`).toBe(false);
    }
    // The fuzz reached every kind and many answers.
    expect([...kinds.keys()].sort()).toEqual(
      [
        "abrupt",
        "content-type",
        "declared-oversize",
        "fuzz",
        "garbage",
        "streamed-oversize",
        "truncated",
      ].sort(),
    );
    expect([...statuses.keys()]).toEqual(expect.arrayContaining([400, 403, 404, 413]));

    const lambda = lambdaClient(s.url, { maxAttempts: 1 });
    try {
      const created = await lambda.send(new CreateFunctionCommand(createInput("after-the-fuzz")));
      expect(created.State).toBe("Pending");
      const got = await lambda.send(new GetFunctionCommand({ FunctionName: "after-the-fuzz" }));
      expect(got.Configuration?.FunctionName).toBe("after-the-fuzz");
    } finally {
      lambda.destroy();
    }
    expect(s.exited()).toBe(false);
    expect(await s.stop()).toBe(0);
    expect(s.stderr()).not.toMatch(/Internal error|TypeError|RangeError/);
  }, 180_000);
});
