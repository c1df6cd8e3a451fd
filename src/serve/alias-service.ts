/**
 * CreateAlias, GetAlias, UpdateAlias and DeleteAlias over a served
 * simulation. The model keeps each alias's version and routing (V1) and
 * decides every change; this file names alias slots (alias-slots.ts) and
 * keeps what the model does not: an alias's Description and RevisionId.
 */
import { createHash } from "node:crypto";
import { functionArn, Messages, qualifiedArn } from "../model/aws-names.js";
import type { AliasReading } from "../model/function-reading.js";
import type { PlanCallParams } from "../model/plan.js";
import { type ApiResponse, successResponse } from "./api/api-response.js";
import { errorResponse } from "./api/errors.js";
import type { AliasInput, CreateAliasInput, RoutingConfig, UpdateAliasInput } from "./api/inputs-alias.js";
import { aliasConfiguration } from "./api/shapes-alias.js";
import type { AliasSlots } from "./alias-slots.js";
import { readState } from "./read-state.js";
import type { ServeSession, SessionAnswer } from "./session.js";

/** The words of a failed answer (LambdaService.answerFailure). */
export type Failure = (answer: SessionAnswer, name: string, operation: string) => ApiResponse;

/** What the API keeps of an alias beyond the model. */
interface AliasRecord {
  description: string;
  /** Changes on every change of the alias: its RevisionId is made from it. */
  serial: number;
}

const REVISION_MISMATCH =
  "The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id";

export class AliasService {
  private readonly records = new Map<string, AliasRecord>();
  private serial = 0;

  constructor(
    private readonly session: ServeSession,
    private readonly slots: AliasSlots,
    private readonly fail: Failure,
  ) {}

  handle(input: CreateAliasInput | UpdateAliasInput | AliasInput): Promise<ApiResponse> {
    switch (input.operation) {
      case "CreateAlias":
        return this.create(input);
      case "UpdateAlias":
        return this.update(input);
      case "GetAlias":
        return this.get(input);
      case "DeleteAlias":
        return this.remove(input);
    }
  }

  /** DeleteFunction took the function's aliases with it. */
  forgetFunction(name: string): void {
    for (const key of [...this.records.keys()]) if (key.startsWith(`${name}\n`)) this.records.delete(key);
  }

  private async create(input: CreateAliasInput): Promise<ApiResponse> {
    const slot = this.slots.bind(input.Name);
    if (slot < 0)
      return errorResponse(
        "ServiceException",
        `fleet-sim serve holds at most ${this.slots.capacity} distinct alias names in one session (the report counts invocations by alias name); ${input.Name} would be one more`,
      );
    const routing = routingOf(input.RoutingConfig);
    const params: PlanCallParams = { alias: slot, functionVersion: versionNumber(input.FunctionVersion) };
    if (routing !== undefined) params.routing = routing;
    const answer = await this.session.submit({
      operation: "CreateAlias",
      functionName: input.FunctionName,
      params,
    });
    if (answer.error !== 0) return this.fail(answer, input.FunctionName, "CreateAlias");
    const record = { description: input.Description, serial: ++this.serial };
    this.records.set(key(input.FunctionName, input.Name), record);
    return successResponse(
      "CreateAlias",
      this.configuration(input.FunctionName, input.Name, params.functionVersion!, routing ?? null, record),
    );
  }

  private async update(input: UpdateAliasInput): Promise<ApiResponse> {
    const name = input.FunctionName;
    const found = await this.find(name, input.Name, "UpdateAlias");
    if (!("alias" in found)) return found;
    const { alias, slot } = found;
    const record = this.records.get(key(name, input.Name));
    if (input.RevisionId !== undefined && input.RevisionId !== this.revisionId(name, input.Name, record))
      return errorResponse("PreconditionFailedException", REVISION_MISMATCH);
    const functionVersion = input.FunctionVersion !== undefined ? versionNumber(input.FunctionVersion) : null;
    // Absent fields stay as they are: the routing too, when only the version changes.
    const current =
      alias.routedVersion > 0 ? { version: alias.routedVersion, weight: alias.routedWeight } : null;
    const routing = input.RoutingConfig !== undefined ? (routingOf(input.RoutingConfig) ?? null) : current;
    const main = functionVersion ?? alias.version;
    if (routing !== null && main === 0)
      return errorResponse(
        "InvalidParameterValueException",
        "$LATEST is not supported for an alias pointing to more than 1 version",
      );
    if (routing !== null && routing.version === main)
      return errorResponse(
        "InvalidParameterValueException",
        "The additional version in RoutingConfig must differ from the alias's FunctionVersion.",
      );
    const params: PlanCallParams = { alias: slot, routing };
    if (functionVersion !== null) params.functionVersion = functionVersion;
    const answer = await this.session.submit({ operation: "UpdateAlias", functionName: name, params });
    if (answer.error !== 0) return this.fail(answer, name, "UpdateAlias");
    const next = { description: input.Description ?? record?.description ?? "", serial: ++this.serial };
    this.records.set(key(name, input.Name), next);
    return successResponse("UpdateAlias", this.configuration(name, input.Name, main, routing, next));
  }

  private async get(input: AliasInput): Promise<ApiResponse> {
    const found = await this.find(input.FunctionName, input.Name, "GetAlias");
    if (!("alias" in found)) return found;
    const { alias } = found;
    const routing =
      alias.routedVersion > 0 ? { version: alias.routedVersion, weight: alias.routedWeight } : null;
    const record = this.records.get(key(input.FunctionName, input.Name));
    return successResponse(
      "GetAlias",
      this.configuration(input.FunctionName, input.Name, alias.version, routing, record),
    );
  }

  /** Lambda answers 204 for an alias that does not exist; only a missing function is an error. */
  private async remove(input: AliasInput): Promise<ApiResponse> {
    const name = input.FunctionName;
    const slot = this.slots.slotOf(input.Name);
    if (slot < 0) {
      const state = await readState(this.session, name);
      if (state === null)
        return errorResponse("ResourceNotFoundException", Messages.notFound(functionArn(name)));
      return successResponse("DeleteAlias");
    }
    const answer = await this.session.submit({
      operation: "DeleteAlias",
      functionName: name,
      params: { alias: slot },
    });
    if (answer.error !== 0) return this.fail(answer, name, "DeleteAlias");
    this.records.delete(key(name, input.Name));
    return successResponse("DeleteAlias");
  }

  /** The function's alias as the model has it now, or the error response for a missing function or alias. */
  private async find(
    name: string,
    aliasName: string,
    operation: "UpdateAlias" | "GetAlias",
  ): Promise<{ alias: AliasReading; slot: number } | ApiResponse> {
    const state = await readState(this.session, name);
    if (state === null)
      return errorResponse("ResourceNotFoundException", Messages.notFound(functionArn(name)));
    const slot = this.slots.slotOf(aliasName);
    const alias = slot < 0 ? undefined : state.versions?.aliases.find((x) => x.alias === slot);
    if (alias === undefined) {
      const arn = qualifiedArn(name, aliasName);
      const message = operation === "GetAlias" ? Messages.cannotFindAlias(arn) : Messages.aliasNotFound(arn);
      return errorResponse("ResourceNotFoundException", message);
    }
    return { alias, slot };
  }

  private revisionId(functionName: string, aliasName: string, record: AliasRecord | undefined): string {
    const h = createHash("sha256")
      .update(`${functionName}\n${aliasName}\n${record?.serial ?? 0}`)
      .digest("hex");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }

  private configuration(
    functionName: string,
    aliasName: string,
    version: number,
    routing: { version: number; weight: number } | null,
    record: AliasRecord | undefined,
  ): Record<string, unknown> {
    return aliasConfiguration({
      functionName,
      name: aliasName,
      functionVersion: version === 0 ? "$LATEST" : String(version),
      description: record?.description ?? "",
      ...(routing !== null
        ? { additionalVersionWeights: { [String(routing.version)]: routing.weight } }
        : {}),
      revisionId: this.revisionId(functionName, aliasName, record),
    });
  }
}

function key(functionName: string, aliasName: string): string {
  return `${functionName}\n${aliasName}`;
}

/** "$LATEST" is 0, as the model numbers it. */
function versionNumber(version: string): number {
  return version === "$LATEST" ? 0 : Number(version);
}

/** A RoutingConfig as the model takes it: one extra version and its weight; null when it routes nowhere. */
function routingOf(
  config: RoutingConfig | undefined,
): { version: number; weight: number } | null | undefined {
  if (config === undefined) return undefined;
  const entries = Object.entries(config.AdditionalVersionWeights);
  if (entries.length === 0) return null;
  return { version: Number(entries[0][0]), weight: entries[0][1] };
}
