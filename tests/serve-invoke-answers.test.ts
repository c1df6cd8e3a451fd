/**
 * How `fleet-sim serve` words what the model says about an Invoke: the
 * TooManyRequestsException of each throttle cause (Reason, message, header,
 * body as Lambda sends them) and the REPORT line's durations.
 */
import { describe, expect, it } from "vitest";
import { ThrottleCause } from "../src/model/aws-names.js";
import { invocationLog } from "../src/serve/api/log-tail.js";
import { callerThrottleResponse, invokeThrottleResponse } from "../src/serve/api/throttles.js";
import { invocationReport } from "../src/serve/invocation-report.js";

describe("throttle answers", () => {
  it.each([
    [ThrottleCause.AccountConcurrency, "ConcurrentInvocationLimitExceeded"],
    [ThrottleCause.ReservedConcurrency, "ReservedFunctionConcurrentInvocationLimitExceeded"],
    [ThrottleCause.ScalingRate, "ConcurrentInvocationLimitExceeded"],
    [ThrottleCause.AccountRequestRate, "FunctionInvocationRateLimitExceeded"],
    [ThrottleCause.ReservedRequestRate, "ReservedFunctionInvocationRateLimitExceeded"],
    [ThrottleCause.ProvisionedRequestRate, "FunctionInvocationRateLimitExceeded"],
    [-1, "ConcurrentInvocationLimitExceeded"],
  ])("an Invoke throttled for cause %i: Reason %s, Invoke's message", (cause, reason) => {
    const r = invokeThrottleResponse(cause);
    expect(r.status).toBe(429);
    expect(r.headers["X-Amzn-ErrorType"]).toBe("TooManyRequestsException");
    expect(r.headers["Retry-After"]).toBe("1");
    expect(r.body).toBe(`{"Reason":"${reason}","Type":"User","message":"Rate Exceeded."}`);
  });

  it("a control-plane call over the request rate: CallerRateLimitExceeded, the control plane's message", () => {
    const r = callerThrottleResponse();
    expect(r.status).toBe(429);
    expect(r.body).toBe('{"Reason":"CallerRateLimitExceeded","Type":"User","message":"Rate exceeded"}');
  });
});

describe("the REPORT line", () => {
  const line = (log: string) => log.split("\n").find((l) => l.startsWith("REPORT"));

  it("a cold start: the handler's Duration, Init Duration, and both billed, rounded up to the millisecond", () => {
    const r = invocationReport("id", { initUs: 251_371, runUs: 100_000, throttleCause: -1 }, 400_000, 128);
    expect(line(invocationLog(r))).toBe(
      "REPORT RequestId: id\tDuration: 100.00 ms\tBilled Duration: 352 ms\tMemory Size: 128 MB\tMax Memory Used: 64 MB\tInit Duration: 251.37 ms\t",
    );
  });

  it("a warm start: no Init Duration; Billed Duration is at least 1 ms", () => {
    const r = invocationReport("id", { initUs: -1, runUs: 12_341, throttleCause: -1 }, 40_000, 512);
    expect(line(invocationLog(r))).toBe(
      "REPORT RequestId: id\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 512 MB\tMax Memory Used: 256 MB\t",
    );
    expect(
      invocationReport("id", { initUs: -1, runUs: 200, throttleCause: -1 }, 0, 128).billedDurationMs,
    ).toBe(1);
  });

  it("without the model's durations, Duration is the time from request to answer", () => {
    expect(invocationReport("id", undefined, 20_500, 128)).toMatchObject({
      durationMs: 20.5,
      billedDurationMs: 21,
    });
  });
});
