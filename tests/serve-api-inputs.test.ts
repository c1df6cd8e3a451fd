/**
 * Input validation, driven by the real SDK through the protocol layer: what
 * the SDK sends is accepted into typed inputs with Lambda's defaults, and what
 * Lambda refuses comes back as the error the SDK reports, with Lambda's
 * message. Bodies the SDK never sends (bad JSON, wrong types) go to
 * parseInput directly.
 */
import { createHash } from "node:crypto";
import * as L from "@aws-sdk/client-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiInput } from "../src/serve/api/inputs.js";
import { parseInput } from "../src/serve/api/inputs.js";
import { matchRoute } from "../src/serve/api/routes.js";
import { protocolServer, type ProtocolServer } from "./helpers/protocol-server.js";
import { settle } from "./helpers/lambda-sdk.js";

const ROLE = "arn:aws:iam::123456789012:role/lambda-role";
const ZIP = Buffer.concat([Buffer.from("PK\x03\x04", "latin1"), Buffer.from("a function's code")]);
const PATTERN = String.raw`(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?`;

let api: ProtocolServer;
beforeAll(async () => {
  api = await protocolServer();
});
afterAll(() => api.close());

type Send = (client: L.LambdaClient) => Promise<unknown>;

/** The input the command became. */
async function accepted(send: Send): Promise<ApiInput> {
  const before = api.inputs.length;
  const { error } = await settle(send(api.client));
  expect(error?.message).toBeUndefined();
  expect(api.inputs.length).toBe(before + 1);
  return api.inputs[before];
}

/** The error the SDK reports for the command. */
async function refused(send: Send): Promise<{ name: string; status: number; message: string; error: Error }> {
  const before = api.inputs.length;
  const { error } = await settle(send(api.client));
  expect(api.inputs.length).toBe(before);
  if (error === undefined) throw new Error("accepted");
  const status = (error.$metadata as { httpStatusCode: number }).httpStatusCode;
  return { name: error.name, status, message: error.message, error };
}

const create =
  (input: Partial<L.CreateFunctionCommandInput>): Send =>
  (c) =>
    c.send(
      new L.CreateFunctionCommand({
        FunctionName: "my-function",
        Role: ROLE,
        Runtime: "nodejs22.x",
        Handler: "index.handler",
        Code: { ZipFile: ZIP },
        ...input,
      }),
    );

describe("CreateFunction", () => {
  it("takes a zip function with Lambda's defaults", async () => {
    const input = await accepted(
      create({ FunctionName: "arn:aws:lambda:us-east-1:123456789012:function:my-function" }),
    );
    expect(input).toMatchObject({
      operation: "CreateFunction",
      FunctionName: "my-function",
      Role: ROLE,
      Runtime: "nodejs22.x",
      Handler: "index.handler",
      Description: "",
      Timeout: 3,
      MemorySize: 128,
      PackageType: "Zip",
      Architectures: ["x86_64"],
      TracingConfig: { Mode: "PassThrough" },
      EphemeralStorage: { Size: 512 },
      Layers: [],
      Publish: false,
    });
    if (input.operation !== "CreateFunction") throw new Error(input.operation);
    expect(input.Code.CodeSha256).toBe(createHash("sha256").update(ZIP).digest("base64"));
    expect(input.Code.CodeSize).toBe(ZIP.length);
    expect(input.Code.ZipFile?.equals(ZIP)).toBe(true);
  });

  it("takes every setting it models", async () => {
    const input = await accepted(
      create({
        MemorySize: 10240,
        Timeout: 900,
        Architectures: ["arm64"],
        VpcConfig: { SubnetIds: ["subnet-1", "subnet-2"], SecurityGroupIds: ["sg-1"] },
        Environment: { Variables: { TABLE: "t", constructor: "y" } },
        Tags: Object.fromEntries([
          ["__proto__", "tag"],
          ["team", "a"],
        ]),
        Layers: ["arn:aws:lambda:us-east-1:123456789012:layer:deps:3"],
        EphemeralStorage: { Size: 1024 },
        TracingConfig: { Mode: "Active" },
        Publish: true,
        Description: "d",
      }),
    );
    expect(input).toMatchObject({
      MemorySize: 10240,
      Timeout: 900,
      Architectures: ["arm64"],
      VpcConfig: { SubnetIds: ["subnet-1", "subnet-2"], SecurityGroupIds: ["sg-1"] },
      EphemeralStorage: { Size: 1024 },
      TracingConfig: { Mode: "Active" },
      Publish: true,
      Description: "d",
    });
    if (input.operation !== "CreateFunction") throw new Error(input.operation);
    expect(Object.keys(input.Tags)).toEqual(["__proto__", "team"]);
    expect(Object.getPrototypeOf(input.Tags)).toBeNull();
    expect(({} as Record<string, unknown>).tag).toBeUndefined();
  });

  it("takes an image by its ImageUri, hashing the URI", async () => {
    const uri = "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1";
    const input = await accepted(
      create({ PackageType: "Image", Runtime: undefined, Handler: undefined, Code: { ImageUri: uri } }),
    );
    if (input.operation !== "CreateFunction") throw new Error(input.operation);
    expect(input.Code).toEqual({
      ImageUri: uri,
      CodeSha256: createHash("sha256").update(uri).digest("base64"),
      CodeSize: 0,
    });
  });

  it("refuses a name outside the pattern with Lambda's ValidationException", async () => {
    const r = await refused(create({ FunctionName: "my function" }));
    expect(r).toMatchObject({ name: "ValidationException", status: 400 });
    expect(r.message).toBe(
      `1 validation error detected: Value 'my function' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: ${PATTERN}`,
    );
  });

  it("refuses a plain name longer than 64 characters", async () => {
    const name = "f".repeat(65);
    const r = await refused(create({ FunctionName: name }));
    expect(r.error).toBeInstanceOf(L.InvalidParameterValueException);
    expect(r.message).toBe(
      `1 validation error detected: Value '${name}' at 'functionName' failed to satisfy constraint: Member must have length less than or equal to 64`,
    );
  });

  it("refuses memory out of range", async () => {
    expect((await refused(create({ MemorySize: 64 }))).message).toBe(
      "1 validation error detected: Value '64' at 'memorySize' failed to satisfy constraint: Member must have value greater than or equal to 128",
    );
    expect((await refused(create({ MemorySize: 10241 }))).message).toBe(
      "1 validation error detected: Value '10241' at 'memorySize' failed to satisfy constraint: Member must have value less than or equal to 10240",
    );
    expect((await refused(create({ Timeout: 901 }))).message).toContain("at 'timeout'");
  });

  it("refuses unknown and deprecated runtimes", async () => {
    const unknown = await refused(create({ Runtime: "nodejs99.x" as L.Runtime }));
    expect(unknown.name).toBe("ValidationException");
    expect(unknown.message).toMatch(
      /^1 validation error detected: Value 'nodejs99.x' at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: \[.*nodejs22\.x.*\]$/,
    );
    const old = await refused(create({ Runtime: "nodejs12.x" }));
    expect(old.error).toBeInstanceOf(L.InvalidParameterValueException);
    expect(old.message).toBe(
      "The runtime parameter of nodejs12.x is no longer supported for creating or updating AWS Lambda functions. We recommend you use the new runtime (nodejs22.x) while creating or updating functions.",
    );
  });

  it("refuses a missing Role, and names every violation at once", async () => {
    expect((await refused(create({ Role: undefined }))).message).toBe(
      "1 validation error detected: Value null at 'role' failed to satisfy constraint: Member must not be null",
    );
    const both = await refused(create({ Role: "not-a-role", MemorySize: 1 }));
    expect(both.message).toMatch(
      /^2 validation errors detected: Value 'not-a-role' at 'role' .*; Value '1' at 'memorySize'/,
    );
  });

  it("requires Runtime and Handler for a zip, and a zip that is one", async () => {
    const r = await refused(create({ Handler: undefined }));
    expect(r.error).toBeInstanceOf(L.InvalidParameterValueException);
    expect(r.message).toBe(
      "Runtime and Handler are mandatory parameters for functions created with deployment packages.",
    );
    expect((await refused(create({ Code: { ZipFile: Buffer.from("not a zip") } }))).message).toBe(
      "Could not unzip uploaded file. Please check your file, then try to upload again.",
    );
    expect((await refused(create({ Code: {} }))).error).toBeInstanceOf(L.InvalidParameterValueException);
    expect((await refused(create({ Code: { ZipFile: ZIP, ImageUri: "x" } }))).error).toBeInstanceOf(
      L.InvalidParameterValueException,
    );
  });

  it("refuses reserved and oversized environments", async () => {
    const reserved = await refused(create({ Environment: { Variables: { AWS_REGION: "x" } } }));
    expect(reserved.message).toMatch(/reserved keys .* Reserved keys used in this request: AWS_REGION$/);
    const big = await refused(create({ Environment: { Variables: { BIG: "x".repeat(4100) } } }));
    expect(big.message).toMatch(/exceeded the 4KB limit/);
    const badKey = await refused(create({ Environment: { Variables: { "1bad": "x" } } }));
    expect(badKey.name).toBe("ValidationException");
  });
});

describe("the other function operations", () => {
  it("UpdateFunctionConfiguration: all optional, RevisionId kept, no qualifier", async () => {
    const input = await accepted((c) =>
      c.send(
        new L.UpdateFunctionConfigurationCommand({ FunctionName: "f", MemorySize: 256, RevisionId: "r1" }),
      ),
    );
    expect(input).toEqual({
      operation: "UpdateFunctionConfiguration",
      FunctionName: "f",
      MemorySize: 256,
      RevisionId: "r1",
    });
    const r = await refused((c) =>
      c.send(new L.UpdateFunctionConfigurationCommand({ FunctionName: "f:1", Timeout: 5 })),
    );
    expect(r.error).toBeInstanceOf(L.InvalidParameterValueException);
  });

  it("UpdateFunctionCode: one source, Publish, RevisionId", async () => {
    const input = await accepted((c) =>
      c.send(
        new L.UpdateFunctionCodeCommand({ FunctionName: "f", ZipFile: ZIP, Publish: true, RevisionId: "r" }),
      ),
    );
    expect(input).toMatchObject({
      operation: "UpdateFunctionCode",
      FunctionName: "f",
      Publish: true,
      DryRun: false,
      RevisionId: "r",
    });
    const s3 = await accepted((c) =>
      c.send(new L.UpdateFunctionCodeCommand({ FunctionName: "f", S3Bucket: "bucket", S3Key: "k.zip" })),
    );
    expect(s3).toMatchObject({ Code: { S3Bucket: "bucket", S3Key: "k.zip", CodeSize: 0 } });
    expect(
      (await refused((c) => c.send(new L.UpdateFunctionCodeCommand({ FunctionName: "f" })))).error,
    ).toBeInstanceOf(L.InvalidParameterValueException);
  });

  it("PublishVersion and ListVersionsByFunction", async () => {
    expect(
      await accepted((c) =>
        c.send(new L.PublishVersionCommand({ FunctionName: "f", CodeSha256: "abc", Description: "v" })),
      ),
    ).toEqual({ operation: "PublishVersion", FunctionName: "f", CodeSha256: "abc", Description: "v" });
    expect(
      await accepted((c) =>
        c.send(new L.ListVersionsByFunctionCommand({ FunctionName: "f", Marker: "m", MaxItems: 10 })),
      ),
    ).toEqual({ operation: "ListVersionsByFunction", FunctionName: "f", Marker: "m", MaxItems: 10 });
  });

  it("GetFunction and DeleteFunction take the qualifier from the name or the query, not both differing", async () => {
    expect(
      await accepted((c) =>
        c.send(new L.GetFunctionCommand({ FunctionName: "123456789012:function:f:live" })),
      ),
    ).toEqual({
      operation: "GetFunction",
      FunctionName: "f",
      Qualifier: "live",
    });
    expect(
      await accepted((c) => c.send(new L.DeleteFunctionCommand({ FunctionName: "f", Qualifier: "2" }))),
    ).toEqual({
      operation: "DeleteFunction",
      FunctionName: "f",
      Qualifier: "2",
    });
    const r = await refused((c) =>
      c.send(new L.GetFunctionConfigurationCommand({ FunctionName: "f:1", Qualifier: "2" })),
    );
    expect(r.message).toBe(
      "The derived qualifier from the function name does not match the specified qualifier.",
    );
  });

  it("ListFunctions: MaxItems 1-10000", async () => {
    expect(await accepted((c) => c.send(new L.ListFunctionsCommand({ MaxItems: 50, Marker: "x" })))).toEqual({
      operation: "ListFunctions",
      MaxItems: 50,
      Marker: "x",
    });
    expect((await refused((c) => c.send(new L.ListFunctionsCommand({ MaxItems: 0 })))).message).toBe(
      "1 validation error detected: Value '0' at 'maxItems' failed to satisfy constraint: Member must have value greater than or equal to 1",
    );
    expect((await refused((c) => c.send(new L.ListFunctionsCommand({ MaxItems: 10001 })))).name).toBe(
      "ValidationException",
    );
  });
});

describe("Invoke", () => {
  it("reads the invocation headers and keeps the payload", async () => {
    const context = Buffer.from(JSON.stringify({ custom: { a: 1 } })).toString("base64");
    const input = await accepted((c) =>
      c.send(
        new L.InvokeCommand({
          FunctionName: "arn:aws:lambda:us-east-1:123456789012:function:f:live",
          InvocationType: "Event",
          LogType: "Tail",
          ClientContext: context,
          Payload: Buffer.from('{"n":1}'),
        }),
      ),
    );
    expect(input).toMatchObject({
      FunctionName: "f",
      Qualifier: "live",
      InvocationType: "Event",
      LogType: "Tail",
    });
    if (input.operation !== "Invoke") throw new Error(input.operation);
    expect(input.Payload.toString()).toBe('{"n":1}');
    expect(input.ClientContext).toBe('{"custom":{"a":1}}');
  });

  it("defaults to RequestResponse without a log", async () => {
    expect(await accepted((c) => c.send(new L.InvokeCommand({ FunctionName: "f" })))).toEqual({
      operation: "Invoke",
      FunctionName: "f",
      InvocationType: "RequestResponse",
      LogType: "None",
      Payload: Buffer.alloc(0),
    });
  });

  it("refuses a payload that is not JSON, and bad headers", async () => {
    const r = await refused((c) =>
      c.send(new L.InvokeCommand({ FunctionName: "f", Payload: Buffer.from("not json") })),
    );
    expect(r.error).toBeInstanceOf(L.InvalidRequestContentException);
    expect(r.message).toMatch(/^Could not parse request body into json: Could not parse payload into json: /);
    const t = await refused((c) =>
      c.send(new L.InvokeCommand({ FunctionName: "f", InvocationType: "Later" as L.InvocationType })),
    );
    expect(t.message).toBe(
      "1 validation error detected: Value 'Later' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]",
    );
    const cc = await refused((c) =>
      c.send(new L.InvokeCommand({ FunctionName: "f", ClientContext: "bm90IGpzb24=" })),
    );
    expect(cc.message).toBe("Client context must be a valid Base64-encoded JSON object.");
  });

  it("refuses a payload over 6 MB with Lambda's RequestEntityTooLargeException", async () => {
    const payload = Buffer.from(JSON.stringify("x".repeat(6_291_456)));
    const r = await refused((c) => c.send(new L.InvokeCommand({ FunctionName: "f", Payload: payload })));
    expect(r).toMatchObject({
      name: "RequestEntityTooLargeException",
      status: 413,
      message: "Request must be smaller than 6291456 bytes for the InvokeFunction operation",
    });
    const event = await refused((c) =>
      c.send(
        new L.InvokeCommand({
          FunctionName: "f",
          InvocationType: "Event",
          Payload: Buffer.from(JSON.stringify("x".repeat(1_048_576))),
        }),
      ),
    );
    expect(event.message).toBe("Request must be smaller than 1048576 bytes for the InvokeFunction operation");
  });
});

describe("aliases and concurrency", () => {
  it("CreateAlias with a routing config", async () => {
    expect(
      await accepted((c) =>
        c.send(
          new L.CreateAliasCommand({
            FunctionName: "f",
            Name: "live",
            FunctionVersion: "2",
            RoutingConfig: { AdditionalVersionWeights: { "3": 0.1 } },
          }),
        ),
      ),
    ).toMatchObject({
      operation: "CreateAlias",
      FunctionName: "f",
      Name: "live",
      FunctionVersion: "2",
      Description: "",
      RoutingConfig: { AdditionalVersionWeights: { "3": 0.1 } },
    });
  });

  it("refuses numeric alias names, bad weights and two extra versions", async () => {
    const numeric = await refused((c) =>
      c.send(new L.CreateAliasCommand({ FunctionName: "f", Name: "12", FunctionVersion: "1" })),
    );
    expect(numeric.message).toBe(
      String.raw`1 validation error detected: Value '12' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: (?!^[0-9]+$)([a-zA-Z0-9-_]+)`,
    );
    const weight = await refused((c) =>
      c.send(
        new L.UpdateAliasCommand({
          FunctionName: "f",
          Name: "live",
          RoutingConfig: { AdditionalVersionWeights: { "3": 1.5 } },
        }),
      ),
    );
    expect(weight.name).toBe("ValidationException");
    const two = await refused((c) =>
      c.send(
        new L.CreateAliasCommand({
          FunctionName: "f",
          Name: "live",
          FunctionVersion: "1",
          RoutingConfig: { AdditionalVersionWeights: { "2": 0.1, "3": 0.1 } },
        }),
      ),
    );
    expect(two.error).toBeInstanceOf(L.InvalidParameterValueException);
    const latest = await refused((c) =>
      c.send(
        new L.CreateAliasCommand({
          FunctionName: "f",
          Name: "live",
          FunctionVersion: "$LATEST",
          RoutingConfig: { AdditionalVersionWeights: { "2": 0.1 } },
        }),
      ),
    );
    expect(latest.message).toBe("$LATEST is not supported for an alias pointing to more than 1 version");
  });

  it("GetAlias, DeleteAlias", async () => {
    expect(
      await accepted((c) => c.send(new L.DeleteAliasCommand({ FunctionName: "f", Name: "live" }))),
    ).toEqual({
      operation: "DeleteAlias",
      FunctionName: "f",
      Name: "live",
    });
  });

  it("reserved concurrency of 0 or more", async () => {
    expect(
      await accepted((c) =>
        c.send(new L.PutFunctionConcurrencyCommand({ FunctionName: "f", ReservedConcurrentExecutions: 0 })),
      ),
    ).toEqual({ operation: "PutFunctionConcurrency", FunctionName: "f", ReservedConcurrentExecutions: 0 });
    expect(
      (
        await refused((c) =>
          c.send(
            new L.PutFunctionConcurrencyCommand({ FunctionName: "f", ReservedConcurrentExecutions: -1 }),
          ),
        )
      ).message,
    ).toBe(
      "1 validation error detected: Value '-1' at 'reservedConcurrentExecutions' failed to satisfy constraint: Member must have value greater than or equal to 0",
    );
  });

  it("provisioned concurrency of 1 or more, on a required Qualifier", async () => {
    expect(
      await accepted((c) =>
        c.send(
          new L.PutProvisionedConcurrencyConfigCommand({
            FunctionName: "f",
            Qualifier: "live",
            ProvisionedConcurrentExecutions: 5,
          }),
        ),
      ),
    ).toEqual({
      operation: "PutProvisionedConcurrencyConfig",
      FunctionName: "f",
      Qualifier: "live",
      ProvisionedConcurrentExecutions: 5,
    });
    const zero = await refused((c) =>
      c.send(
        new L.PutProvisionedConcurrencyConfigCommand({
          FunctionName: "f",
          Qualifier: "1",
          ProvisionedConcurrentExecutions: 0,
        }),
      ),
    );
    expect(zero.message).toContain("Member must have value greater than or equal to 1");
    const noQualifier = await refused((c) =>
      c.send(
        new L.GetProvisionedConcurrencyConfigCommand({
          FunctionName: "f",
        } as L.GetProvisionedConcurrencyConfigCommandInput),
      ),
    );
    expect(noQualifier.message).toBe(
      "1 validation error detected: Value null at 'qualifier' failed to satisfy constraint: Member must not be null",
    );
  });
});

describe("bodies the SDK never sends", () => {
  const post = (path: string, body: string | Buffer) => {
    const match = matchRoute("POST", path);
    if (match === null) throw new Error(path);
    return parseInput(match, {}, Buffer.isBuffer(body) ? body : Buffer.from(body));
  };

  it("malformed JSON is InvalidRequestContentException", () => {
    const r = post("/2015-03-31/functions", '{"FunctionName":');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problem.type).toBe("InvalidRequestContentException");
    expect(r.problem.message).toMatch(
      /^Could not parse request body into json: Could not parse payload into json: /,
    );
    for (const body of ["[1]", "3", '"s"', "null"])
      expect(post("/2015-03-31/functions", body)).toMatchObject({ ok: false });
  });

  it("invalid UTF-8 and members of the wrong type too", () => {
    expect(post("/2015-03-31/functions", Buffer.from([0x7b, 0xff, 0x7d]))).toMatchObject({
      ok: false,
      problem: {
        type: "InvalidRequestContentException",
        message: "Could not parse request body into json: the body is not valid UTF-8",
      },
    });
    expect(
      post("/2015-03-31/functions", JSON.stringify({ FunctionName: "f", MemorySize: "big" })),
    ).toMatchObject({
      ok: false,
      problem: {
        type: "InvalidRequestContentException",
        message: "Could not parse request body into json: MemorySize must be an integer, not a string",
      },
    });
    expect(post("/2015-03-31/functions", '{"FunctionName":"f","Timeout":1e400}')).toMatchObject({
      problem: { type: "InvalidRequestContentException" },
    });
    expect(post("/2015-03-31/functions", '{"FunctionName":"f","Timeout":99999999999}')).toMatchObject({
      problem: { type: "InvalidRequestContentException" },
    });
    expect(
      post(
        "/2015-03-31/functions",
        JSON.stringify({ FunctionName: "f", Role: ROLE, Code: { ZipFile: "***" } }),
      ),
    ).toMatchObject({
      problem: {
        type: "InvalidRequestContentException",
        message: "Could not parse request body into json: code.ZipFile is not valid base64",
      },
    });
  });
});
