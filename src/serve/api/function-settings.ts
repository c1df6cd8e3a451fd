/**
 * The configuration members CreateFunction and UpdateFunctionConfiguration
 * share, read and checked alike: the model's constraints into a Violations
 * (ValidationException), then Lambda's own rules (InvalidParameterValueException):
 * deprecated runtimes, reserved or oversized environments, more than 5 layers.
 * Members the simulator does not model (DeadLetterConfig, FileSystemConfigs,
 * ImageConfig, SnapStart, LoggingConfig, ...) are not read.
 */
import { Violations, pattern } from "./constraints.js";
import {
  readInteger,
  readObject,
  readString,
  readStringList,
  readStringMap,
  type JsonObject,
} from "./json-fields.js";
import { fail, ok, type Result } from "./problem.js";
import { RUNTIMES, deprecatedRuntimeMessage } from "./runtimes.js";

export interface FunctionSettings {
  Role?: string;
  Runtime?: string;
  Handler?: string;
  Description?: string;
  Timeout?: number;
  MemorySize?: number;
  VpcConfig?: { SubnetIds: string[]; SecurityGroupIds: string[] };
  Environment?: { Variables: Record<string, string> };
  KMSKeyArn?: string;
  TracingConfig?: { Mode: "Active" | "PassThrough" };
  Layers?: string[];
  EphemeralStorage?: { Size: number };
}

const ROLE = pattern(String.raw`arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+`);
const HANDLER = pattern(String.raw`[^\s]+`);
const KMS_KEY_ARN = pattern(String.raw`(arn:(aws[a-zA-Z-]*)?:[a-z0-9-.]+:.*)|()`);
const LAYER_VERSION_ARN = pattern(
  String.raw`arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+`,
);
const ENV_KEY = pattern(String.raw`[a-zA-Z]([a-zA-Z0-9_])+`, /^[a-zA-Z][a-zA-Z0-9_]+$/);
const TRACING_MODES = ["Active", "PassThrough"] as const;

/** Lambda's quotas: a 15-minute timeout, 4 KB of environment, 5 layers. */
export const MAX_TIMEOUT_S = 900;
const MAX_ENVIRONMENT_BYTES = 4096;
const MAX_LAYERS = 5;

/** Variables Lambda sets itself and refuses to take from a function's configuration. */
export const RESERVED_ENVIRONMENT_KEYS = [
  "_HANDLER",
  "_X_AMZN_TRACE_ID",
  "AWS_DEFAULT_REGION",
  "AWS_REGION",
  "AWS_EXECUTION_ENV",
  "AWS_LAMBDA_FUNCTION_NAME",
  "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
  "AWS_LAMBDA_FUNCTION_VERSION",
  "AWS_LAMBDA_INITIALIZATION_TYPE",
  "AWS_LAMBDA_LOG_GROUP_NAME",
  "AWS_LAMBDA_LOG_STREAM_NAME",
  "AWS_ACCESS_KEY",
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_LAMBDA_RUNTIME_API",
  "LAMBDA_TASK_ROOT",
  "LAMBDA_RUNTIME_DIR",
];

/** Read the shared members of `o`, their constraint violations into `v`. */
export function readSettings(o: JsonObject, v: Violations): FunctionSettings {
  const s: FunctionSettings = {};
  s.Role = readString(o, "Role");
  v.matches(s.Role, "role", ROLE);
  s.Runtime = readString(o, "Runtime");
  v.oneOf(s.Runtime, "runtime", RUNTIMES);
  s.Handler = readString(o, "Handler");
  v.length(s.Handler, "handler", 0, 128);
  v.matches(s.Handler, "handler", HANDLER);
  s.Description = readString(o, "Description");
  v.length(s.Description, "description", 0, 256);
  s.Timeout = readInteger(o, "Timeout");
  v.range(s.Timeout, "timeout", 1, MAX_TIMEOUT_S);
  s.MemorySize = readInteger(o, "MemorySize");
  v.range(s.MemorySize, "memorySize", 128, 10240);
  s.VpcConfig = readVpcConfig(o, v);
  s.Environment = readEnvironment(o, v);
  s.KMSKeyArn = readString(o, "KMSKeyArn");
  v.matches(s.KMSKeyArn, "kMSKeyArn", KMS_KEY_ARN);
  s.TracingConfig = readTracingConfig(o, v);
  s.Layers = readStringList(o, "Layers");
  v.eachMatches(s.Layers, "layers", LAYER_VERSION_ARN);
  s.EphemeralStorage = readEphemeralStorage(o, v);
  for (const key of Object.keys(s) as (keyof FunctionSettings)[]) if (s[key] === undefined) delete s[key];
  return s;
}

function readVpcConfig(o: JsonObject, v: Violations): FunctionSettings["VpcConfig"] {
  const vpc = readObject(o, "VpcConfig");
  if (vpc === undefined) return undefined;
  const SubnetIds = readStringList(vpc, "SubnetIds", "VpcConfig.SubnetIds") ?? [];
  const SecurityGroupIds = readStringList(vpc, "SecurityGroupIds", "VpcConfig.SecurityGroupIds") ?? [];
  v.listLength(SubnetIds, "vpcConfig.subnetIds", 0, 16);
  v.listLength(SecurityGroupIds, "vpcConfig.securityGroupIds", 0, 5);
  return { SubnetIds, SecurityGroupIds };
}

function readEnvironment(o: JsonObject, v: Violations): FunctionSettings["Environment"] {
  const environment = readObject(o, "Environment");
  if (environment === undefined) return undefined;
  const Variables = readStringMap(environment, "Variables", "Environment.Variables") ?? Object.create(null);
  const badKey = Object.keys(Variables).find((key) => !ENV_KEY.regex.test(key));
  // The variables are sensitive: Lambda's message names the constraint, not the values.
  if (badKey !== undefined)
    v.add(
      "***",
      "environment.variables",
      `Map keys must satisfy constraint: [Member must satisfy regular expression pattern: ${ENV_KEY.source}]`,
    );
  return { Variables };
}

function readTracingConfig(o: JsonObject, v: Violations): FunctionSettings["TracingConfig"] {
  const tracing = readObject(o, "TracingConfig");
  if (tracing === undefined) return undefined;
  const mode = readString(tracing, "Mode", "TracingConfig.Mode") ?? "PassThrough";
  v.oneOf(mode, "tracingConfig.mode", TRACING_MODES);
  return { Mode: mode as "Active" | "PassThrough" };
}

function readEphemeralStorage(o: JsonObject, v: Violations): FunctionSettings["EphemeralStorage"] {
  const storage = readObject(o, "EphemeralStorage");
  if (storage === undefined) return undefined;
  const size = readInteger(storage, "Size", "EphemeralStorage.Size");
  if (!v.required(size, "ephemeralStorage.size")) return undefined;
  v.range(size, "ephemeralStorage.size", 512, 10240);
  return { Size: size as number };
}

/** Lambda's rules beyond the model's constraints, on settings that passed them. */
export function checkSettings(s: FunctionSettings): Result<FunctionSettings> {
  const deprecated = s.Runtime === undefined ? undefined : deprecatedRuntimeMessage(s.Runtime);
  if (deprecated !== undefined) return fail("InvalidParameterValueException", deprecated);
  if (s.Environment !== undefined) {
    const variables = s.Environment.Variables;
    const reserved = Object.keys(variables).filter((key) => RESERVED_ENVIRONMENT_KEYS.includes(key));
    if (reserved.length > 0)
      return fail(
        "InvalidParameterValueException",
        "Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. " +
          `Reserved keys used in this request: ${reserved.join(", ")}`,
      );
    const measured = JSON.stringify(variables);
    if (Buffer.byteLength(measured) > MAX_ENVIRONMENT_BYTES)
      return fail(
        "InvalidParameterValueException",
        `Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. String measured: ${measured}`,
      );
  }
  if (s.Layers !== undefined && s.Layers.length > MAX_LAYERS)
    return fail("InvalidParameterValueException", `Cannot reference more than ${MAX_LAYERS} layers.`);
  return ok(s);
}
