/**
 * The Lambda API over a served simulation: each accepted input becomes a
 * call into the simulation (ServeSession) or a reading of it, and each
 * outcome the API response Lambda would send. Errors carry the seeds'
 * messages; the simulated lifecycle decides which error, this file only
 * words it.
 *
 * Served today: CreateFunction, GetFunction, GetFunctionConfiguration,
 * ListFunctions, UpdateFunctionConfiguration, UpdateFunctionCode,
 * PublishVersion, DeleteFunction, Invoke, GetAccountSettings. The other
 * operations the protocol layer accepts answer ServiceException naming
 * what is not simulated yet (docs/serve.md).
 */
import { randomUUID } from "node:crypto";
import { API_ERROR_NAMES, ApiError, functionArn, Messages } from "../model/aws-names.js";
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
import { callerThrottleResponse, invokeThrottleResponse } from "./api/throttles.js";
import { accountSettingsOutput } from "./api/shapes-concurrency.js";
import { functionConfiguration, getFunctionOutput, listFunctionsOutput } from "./api/shapes-function.js";
import { type FunctionRecord, revisionId, snapshotOf, type VpcView } from "./function-records.js";
import { invocationReport } from "./invocation-report.js";
import { vpcConfigKey } from "./serve-plan.js";
import type { ModelRequest, ServeSession, SessionAnswer } from "./session.js";

export class LambdaService {
  private readonly records = new Map<string, FunctionRecord>();

  constructor(
    private readonly session: ServeSession,
    /** Wall-clock epoch milliseconds of simulated time 0, for LastModified. */
    private readonly epochMsAtZero: number,
  ) {
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
      default:
        return errorResponse(
          "ServiceException",
          `fleet-sim serve does not simulate ${input.operation} yet (docs/serve.md lists what it serves)`,
        );
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
    record.lastModifiedUs = answer.arrivedUs;
    const configuration = this.configuration(record, answer.reading);
    if (request.operation === "PublishVersion")
      return successResponse("PublishVersion", {
        ...configuration,
        Version: String(answer.reading.versions),
      });
    return successResponse(request.operation as "UpdateFunctionConfiguration", configuration);
  }

  private async remove(name: string): Promise<ApiResponse> {
    const answer = await this.session.submit({ operation: "DeleteFunction", functionName: name });
    if (answer.error !== ApiError.None) return this.failure(answer, name, "DeleteFunction");
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
    const answer = await this.session.submit({
      operation: "Invoke",
      functionName: name,
      ...(input.InvocationType === "Event" ? { invocationType: "Event" as const } : {}),
    });
    const ran =
      answer.error === ApiError.None ||
      answer.error === ApiError.FunctionError ||
      answer.error === ApiError.Timeout;
    if (!ran) return this.failure(answer, name, "Invoke");
    const requestId = randomUUID();
    const elapsedUs = answer.atUs - answer.arrivedUs;
    const outcome = {
      invocationType: input.InvocationType,
      executedVersion: "$LATEST",
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
    for (const r of this.records.values()) codeBytes += r.code.CodeSize;
    return successResponse(
      "GetAccountSettings",
      accountSettingsOutput({
        concurrentExecutions: account.concurrencyLimit,
        unreservedConcurrentExecutions: account.concurrencyLimit,
        totalCodeSize: codeBytes,
        functionCount: count,
      }),
    );
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

  private vpcView(reading: FunctionReading): VpcView | null {
    if (reading.vpcConfig < 0) return null;
    const plan = this.session.served.plan;
    const c = plan.vpcConfigs[reading.vpcConfig];
    return {
      subnetIds: c.subnets.map((s) => plan.subnets[s].id),
      securityGroupIds: [...c.securityGroups],
      vpcId: plan.vpcs[c.vpc].id,
    };
  }

  private snapshot(record: FunctionRecord, reading: FunctionReading) {
    return snapshotOf(record, reading, this.vpcView(reading), (us) => this.epochMsAtZero + us / 1000);
  }

  private configuration(record: FunctionRecord, reading: FunctionReading): Record<string, unknown> {
    return functionConfiguration(this.snapshot(record, reading));
  }
}
