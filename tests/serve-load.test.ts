/**
 * Load: 200 SDK clients at once against `fleet-sim serve --speed 600`, each
 * creating a function (every fourth in a VPC), waiting for it with
 * waitUntilFunctionActiveV2, then invoking it three times. Every call gets
 * exactly one answer: each client sees one per call, and the session's
 * report counts, per operation, exactly the calls the clients made (none
 * lost, none entered twice); the run's invariants hold; the server's
 * resident memory stays bounded. No speed is asserted
 * (bench/serve-load.mjs measures it).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateFunctionCommand,
  InvokeCommand,
  type LambdaClient,
  waitUntilFunctionActiveV2,
} from "@aws-sdk/client-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCli } from "./helpers/build-cli.js";
import { createInput, lambdaClient, residentKb, serve } from "./helpers/serve-cli.js";

const CLIENTS = 200;
const INVOKES = 3;
/** The server's resident memory may not pass this (about 100 MB measured at the peak of this test). */
const RSS_BOUND_MB = 256;

let main = "";
const dir = mkdtempSync(join(tmpdir(), "fleet-sim-serve-load-"));

beforeAll(() => {
  main = buildCli("serve-load");
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Counts, per operation, the calls a client sends and the answers (or errors) it gets back. */
function counted(
  lambda: LambdaClient,
  sent: Map<string, number>,
  settled: Map<string, number>,
): LambdaClient {
  lambda.middlewareStack.add(
    (next, context) => async (args) => {
      const op = context.commandName!.replace(/Command$/, "");
      sent.set(op, (sent.get(op) ?? 0) + 1);
      try {
        return await next(args);
      } finally {
        settled.set(op, (settled.get(op) ?? 0) + 1);
      }
    },
    { step: "initialize", name: "countCalls" },
  );
  return lambda;
}

async function oneClient(url: string, i: number, sent: Map<string, number>, settled: Map<string, number>) {
  // One attempt: a retry would be a second request for one call, and the count must match the report's.
  const lambda = counted(lambdaClient(url, { maxAttempts: 1 }), sent, settled);
  const name = `load-${String(i).padStart(3, "0")}`;
  try {
    const created = await lambda.send(new CreateFunctionCommand(createInput(name, i % 4 === 0)));
    expect(created.State).toBe("Pending");
    const waited = await waitUntilFunctionActiveV2(
      { client: lambda, maxWaitTime: 50, minDelay: 0.05, maxDelay: 0.5 },
      { FunctionName: name },
    );
    expect(waited.state).toBe("SUCCESS");
    for (let k = 0; k < INVOKES; k++) {
      const payload = `{"client":${i},"call":${k}}`;
      const out = await lambda.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from(payload) }));
      expect(out.StatusCode).toBe(200);
      expect(Buffer.from(out.Payload!).toString()).toBe(payload);
    }
  } finally {
    lambda.destroy();
  }
}

interface Report {
  api: Record<string, { requests: number; success: number; errors: Record<string, number> }>;
  functions: { created: number };
  invariants: { name: string; ok: boolean; detail: string }[];
}

describe("serve under load", () => {
  it(`${CLIENTS} SDK clients create, wait and invoke at once: one answer per call, invariants hold, memory bounded`, async () => {
    const out = join(dir, "load.json");
    const s = await serve(main, ["--speed", "600", "--out", out]);
    const pid = s.child.pid!;
    let peakKb = residentKb(pid) ?? 0;
    const sampler = setInterval(() => (peakKb = Math.max(peakKb, residentKb(pid) ?? 0)), 100);
    const sent = new Map<string, number>();
    const settled = new Map<string, number>();
    try {
      const results = await Promise.allSettled(
        Array.from({ length: CLIENTS }, (_, i) => oneClient(s.url, i, sent, settled)),
      );
      const failures = results.flatMap((r) => (r.status === "rejected" ? [String(r.reason)] : []));
      expect(failures.slice(0, 5)).toEqual([]);
    } finally {
      clearInterval(sampler);
      expect(await s.stop()).toBe(0);
    }
    expect([...settled]).toEqual([...sent]);
    expect(sent.get("CreateFunction")).toBe(CLIENTS);
    expect(sent.get("Invoke")).toBe(CLIENTS * INVOKES);
    expect(sent.get("GetFunction")).toBeGreaterThanOrEqual(CLIENTS);

    const report = JSON.parse(readFileSync(out, "utf8")) as Report;
    for (const [op, n] of sent) {
      expect(report.api[op].requests, op).toBe(n);
      expect(report.api[op].success, op).toBe(n);
    }
    expect(report.functions.created).toBe(CLIENTS);
    expect(report.invariants.length).toBeGreaterThan(0);
    expect(report.invariants.filter((v) => !v.ok)).toEqual([]);
    expect(peakKb / 1024).toBeLessThan(RSS_BOUND_MB);
  }, 120_000);
});
