/**
 * `fleet-sim serve` with the real AWS SDK, over what a deploy script meets
 * after the first minutes: a VPC function left idle goes Inactive, its first
 * Invoke fails with ResourceNotReadyException and starts the restore; a cold
 * start's REPORT line carries Init Duration and the handler's Duration.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateFunctionCommand,
  GetFunctionCommand,
  InvokeCommand,
  type LambdaClient,
  ResourceNotReadyException,
  type State,
} from "@aws-sdk/client-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCli } from "./helpers/build-cli.js";
import { createInput, lambdaClient, serve, sleep } from "./helpers/serve-cli.js";

let main = "";
const dir = mkdtempSync(join(tmpdir(), "fleet-sim-serve-lifecycle-"));

// The default account's network, with functions going Inactive after 5 idle minutes (14 days by
// default) and unused ENIs deleted at once (up to 20 minutes by default), so a restore creates one (60-90 s).
const SCENARIO = `name: serve-inactive
duration: 1m
model:
  inactiveAfter: 5m
  eniDeletionDelay: 0s
network:
  vpcs:
    - id: vpc-default
      securityGroups: [sg-default]
      subnets:
        - { id: subnet-a, cidr: 10.0.0.0/20 }
        - { id: subnet-b, cidr: 10.0.16.0/20 }
`;

beforeAll(() => {
  main = buildCli("serve-lifecycle-live");
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Polls GetFunction (a read: it does not reset the idle clock) until the function is in `state`. */
async function until(lambda: LambdaClient, name: string, state: State, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = await lambda.send(new GetFunctionCommand({ FunctionName: name }));
    if (got.Configuration?.State === state) return got.Configuration;
    if (Date.now() > deadline) throw new Error(`${name} still ${got.Configuration?.State}, not ${state}`);
    await sleep(40);
  }
}

const reportOf = (logResult: string | undefined) =>
  /REPORT RequestId: \S+\t(.*)\n$/.exec(Buffer.from(logResult ?? "", "base64").toString())?.[1] ?? "";

describe("serve: an idle VPC function goes Inactive and is restored by its first Invoke", () => {
  it("GetFunction shows Inactive (Idle); Invoke gets ResourceNotReadyException (502), the function goes Pending (Restoring), then Active, and an Invoke succeeds with Init Duration in its REPORT", async () => {
    const file = join(dir, "inactive.yaml");
    writeFileSync(file, SCENARIO);
    // 120x: the 5 idle minutes pass in 2.5 s; the 60-90 s ENI wait in under a second.
    const s = await serve(main, [file, "--speed", "120"]);
    // A 502 is a transient error to the SDK's standard retries: one attempt shows it.
    const lambda = lambdaClient(s.url, { maxAttempts: 1 });
    try {
      const created = await lambda.send(new CreateFunctionCommand(createInput("reports", true)));
      expect(created.State).toBe("Pending");
      await until(lambda, "reports", "Active");
      const inactive = await until(lambda, "reports", "Inactive");
      expect(inactive.StateReasonCode).toBe("Idle");
      expect(inactive.StateReason).toBe("The function is idle.");

      const refused = await lambda
        .send(new InvokeCommand({ FunctionName: "reports", Payload: Buffer.from("{}") }))
        .catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(ResourceNotReadyException);
      const notReady = refused as ResourceNotReadyException;
      expect(notReady.$metadata.httpStatusCode).toBe(502);
      expect(notReady.$fault).toBe("server");
      expect(notReady.message).toBe(
        "The function is inactive and its VPC connection is no longer available. Wait for the VPC connection to reestablish and try again.",
      );
      const restoring = (await lambda.send(new GetFunctionCommand({ FunctionName: "reports" })))
        .Configuration;
      expect(restoring?.State).toBe("Pending");
      expect(restoring?.StateReasonCode).toBe("Restoring");

      await until(lambda, "reports", "Active");
      const cold = await lambda.send(
        new InvokeCommand({ FunctionName: "reports", Payload: Buffer.from('{"n":1}'), LogType: "Tail" }),
      );
      expect(cold.StatusCode).toBe(200);
      expect(Buffer.from(cold.Payload!).toString()).toBe('{"n":1}');
      // The environments went with the Inactive state: a cold start. The served template's handler runs 100 ms.
      const coldReport = reportOf(cold.LogResult);
      const m =
        /^Duration: 100\.00 ms\tBilled Duration: (\d+) ms\tMemory Size: 128 MB\tMax Memory Used: 64 MB\tInit Duration: (\d+\.\d\d) ms\t$/.exec(
          coldReport,
        );
      expect(m, coldReport).not.toBeNull();
      const initMs = Number(m![2]);
      expect(initMs).toBeGreaterThan(0);
      // Lambda bills the INIT phase of on-demand functions (since August 2025): Duration + Init Duration, rounded up.
      const billed = Number(m![1]);
      expect(billed).toBeGreaterThanOrEqual(100 + initMs - 0.005);
      expect(billed).toBeLessThan(100 + initMs + 1.005);

      const warm = await lambda.send(new InvokeCommand({ FunctionName: "reports", LogType: "Tail" }));
      expect(reportOf(warm.LogResult)).toBe(
        "Duration: 100.00 ms\tBilled Duration: 100 ms\tMemory Size: 128 MB\tMax Memory Used: 64 MB\t",
      );
    } finally {
      lambda.destroy();
      expect(await s.stop()).toBe(0);
    }
  }, 120_000);
});
