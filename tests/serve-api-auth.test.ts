/**
 * The signature check: what the real SDK sends passes (any credentials, the
 * region taken from the scope); unsigned and malformed requests are refused
 * with AWS's errors, which the SDK reads.
 */
import * as L from "@aws-sdk/client-lambda";
import { describe, expect, it } from "vitest";
import { checkAuthorization } from "../src/serve/api/auth.js";
import { problemResponse } from "../src/serve/api/errors.js";
import { sdkServer, settle } from "./helpers/lambda-sdk.js";

const SIGNED =
  "AWS4-HMAC-SHA256 Credential=AKID/20261205/eu-west-1/lambda/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc";
const DATED = { "x-amz-date": "20261205T170401Z" };

describe("checkAuthorization", () => {
  it("takes what the SDK signs, whatever the credentials, and reads the scope's region", async () => {
    const server = await sdkServer();
    const west = new L.LambdaClient({
      endpoint: server.url,
      region: "eu-west-1",
      credentials: { accessKeyId: "anything", secretAccessKey: "wrong", sessionToken: "t" },
      maxAttempts: 1,
    });
    await settle(server.client.send(new L.GetAccountSettingsCommand({})));
    await settle(west.send(new L.GetFunctionCommand({ FunctionName: "f" })));
    west.destroy();
    await server.close();
    const east = checkAuthorization(server.requests[0].headers);
    expect(east).toMatchObject({
      ok: true,
      value: { accessKeyId: "x", region: "us-east-1", service: "lambda" },
    });
    expect(east.ok && east.value.date).toMatch(/^\d{8}$/);
    expect(checkAuthorization(server.requests[1].headers)).toMatchObject({
      ok: true,
      value: { accessKeyId: "anything", region: "eu-west-1" },
    });
  });

  it("refuses an unsigned request: 403 MissingAuthenticationTokenException, as the SDK reads it", async () => {
    const result = checkAuthorization({ host: "localhost" });
    expect(result).toEqual({
      ok: false,
      problem: { type: "MissingAuthenticationTokenException", message: "Missing Authentication Token" },
    });
    if (result.ok) return;
    const server = await sdkServer(() => problemResponse(result.problem));
    const { error } = await settle(server.client.send(new L.ListFunctionsCommand({})));
    await server.close();
    expect(error?.name).toBe("MissingAuthenticationTokenException");
    expect(error?.message).toBe("Missing Authentication Token");
    expect((error?.$metadata as { httpStatusCode: number }).httpStatusCode).toBe(403);
  });

  it("refuses malformed headers with AWS's signature errors", () => {
    expect(checkAuthorization({ authorization: "Bearer token" })).toEqual({
      ok: false,
      problem: {
        type: "IncompleteSignatureException",
        message:
          "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. " +
          "Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. " +
          "Authorization=Bearer token",
      },
    });
    expect(checkAuthorization({ authorization: SIGNED })).toMatchObject({
      problem: { type: "IncompleteSignatureException" },
    });
    expect(checkAuthorization({ authorization: SIGNED.replace("/lambda/", "/s3/"), ...DATED })).toEqual({
      ok: false,
      problem: {
        type: "InvalidSignatureException",
        message: "Credential should be scoped to correct service: 'lambda'.",
      },
    });
    expect(checkAuthorization({ authorization: SIGNED.replace("AKID/", ""), ...DATED })).toMatchObject({
      problem: {
        type: "IncompleteSignatureException",
        message: expect.stringMatching(/^Credential must have exactly 5 slash-delimited elements/),
      },
    });
    expect(
      checkAuthorization({ authorization: SIGNED.replace("aws4_request", "x"), ...DATED }),
    ).toMatchObject({
      problem: { type: "InvalidSignatureException" },
    });
    expect(
      checkAuthorization({
        authorization: SIGNED.replace("AWS4-HMAC-SHA256", "AWS4-ECDSA-P256-SHA256"),
        ...DATED,
      }),
    ).toMatchObject({
      problem: { type: "IncompleteSignatureException" },
    });
    expect(
      checkAuthorization({ Authorization: SIGNED, Date: "Sat, 05 Dec 2026 17:04:01 GMT" }),
    ).toMatchObject({
      ok: true,
      value: { accessKeyId: "AKID", region: "eu-west-1" },
    });
  });
});
