/**
 * AWS's own words, exactly as the Lambda API and the seed documents spell
 * them. Numeric codes index typed arrays on the hot path; the name tables
 * turn them back into AWS's strings at the edges (report, trace, docs).
 */

export const State = { Pending: 0, Active: 1, Inactive: 2, Failed: 3 } as const;
export type StateCode = (typeof State)[keyof typeof State];
export const STATE_NAMES = ["Pending", "Active", "Inactive", "Failed"] as const;
export type StateName = (typeof STATE_NAMES)[number];

export const LastUpdateStatus = { None: 0, InProgress: 1, Successful: 2, Failed: 3 } as const;
export type LastUpdateStatusCode = (typeof LastUpdateStatus)[keyof typeof LastUpdateStatus];
/** "None" stands for a function that was never updated; AWS omits the field then. */
export const LAST_UPDATE_STATUS_NAMES = ["None", "InProgress", "Successful", "Failed"] as const;
export type LastUpdateStatusName = (typeof LAST_UPDATE_STATUS_NAMES)[number];

/** StateReasonCode / LastUpdateStatusReasonCode values the model produces. */
export const ReasonCode = {
  None: 0,
  Idle: 1,
  Creating: 2,
  Restoring: 3,
  EniLimitExceeded: 4,
  InsufficientRolePermissions: 5,
  InvalidConfiguration: 6,
  InternalError: 7,
  SubnetOutOfIPAddresses: 8,
  InvalidSubnet: 9,
  InvalidSecurityGroup: 10,
} as const;
export type ReasonCodeValue = (typeof ReasonCode)[keyof typeof ReasonCode];
export const REASON_CODE_NAMES = [
  "",
  "Idle",
  "Creating",
  "Restoring",
  "EniLimitExceeded",
  "InsufficientRolePermissions",
  "InvalidConfiguration",
  "InternalError",
  "SubnetOutOfIPAddresses",
  "InvalidSubnet",
  "InvalidSecurityGroup",
] as const;
export type ReasonCodeName = Exclude<(typeof REASON_CODE_NAMES)[number], "">;

/** Failure causes a scenario can inject (R3, R9, R12). */
export const FAILURE_REASON_NAMES = [
  "SubnetOutOfIPAddresses",
  "EniLimitExceeded",
  "InsufficientRolePermissions",
  "InvalidSubnet",
  "InvalidSecurityGroup",
  "InternalError",
] as const satisfies readonly ReasonCodeName[];
export type FailureReasonName = (typeof FAILURE_REASON_NAMES)[number];

export function reasonCodeOf(name: ReasonCodeName): ReasonCodeValue {
  return REASON_CODE_NAMES.indexOf(name) as ReasonCodeValue;
}

/** StateReason text for the reason codes that have a fixed message. */
export const STATE_REASON_TEXT: Readonly<Record<number, string>> = {
  [ReasonCode.Creating]: "The function is being created.",
  [ReasonCode.Restoring]: "The function is being restored.",
  [ReasonCode.Idle]: "The function is idle.",
  [ReasonCode.EniLimitExceeded]:
    "The function could not be provisioned because the limit of network interfaces for the VPC was reached.",
  [ReasonCode.InsufficientRolePermissions]:
    "The function's execution role does not exist or is missing permissions to manage network interfaces.",
  [ReasonCode.SubnetOutOfIPAddresses]: "All IP addresses in a subnet of the function are in use.",
  [ReasonCode.InvalidSubnet]: "A subnet of the function does not exist or is invalid.",
  [ReasonCode.InvalidSecurityGroup]: "A security group of the function does not exist or is invalid.",
  [ReasonCode.InternalError]: "An internal error occurred while provisioning the function.",
};

/** The API operations the model serves. */
export const Operation = {
  CreateFunction: 0,
  Invoke: 1,
  GetFunction: 2,
  GetFunctionConfiguration: 3,
  UpdateFunctionCode: 4,
  UpdateFunctionConfiguration: 5,
  PublishVersion: 6,
  DeleteFunction: 7,
  PutFunctionConcurrency: 8,
  DeleteFunctionConcurrency: 9,
  CreateAlias: 10,
  UpdateAlias: 11,
  PutProvisionedConcurrencyConfig: 12,
  DeleteProvisionedConcurrencyConfig: 13,
  /** Added after the others, so the codes before it (and the reports' order) stay. */
  DeleteAlias: 14,
} as const;
export type OperationCode = (typeof Operation)[keyof typeof Operation];
export const OPERATION_NAMES = [
  "CreateFunction",
  "Invoke",
  "GetFunction",
  "GetFunctionConfiguration",
  "UpdateFunctionCode",
  "UpdateFunctionConfiguration",
  "PublishVersion",
  "DeleteFunction",
  "PutFunctionConcurrency",
  "DeleteFunctionConcurrency",
  "CreateAlias",
  "UpdateAlias",
  "PutProvisionedConcurrencyConfig",
  "DeleteProvisionedConcurrencyConfig",
  "DeleteAlias",
] as const;
export type OperationName = (typeof OPERATION_NAMES)[number];

/** Outcome of an API call: success or one of AWS's error codes. */
export const ApiError = {
  None: 0,
  ResourceConflictException: 1,
  ResourceNotReadyException: 2,
  ResourceNotFoundException: 3,
  TooManyRequestsException: 4,
  /** Not an AWS error: the invocation ran and the function returned an error (HTTP 200, X-Amz-Function-Error). */
  FunctionError: 5,
  /** Not an AWS error: the invocation ran past the function's timeout ("Task timed out"). */
  Timeout: 6,
  /** The caller may not invoke the function (IAM or the function's resource-based policy). */
  AccessDeniedException: 7,
  /** The function's KMS key is disabled or Lambda's grant on it was revoked. */
  KMSDisabledException: 8,
  /** The mount request to the function's EFS file system was rejected. */
  EFSMountFailureException: 9,
  /** No NFS connection to the function's EFS file system. */
  EFSMountConnectivityException: 10,
  /** Connected to the file system, but the mount timed out. */
  EFSMountTimeoutException: 11,
  /** The instance was stopped because an IO process took too long. */
  EFSIOException: 12,
  /** A parameter of the request is invalid. */
  InvalidParameterValueException: 13,
  /** Lambda detected a recursive loop and stopped the invocation. */
  RecursiveInvocationException: 14,
  /** The service failed (a system error: async invocations retry it). */
  ServiceException: 15,
} as const;
export type ApiErrorCode = (typeof ApiError)[keyof typeof ApiError];
export const API_ERROR_NAMES = [
  "",
  "ResourceConflictException",
  "ResourceNotReadyException",
  "ResourceNotFoundException",
  "TooManyRequestsException",
  "FunctionError",
  "Timeout",
  "AccessDeniedException",
  "KMSDisabledException",
  "EFSMountFailureException",
  "EFSMountConnectivityException",
  "EFSMountTimeoutException",
  "EFSIOException",
  "InvalidParameterValueException",
  "RecursiveInvocationException",
  "ServiceException",
] as const;

/** HTTP status of each error, as the Lambda API returns it. */
export const API_ERROR_HTTP_STATUS: Readonly<Record<number, number>> = {
  [ApiError.None]: 200,
  [ApiError.ResourceConflictException]: 409,
  [ApiError.ResourceNotReadyException]: 502,
  [ApiError.ResourceNotFoundException]: 404,
  [ApiError.TooManyRequestsException]: 429,
  [ApiError.FunctionError]: 200,
  [ApiError.Timeout]: 200,
  [ApiError.AccessDeniedException]: 403,
  [ApiError.KMSDisabledException]: 502,
  [ApiError.EFSMountFailureException]: 403,
  [ApiError.EFSMountConnectivityException]: 408,
  [ApiError.EFSMountTimeoutException]: 408,
  [ApiError.EFSIOException]: 410,
  [ApiError.InvalidParameterValueException]: 400,
  [ApiError.RecursiveInvocationException]: 400,
  [ApiError.ServiceException]: 500,
};

/** TooManyRequestsException Reason values, the Lambda API's ThrottleReason enum. */
export const THROTTLE_REASON_NAMES = [
  "ConcurrentInvocationLimitExceeded",
  "FunctionInvocationRateLimitExceeded",
  "ReservedFunctionConcurrentInvocationLimitExceeded",
  "ReservedFunctionInvocationRateLimitExceeded",
  "CallerRateLimitExceeded",
  "ConcurrentSnapshotCreateLimitExceeded",
] as const;
export type ThrottleReasonName = (typeof THROTTLE_REASON_NAMES)[number];

/**
 * Why the simulator throttled an invocation. The API's Reason enum has no
 * value of its own for the scaling rate (D3), so causes are finer than
 * Reasons; each cause maps to the Reason the caller sees.
 */
export const ThrottleCause = {
  AccountConcurrency: 0,
  ReservedConcurrency: 1,
  ScalingRate: 2,
  AccountRequestRate: 3,
  ReservedRequestRate: 4,
  /** V5: beyond 10 requests/s per provisioned environment, with no on-demand concurrency to spill over to. */
  ProvisionedRequestRate: 5,
} as const;
export type ThrottleCauseCode = (typeof ThrottleCause)[keyof typeof ThrottleCause];
export const THROTTLE_CAUSE_NAMES = [
  "accountConcurrency",
  "reservedConcurrency",
  "scalingRate",
  "accountRequestRate",
  "reservedRequestRate",
  "provisionedRequestRate",
] as const;
export const THROTTLE_CAUSE_REASON: readonly ThrottleReasonName[] = [
  "ConcurrentInvocationLimitExceeded",
  "ReservedFunctionConcurrentInvocationLimitExceeded",
  "ConcurrentInvocationLimitExceeded",
  "FunctionInvocationRateLimitExceeded",
  "ReservedFunctionInvocationRateLimitExceeded",
  "FunctionInvocationRateLimitExceeded",
];

export function functionArn(name: string, accountId = "123456789012", region = "us-east-1"): string {
  return `arn:aws:lambda:${region}:${accountId}:function:${name}`;
}

/** A qualified function ARN: name:version or name:alias. */
export function qualifiedArn(name: string, qualifier: string): string {
  return `${functionArn(name)}:${qualifier}`;
}

/** ProvisionedConcurrencyConfig Status values. */
export const PROVISIONED_STATUS_NAMES = ["IN_PROGRESS", "READY", "FAILED"] as const;
export const ProvisionedStatus = { InProgress: 0, Ready: 1, Failed: 2 } as const;
/** Invoke's InvocationType parameter (Event: asynchronous, answered 202; DryRun is not modelled). */
export const INVOCATION_TYPE_NAMES = ["RequestResponse", "Event"] as const;
export type InvocationTypeName = (typeof INVOCATION_TYPE_NAMES)[number];

/** Error messages, in the words of the seeds and the Lambda API. */
export const Messages = {
  pendingConflict: (stateName: StateName) =>
    `The operation cannot be performed at this time. The function is currently in the following state: ${stateName}`,
  updateInProgress: (arn: string) =>
    `The operation cannot be performed at this time. An update is in progress for resource: ${arn}`,
  alreadyExists: (name: string) => `Function already exist: ${name}`,
  notFound: (arn: string) => `Function not found: ${arn}`,
  notReady:
    "The function is inactive and its VPC connection is no longer available. Wait for the VPC connection to reestablish and try again.",
  rateExceeded: "Rate exceeded",
  /** V2: provisioned concurrency on $LATEST. */
  provisionedOnLatest: "Provisioned Concurrency Configs cannot be applied to unpublished function versions.",
  /** V2: more provisioned than the function's reserved concurrency. */
  provisionedAboveReserved: (reserved: number) =>
    `Requested Provisioned Concurrency should not be greater than the reservedConcurrentExecution for function (${reserved}).`,
  /** V2, V4: a change that would leave the account's unreserved concurrency below its minimum. */
  unreservedBelowMinimum: (minimum: number) =>
    `Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [${minimum}].`,
  /** V1: the alias named in CreateAlias exists already. */
  aliasExists: (arn: string) => `Alias already exists: ${arn}`,
  /** V1: UpdateAlias of an alias the function does not have (Lambda's own words). */
  aliasNotFound: (arn: string) => `Alias not found: ${arn}`,
  /** GetAlias of an alias the function does not have (Lambda's own words). */
  cannotFindAlias: (arn: string) => `Cannot find alias arn: ${arn}`,
  /** V1: no such version or alias. */
  qualifierNotFound: (arn: string) => `Function not found: ${arn}`,
  /** V2: DeleteProvisionedConcurrencyConfig without a config. */
  provisionedConfigNotFound: (arn: string) =>
    `No Provisioned Concurrency Config found for this function: ${arn}`,
  /** Seed troubleshooting, "IAM: lambda:InvokeFunction not authorized". */
  accessDenied: (callerArn: string, functionName: string) =>
    `User: ${callerArn} is not authorized to perform: lambda:InvokeFunction on resource: ${functionName}`,
  /** Seed troubleshooting, KMSDisabledException. */
  kmsDisabled:
    "Lambda was unable to decrypt the environment variables because the KMS key used is disabled. Please check the function's KMS key settings.",
  /** Seed troubleshooting, the EFS errors; accessPointArn as arn:aws:elasticfilesystem:...:access-point/fsap-... */
  efsMountFailure: (accessPointArn: string) =>
    `The function could not mount the EFS file system with access point ${accessPointArn}.`,
  efsMountConnectivity: (accessPointArn: string) =>
    `The function couldn't connect to the Amazon EFS file system with access point ${accessPointArn}. Check your network configuration and try again.`,
  efsMountTimeout: (accessPointArn: string) =>
    `The function could not mount the EFS file system with access point {${accessPointArn}} due to mount time out.`,
  efsIo: "This function instance was stopped because Lambda detected an IO process that was taking too long.",
  recursiveLoop:
    "Lambda has detected your function being invoked in a recursive loop with other Amazon Web Services resources and stopped your function's invocation.",
  concurrencyExceeded: "Rate Exceeded.",
} as const;
