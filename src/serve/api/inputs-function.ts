/**
 * Inputs of the operations that create and change a function: CreateFunction,
 * UpdateFunctionConfiguration, UpdateFunctionCode and PublishVersion, with
 * CreateFunction's defaults filled in as Lambda fills them (3 s, 128 MB,
 * Zip, x86_64, 512 MB of /tmp, PassThrough tracing).
 */
import { checkCodeForPackageType, readCodeMembers, resolveCode, type CodeInput } from "./code.js";
import { Violations } from "./constraints.js";
import { checkFunctionName, splitFunctionName } from "./function-name.js";
import { checkSettings, readSettings, type FunctionSettings } from "./function-settings.js";
import { checkTarget } from "./function-target.js";
import {
  readBoolean,
  readObject,
  readString,
  readStringList,
  readStringMap,
  type JsonObject,
} from "./json-fields.js";
import { fail, ok, type Result } from "./problem.js";
import type { RouteMatch } from "./routes.js";

export const PACKAGE_TYPES = ["Zip", "Image"] as const;
export const ARCHITECTURES = ["x86_64", "arm64"] as const;
export type PackageType = (typeof PACKAGE_TYPES)[number];
export type Architecture = (typeof ARCHITECTURES)[number];

export interface CreateFunctionInput extends FunctionSettings {
  operation: "CreateFunction";
  FunctionName: string;
  Role: string;
  Description: string;
  Timeout: number;
  MemorySize: number;
  PackageType: PackageType;
  Architectures: [Architecture];
  TracingConfig: { Mode: "Active" | "PassThrough" };
  EphemeralStorage: { Size: number };
  Layers: string[];
  Tags: Record<string, string>;
  Publish: boolean;
  Code: CodeInput;
}

export interface UpdateFunctionConfigurationInput extends FunctionSettings {
  operation: "UpdateFunctionConfiguration";
  FunctionName: string;
  RevisionId?: string;
}

export interface UpdateFunctionCodeInput {
  operation: "UpdateFunctionCode";
  FunctionName: string;
  /** Checked against the function's PackageType with checkCodeForPackageType(..., "updating"). */
  Code: CodeInput;
  Architectures?: [Architecture];
  Publish: boolean;
  DryRun: boolean;
  RevisionId?: string;
}

export interface PublishVersionInput {
  operation: "PublishVersion";
  FunctionName: string;
  CodeSha256?: string;
  Description?: string;
  RevisionId?: string;
}

function readArchitectures(o: JsonObject, v: Violations): [Architecture] | undefined {
  const list = readStringList(o, "Architectures");
  v.listLength(list, "architectures", 1, 1);
  v.eachOneOf(list, "architectures", ARCHITECTURES);
  return list as [Architecture] | undefined;
}

export function createFunctionInput(body: JsonObject): Result<CreateFunctionInput> {
  const v = new Violations();
  const name = readString(body, "FunctionName");
  if (v.required(name, "functionName")) checkFunctionName(name as string, "FunctionName", "functionName", v);
  const settings = readSettings(body, v);
  v.required(settings.Role, "role");
  const codeObject = readObject(body, "Code");
  const code = v.required(codeObject, "code") ? readCodeMembers(codeObject as JsonObject, "code.", v) : {};
  const packageType = readString(body, "PackageType") ?? "Zip";
  v.oneOf(packageType, "packageType", PACKAGE_TYPES);
  const architectures = readArchitectures(body, v);
  const tags = readStringMap(body, "Tags") ?? (Object.create(null) as Record<string, string>);
  const publish = readBoolean(body, "Publish") ?? false;
  return v.resolve(() => {
    const parsed = splitFunctionName(name as string);
    if (!parsed.ok) return parsed;
    if (parsed.value.qualifier !== undefined)
      return fail(
        "InvalidParameterValueException",
        `A function is created unqualified; remove the qualifier ':${parsed.value.qualifier}' from ${name}.`,
      );
    const checked = checkSettings(settings);
    if (!checked.ok) return checked;
    const type = packageType as PackageType;
    if (type === "Zip" && (settings.Runtime === undefined || settings.Handler === undefined))
      return fail(
        "InvalidParameterValueException",
        "Runtime and Handler are mandatory parameters for functions created with deployment packages.",
      );
    if (type === "Image" && (settings.Runtime !== undefined || settings.Handler !== undefined))
      return fail(
        "InvalidParameterValueException",
        "Runtime and Handler are not supported for functions created with container images.",
      );
    const resolved = resolveCode(code);
    if (!resolved.ok) return resolved;
    const fitting = checkCodeForPackageType(resolved.value, type, "creating");
    if (!fitting.ok) return fitting;
    return ok({
      ...settings,
      operation: "CreateFunction",
      FunctionName: parsed.value.name,
      Role: settings.Role as string,
      Description: settings.Description ?? "",
      Timeout: settings.Timeout ?? 3,
      MemorySize: settings.MemorySize ?? 128,
      PackageType: type,
      Architectures: architectures ?? ["x86_64"],
      TracingConfig: settings.TracingConfig ?? { Mode: "PassThrough" },
      EphemeralStorage: settings.EphemeralStorage ?? { Size: 512 },
      Layers: settings.Layers ?? [],
      Tags: tags,
      Publish: publish,
      Code: fitting.value,
    });
  });
}

export function updateFunctionConfigurationInput(
  match: RouteMatch,
  body: JsonObject,
): Result<UpdateFunctionConfigurationInput> {
  const v = new Violations();
  const target = checkTarget(match, "FunctionName", "none", v);
  const settings = readSettings(body, v);
  const revisionId = readString(body, "RevisionId");
  return v.resolve(() => {
    const t = target();
    if (!t.ok) return t;
    const checked = checkSettings(settings);
    if (!checked.ok) return checked;
    const input: UpdateFunctionConfigurationInput = {
      ...settings,
      operation: "UpdateFunctionConfiguration",
      FunctionName: t.value.FunctionName,
    };
    if (revisionId !== undefined) input.RevisionId = revisionId;
    return ok(input);
  });
}

export function updateFunctionCodeInput(
  match: RouteMatch,
  body: JsonObject,
): Result<UpdateFunctionCodeInput> {
  const v = new Violations();
  const target = checkTarget(match, "FunctionName", "none", v);
  const code = readCodeMembers(body, "", v);
  const architectures = readArchitectures(body, v);
  const publish = readBoolean(body, "Publish") ?? false;
  const dryRun = readBoolean(body, "DryRun") ?? false;
  const revisionId = readString(body, "RevisionId");
  return v.resolve(() => {
    const t = target();
    if (!t.ok) return t;
    const resolved = resolveCode(code);
    if (!resolved.ok) return resolved;
    const input: UpdateFunctionCodeInput = {
      operation: "UpdateFunctionCode",
      FunctionName: t.value.FunctionName,
      Code: resolved.value,
      Publish: publish,
      DryRun: dryRun,
    };
    if (architectures !== undefined) input.Architectures = architectures;
    if (revisionId !== undefined) input.RevisionId = revisionId;
    return ok(input);
  });
}

export function publishVersionInput(match: RouteMatch, body: JsonObject): Result<PublishVersionInput> {
  const v = new Violations();
  const target = checkTarget(match, "FunctionName", "none", v);
  const codeSha256 = readString(body, "CodeSha256");
  const description = readString(body, "Description");
  v.length(description, "description", 0, 256);
  const revisionId = readString(body, "RevisionId");
  return v.resolve(() => {
    const t = target();
    if (!t.ok) return t;
    const input: PublishVersionInput = { operation: "PublishVersion", FunctionName: t.value.FunctionName };
    if (codeSha256 !== undefined) input.CodeSha256 = codeSha256;
    if (description !== undefined) input.Description = description;
    if (revisionId !== undefined) input.RevisionId = revisionId;
    return ok(input);
  });
}
