/**
 * Inputs of the alias operations. An alias names a version (FunctionVersion)
 * and optionally routes a share of its invocations to one more version
 * (RoutingConfig.AdditionalVersionWeights, one entry, weight 0-1).
 */
import { Violations, pattern } from "./constraints.js";
import { ALIAS_NAME, MAX_ALIAS_NAME_LENGTH } from "./function-name.js";
import { checkTarget } from "./function-target.js";
import { readNumberMap, readObject, readString, type JsonObject } from "./json-fields.js";
import { fail, ok, type Result } from "./problem.js";
import type { RouteMatch } from "./routes.js";

export const FUNCTION_VERSION = pattern(String.raw`(\$LATEST|[0-9]+)`);
const WEIGHT_KEY = pattern(String.raw`[0-9]+`);

export interface RoutingConfig {
  AdditionalVersionWeights: Record<string, number>;
}

export interface CreateAliasInput {
  operation: "CreateAlias";
  FunctionName: string;
  Name: string;
  FunctionVersion: string;
  Description: string;
  RoutingConfig?: RoutingConfig;
}

export interface UpdateAliasInput {
  operation: "UpdateAlias";
  FunctionName: string;
  Name: string;
  FunctionVersion?: string;
  Description?: string;
  RoutingConfig?: RoutingConfig;
  RevisionId?: string;
}

export interface AliasInput {
  operation: "GetAlias" | "DeleteAlias";
  FunctionName: string;
  Name: string;
}

function checkAliasName(name: string | undefined, v: Violations): void {
  v.length(name, "name", 1, MAX_ALIAS_NAME_LENGTH);
  v.matches(name, "name", ALIAS_NAME);
}

function readRoutingConfig(body: JsonObject, v: Violations): RoutingConfig | undefined {
  const routing = readObject(body, "RoutingConfig");
  if (routing === undefined) return undefined;
  const weights =
    readNumberMap(routing, "AdditionalVersionWeights", "RoutingConfig.AdditionalVersionWeights") ??
    (Object.create(null) as Record<string, number>);
  const member = "routingConfig.additionalVersionWeights";
  for (const [version, weight] of Object.entries(weights)) {
    if (version.length < 1 || version.length > 1024 || !WEIGHT_KEY.regex.test(version))
      v.add(
        version,
        member,
        `Map keys must satisfy constraint: [Member must satisfy regular expression pattern: ${WEIGHT_KEY.source}]`,
      );
    if (weight < 0 || weight > 1)
      v.add(
        weight,
        member,
        "Map value must satisfy constraint: [Member must have value between 0.0 and 1.0]",
      );
  }
  return { AdditionalVersionWeights: weights };
}

/** Lambda's rules on a routing config: one extra version, other than the alias's, and never with $LATEST. */
function checkRouting(functionVersion: string | undefined, routing: RoutingConfig | undefined): Result<true> {
  const versions = routing === undefined ? [] : Object.keys(routing.AdditionalVersionWeights);
  if (versions.length > 1)
    return fail("InvalidParameterValueException", "An alias can route to at most one additional version.");
  if (versions.length === 1 && functionVersion === "$LATEST")
    return fail(
      "InvalidParameterValueException",
      "$LATEST is not supported for an alias pointing to more than 1 version",
    );
  if (versions.length === 1 && versions[0] === functionVersion)
    return fail(
      "InvalidParameterValueException",
      "The additional version in RoutingConfig must differ from the alias's FunctionVersion.",
    );
  return ok(true);
}

export function createAliasInput(match: RouteMatch, body: JsonObject): Result<CreateAliasInput> {
  const v = new Violations();
  const target = checkTarget(match, "FunctionName", "none", v);
  const name = readString(body, "Name");
  if (v.required(name, "name")) checkAliasName(name, v);
  const version = readString(body, "FunctionVersion");
  if (v.required(version, "functionVersion")) {
    v.length(version, "functionVersion", 1, 1024);
    v.matches(version, "functionVersion", FUNCTION_VERSION);
  }
  const description = readString(body, "Description");
  v.length(description, "description", 0, 256);
  const routing = readRoutingConfig(body, v);
  return v.resolve(() => {
    const t = target();
    if (!t.ok) return t;
    const rules = checkRouting(version, routing);
    if (!rules.ok) return rules;
    const input: CreateAliasInput = {
      operation: "CreateAlias",
      FunctionName: t.value.FunctionName,
      Name: name as string,
      FunctionVersion: version as string,
      Description: description ?? "",
    };
    if (routing !== undefined) input.RoutingConfig = routing;
    return ok(input);
  });
}

export function updateAliasInput(match: RouteMatch, body: JsonObject): Result<UpdateAliasInput> {
  const v = new Violations();
  const target = checkTarget(match, "FunctionName", "none", v);
  const name = match.pathParams.Name ?? "";
  checkAliasName(name, v);
  const version = readString(body, "FunctionVersion");
  v.length(version, "functionVersion", 1, 1024);
  v.matches(version, "functionVersion", FUNCTION_VERSION);
  const description = readString(body, "Description");
  v.length(description, "description", 0, 256);
  const routing = readRoutingConfig(body, v);
  const revisionId = readString(body, "RevisionId");
  return v.resolve(() => {
    const t = target();
    if (!t.ok) return t;
    // Without a FunctionVersion the alias keeps its own: the caller checks $LATEST and sameness against it.
    const rules = checkRouting(version, routing);
    if (!rules.ok) return rules;
    const input: UpdateAliasInput = {
      operation: "UpdateAlias",
      FunctionName: t.value.FunctionName,
      Name: name,
    };
    if (version !== undefined) input.FunctionVersion = version;
    if (description !== undefined) input.Description = description;
    if (routing !== undefined) input.RoutingConfig = routing;
    if (revisionId !== undefined) input.RevisionId = revisionId;
    return ok(input);
  });
}

export function aliasInput(match: RouteMatch, operation: AliasInput["operation"]): Result<AliasInput> {
  const v = new Violations();
  const target = checkTarget(match, "FunctionName", "none", v);
  const name = match.pathParams.Name ?? "";
  checkAliasName(name, v);
  return v.resolve(() => {
    const t = target();
    return t.ok ? ok({ operation, FunctionName: t.value.FunctionName, Name: name }) : t;
  });
}
