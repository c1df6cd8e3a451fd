/**
 * `fleet-sim serve`'s throttles with the real AWS SDK: the control plane's
 * request rate answers 429 TooManyRequestsException (CallerRateLimitExceeded)
 * as Lambda words it, and the SDK's standard retries get every call through;
 * an Invoke over a concurrency limit names the limit that bit (the
 * function's reserved concurrency, or the account's).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateFunctionCommand,
  InvokeCommand,
  type LambdaClient,
  TooManyRequestsException,
} from "@aws-sdk/client-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCli } from "./helpers/build-cli.js";
import { settle } from "./helpers/lambda-sdk.js";
import { createInput, lambdaClient, type Served, serve } from "./helpers/serve-cli.js";

let main = "";
let s: Served;
const dir = mkdtempSync(join(tmpdir(), "fleet-sim-serve-throttles-"));

// One control-plane request per simulated second (15 by default); 20 concurrent executions, of which
// slow-reserved reserves 1; both functions run 3 minutes (3 s of wall time), long enough to hold
// their concurrency while a burst of calls arrives.
const SCENARIO = `name: serve-throttles
duration: 1m
account:
  concurrencyLimit: 20
  unreservedMinimum: 10
  controlPlaneRate: 1/s
  controlPlaneBurst: 1
functions:
  - template: reserved
    name: slow-reserved
    reservedConcurrency: 1
    duration: 3m
    timeout: 5m
    existing: true
  - template: shared
    name: slow-shared
    duration: 3m
    timeout: 5m
    existing: true
`;

const SIGNED = {
  Authorization:
    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261205/us-east-1/lambda/aws4_request, SignedHeaders=host, Signature=00",
  "X-Amz-Date": "20261205T120000Z",
};

beforeAll(async () => {
  main = buildCli("serve-throttles");
  const file = join(dir, "throttles.yaml");
  writeFileSync(file, SCENARIO);
  s = await serve(main, [file, "--speed", "60"]);
}, 120_000);
afterAll(async () => {
  expect(await s.stop()).toBe(0);
  rmSync(dir, { recursive: true, force: true });
});

const createAll = (lambda: LambdaClient, names: string[]) =>
  Promise.all(names.map((n) => settle(lambda.send(new CreateFunctionCommand(createInput(n))))));

describe("serve: throttles", () => {
  it("the control plane's rate: with one attempt some CreateFunction calls get 429 CallerRateLimitExceeded; the SDK's standard retries get all of them through", async () => {
    // Raw, to see the answer as Lambda sends it: status, X-Amzn-ErrorType, Retry-After and the body.
    const raw = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        fetch(`${s.url}/2015-03-31/functions`, {
          method: "POST",
          headers: { ...SIGNED, "Content-Type": "application/json" },
          body: JSON.stringify({ ...createInput(`raw-${i}`), Code: { ZipFile: "UEsDBA==" } }),
        }).then(async (r) => ({ status: r.status, headers: r.headers, body: await r.text() })),
      ),
    );
    const throttled = raw.filter((r) => r.status === 429);
    expect(throttled.length).toBeGreaterThan(0);
    for (const r of throttled) {
      expect(r.headers.get("x-amzn-errortype")).toBe("TooManyRequestsException");
      expect(r.headers.get("retry-after")).toBe("1");
      expect(r.headers.get("x-amzn-requestid")).toMatch(/^[0-9a-f-]{36}$/);
      expect(r.body).toBe('{"Reason":"CallerRateLimitExceeded","Type":"User","message":"Rate exceeded"}');
    }

    const once = lambdaClient(s.url, { maxAttempts: 1 });
    const first = await createAll(
      once,
      Array.from({ length: 30 }, (_, i) => `once-${i}`),
    );
    once.destroy();
    const refused = first.filter((r) => r.error !== undefined).map((r) => r.error!);
    expect(refused.length).toBeGreaterThan(0);
    for (const e of refused) {
      expect(e).toBeInstanceOf(TooManyRequestsException);
      const t = e as unknown as TooManyRequestsException;
      expect(t.$metadata.httpStatusCode).toBe(429);
      expect(t.message).toBe("Rate exceeded");
      expect(t.Reason).toBe("CallerRateLimitExceeded");
      expect(t.Type).toBe("User");
      expect(t.retryAfterSeconds).toBe("1");
    }

    // The SDK's standard retry mode (backoff with jitter, more for throttles), a few more attempts than its default 3.
    const retrying = lambdaClient(s.url, { retryMode: "standard", maxAttempts: 6 });
    const second = await createAll(
      retrying,
      Array.from({ length: 30 }, (_, i) => `retried-${i}`),
    );
    retrying.destroy();
    expect(second.filter((r) => r.error !== undefined).map((r) => r.error!.name)).toEqual([]);
    for (const r of second) expect(r.output!.State).toBe("Pending");
    // Retries did the work: some calls needed more than one attempt.
    expect(Math.max(...second.map((r) => r.output!.$metadata.attempts ?? 1))).toBeGreaterThan(1);
  }, 60_000);

  it("Invoke over a function's reserved concurrency: TooManyRequestsException ReservedFunctionConcurrentInvocationLimitExceeded", async () => {
    const lambda = lambdaClient(s.url, { maxAttempts: 1 });
    try {
      const answers = await Promise.all(
        Array.from({ length: 5 }, () =>
          settle(lambda.send(new InvokeCommand({ FunctionName: "slow-reserved" }))),
        ),
      );
      const ran = answers.filter((a) => a.output !== undefined);
      expect(ran).toHaveLength(1);
      expect(ran[0].output!.StatusCode).toBe(200);
      const throttles = answers.filter((a) => a.error !== undefined).map((a) => a.error!);
      expect(throttles).toHaveLength(4);
      for (const e of throttles) {
        expect(e).toBeInstanceOf(TooManyRequestsException);
        const t = e as unknown as TooManyRequestsException;
        expect(t.$metadata.httpStatusCode).toBe(429);
        expect(t.Reason).toBe("ReservedFunctionConcurrentInvocationLimitExceeded");
        expect(t.message).toBe("Rate Exceeded.");
        expect(t.Type).toBe("User");
      }
    } finally {
      lambda.destroy();
    }
  }, 60_000);

  it("Invoke over the account's unreserved concurrency: TooManyRequestsException ConcurrentInvocationLimitExceeded", async () => {
    const lambda = lambdaClient(s.url, { maxAttempts: 1 });
    try {
      // 20 concurrent executions less slow-reserved's 1: 19 run, 6 are throttled.
      const answers = await Promise.all(
        Array.from({ length: 25 }, () =>
          settle(lambda.send(new InvokeCommand({ FunctionName: "slow-shared" }))),
        ),
      );
      const throttles = answers.filter((a) => a.error !== undefined).map((a) => a.error!);
      expect(answers.length - throttles.length).toBe(19);
      for (const e of throttles) {
        expect(e).toBeInstanceOf(TooManyRequestsException);
        const t = e as unknown as TooManyRequestsException;
        expect(t.Reason).toBe("ConcurrentInvocationLimitExceeded");
        expect(t.message).toBe("Rate Exceeded.");
      }
    } finally {
      lambda.destroy();
    }
  }, 60_000);
});
