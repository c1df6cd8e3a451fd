/**
 * Output shapes as the real SDK parses them: a function's configuration, its
 * code and concurrency, the lists with their markers, aliases, concurrency,
 * account settings, and Invoke's answers with the log tail and function error.
 */
import * as L from "@aws-sdk/client-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STATE_REASON_TEXT, ReasonCode } from "../src/model/aws-names.js";
import { successResponse, type ApiResponse } from "../src/serve/api/api-response.js";
import {
  invokeResponse,
  functionErrorPayload,
  taskTimedOutPayload,
} from "../src/serve/api/invoke-response.js";
import { lambdaTimestamp, lambdaTimestampSeconds } from "../src/serve/api/lambda-time.js";
import { invocationLog, invokeLogTail } from "../src/serve/api/log-tail.js";
import { paginate } from "../src/serve/api/pagination.js";
import { aliasConfiguration } from "../src/serve/api/shapes-alias.js";
import {
  accountSettingsOutput,
  provisionedConcurrencyOutput,
  reservedConcurrencyOutput,
} from "../src/serve/api/shapes-concurrency.js";
import {
  functionConfiguration,
  getFunctionOutput,
  listFunctionsOutput,
  listVersionsOutput,
  type FunctionSnapshot,
} from "../src/serve/api/shapes-function.js";
import { sdkServer, type SdkServer } from "./helpers/lambda-sdk.js";

const T = Date.UTC(2026, 11, 5, 17, 4, 1);
const ARN = "arn:aws:lambda:us-east-1:123456789012:function:orders";

const FN: FunctionSnapshot = {
  name: "orders",
  version: "$LATEST",
  runtime: "nodejs22.x",
  handler: "index.handler",
  role: "arn:aws:iam::123456789012:role/r",
  memoryMb: 256,
  timeoutS: 10,
  packageType: "Zip",
  architectures: ["arm64"],
  codeSha256: Buffer.alloc(32, 1).toString("base64"),
  codeSize: 1234,
  description: "",
  vpc: { subnetIds: ["subnet-1"], securityGroupIds: ["sg-1"], vpcId: "vpc-1" },
  environment: { TABLE: "t" },
  state: "Pending",
  stateReason: STATE_REASON_TEXT[ReasonCode.Creating],
  stateReasonCode: "Creating",
  revisionId: "rev-1",
  lastModifiedMs: T,
};

let next: ApiResponse;
let server: SdkServer;
beforeAll(async () => {
  server = await sdkServer(() => next);
});
afterAll(() => server.close());

function answer<T>(response: ApiResponse, send: (c: L.LambdaClient) => Promise<T>): Promise<T> {
  next = response;
  return send(server.client);
}

describe("function shapes", () => {
  it("prints times as Lambda does", () => {
    expect(lambdaTimestamp(T)).toBe("2026-12-05T17:04:01.000+0000");
    expect(lambdaTimestampSeconds(T)).toBe("2026-12-05T17:04:01+0000");
  });

  it("CreateFunction: 201 and the configuration", async () => {
    const out = await answer(successResponse("CreateFunction", functionConfiguration(FN)), (c) =>
      c.send(new L.CreateFunctionCommand({ FunctionName: "orders", Role: FN.role, Code: {} })),
    );
    expect(out.$metadata.httpStatusCode).toBe(201);
    expect(out).toMatchObject({
      FunctionName: "orders",
      FunctionArn: ARN,
      Runtime: "nodejs22.x",
      MemorySize: 256,
      Timeout: 10,
      LastModified: "2026-12-05T17:04:01.000+0000",
      Version: "$LATEST",
      State: "Pending",
      StateReason: "The function is being created.",
      StateReasonCode: "Creating",
      PackageType: "Zip",
      Architectures: ["arm64"],
      VpcConfig: { SubnetIds: ["subnet-1"], SecurityGroupIds: ["sg-1"], VpcId: "vpc-1" },
      Environment: { Variables: { TABLE: "t" } },
      EphemeralStorage: { Size: 512 },
      TracingConfig: { Mode: "PassThrough" },
      RevisionId: "rev-1",
    });
    expect(out.LastUpdateStatus).toBeUndefined();
  });

  it("GetFunction: configuration, code location, concurrency, tags", async () => {
    const fn: FunctionSnapshot = { ...FN, state: "Active", lastUpdateStatus: "InProgress", vpc: null };
    delete fn.stateReason;
    delete fn.stateReasonCode;
    const out = await answer(
      successResponse("GetFunction", getFunctionOutput(fn, { reservedConcurrency: 5, tags: { team: "a" } })),
      (c) => c.send(new L.GetFunctionCommand({ FunctionName: "orders" })),
    );
    expect(out.Configuration).toMatchObject({ State: "Active", LastUpdateStatus: "InProgress" });
    expect(out.Configuration?.VpcConfig).toBeUndefined();
    expect(out.Code?.RepositoryType).toBe("S3");
    expect(out.Code?.Location).toMatch(
      /^https:\/\/awslambda-us-east-1-tasks\.s3\.us-east-1\.amazonaws\.com\//,
    );
    expect(out.Concurrency).toEqual({ ReservedConcurrentExecutions: 5 });
    expect(out.Tags).toEqual({ team: "a" });
  });

  it("an image's code is its ECR image", () => {
    const image = getFunctionOutput({
      ...FN,
      packageType: "Image",
      imageUri: "1.dkr.ecr.us-east-1.amazonaws.com/app:v1",
    });
    expect(image.Code).toEqual({
      RepositoryType: "ECR",
      ImageUri: "1.dkr.ecr.us-east-1.amazonaws.com/app:v1",
      ResolvedImageUri: `1.dkr.ecr.us-east-1.amazonaws.com/app@sha256:${"01".repeat(32)}`,
    });
  });

  it("qualifies versions' ARNs, and $LATEST's when asked", () => {
    expect(functionConfiguration({ ...FN, version: "3" }).FunctionArn).toBe(`${ARN}:3`);
    expect(functionConfiguration(FN, { qualifyLatest: true }).FunctionArn).toBe(`${ARN}:$LATEST`);
    expect(
      functionConfiguration(FN, { scope: { accountId: "111111111111", region: "eu-west-1" } }).FunctionArn,
    ).toBe("arn:aws:lambda:eu-west-1:111111111111:function:orders");
  });

  it("ListFunctions pages by Marker and MaxItems", async () => {
    const fns = ["a", "b", "c", "d", "e"].map((name) => ({ ...FN, name }));
    const first = paginate(fns, (fn) => fn.name, undefined, 2);
    if (!first.ok) throw new Error(first.problem.message);
    const out = await answer(
      successResponse("ListFunctions", listFunctionsOutput(first.value.items, first.value.nextMarker)),
      (c) => c.send(new L.ListFunctionsCommand({ MaxItems: 2 })),
    );
    expect(out.Functions?.map((f) => f.FunctionName)).toEqual(["a", "b"]);
    expect(out.NextMarker).toBe(first.value.nextMarker);
    const second = paginate(fns, (fn) => fn.name, out.NextMarker, 2);
    const last = second.ok ? paginate(fns, (fn) => fn.name, second.value.nextMarker, 2) : second;
    expect(second.ok && second.value.items.map((f) => f.name)).toEqual(["c", "d"]);
    expect(last.ok && last.value).toEqual({ items: [fns[4]] });
    expect(paginate(fns, (fn) => fn.name, "not a marker!", 2)).toMatchObject({
      problem: { type: "InvalidParameterValueException" },
    });
    expect(listFunctionsOutput([])).toEqual({ Functions: [] });
  });

  it("ListVersionsByFunction qualifies every ARN", async () => {
    const out = await answer(
      successResponse("ListVersionsByFunction", listVersionsOutput([FN, { ...FN, version: "1" }])),
      (c) => c.send(new L.ListVersionsByFunctionCommand({ FunctionName: "orders" })),
    );
    expect(out.Versions?.map((v) => v.FunctionArn)).toEqual([`${ARN}:$LATEST`, `${ARN}:1`]);
  });

  it("DeleteFunction answers 204", async () => {
    const out = await answer(successResponse("DeleteFunction"), (c) =>
      c.send(new L.DeleteFunctionCommand({ FunctionName: "orders" })),
    );
    expect(out.$metadata.httpStatusCode).toBe(204);
  });
});

describe("alias, concurrency and account shapes", () => {
  it("AliasConfiguration", async () => {
    const alias = {
      functionName: "orders",
      name: "live",
      functionVersion: "2",
      description: "",
      revisionId: "r",
    };
    const out = await answer(
      successResponse(
        "CreateAlias",
        aliasConfiguration({ ...alias, additionalVersionWeights: { "3": 0.25 } }),
      ),
      (c) => c.send(new L.CreateAliasCommand({ FunctionName: "orders", Name: "live", FunctionVersion: "2" })),
    );
    expect(out).toMatchObject({
      AliasArn: `${ARN}:live`,
      Name: "live",
      FunctionVersion: "2",
      Description: "",
      RoutingConfig: { AdditionalVersionWeights: { "3": 0.25 } },
      RevisionId: "r",
    });
    expect(aliasConfiguration(alias).RoutingConfig).toBeUndefined();
  });

  it("reserved and provisioned concurrency", async () => {
    const reserved = await answer(
      successResponse("GetFunctionConcurrency", reservedConcurrencyOutput(undefined)),
      (c) => c.send(new L.GetFunctionConcurrencyCommand({ FunctionName: "orders" })),
    );
    expect(reserved.ReservedConcurrentExecutions).toBeUndefined();
    const provisioned = await answer(
      successResponse(
        "PutProvisionedConcurrencyConfig",
        provisionedConcurrencyOutput({
          requested: 10,
          available: 0,
          allocated: 0,
          status: "IN_PROGRESS",
          lastModifiedMs: T,
        }),
      ),
      (c) =>
        c.send(
          new L.PutProvisionedConcurrencyConfigCommand({
            FunctionName: "orders",
            Qualifier: "1",
            ProvisionedConcurrentExecutions: 10,
          }),
        ),
    );
    expect(provisioned.$metadata.httpStatusCode).toBe(202);
    expect(provisioned).toMatchObject({
      RequestedProvisionedConcurrentExecutions: 10,
      AvailableProvisionedConcurrentExecutions: 0,
      AllocatedProvisionedConcurrentExecutions: 0,
      Status: "IN_PROGRESS",
      LastModified: "2026-12-05T17:04:01+0000",
    });
  });

  it("GetAccountSettings", async () => {
    const out = await answer(
      successResponse(
        "GetAccountSettings",
        accountSettingsOutput({
          concurrentExecutions: 1000,
          unreservedConcurrentExecutions: 900,
          totalCodeSize: 5,
          functionCount: 2,
        }),
      ),
      (c) => c.send(new L.GetAccountSettingsCommand({})),
    );
    expect(out.AccountLimit).toEqual({
      TotalCodeSize: 80530636800,
      CodeSizeUnzipped: 262144000,
      CodeSizeZipped: 52428800,
      ConcurrentExecutions: 1000,
      UnreservedConcurrentExecutions: 900,
    });
    expect(out.AccountUsage).toEqual({ TotalCodeSize: 5, FunctionCount: 2 });
  });
});

describe("Invoke answers", () => {
  const report = {
    requestId: "c0ffee00-1111-2222-3333-444455556666",
    durationMs: 12.345,
    billedDurationMs: 13,
    memoryMb: 128,
    maxMemoryUsedMb: 68,
  };

  it("writes AWS's REPORT line, Init Duration after a cold start", () => {
    expect(invocationLog({ ...report, initDurationMs: 180.224 })).toBe(
      `START RequestId: ${report.requestId} Version: $LATEST\n` +
        `END RequestId: ${report.requestId}\n` +
        `REPORT RequestId: ${report.requestId}\tDuration: 12.35 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 68 MB\tInit Duration: 180.22 ms\t\n`,
    );
  });

  it("keeps the last 4 KB of a long log", () => {
    const tail = Buffer.from(
      invokeLogTail({
        ...report,
        lines: Array.from({ length: 200 }, (_, i) => `line ${i} ${"x".repeat(40)}`),
      }),
      "base64",
    );
    expect(tail.length).toBe(4096);
    expect(tail.toString()).toMatch(/\tMax Memory Used: 68 MB\t\n$/);
  });

  it("RequestResponse with a function error and the log tail, as the SDK reads it", async () => {
    const out = await answer(
      invokeResponse({
        invocationType: "RequestResponse",
        executedVersion: "3",
        payload: functionErrorPayload("Error", "boom"),
        functionError: "Unhandled",
        logResult: invokeLogTail(report),
      }),
      (c) => c.send(new L.InvokeCommand({ FunctionName: "orders:live", LogType: "Tail" })),
    );
    expect(out.StatusCode).toBe(200);
    expect(out.FunctionError).toBe("Unhandled");
    expect(out.ExecutedVersion).toBe("3");
    expect(JSON.parse(Buffer.from(out.Payload ?? []).toString())).toEqual({
      errorType: "Error",
      errorMessage: "boom",
      trace: [],
    });
    expect(Buffer.from(out.LogResult ?? "", "base64").toString()).toMatch(
      /REPORT RequestId: c0ffee00-1111-2222-3333-444455556666\tDuration: 12\.35 ms\tBilled Duration: 13 ms\t/,
    );
  });

  it("Event 202 and DryRun 204, without a body", async () => {
    const event = await answer(invokeResponse({ invocationType: "Event", executedVersion: "$LATEST" }), (c) =>
      c.send(new L.InvokeCommand({ FunctionName: "orders", InvocationType: "Event" })),
    );
    expect(event.StatusCode).toBe(202);
    const dry = await answer(invokeResponse({ invocationType: "DryRun", executedVersion: "$LATEST" }), (c) =>
      c.send(new L.InvokeCommand({ FunctionName: "orders", InvocationType: "DryRun" })),
    );
    expect(dry.StatusCode).toBe(204);
  });

  it("a timeout's payload", () => {
    expect(JSON.parse(taskTimedOutPayload("id-1", 3))).toEqual({
      errorType: "Sandbox.Timedout",
      errorMessage: "RequestId: id-1 Error: Task timed out after 3.00 seconds",
    });
  });
});
