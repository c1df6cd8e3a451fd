/**
 * The Lambda API operations `fleet-sim serve` answers, with the HTTP status
 * each answers on success, as the SDK's model (@aws-sdk/client-lambda) binds
 * them. Invoke's 200 is for RequestResponse; Event answers 202 and DryRun 204.
 */

export const API_OPERATIONS = [
  "CreateFunction",
  "GetFunction",
  "GetFunctionConfiguration",
  "ListFunctions",
  "UpdateFunctionCode",
  "UpdateFunctionConfiguration",
  "PublishVersion",
  "ListVersionsByFunction",
  "DeleteFunction",
  "Invoke",
  "CreateAlias",
  "GetAlias",
  "UpdateAlias",
  "DeleteAlias",
  "PutFunctionConcurrency",
  "GetFunctionConcurrency",
  "DeleteFunctionConcurrency",
  "PutProvisionedConcurrencyConfig",
  "GetProvisionedConcurrencyConfig",
  "DeleteProvisionedConcurrencyConfig",
  "GetAccountSettings",
] as const;
export type ApiOperationName = (typeof API_OPERATIONS)[number];

/**
 * Success status per operation. DeleteFunction: the current model says 200
 * with a StatusCode member bound to the status, which Lambda sets to 204 for
 * an ordinary delete (its long-standing answer), so 204 it is.
 */
export const SUCCESS_STATUS: Readonly<Record<ApiOperationName, number>> = {
  CreateFunction: 201,
  GetFunction: 200,
  GetFunctionConfiguration: 200,
  ListFunctions: 200,
  UpdateFunctionCode: 200,
  UpdateFunctionConfiguration: 200,
  PublishVersion: 201,
  ListVersionsByFunction: 200,
  DeleteFunction: 204,
  Invoke: 200,
  CreateAlias: 201,
  GetAlias: 200,
  UpdateAlias: 200,
  DeleteAlias: 204,
  PutFunctionConcurrency: 200,
  GetFunctionConcurrency: 200,
  DeleteFunctionConcurrency: 204,
  PutProvisionedConcurrencyConfig: 202,
  GetProvisionedConcurrencyConfig: 200,
  DeleteProvisionedConcurrencyConfig: 204,
  GetAccountSettings: 200,
};
