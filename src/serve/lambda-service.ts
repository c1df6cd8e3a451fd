/**
 * The Lambda API over a served simulation: each accepted input becomes a
 * call into the simulation (ServeSession) or a reading of it, and each
 * outcome the API response Lambda would send. Errors carry the seeds'
 * messages; the simulated lifecycle decides which error, this file only
 * words it.
 *
 * Served here: CreateFunction, GetFunction, GetFunctionConfiguration,
 * ListFunctions, UpdateFunctionConfiguration, UpdateFunctionCode,
 * PublishVersion, DeleteFunction, Invoke, GetAccountSettings; aliases,
 * versions and concurrency settings by their own services
 * (alias-service.ts, version-service.ts, concurrency-service.ts). An
 * operation the protocol layer accepts but no one serves answers
 * ServiceException naming it (docs/serve.md).
 */
import { randomUUID } from "node:crypto";
import { API_ERROR_NAMES, ApiError, functionArn, Messages, qualifiedArn } from "../model/aws-names.js";
import { type ApiResponse, emptyResponse, successResponse } from "./api/api-response.js";
import type { ApiErrorType } from "./api/error-types.js";
import { errorResponse } from "./api/errors.js";
import type { ApiInput } from "./api/inputs.js";
import type { InvokeInput } from "./api/inputs-invoke.js";
import { functionErrorPayload, invokeResponse, taskTimedOutPayload } from "./api/invoke-response.js";
import { invokeLogTail } from "./api/log-tail.js";
import { accountSettingsOutput } from "./api/shapes-concurrency.js";
import { callerThrottleResponse, invokeThrottleResponse } from "./api/throttles.js";
import { AliasService } from "./alias-service.js";
import { AliasSlots } from "./alias-slots.js";
import { ConcurrencyService } from "./concurrency-service.js";
import { FunctionService } from "./function-service.js";
import { FunctionViews } from "./function-views.js";
import { invocationReport } from "./invocation-report.js";
import type { ServeSession, SessionAnswer } from "./session.js";
import { VersionService } from "./version-service.js";

export class LambdaService {
  private readonly slots: AliasSlots;
  private readonly functions: FunctionService;
  private readonly views: FunctionViews;
  private readonly aliases: AliasService;
  private readonly concurrency: ConcurrencyService;
  private readonly versions: VersionService;

  constructor(
    private readonly session: ServeSession,
    /** Wall-clock epoch milliseconds of simulated time 0, for LastModified. */
    epochMsAtZero: number,
  ) {
    this.slots = new AliasSlots(session);
    this.views = new FunctionViews(session.served, epochMsAtZero);
    const fail = (answer: SessionAnswer, name: string, operation: string) =>
      this.answerFailure(answer, name, operation);
    this.functions = new FunctionService(
      session,
      this.views,
      (answer, name, operation) => this.failure(answer, name, operation),
      (name) => this.forgetSettings(name),
    );
    this.aliases = new AliasService(session, this.slots, fail);
    this.concurrency = new ConcurrencyService(session, this.slots, fail, (us) => this.views.epochMsAt(us));
    this.versions = new VersionService(session, this.slots, this.views, (name) =>
      this.functions.records.get(name),
    );
  }

  async handle(input: ApiInput): Promise<ApiResponse> {
    switch (input.operation) {
      case "GetFunction":
      case "GetFunctionConfiguration":
        if (input.Qualifier !== undefined && input.Qualifier !== "$LATEST")
          return this.versions.get(
            input.operation,
            input.FunctionName,
            input.Qualifier,
            this.functions.records.get(input.FunctionName)?.tags ?? {},
          );
        return this.functions.get(input.operation, input.FunctionName);
      case "CreateFunction":
        return this.functions.create(input);
      case "UpdateFunctionConfiguration":
        return this.functions.updateConfiguration(input);
      case "UpdateFunctionCode":
        return this.functions.change(
          input.FunctionName,
          input.RevisionId,
          { operation: "UpdateFunctionCode" },
          (r) => {
            r.code = input.Code;
          },
        );
      case "PublishVersion":
        return this.functions.change(
          input.FunctionName,
          input.RevisionId,
          { operation: "PublishVersion" },
          () => {},
        );
      case "DeleteFunction":
        return this.functions.remove(input.FunctionName);
      case "ListFunctions":
        return this.functions.list(input.Marker, input.MaxItems);
      case "Invoke":
        return this.invoke(input);
      case "GetAccountSettings":
        return this.accountSettings();
      case "ListVersionsByFunction":
        return this.versions.list(input);
      case "CreateAlias":
      case "UpdateAlias":
      case "GetAlias":
      case "DeleteAlias":
        return this.aliases.handle(input);
      case "PutFunctionConcurrency":
      case "GetFunctionConcurrency":
      case "DeleteFunctionConcurrency":
      case "PutProvisionedConcurrencyConfig":
      case "GetProvisionedConcurrencyConfig":
      case "DeleteProvisionedConcurrencyConfig":
        return this.concurrency.handle(input);
      default: {
        // Every operation the protocol layer accepts is served; one added there without a case lands here.
        const operation = (input as { operation: string }).operation;
        return errorResponse(
          "ServiceException",
          `fleet-sim serve does not simulate ${operation} yet (docs/serve.md lists what it serves)`,
        );
      }
    }
  }

  private async invoke(input: InvokeInput): Promise<ApiResponse> {
    const name = input.FunctionName;
    if (input.InvocationType === "DryRun") {
      const g = this.session.indexOf(name);
      const reading = await this.session.inspect((control) => (g < 0 ? null : control.read(g)));
      if (reading === null || reading.state === "Absent")
        return errorResponse("ResourceNotFoundException", Messages.notFound(functionArn(name)));
      return emptyResponse(204);
    }
    const qualifier = this.slots.qualifierOf(input.Qualifier);
    if (qualifier === null)
      return qualifiedInvokeFailure(ApiError.ResourceNotFoundException, name, input.Qualifier!, "")!;
    const answer = await this.session.submit({
      operation: "Invoke",
      functionName: name,
      ...(input.InvocationType === "Event" ? { invocationType: "Event" as const } : {}),
      ...(qualifier !== 0 ? { params: { qualifier } } : {}),
    });
    const ran =
      answer.error === ApiError.None ||
      answer.error === ApiError.FunctionError ||
      answer.error === ApiError.Timeout;
    if (!ran)
      return (
        (input.Qualifier !== undefined
          ? qualifiedInvokeFailure(answer.error, name, input.Qualifier, answer.reading.state)
          : null) ?? this.failure(answer, name, "Invoke")
      );
    const requestId = randomUUID();
    const elapsedUs = answer.atUs - answer.arrivedUs;
    const outcome = {
      invocationType: input.InvocationType,
      executedVersion: answer.executedVersion ? String(answer.executedVersion) : "$LATEST",
      payload: input.Payload.length > 0 ? input.Payload : "null",
      ...(input.LogType === "Tail"
        ? {
            logResult: invokeLogTail(
              invocationReport(requestId, answer.invocation, elapsedUs, answer.reading.memoryMb),
            ),
          }
        : {}),
    };
    if (answer.error === ApiError.FunctionError)
      return invokeResponse({
        ...outcome,
        functionError: "Unhandled",
        payload: functionErrorPayload("Error", "The simulated function failed (its template's errorRate)"),
      });
    if (answer.error === ApiError.Timeout)
      return invokeResponse({
        ...outcome,
        functionError: "Unhandled",
        payload: taskTimedOutPayload(requestId, answer.reading.timeoutUs / 1e6),
      });
    return invokeResponse(outcome);
  }

  private async accountSettings(): Promise<ApiResponse> {
    const account = this.session.served.plan.account;
    const count = await this.session.inspect(
      (control) =>
        this.session.names().filter((n) => control.read(this.session.indexOf(n)).state !== "Absent").length,
    );
    let codeBytes = 0;
    for (const r of this.functions.records.values()) codeBytes += r.code.CodeSize;
    return successResponse(
      "GetAccountSettings",
      accountSettingsOutput({
        concurrentExecutions: account.concurrencyLimit,
        unreservedConcurrentExecutions: await this.concurrency.unreserved(),
        totalCodeSize: codeBytes,
        functionCount: count,
      }),
    );
  }

  /** A function deleted or created again starts without versions, aliases or concurrency records. */
  private forgetSettings(name: string): void {
    this.views.forget(name);
    this.aliases.forgetFunction(name);
    this.concurrency.forgetFunction(name);
  }

  /** The error of an answer: the model's own message when it refused with one, else failure's words. */
  private answerFailure(answer: SessionAnswer, name: string, operation: string): ApiResponse {
    if (answer.refusal === undefined && answer.message !== undefined && answer.message !== "")
      return errorResponse(API_ERROR_NAMES[answer.error] as ApiErrorType, answer.message);
    return this.failure(answer, name, operation);
  }

  /** The error an answer carries, worded as Lambda words it. */
  private failure(answer: SessionAnswer, name: string, operation: string): ApiResponse {
    const arn = functionArn(name);
    if (answer.refusal === "noFreeSlot")
      return errorResponse(
        "ServiceException",
        "The simulation has no free function slot left: restart fleet-sim serve with a larger --max-functions",
      );
    if (answer.refusal === "stopped") return errorResponse("ServiceException", "The simulation has stopped");
    switch (answer.error) {
      case ApiError.None:
      case ApiError.ResourceNotFoundException:
        return errorResponse("ResourceNotFoundException", Messages.notFound(arn));
      case ApiError.ResourceConflictException:
        if (operation === "CreateFunction")
          return errorResponse("ResourceConflictException", Messages.alreadyExists(name));
        if (answer.reading.state === "Pending")
          return errorResponse("ResourceConflictException", Messages.pendingConflict("Pending"));
        return errorResponse("ResourceConflictException", Messages.updateInProgress(arn));
      case ApiError.ResourceNotReadyException:
        return errorResponse("ResourceNotReadyException", Messages.notReady);
      case ApiError.TooManyRequestsException:
        // Invoke: the limit the model says bit (account or reserved concurrency, a rate); else the control plane's rate.
        return operation === "Invoke"
          ? invokeThrottleResponse(answer.invocation?.throttleCause ?? -1)
          : callerThrottleResponse();
      default: {
        const type = API_ERROR_NAMES[answer.error] as ApiErrorType;
        return errorResponse(type, `${type}: the simulated ${operation} of ${name} failed`);
      }
    }
  }
}

/**
 * The refusals of an Invoke that named a version or alias (V1, R17), in
 * Lambda's words; null for the others, which read as an unqualified one's.
 */
function qualifiedInvokeFailure(
  error: number,
  name: string,
  qualifier: string,
  state: string,
): ApiResponse | null {
  if (error === ApiError.ResourceNotFoundException)
    return errorResponse(
      "ResourceNotFoundException",
      Messages.qualifierNotFound(qualifiedArn(name, qualifier)),
    );
  // An Active function's conflict is its version still being published (R17).
  if (error === ApiError.ResourceConflictException && state === "Active")
    return errorResponse("ResourceConflictException", Messages.pendingConflict("Pending"));
  return null;
}
