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
import type { FunctionReading } from "../model/function-reading.js";
import type { PlanConfigChange } from "../model/plan.js";
import { runtimeFamily } from "../scenario/schema.js";
import { type ApiResponse, emptyResponse, successResponse } from "./api/api-response.js";
import type { ApiErrorType } from "./api/error-types.js";
import { errorResponse } from "./api/errors.js";
import type { ApiInput } from "./api/inputs.js";
import type { CreateFunctionInput, UpdateFunctionConfigurationInput } from "./api/inputs-function.js";
import type { InvokeInput } from "./api/inputs-invoke.js";
import { functionErrorPayload, invokeResponse, taskTimedOutPayload } from "./api/invoke-response.js";
import { invokeLogTail } from "./api/log-tail.js";
import { paginate } from "./api/pagination.js";
import { accountSettingsOutput } from "./api/shapes-concurrency.js";
import { functionConfiguration, getFunctionOutput, listFunctionsOutput } from "./api/shapes-function.js";
import { AliasService } from "./alias-service.js";
import { AliasSlots } from "./alias-slots.js";
import { ConcurrencyService } from "./concurrency-service.js";
import { type FunctionRecord, revisionId } from "./function-records.js";
import { FunctionViews } from "./function-views.js";
import { vpcConfigKey } from "./serve-plan.js";
import type { ModelRequest, ServeSession, SessionAnswer } from "./session.js";
import { VersionService } from "./version-service.js";

/** Memory an invocation reports as used (REPORT's Max Memory Used): not simulated, a fixed share. */
const MAX_MEMORY_USED_SHARE = 0.5;

export class LambdaService {
  private readonly records = new Map<string, FunctionRecord>();
  private readonly slots: AliasSlots;
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
    this.aliases = new AliasService(session, this.slots, fail);
    this.concurrency = new ConcurrencyService(session, this.slots, fail, (us) => this.views.epochMsAt(us));
    this.versions = new VersionService(session, this.slots, this.views, (name) => this.records.get(name));
    // The scenario's own functions, as the API shows them.
    const plan = session.served.plan;
    for (let g = 0; g < session.served.firstSlot; g++) {
      const name = plan.functions.names[g];
      const tpl = plan.templates[plan.functions.template[g]];
      this.records.set(name, {
        name,
        runtime: tpl.runtime,
        handler: "index.handler",
        role: "arn:aws:iam::123456789012:role/fleet-sim",
        description: "",
        packageType: tpl.packageType,
        architectures: ["x86_64"],
        code: { CodeSha256: "", CodeSize: 0 },
        tags: {},
        lastModifiedUs: 0,
      });
    }
  }

  async handle(input: ApiInput): Promise<ApiResponse> {
    switch (input.operation) {
      case "CreateFunction":
        return this.create(input);
      case "GetFunction":
      case "GetFunctionConfiguration":
        if (input.Qualifier !== undefined && input.Qualifier !== "$LATEST")
          return this.versions.get(
            input.operation,
            input.FunctionName,
            input.Qualifier,
            this.records.get(input.FunctionName)?.tags ?? {},
          );
        return this.get(input.operation, input.FunctionName);
      case "UpdateFunctionConfiguration":
        return this.updateConfiguration(input);
      case "UpdateFunctionCode":
        return this.change(input.FunctionName, input.RevisionId, { operation: "UpdateFunctionCode" }, (r) => {
          r.code = input.Code;
        });
      case "PublishVersion":
        return this.change(input.FunctionName, input.RevisionId, { operation: "PublishVersion" }, () => {});
      case "DeleteFunction":
        return this.remove(input.FunctionName);
      case "ListFunctions":
        return this.list(input.Marker, input.MaxItems);
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

  private async create(input: CreateFunctionInput): Promise<ApiResponse> {
    const served = this.session.served;
    const vpcConfig = this.vpcConfigOf(input.VpcConfig);
    if (typeof vpcConfig === "string") return errorResponse("InvalidParameterValueException", vpcConfig);
    const family = runtimeFamily(input.Runtime ?? "provided");
    const template =
      served.templates.get(`${family}/${input.PackageType}`) ??
      served.templates.get(`provided/${input.PackageType}`)!;
    const answer = await this.session.submit({
      operation: "CreateFunction",
      functionName: input.FunctionName,
      create: {
        template,
        settings: { memoryMb: input.MemorySize, timeoutUs: input.Timeout * 1_000_000, vpcConfig },
      },
    });
    if (answer.error !== ApiError.None) return this.failure(answer, input.FunctionName, "CreateFunction");
    const record: FunctionRecord = {
      name: input.FunctionName,
      role: input.Role,
      description: input.Description,
      packageType: input.PackageType,
      architectures: input.Architectures,
      code: input.Code,
      tags: input.Tags,
      lastModifiedUs: answer.arrivedUs,
      ...(input.Runtime !== undefined ? { runtime: input.Runtime } : {}),
      ...(input.Handler !== undefined ? { handler: input.Handler } : {}),
      ...(input.Environment !== undefined ? { environment: input.Environment.Variables } : {}),
      ...(input.KMSKeyArn !== undefined && input.KMSKeyArn !== "" ? { kmsKeyArn: input.KMSKeyArn } : {}),
    };
    this.records.set(input.FunctionName, record);
    this.forgetSettings(input.FunctionName);
    return successResponse("CreateFunction", this.configuration(record, answer.reading));
  }

  private async get(
    operation: "GetFunction" | "GetFunctionConfiguration",
    name: string,
  ): Promise<ApiResponse> {
    const answer = await this.session.submit({ operation, functionName: name });
    const record = this.records.get(name);
    if (answer.error !== ApiError.None || record === undefined || answer.reading.state === "Absent")
      return this.failure(answer, name, operation);
    if (operation === "GetFunctionConfiguration")
      return successResponse(operation, this.configuration(record, answer.reading));
    const snapshot = this.snapshot(record, answer.reading);
    const reserved = answer.reading.reservedConcurrency;
    return successResponse(
      operation,
      getFunctionOutput(snapshot, {
        tags: record.tags,
        ...(reserved >= 0 ? { reservedConcurrency: reserved } : {}),
      }),
    );
  }

  private async updateConfiguration(input: UpdateFunctionConfigurationInput): Promise<ApiResponse> {
    const config: PlanConfigChange = {};
    if (input.MemorySize !== undefined) config.memoryMb = input.MemorySize;
    if (input.Timeout !== undefined) config.timeoutUs = input.Timeout * 1_000_000;
    if (input.VpcConfig !== undefined) {
      const vpcConfig = this.vpcConfigOf(input.VpcConfig);
      if (typeof vpcConfig === "string") return errorResponse("InvalidParameterValueException", vpcConfig);
      config.vpcConfig = vpcConfig;
    }
    return this.change(
      input.FunctionName,
      input.RevisionId,
      { operation: "UpdateFunctionConfiguration", config },
      (r) => {
        if (input.Runtime !== undefined) r.runtime = input.Runtime;
        if (input.Handler !== undefined) r.handler = input.Handler;
        if (input.Role !== undefined) r.role = input.Role;
        if (input.Description !== undefined) r.description = input.Description;
        if (input.Environment !== undefined) r.environment = input.Environment.Variables;
      },
    );
  }

  /** An update of a function: checked against RevisionId, then made in the simulation; the record follows on success. */
  private async change(
    name: string,
    expectedRevision: string | undefined,
    request: Omit<ModelRequest, "functionName">,
    apply: (record: FunctionRecord) => void,
  ): Promise<ApiResponse> {
    const record = this.records.get(name);
    if (expectedRevision !== undefined && record !== undefined) {
      const g = this.session.indexOf(name);
      const now = await this.session.inspect((control) => (g < 0 ? null : control.read(g)));
      if (now !== null && revisionId(name, now) !== expectedRevision)
        return errorResponse(
          "PreconditionFailedException",
          "The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id",
        );
    }
    const answer = await this.session.submit({ ...request, functionName: name });
    if (answer.error !== ApiError.None || record === undefined)
      return this.failure(answer, name, request.operation);
    apply(record);
    if (request.operation === "PublishVersion") {
      const v = answer.reading.versions;
      this.views.published(record, answer.reading, v);
      return successResponse("PublishVersion", {
        ...this.configuration(record, answer.reading),
        FunctionArn: qualifiedArn(name, String(v)),
        Version: String(v),
      });
    }
    record.lastModifiedUs = answer.arrivedUs;
    const configuration = this.configuration(record, answer.reading);
    return successResponse(request.operation as "UpdateFunctionConfiguration", configuration);
  }

  private async remove(name: string): Promise<ApiResponse> {
    const answer = await this.session.submit({ operation: "DeleteFunction", functionName: name });
    if (answer.error !== ApiError.None) return this.failure(answer, name, "DeleteFunction");
    this.forgetSettings(name);
    return successResponse("DeleteFunction");
  }

  private async list(marker: string | undefined, maxItems: number | undefined): Promise<ApiResponse> {
    const readings = await this.session.inspect((control) =>
      this.session.names().map((name) => ({ name, reading: control.read(this.session.indexOf(name)) })),
    );
    const present = readings
      .filter((r) => r.reading.state !== "Absent" && this.records.has(r.name))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const page = paginate(present, (r) => r.name, marker, maxItems);
    if (!page.ok) return errorResponse(page.problem.type, page.problem.message);
    const snapshots = page.value.items.map((r) => this.snapshot(this.records.get(r.name)!, r.reading));
    return successResponse("ListFunctions", listFunctionsOutput(snapshots, page.value.nextMarker));
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
    const durationMs = (answer.atUs - answer.arrivedUs) / 1000;
    const memoryMb = answer.reading.memoryMb;
    const outcome = {
      invocationType: input.InvocationType,
      executedVersion: answer.executedVersion ? String(answer.executedVersion) : "$LATEST",
      payload: input.Payload.length > 0 ? input.Payload : "null",
      ...(input.LogType === "Tail"
        ? {
            logResult: invokeLogTail({
              requestId,
              durationMs,
              billedDurationMs: Math.max(1, Math.ceil(durationMs)),
              memoryMb,
              maxMemoryUsedMb: Math.round(memoryMb * MAX_MEMORY_USED_SHARE),
            }),
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
    for (const r of this.records.values()) codeBytes += r.code.CodeSize;
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
        return operation === "Invoke"
          ? errorResponse("TooManyRequestsException", Messages.concurrencyExceeded, {
              reason: "ConcurrentInvocationLimitExceeded",
              retryAfterSeconds: 1,
            })
          : errorResponse("TooManyRequestsException", Messages.rateExceeded, {
              reason: "CallerRateLimitExceeded",
              retryAfterSeconds: 1,
            });
      default: {
        const type = API_ERROR_NAMES[answer.error] as ApiErrorType;
        return errorResponse(type, `${type}: the simulated ${operation} of ${name} failed`);
      }
    }
  }

  private vpcConfigOf(vpc: { SubnetIds: string[]; SecurityGroupIds: string[] } | undefined): number | string {
    if (vpc === undefined || vpc.SubnetIds.length === 0) return -1;
    const index = this.session.served.vpcConfigs.get(vpcConfigKey(vpc.SubnetIds, vpc.SecurityGroupIds));
    if (index !== undefined) return index;
    const known = new Set(this.session.served.plan.subnets.map((s) => s.id));
    const unknown = vpc.SubnetIds.filter((s) => !known.has(s));
    return unknown.length > 0
      ? `Error occurred while DescribeSubnets. EC2 Error Code: InvalidSubnetID.NotFound. EC2 Error Message: The subnet ID '${unknown.join(",")}' does not exist`
      : `The subnets and security groups ${vpc.SubnetIds.join(",")} / ${vpc.SecurityGroupIds.join(",")} are not one VPC's declared ones in the served network`;
  }

  private snapshot(record: FunctionRecord, reading: FunctionReading) {
    return this.views.latest(record, reading);
  }

  private configuration(record: FunctionRecord, reading: FunctionReading): Record<string, unknown> {
    return functionConfiguration(this.snapshot(record, reading));
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
