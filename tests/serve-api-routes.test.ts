/**
 * Every route of the 21 operations, matched from the exact method and URL the
 * real SDK sends (recorded by a local server), with plain, qualified, partial
 * ARN and full ARN function names; and the paths no route claims.
 */
import * as L from "@aws-sdk/client-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API_OPERATIONS, type ApiOperationName } from "../src/serve/api/operations.js";
import { matchRoute } from "../src/serve/api/routes.js";
import { unknownOperationResponse } from "../src/serve/api/errors.js";
import { sdkServer, settle, type SdkServer } from "./helpers/lambda-sdk.js";

const NAMES = [
  "my-function",
  "my-function:live",
  "my-function:$LATEST",
  "123456789012:function:my-function:7",
  "arn:aws:lambda:us-west-2:123456789012:function:my-function",
  "arn:aws:lambda:us-west-2:123456789012:function:my-function:$LATEST",
];

type Send = (client: L.LambdaClient, name: string) => Promise<unknown>;

/** One command per operation, each naming `name`. */
const COMMANDS: Record<ApiOperationName, Send> = {
  CreateFunction: (c, n) =>
    c.send(new L.CreateFunctionCommand({ FunctionName: n, Role: "r", Code: { ZipFile: Buffer.from("PK") } })),
  GetFunction: (c, n) => c.send(new L.GetFunctionCommand({ FunctionName: n, Qualifier: "1" })),
  GetFunctionConfiguration: (c, n) => c.send(new L.GetFunctionConfigurationCommand({ FunctionName: n })),
  ListFunctions: (c) => c.send(new L.ListFunctionsCommand({ MaxItems: 5, Marker: "a b/c+d" })),
  UpdateFunctionCode: (c, n) => c.send(new L.UpdateFunctionCodeCommand({ FunctionName: n, ImageUri: "x" })),
  UpdateFunctionConfiguration: (c, n) =>
    c.send(new L.UpdateFunctionConfigurationCommand({ FunctionName: n, Timeout: 5 })),
  PublishVersion: (c, n) => c.send(new L.PublishVersionCommand({ FunctionName: n })),
  ListVersionsByFunction: (c, n) =>
    c.send(new L.ListVersionsByFunctionCommand({ FunctionName: n, MaxItems: 2 })),
  DeleteFunction: (c, n) => c.send(new L.DeleteFunctionCommand({ FunctionName: n, Qualifier: "3" })),
  Invoke: (c, n) =>
    c.send(new L.InvokeCommand({ FunctionName: n, InvocationType: "Event", Qualifier: "live" })),
  CreateAlias: (c, n) =>
    c.send(new L.CreateAliasCommand({ FunctionName: n, Name: "live", FunctionVersion: "1" })),
  GetAlias: (c, n) => c.send(new L.GetAliasCommand({ FunctionName: n, Name: "live" })),
  UpdateAlias: (c, n) => c.send(new L.UpdateAliasCommand({ FunctionName: n, Name: "live" })),
  DeleteAlias: (c, n) => c.send(new L.DeleteAliasCommand({ FunctionName: n, Name: "live" })),
  PutFunctionConcurrency: (c, n) =>
    c.send(new L.PutFunctionConcurrencyCommand({ FunctionName: n, ReservedConcurrentExecutions: 5 })),
  GetFunctionConcurrency: (c, n) => c.send(new L.GetFunctionConcurrencyCommand({ FunctionName: n })),
  DeleteFunctionConcurrency: (c, n) => c.send(new L.DeleteFunctionConcurrencyCommand({ FunctionName: n })),
  PutProvisionedConcurrencyConfig: (c, n) =>
    c.send(
      new L.PutProvisionedConcurrencyConfigCommand({
        FunctionName: n,
        Qualifier: "1",
        ProvisionedConcurrentExecutions: 2,
      }),
    ),
  GetProvisionedConcurrencyConfig: (c, n) =>
    c.send(new L.GetProvisionedConcurrencyConfigCommand({ FunctionName: n, Qualifier: "1" })),
  DeleteProvisionedConcurrencyConfig: (c, n) =>
    c.send(new L.DeleteProvisionedConcurrencyConfigCommand({ FunctionName: n, Qualifier: "1" })),
  GetAccountSettings: (c) => c.send(new L.GetAccountSettingsCommand({})),
};

let server: SdkServer;
beforeAll(async () => {
  server = await sdkServer();
});
afterAll(() => server.close());

async function sent(send: Send, name: string): Promise<{ method: string; url: string }> {
  const before = server.requests.length;
  await settle(send(server.client, name));
  expect(server.requests.length).toBe(before + 1);
  const { method, url } = server.requests[before];
  return { method, url };
}

describe("matchRoute on what the SDK sends", () => {
  it("covers the 21 operations", () => {
    expect(Object.keys(COMMANDS).sort()).toEqual([...API_OPERATIONS].sort());
    expect(API_OPERATIONS).toHaveLength(21);
  });

  for (const operation of API_OPERATIONS) {
    it(`${operation}: every form of FunctionName`, async () => {
      for (const name of NAMES) {
        const { method, url } = await sent(COMMANDS[operation], name);
        const match = matchRoute(method, url);
        expect(match?.operation, `${method} ${url}`).toBe(operation);
        if (operation === "ListFunctions" || operation === "GetAccountSettings") {
          expect(match?.pathParams).toEqual({});
        } else if (operation !== "CreateFunction") {
          expect(match?.pathParams.FunctionName).toBe(name);
        }
        if (operation.endsWith("Alias") && operation !== "CreateAlias")
          expect(match?.pathParams.Name).toBe("live");
      }
    });
  }

  it("decodes the query the SDK sends", async () => {
    const list = matchRoute("GET", (await sent(COMMANDS.ListFunctions, "")).url);
    expect(list?.query.get("Marker")).toBe("a b/c+d");
    expect(list?.query.get("MaxItems")).toBe("5");
    const invoke = await sent(COMMANDS.Invoke, "f");
    expect(matchRoute(invoke.method, invoke.url)?.query.get("Qualifier")).toBe("live");
  });
});

describe("matchRoute on other requests", () => {
  it("takes the AWS CLI's trailing slash", () => {
    expect(matchRoute("GET", "/2015-03-31/functions/")?.operation).toBe("ListFunctions");
    expect(matchRoute("GET", "/2016-08-19/account-settings/")?.operation).toBe("GetAccountSettings");
  });

  it("answers null for unknown paths, methods and operations not served", () => {
    for (const [method, path] of [
      ["GET", "/"],
      ["GET", ""],
      ["PATCH", "/2015-03-31/functions/f"],
      ["GET", "/2015-03-31/functions/f/aliases"], // ListAliases
      ["GET", "/2019-09-30/functions/f/provisioned-concurrency?List=ALL"], // ListProvisionedConcurrencyConfigs
      ["GET", "/2015-03-31/functions//configuration"],
      ["GET", "/2015-03-31/functions/%zz"],
      ["GET", "/2017-10-31/functions/f/concurrency"],
      ["GET", "http://127.0.0.1/2015-03-31/functions"],
      ["POST", "/2015-03-31/functions/f/invocations/extra"],
    ]) {
      expect(matchRoute(method, path), `${method} ${path}`).toBeNull();
    }
  });

  it("keeps an encoded slash inside its label", () => {
    expect(matchRoute("GET", "/2015-03-31/functions/a%2Fb")?.pathParams.FunctionName).toBe("a/b");
  });

  it("answers unknown operations 404 UnknownOperationException", async () => {
    const { client, close } = await sdkServer(() => unknownOperationResponse("GET", "/x"));
    const { error } = await settle(client.send(new L.ListAliasesCommand({ FunctionName: "f" })));
    await close();
    expect(error?.name).toBe("UnknownOperationException");
    expect((error?.$metadata as { httpStatusCode: number }).httpStatusCode).toBe(404);
  });
});
