/**
 * One entry point from a matched route, its headers and its body (already
 * read under bodyLimit) to the operation's typed input, or the problem to
 * answer. Checks run in Lambda's order: a body that cannot be bound
 * (InvalidRequestContentException), then the model's constraints
 * (ValidationException), then Lambda's own rules (InvalidParameterValueException).
 * It never throws: whatever slips through becomes a ServiceException.
 */
import { parseJsonBody } from "./body.js";
import type { RequestHeaders } from "./headers.js";
import { ContentError, type JsonObject } from "./json-fields.js";
import {
  aliasInput,
  createAliasInput,
  updateAliasInput,
  type AliasInput,
  type CreateAliasInput,
  type UpdateAliasInput,
} from "./inputs-alias.js";
import {
  functionConcurrencyInput,
  provisionedConcurrencyConfigInput,
  putFunctionConcurrencyInput,
  putProvisionedConcurrencyConfigInput,
  type FunctionConcurrencyInput,
  type ProvisionedConcurrencyConfigInput,
  type PutFunctionConcurrencyInput,
  type PutProvisionedConcurrencyConfigInput,
} from "./inputs-concurrency.js";
import {
  createFunctionInput,
  publishVersionInput,
  updateFunctionCodeInput,
  updateFunctionConfigurationInput,
  type CreateFunctionInput,
  type PublishVersionInput,
  type UpdateFunctionCodeInput,
  type UpdateFunctionConfigurationInput,
} from "./inputs-function.js";
import { invokeInput, type InvokeInput } from "./inputs-invoke.js";
import {
  functionInput,
  listFunctionsInput,
  listVersionsByFunctionInput,
  type FunctionInput,
  type GetAccountSettingsInput,
  type ListFunctionsInput,
  type ListVersionsByFunctionInput,
} from "./inputs-read.js";
import { fail, ok, type Result } from "./problem.js";
import type { RouteMatch } from "./routes.js";

export type ApiInput =
  | CreateFunctionInput
  | UpdateFunctionConfigurationInput
  | UpdateFunctionCodeInput
  | PublishVersionInput
  | FunctionInput
  | ListFunctionsInput
  | ListVersionsByFunctionInput
  | GetAccountSettingsInput
  | InvokeInput
  | CreateAliasInput
  | UpdateAliasInput
  | AliasInput
  | PutFunctionConcurrencyInput
  | FunctionConcurrencyInput
  | PutProvisionedConcurrencyConfigInput
  | ProvisionedConcurrencyConfigInput;

export function parseInput(match: RouteMatch, headers: RequestHeaders, body: Buffer): Result<ApiInput> {
  try {
    return dispatch(match, headers, body);
  } catch (error) {
    if (error instanceof ContentError) return fail("InvalidRequestContentException", error.message);
    return fail("ServiceException", `The request could not be handled: ${String(error)}`);
  }
}

function dispatch(match: RouteMatch, headers: RequestHeaders, body: Buffer): Result<ApiInput> {
  const op = match.operation;
  switch (op) {
    case "Invoke":
      return invokeInput(match, headers, body);
    case "GetFunction":
    case "GetFunctionConfiguration":
    case "DeleteFunction":
      return functionInput(match, op);
    case "ListFunctions":
      return listFunctionsInput(match);
    case "ListVersionsByFunction":
      return listVersionsByFunctionInput(match);
    case "GetAccountSettings":
      return ok({ operation: op });
    case "GetAlias":
    case "DeleteAlias":
      return aliasInput(match, op);
    case "GetFunctionConcurrency":
    case "DeleteFunctionConcurrency":
      return functionConcurrencyInput(match, op);
    case "GetProvisionedConcurrencyConfig":
    case "DeleteProvisionedConcurrencyConfig":
      return provisionedConcurrencyConfigInput(match, op);
  }
  const json = parseJsonBody(body);
  if (!json.ok) return json;
  return withJsonBody(match, json.value);
}

function withJsonBody(match: RouteMatch, body: JsonObject): Result<ApiInput> {
  switch (match.operation) {
    case "CreateFunction":
      return createFunctionInput(body);
    case "UpdateFunctionConfiguration":
      return updateFunctionConfigurationInput(match, body);
    case "UpdateFunctionCode":
      return updateFunctionCodeInput(match, body);
    case "PublishVersion":
      return publishVersionInput(match, body);
    case "CreateAlias":
      return createAliasInput(match, body);
    case "UpdateAlias":
      return updateAliasInput(match, body);
    case "PutFunctionConcurrency":
      return putFunctionConcurrencyInput(match, body);
    case "PutProvisionedConcurrencyConfig":
      return putProvisionedConcurrencyConfigInput(match, body);
    default:
      return fail("ServiceException", `No input parser for ${match.operation}`);
  }
}
