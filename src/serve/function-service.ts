/**
 * The function operations over a served simulation: CreateFunction,
 * GetFunction(Configuration) of $LATEST, ListFunctions, the updates,
 * PublishVersion and DeleteFunction. Each becomes a model call (or a
 * reading); the records keep what the simulation does not (role, handler,
 * code, description, tags), by function name.
 */
import { ApiError, qualifiedArn } from "../model/aws-names.js";
import type { FunctionReading } from "../model/function-reading.js";
import type { PlanConfigChange } from "../model/plan.js";
import { runtimeFamily } from "../scenario/schema.js";
import { type ApiResponse, successResponse } from "./api/api-response.js";
import { errorResponse } from "./api/errors.js";
import type { CreateFunctionInput, UpdateFunctionConfigurationInput } from "./api/inputs-function.js";
import { paginate } from "./api/pagination.js";
import { functionConfiguration, getFunctionOutput, listFunctionsOutput } from "./api/shapes-function.js";
import type { Failure } from "./alias-service.js";
import { type FunctionRecord, revisionId } from "./function-records.js";
import type { FunctionViews } from "./function-views.js";
import { vpcConfigKey } from "./serve-plan.js";
import type { ModelRequest, ServeSession } from "./session.js";

export class FunctionService {
  readonly records = new Map<string, FunctionRecord>();

  constructor(
    private readonly session: ServeSession,
    private readonly views: FunctionViews,
    private readonly fail: Failure,
    /** A function was created or deleted: what other services keep of its previous incarnation goes. */
    private readonly forget: (name: string) => void,
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
        architectures: [tpl.architecture ?? "x86_64"],
        code: { CodeSha256: "", CodeSize: 0 },
        tags: {},
        lastModifiedUs: 0,
      });
    }
  }

  async create(input: CreateFunctionInput): Promise<ApiResponse> {
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
    if (answer.error !== ApiError.None) return this.fail(answer, input.FunctionName, "CreateFunction");
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
    this.forget(input.FunctionName);
    return successResponse("CreateFunction", this.configuration(record, answer.reading));
  }

  async get(operation: "GetFunction" | "GetFunctionConfiguration", name: string): Promise<ApiResponse> {
    const answer = await this.session.submit({ operation, functionName: name });
    const record = this.records.get(name);
    if (answer.error !== ApiError.None || record === undefined || answer.reading.state === "Absent")
      return this.fail(answer, name, operation);
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

  async updateConfiguration(input: UpdateFunctionConfigurationInput): Promise<ApiResponse> {
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
  async change(
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
      return this.fail(answer, name, request.operation);
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

  async remove(name: string): Promise<ApiResponse> {
    const answer = await this.session.submit({ operation: "DeleteFunction", functionName: name });
    if (answer.error !== ApiError.None) return this.fail(answer, name, "DeleteFunction");
    this.forget(name);
    return successResponse("DeleteFunction");
  }

  async list(marker: string | undefined, maxItems: number | undefined): Promise<ApiResponse> {
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
