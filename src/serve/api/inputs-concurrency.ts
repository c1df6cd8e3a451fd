/**
 * Inputs of the reserved and provisioned concurrency operations. Provisioned
 * concurrency is configured on a version or alias, so its Qualifier parameter
 * is required (the model's constraint); whether it may be $LATEST is the
 * simulation's rule (Messages.provisionedOnLatest).
 */
import { Violations } from "./constraints.js";
import { checkTarget } from "./function-target.js";
import { readInteger, type JsonObject } from "./json-fields.js";
import { ok, type Result } from "./problem.js";
import type { RouteMatch } from "./routes.js";

export interface PutFunctionConcurrencyInput {
  operation: "PutFunctionConcurrency";
  FunctionName: string;
  ReservedConcurrentExecutions: number;
}

export interface FunctionConcurrencyInput {
  operation: "GetFunctionConcurrency" | "DeleteFunctionConcurrency";
  FunctionName: string;
}

export interface PutProvisionedConcurrencyConfigInput {
  operation: "PutProvisionedConcurrencyConfig";
  FunctionName: string;
  Qualifier: string;
  ProvisionedConcurrentExecutions: number;
}

export interface ProvisionedConcurrencyConfigInput {
  operation: "GetProvisionedConcurrencyConfig" | "DeleteProvisionedConcurrencyConfig";
  FunctionName: string;
  Qualifier: string;
}

export function putFunctionConcurrencyInput(
  match: RouteMatch,
  body: JsonObject,
): Result<PutFunctionConcurrencyInput> {
  const v = new Violations();
  const target = checkTarget(match, "FunctionName", "none", v);
  const reserved = readInteger(body, "ReservedConcurrentExecutions");
  if (v.required(reserved, "reservedConcurrentExecutions"))
    v.range(reserved, "reservedConcurrentExecutions", 0, null);
  return v.resolve(() => {
    const t = target();
    if (!t.ok) return t;
    return ok({
      operation: "PutFunctionConcurrency",
      FunctionName: t.value.FunctionName,
      ReservedConcurrentExecutions: reserved as number,
    });
  });
}

export function functionConcurrencyInput(
  match: RouteMatch,
  operation: FunctionConcurrencyInput["operation"],
): Result<FunctionConcurrencyInput> {
  const v = new Violations();
  const target = checkTarget(match, "FunctionName", "none", v);
  return v.resolve(() => {
    const t = target();
    return t.ok ? ok({ operation, FunctionName: t.value.FunctionName }) : t;
  });
}

export function putProvisionedConcurrencyConfigInput(
  match: RouteMatch,
  body: JsonObject,
): Result<PutProvisionedConcurrencyConfigInput> {
  const v = new Violations();
  const target = checkTarget(match, "FunctionName", "required", v);
  const provisioned = readInteger(body, "ProvisionedConcurrentExecutions");
  if (v.required(provisioned, "provisionedConcurrentExecutions"))
    v.range(provisioned, "provisionedConcurrentExecutions", 1, null);
  return v.resolve(() => {
    const t = target();
    if (!t.ok) return t;
    return ok({
      operation: "PutProvisionedConcurrencyConfig",
      FunctionName: t.value.FunctionName,
      Qualifier: t.value.Qualifier as string,
      ProvisionedConcurrentExecutions: provisioned as number,
    });
  });
}

export function provisionedConcurrencyConfigInput(
  match: RouteMatch,
  operation: ProvisionedConcurrencyConfigInput["operation"],
): Result<ProvisionedConcurrencyConfigInput> {
  const v = new Violations();
  const target = checkTarget(match, "FunctionName", "required", v);
  return v.resolve(() => {
    const t = target();
    return t.ok
      ? ok({ operation, FunctionName: t.value.FunctionName, Qualifier: t.value.Qualifier as string })
      : t;
  });
}
