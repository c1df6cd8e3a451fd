/**
 * Inputs of the operations that read or delete: GetFunction,
 * GetFunctionConfiguration, DeleteFunction, ListFunctions,
 * ListVersionsByFunction and GetAccountSettings. Their parameters are all in
 * the path and query.
 */
import { Violations, pattern } from "./constraints.js";
import { checkTarget } from "./function-target.js";
import { fail, ok, type Result } from "./problem.js";
import type { RouteMatch } from "./routes.js";

export interface FunctionInput {
  operation: "GetFunction" | "GetFunctionConfiguration" | "DeleteFunction";
  FunctionName: string;
  Qualifier?: string;
}

export interface ListFunctionsInput {
  operation: "ListFunctions";
  Marker?: string;
  MaxItems?: number;
  /** "ALL" lists every published version too. */
  FunctionVersion?: "ALL";
  MasterRegion?: string;
}

export interface ListVersionsByFunctionInput {
  operation: "ListVersionsByFunction";
  FunctionName: string;
  Marker?: string;
  MaxItems?: number;
}

export interface GetAccountSettingsInput {
  operation: "GetAccountSettings";
}

const MASTER_REGION = pattern(String.raw`ALL|[a-z]{2}(-gov)?-[a-z]+-\d{1}`);
const MAX_ITEMS = 10000;

/** A query integer; not a number at all is a request Lambda cannot bind. */
function queryInteger(match: RouteMatch, name: string, member: string): Result<number | undefined> {
  const raw = match.query.get(name);
  if (raw === null) return ok(undefined);
  if (!/^-?\d{1,10}$/.test(raw) || Math.abs(Number(raw)) > 2147483647)
    return fail("InvalidParameterValueException", `Value '${raw}' at '${member}' is not a valid integer.`);
  return ok(Number(raw));
}

export function functionInput(
  match: RouteMatch,
  operation: FunctionInput["operation"],
): Result<FunctionInput> {
  const v = new Violations();
  const shape = operation === "DeleteFunction" ? "FunctionName" : "NamespacedFunctionName";
  const target = checkTarget(match, shape, "optional", v);
  return v.resolve(() => {
    const t = target();
    return t.ok ? ok({ operation, ...t.value }) : t;
  });
}

export function listFunctionsInput(match: RouteMatch): Result<ListFunctionsInput> {
  const maxItems = queryInteger(match, "MaxItems", "maxItems");
  if (!maxItems.ok) return maxItems;
  const v = new Violations();
  v.range(maxItems.value, "maxItems", 1, MAX_ITEMS);
  const functionVersion = match.query.get("FunctionVersion") ?? undefined;
  v.oneOf(functionVersion, "functionVersion", ["ALL"]);
  const masterRegion = match.query.get("MasterRegion") ?? undefined;
  v.matches(masterRegion, "masterRegion", MASTER_REGION);
  const marker = match.query.get("Marker") ?? undefined;
  return v.resolve(() => {
    const input: ListFunctionsInput = { operation: "ListFunctions" };
    if (marker !== undefined) input.Marker = marker;
    if (maxItems.value !== undefined) input.MaxItems = maxItems.value;
    if (functionVersion !== undefined) input.FunctionVersion = "ALL";
    if (masterRegion !== undefined) input.MasterRegion = masterRegion;
    return ok(input);
  });
}

export function listVersionsByFunctionInput(match: RouteMatch): Result<ListVersionsByFunctionInput> {
  const maxItems = queryInteger(match, "MaxItems", "maxItems");
  if (!maxItems.ok) return maxItems;
  const v = new Violations();
  const target = checkTarget(match, "NamespacedFunctionName", "none", v);
  v.range(maxItems.value, "maxItems", 1, MAX_ITEMS);
  const marker = match.query.get("Marker") ?? undefined;
  return v.resolve(() => {
    const t = target();
    if (!t.ok) return t;
    const input: ListVersionsByFunctionInput = {
      operation: "ListVersionsByFunction",
      FunctionName: t.value.FunctionName,
    };
    if (marker !== undefined) input.Marker = marker;
    if (maxItems.value !== undefined) input.MaxItems = maxItems.value;
    return ok(input);
  });
}
