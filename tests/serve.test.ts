/**
 * `fleet-sim serve` driven by the real AWS SDK for JavaScript (issue 12):
 * the CLI is started as a user starts it, on 127.0.0.1 with a free port, and
 * stopped with Ctrl-C (SIGINT), after which its report is read.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateFunctionCommand,
  GetFunctionCommand,
  InvokeCommand,
  ResourceConflictException,
  ResourceNotFoundException,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionActiveV2,
  waitUntilFunctionUpdatedV2,
} from "@aws-sdk/client-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCli } from "./helpers/build-cli.js";
import { lambdaClient, serve as serveCli } from "./helpers/serve-cli.js";

let main = "";
const serve = (args: string[]) => serveCli(main, args);
const dir = mkdtempSync(join(tmpdir(), "fleet-sim-serve-"));

const client = (url: string) => lambdaClient(url);

const ZIP = Buffer.from("PK\x03\x04 a zip file");
const createVpcFunction = (name: string) =>
  new CreateFunctionCommand({
    FunctionName: name,
    Runtime: "nodejs20.x",
    Role: "arn:aws:iam::123456789012:role/deployer",
    Handler: "index.handler",
    Code: { ZipFile: ZIP },
    VpcConfig: { SubnetIds: ["subnet-a", "subnet-b"], SecurityGroupIds: ["sg-default"] },
  });

beforeAll(() => {
  main = buildCli("serve");
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("fleet-sim serve with the AWS SDK", () => {
  it("50 VPC functions created at once: Pending, ResourceConflictException on an immediate update, Active after the ENI wait (60-90 s simulated)", async () => {
    const out = join(dir, "session.json");
    // At 60x a 60-90 s ENI wait is 1-1.5 s: long enough that 50 parallel creates all answer while Pending.
    const s = await serve(["--speed", "60", "--out", out]);
    const lambda = client(s.url);
    try {
      const names = Array.from({ length: 50 }, (_, i) => `deploy-${i}`);
      const created = await Promise.all(names.map((n) => lambda.send(createVpcFunction(n))));
      for (const c of created) {
        expect(c.State).toBe("Pending");
        expect(c.StateReasonCode).toBe("Creating");
        expect(c.VpcConfig?.VpcId).toBe("vpc-default");
      }
      const conflict = await lambda
        .send(new UpdateFunctionConfigurationCommand({ FunctionName: names[0], MemorySize: 512 }))
        .catch((e: unknown) => e);
      expect(conflict).toBeInstanceOf(ResourceConflictException);
      expect((conflict as Error).message).toBe(
        "The operation cannot be performed at this time. The function is currently in the following state: Pending",
      );
      await Promise.all(
        names.map((n) =>
          waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 120, minDelay: 1 }, { FunctionName: n }),
        ),
      );
      const updated = await lambda.send(
        new UpdateFunctionConfigurationCommand({ FunctionName: names[0], MemorySize: 512 }),
      );
      expect(updated.LastUpdateStatus).toBe("InProgress");
      await waitUntilFunctionUpdatedV2(
        { client: lambda, maxWaitTime: 120, minDelay: 1 },
        { FunctionName: names[0] },
      );
      const got = await lambda.send(new GetFunctionCommand({ FunctionName: names[0] }));
      expect(got.Configuration?.State).toBe("Active");
      expect(got.Configuration?.LastUpdateStatus).toBe("Successful");
      expect(got.Configuration?.MemorySize).toBe(512);
      expect(got.Configuration?.RevisionId).not.toBe(updated.RevisionId);
      const invoked = await lambda.send(
        new InvokeCommand({ FunctionName: names[1], Payload: Buffer.from('{"order":7}'), LogType: "Tail" }),
      );
      expect(invoked.StatusCode).toBe(200);
      expect(invoked.ExecutedVersion).toBe("$LATEST");
      expect(Buffer.from(invoked.Payload!).toString()).toBe('{"order":7}');
      expect(Buffer.from(invoked.LogResult!, "base64").toString()).toMatch(
        /REPORT RequestId: \S+\tDuration: [\d.]+ ms\tBilled Duration: \d+ ms\tMemory Size: 128 MB\t/,
      );
      const missing = await lambda
        .send(new GetFunctionCommand({ FunctionName: "nope" }))
        .catch((e: unknown) => e);
      expect(missing).toBeInstanceOf(ResourceNotFoundException);
    } finally {
      lambda.destroy();
      expect(await s.stop()).toBe(0);
    }
    const report = JSON.parse(readFileSync(out, "utf8")) as {
      functions: { created: number };
      histograms: { pendingCreate: { count: number; min: number; max: number } };
    };
    expect(report.functions.created).toBe(50);
    expect(report.histograms.pendingCreate.count).toBe(50);
    // The first create waits for a whole Hyperplane ENI (60-90 s); the others share it (one per
    // subnet and security-group set), so they wait only for what is left of that creation.
    expect(report.histograms.pendingCreate.max).toBeGreaterThanOrEqual(60);
    expect(report.histograms.pendingCreate.max).toBeLessThanOrEqual(90);
    expect(report.histograms.pendingCreate.min).toBeGreaterThan(0);
    expect(s.stdout()).toContain("served-account");
  }, 180_000);

  it("answers an unsigned request 403 and a malformed body 400, and keeps answering", async () => {
    const s = await serve(["--speed", "600"]);
    try {
      const unsigned = await fetch(`${s.url}/2015-03-31/functions/`, { method: "GET" });
      expect(unsigned.status).toBe(403);
      expect(unsigned.headers.get("x-amzn-errortype")).toBe("MissingAuthenticationTokenException");
      const auth = {
        Authorization:
          "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261205/us-east-1/lambda/aws4_request, SignedHeaders=host, Signature=00",
        "X-Amz-Date": "20261205T120000Z",
      };
      const bad = await fetch(`${s.url}/2015-03-31/functions`, {
        method: "POST",
        headers: auth,
        body: "{not json",
      });
      expect(bad.status).toBe(400);
      expect(bad.headers.get("x-amzn-errortype")).toBe("InvalidRequestContentException");
      const list = await fetch(`${s.url}/2015-03-31/functions/`, { headers: auth });
      expect(list.status).toBe(200);
      expect(await list.json()).toEqual({ Functions: [] });
    } finally {
      expect(await s.stop()).toBe(0);
    }
  }, 60_000);
  it("Debian's AWS CLI v2 (/usr/bin/aws): create-function shows Pending, wait function-active-v2, get-function shows Active, invoke", async () => {
    const s = await serve(["--speed", "60"]);
    const zip = join(dir, "function.zip");
    spawnSync("/usr/bin/python3", [
      "-c",
      `import zipfile; z = zipfile.ZipFile(${JSON.stringify(zip)}, "w"); z.writestr("index.js", "exports.handler = async () => 1"); z.close()`,
    ]);
    const aws = (...args: string[]) =>
      spawnSync("/usr/bin/aws", ["--endpoint-url", s.url, "lambda", ...args], {
        encoding: "utf8",
        cwd: dir,
        env: {
          ...process.env,
          AWS_ACCESS_KEY_ID: "x",
          AWS_SECRET_ACCESS_KEY: "x",
          AWS_DEFAULT_REGION: "us-east-1",
          AWS_PAGER: "",
        },
      });
    try {
      const created = aws(
        "create-function",
        "--function-name",
        "api",
        "--runtime",
        "nodejs20.x",
        "--role",
        "arn:aws:iam::123456789012:role/deployer",
        "--handler",
        "index.handler",
        "--zip-file",
        `fileb://${zip}`,
        "--vpc-config",
        "SubnetIds=subnet-a,SecurityGroupIds=sg-default",
        "--query",
        "State",
      );
      expect(created.stderr).toBe("");
      expect(created.stdout.trim()).toBe('"Pending"');
      expect(aws("wait", "function-active-v2", "--function-name", "api").status).toBe(0);
      expect(
        aws("get-function", "--function-name", "api", "--query", "Configuration.State").stdout.trim(),
      ).toBe('"Active"');
      const invoked = aws(
        "invoke",
        "--function-name",
        "api",
        "--payload",
        '{"a":1}',
        "--cli-binary-format",
        "raw-in-base64-out",
        "out.json",
      );
      expect(JSON.parse(invoked.stdout)).toEqual({ StatusCode: 200, ExecutedVersion: "$LATEST" });
      expect(readFileSync(join(dir, "out.json"), "utf8")).toBe('{"a":1}');
    } finally {
      expect(await s.stop()).toBe(0);
    }
  }, 120_000);
});
