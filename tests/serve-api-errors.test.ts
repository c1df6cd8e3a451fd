/**
 * Error answers as the real SDK reads them: each error type becomes the SDK's
 * exception class of that name (a generic LambdaServiceException named after
 * it for the front end's errors), with the status, the message and, for
 * TooManyRequestsException, Reason and retryAfterSeconds.
 */
import * as L from "@aws-sdk/client-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API_ERROR_HTTP_STATUS, API_ERROR_NAMES, Messages } from "../src/model/aws-names.js";
import { ERROR_SPECS, MODEL_ERROR_TYPES, type ApiErrorType } from "../src/serve/api/error-types.js";
import { errorResponse, problemResponse } from "../src/serve/api/errors.js";
import type { ApiResponse } from "../src/serve/api/api-response.js";
import { sdkServer, settle, type SdkServer } from "./helpers/lambda-sdk.js";

let next: ApiResponse;
let server: SdkServer;
beforeAll(async () => {
  server = await sdkServer(() => next);
});
afterAll(() => server.close());

/** What GetFunction rejects with when the server answers `response`. */
async function sdkError(response: ApiResponse): Promise<Error & Record<string, unknown>> {
  next = response;
  const { error } = await settle(server.client.send(new L.GetFunctionCommand({ FunctionName: "f" })));
  if (error === undefined) throw new Error("the SDK accepted an error answer");
  return error;
}

const status = (error: Record<string, unknown>): number =>
  (error.$metadata as { httpStatusCode: number }).httpStatusCode;

describe("errorResponse through the SDK", () => {
  it("ResourceConflictException, in the model's words", async () => {
    const arn = "arn:aws:lambda:us-east-1:123456789012:function:f";
    const error = await sdkError(errorResponse("ResourceConflictException", Messages.updateInProgress(arn)));
    expect(error).toBeInstanceOf(L.ResourceConflictException);
    expect(status(error)).toBe(409);
    expect(error.message).toBe(Messages.updateInProgress(arn));
    expect(error.Type).toBe("User");
  });

  it("TooManyRequestsException with Reason and Retry-After", async () => {
    const response = errorResponse("TooManyRequestsException", Messages.concurrencyExceeded, {
      reason: "ReservedFunctionConcurrentInvocationLimitExceeded",
      retryAfterSeconds: 2,
    });
    expect(response.body).toBe(
      '{"Reason":"ReservedFunctionConcurrentInvocationLimitExceeded","Type":"User","message":"Rate Exceeded."}',
    );
    const error = await sdkError(response);
    expect(error).toBeInstanceOf(L.TooManyRequestsException);
    expect(status(error)).toBe(429);
    expect(error.message).toBe("Rate Exceeded.");
    expect(error.Reason).toBe("ReservedFunctionConcurrentInvocationLimitExceeded");
    expect(error.retryAfterSeconds).toBe("2");
  });

  it("ResourceNotFoundException with its capitalised Message", async () => {
    const response = errorResponse("ResourceNotFoundException", Messages.notFound("arn:x"));
    expect(response.body).toBe('{"Message":"Function not found: arn:x","Type":"User"}');
    const error = await sdkError(response);
    expect(error).toBeInstanceOf(L.ResourceNotFoundException);
    expect(status(error)).toBe(404);
    expect(error.message).toBe("Function not found: arn:x");
  });

  it("the server-fault errors are Type Service", async () => {
    const error = await sdkError(errorResponse("ResourceNotReadyException", Messages.notReady));
    expect(error).toBeInstanceOf(L.ResourceNotReadyException);
    expect(status(error)).toBe(502);
    expect(error.Type).toBe("Service");
    expect(error.message).toBe(Messages.notReady);
  });

  it("problemResponse carries a problem's extras", async () => {
    const error = await sdkError(
      problemResponse({
        type: "TooManyRequestsException",
        message: "Rate exceeded",
        reason: "CallerRateLimitExceeded",
      }),
    );
    expect(error.Reason).toBe("CallerRateLimitExceeded");
  });

  for (const type of Object.keys(ERROR_SPECS) as ApiErrorType[]) {
    it(`${type}: the SDK's class, status and message`, async () => {
      const message = `the ${type} message`;
      const error = await sdkError(errorResponse(type, message));
      const modelled = (L as Record<string, unknown>)[type];
      if (typeof modelled === "function") expect(error).toBeInstanceOf(modelled);
      else expect(error).toBeInstanceOf(L.LambdaServiceException);
      expect(error.name).toBe(type);
      expect(status(error)).toBe(ERROR_SPECS[type].status);
      expect(error.message).toBe(message);
    });
  }
});

describe("error specs", () => {
  it("agree with the statuses of the simulation model", () => {
    for (const name of MODEL_ERROR_TYPES) {
      expect(ERROR_SPECS[name].status, name).toBe(API_ERROR_HTTP_STATUS[API_ERROR_NAMES.indexOf(name)]);
    }
    expect(MODEL_ERROR_TYPES.length).toBeGreaterThanOrEqual(13);
  });

  it("agree with the SDK's model where it has the error", async () => {
    for (const type of Object.keys(ERROR_SPECS) as ApiErrorType[]) {
      const modelled = (L as Record<string, unknown>)[type];
      if (typeof modelled !== "function") continue;
      const instance = new (modelled as new (o: object) => { $fault: string; message: string })({
        $metadata: {},
        message: "m",
      });
      expect(instance.$fault === "server" ? "Service" : "User", type).toBe(ERROR_SPECS[type].fault);
    }
  });

  it("the front end's errors carry only a message", () => {
    const response = errorResponse("ValidationException", "1 validation error detected: x");
    expect(response.body).toBe('{"message":"1 validation error detected: x"}');
    expect(response.headers["X-Amzn-ErrorType"]).toBe("ValidationException");
  });
});
