/**
 * The function shapes the API returns (FunctionConfiguration, GetFunction's
 * output, ListFunctions, ListVersionsByFunction), built from a plain snapshot
 * the live simulation fills in, so this layer knows nothing of its tables.
 * Members the simulator does not model are printed with the values Lambda
 * prints for a function that never set them (TracingConfig PassThrough,
 * 512 MB of /tmp, SnapStart off, text logs to /aws/lambda/<name>).
 */
import { functionArn, type ReasonCodeName, type StateName } from "../../model/aws-names.js";
import { lambdaTimestamp } from "./lambda-time.js";

/** The account and region ARNs name; the model's defaults unless the caller signs for another region. */
export interface ArnScope {
  accountId: string;
  region: string;
}
export const DEFAULT_SCOPE: ArnScope = { accountId: "123456789012", region: "us-east-1" };

export interface FunctionSnapshot {
  name: string;
  /** "$LATEST" or a published version, "3". */
  version: string;
  runtime?: string;
  handler?: string;
  role: string;
  memoryMb: number;
  timeoutS: number;
  packageType: "Zip" | "Image";
  architectures: readonly ("x86_64" | "arm64")[];
  codeSha256: string;
  codeSize: number;
  imageUri?: string;
  description: string;
  vpc: { subnetIds: readonly string[]; securityGroupIds: readonly string[]; vpcId: string } | null;
  environment?: Readonly<Record<string, string>>;
  kmsKeyArn?: string;
  layers?: readonly { arn: string; codeSize: number }[];
  tracingMode?: "Active" | "PassThrough";
  ephemeralStorageMb?: number;
  state: StateName;
  stateReason?: string;
  stateReasonCode?: ReasonCodeName;
  /** Absent for a function never updated: Lambda omits the field then. */
  lastUpdateStatus?: "InProgress" | "Successful" | "Failed";
  lastUpdateStatusReason?: string;
  lastUpdateStatusReasonCode?: ReasonCodeName;
  revisionId: string;
  /** Epoch milliseconds (simulated time). */
  lastModifiedMs: number;
}

export interface ConfigurationOptions {
  scope?: ArnScope;
  /**
   * Name $LATEST in FunctionArn (`...:function:f:$LATEST`), as Lambda does when
   * the caller asked for it by qualifier and in ListVersionsByFunction; an
   * unqualified request gets the unqualified ARN. Versions are always qualified.
   */
  qualifyLatest?: boolean;
}

export function functionConfiguration(
  fn: FunctionSnapshot,
  options: ConfigurationOptions = {},
): Record<string, unknown> {
  const scope = options.scope ?? DEFAULT_SCOPE;
  const unqualified = functionArn(fn.name, scope.accountId, scope.region);
  const qualified = fn.version !== "$LATEST" || options.qualifyLatest === true;
  const out: Record<string, unknown> = {
    FunctionName: fn.name,
    FunctionArn: qualified ? `${unqualified}:${fn.version}` : unqualified,
  };
  if (fn.runtime !== undefined) out.Runtime = fn.runtime;
  out.Role = fn.role;
  if (fn.handler !== undefined) out.Handler = fn.handler;
  Object.assign(out, {
    CodeSize: fn.codeSize,
    Description: fn.description,
    Timeout: fn.timeoutS,
    MemorySize: fn.memoryMb,
    LastModified: lambdaTimestamp(fn.lastModifiedMs),
    CodeSha256: fn.codeSha256,
    Version: fn.version,
  });
  if (fn.vpc !== null)
    out.VpcConfig = {
      SubnetIds: [...fn.vpc.subnetIds],
      SecurityGroupIds: [...fn.vpc.securityGroupIds],
      VpcId: fn.vpc.vpcId,
      Ipv6AllowedForDualStack: false,
    };
  if (fn.environment !== undefined) out.Environment = { Variables: { ...fn.environment } };
  if (fn.kmsKeyArn !== undefined) out.KMSKeyArn = fn.kmsKeyArn;
  out.TracingConfig = { Mode: fn.tracingMode ?? "PassThrough" };
  out.RevisionId = fn.revisionId;
  if (fn.layers !== undefined && fn.layers.length > 0)
    out.Layers = fn.layers.map((layer) => ({ Arn: layer.arn, CodeSize: layer.codeSize }));
  out.State = fn.state;
  if (fn.stateReason !== undefined) out.StateReason = fn.stateReason;
  if (fn.stateReasonCode !== undefined) out.StateReasonCode = fn.stateReasonCode;
  if (fn.lastUpdateStatus !== undefined) out.LastUpdateStatus = fn.lastUpdateStatus;
  if (fn.lastUpdateStatusReason !== undefined) out.LastUpdateStatusReason = fn.lastUpdateStatusReason;
  if (fn.lastUpdateStatusReasonCode !== undefined)
    out.LastUpdateStatusReasonCode = fn.lastUpdateStatusReasonCode;
  Object.assign(out, {
    PackageType: fn.packageType,
    Architectures: [...fn.architectures],
    EphemeralStorage: { Size: fn.ephemeralStorageMb ?? 512 },
    SnapStart: { ApplyOn: "None", OptimizationStatus: "Off" },
    LoggingConfig: { LogFormat: "Text", LogGroup: `/aws/lambda/${fn.name}` },
  });
  return out;
}

/** GetFunction's Code: where the zip can be downloaded, or the image. */
function codeLocation(fn: FunctionSnapshot, scope: ArnScope): Record<string, string> {
  const digest = Buffer.from(fn.codeSha256, "base64").toString("hex");
  if (fn.packageType === "Image") {
    const repository = (fn.imageUri ?? "").replace(/[:@][^/]*$/, "");
    return {
      RepositoryType: "ECR",
      ImageUri: fn.imageUri ?? "",
      ResolvedImageUri: `${repository}@sha256:${digest}`,
    };
  }
  const host = `awslambda-${scope.region}-tasks.s3.${scope.region}.amazonaws.com`;
  return {
    RepositoryType: "S3",
    Location: `https://${host}/snapshots/${scope.accountId}/${fn.name}-${digest.slice(0, 32)}`,
  };
}

export function getFunctionOutput(
  fn: FunctionSnapshot,
  extra: {
    reservedConcurrency?: number;
    tags?: Readonly<Record<string, string>>;
  } & ConfigurationOptions = {},
): Record<string, unknown> {
  const out: Record<string, unknown> = {
    Configuration: functionConfiguration(fn, extra),
    Code: codeLocation(fn, extra.scope ?? DEFAULT_SCOPE),
  };
  if (extra.tags !== undefined && Object.keys(extra.tags).length > 0) out.Tags = { ...extra.tags };
  if (extra.reservedConcurrency !== undefined)
    out.Concurrency = { ReservedConcurrentExecutions: extra.reservedConcurrency };
  return out;
}

/** ListFunctions' output; `Functions` is always present, `NextMarker` only while more remain. */
export function listFunctionsOutput(
  functions: readonly FunctionSnapshot[],
  nextMarker?: string,
  scope?: ArnScope,
): Record<string, unknown> {
  const out: Record<string, unknown> = {
    Functions: functions.map((fn) => functionConfiguration(fn, { scope })),
  };
  if (nextMarker !== undefined) out.NextMarker = nextMarker;
  return out;
}

/** ListVersionsByFunction's output: every version's ARN qualified, $LATEST's too. */
export function listVersionsOutput(
  versions: readonly FunctionSnapshot[],
  nextMarker?: string,
  scope?: ArnScope,
): Record<string, unknown> {
  const out: Record<string, unknown> = {
    Versions: versions.map((fn) => functionConfiguration(fn, { scope, qualifyLatest: true })),
  };
  if (nextMarker !== undefined) out.NextMarker = nextMarker;
  return out;
}
