/**
 * One Lambda CloudTrail record as the call the scenario can replay: the
 * operation (eventName less its API version suffix), the function (a name
 * or an ARN in requestParameters.functionName) and the parameters the
 * simulator models. Only these fields are kept, not the record.
 */
import { OPERATION_NAMES, type OperationName } from "../model/aws-names.js";
import { ImportInputError, typeName } from "./json-input.js";
import type { TrailRecord } from "./cloudtrail-input.js";

/** The settings of a function as a request or a response shows them; absent fields are not shown. */
export interface TrailSettings {
  memoryMb?: number;
  timeoutS?: number;
  runtime?: string;
  architecture?: string;
  packageType?: string;
  /** null: no VPC (an empty SubnetIds). */
  vpc?: { subnets: string[]; securityGroups: string[]; vpcId?: string } | null;
}

export interface TrailCall {
  timeMs: number;
  /** Input order: ties of eventTime keep it. */
  seq: number;
  operation: OperationName;
  eventName: string;
  functionName: string;
  qualifier?: string;
  /** CreateFunction, UpdateFunctionConfiguration: what the request sets. */
  request: TrailSettings;
  /** The function configuration in responseElements, when the record has one. */
  response?: TrailSettings;
  /** The version a PublishVersion (or a publish: true) made, from responseElements. */
  publishedVersion?: string;
  publish: boolean;
  alias?: string;
  functionVersion?: string;
  weights?: Record<string, number>;
  reservedConcurrentExecutions?: number;
  provisionedConcurrentExecutions?: number;
  invocationType?: string;
  /** Request fields the simulator does not model (CreateFunction, UpdateFunctionConfiguration). */
  unmodelled: string[];
}

/** CreateFunction20150331 -> CreateFunction; UpdateFunctionCode20150331v2 -> UpdateFunctionCode. */
export const operationOf = (eventName: string): string => eventName.replace(/\d{8}(v\d+)?$/, "");

export const isReplayable = (operation: string): operation is OperationName =>
  (OPERATION_NAMES as readonly string[]).includes(operation);

/** Request fields read into the scenario; every other one of CreateFunction or UpdateFunctionConfiguration is counted. */
const MODELLED = new Set([
  "functionName",
  "memorySize",
  "timeout",
  "runtime",
  "architectures",
  "packageType",
  "vpcConfig",
  "publish",
]);

/** AWS's function names: letters, digits, '-' and '_', at most 64. */
const FUNCTION_NAME = /^[A-Za-z0-9_-]{1,64}$/;
/** name, name:qualifier, 123456789012:function:name[:qualifier] or arn:aws:lambda:region:account:function:name[:qualifier]. */
const FUNCTION_REF = /^(?:arn:[^:]+:lambda:[^:]*:\d{12}:function:|\d{12}:function:)?([^:]+)(?::([^:]+))?$/;

const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/;

/** An eventTime as milliseconds since the epoch; a located error when it is not ISO-8601. */
export function eventTimeMs(r: TrailRecord): number {
  const ms = ISO_8601.test(r.eventTime) ? Date.parse(r.eventTime) : NaN;
  if (Number.isNaN(ms))
    throw new ImportInputError(
      `${r.file}: ${r.path}.eventTime: expected an ISO-8601 time like 2024-05-01T12:00:00Z, got ${typeName(r.eventTime)}`,
    );
  return ms;
}

class Fields {
  constructor(
    readonly obj: Record<string, unknown>,
    readonly path: string,
    readonly file: string,
  ) {}

  private bad(field: string, expected: string, v: unknown): never {
    throw new ImportInputError(
      `${this.file}: ${this.path}.${field}: expected ${expected}, got ${typeName(v)}`,
    );
  }

  string(field: string): string | undefined {
    const v = this.obj[field];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "string" || v === "") this.bad(field, "a string", v);
    return v;
  }

  count(field: string): number | undefined {
    const v = this.obj[field];
    if (v === undefined || v === null) return undefined;
    if (!Number.isInteger(v) || (v as number) < 0) this.bad(field, "a whole number >= 0", v);
    return v as number;
  }

  strings(field: string): string[] | undefined {
    const v = this.obj[field];
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v) || v.some((s) => typeof s !== "string")) this.bad(field, "an array of strings", v);
    return v as string[];
  }

  object(field: string): Fields | undefined {
    const v = this.obj[field];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "object" || Array.isArray(v)) this.bad(field, "an object", v);
    return new Fields(v as Record<string, unknown>, `${this.path}.${field}`, this.file);
  }
}

function settingsOf(f: Fields): TrailSettings {
  const s: TrailSettings = {};
  const memoryMb = f.count("memorySize");
  if (memoryMb !== undefined) s.memoryMb = memoryMb;
  const timeoutS = f.count("timeout");
  if (timeoutS !== undefined) s.timeoutS = timeoutS;
  const runtime = f.string("runtime");
  if (runtime !== undefined) s.runtime = runtime;
  const architecture = f.strings("architectures")?.[0];
  if (architecture !== undefined) s.architecture = architecture;
  const packageType = f.string("packageType");
  if (packageType !== undefined) s.packageType = packageType;
  const vpc = f.object("vpcConfig");
  if (vpc !== undefined) {
    const subnets = vpc.strings("subnetIds") ?? [];
    const securityGroups = vpc.strings("securityGroupIds") ?? [];
    const vpcId = vpc.string("vpcId");
    if (subnets.length === 0) s.vpc = null;
    else {
      if (securityGroups.length === 0)
        throw new ImportInputError(
          `${f.file}: ${vpc.path}.securityGroupIds: a VPC configuration with subnets needs security groups`,
        );
      s.vpc = vpcId === undefined ? { subnets, securityGroups } : { subnets, securityGroups, vpcId };
    }
  }
  return s;
}

/** The call a successful Lambda record makes, its operation one the scenario has. */
export function callOf(r: TrailRecord, operation: OperationName, timeMs: number, seq: number): TrailCall {
  const record = new Fields(r.record, r.path, r.file);
  const req = record.object("requestParameters");
  if (req === undefined)
    throw new ImportInputError(`${r.file}: ${r.path}: missing requestParameters of ${r.eventName}`);
  const ref = req.string("functionName");
  if (ref === undefined)
    throw new ImportInputError(`${r.file}: ${req.path}: missing functionName of ${r.eventName}`);
  const m = FUNCTION_REF.exec(ref);
  if (m === null || !FUNCTION_NAME.test(m[1]!))
    throw new ImportInputError(
      `${r.file}: ${req.path}.functionName: expected a function name (letters, digits, '-', '_'; at most 64) or its ARN, got ${typeName(ref)}`,
    );
  const res = record.object("responseElements");
  const call: TrailCall = {
    timeMs,
    seq,
    operation,
    eventName: r.eventName,
    functionName: m[1]!,
    request: {},
    publish: req.obj["publish"] === true,
    unmodelled: [],
  };
  const qualifier = req.string("qualifier") ?? m[2];
  if (qualifier !== undefined) call.qualifier = qualifier;
  if (operation === "CreateFunction" || operation === "UpdateFunctionConfiguration") {
    call.request = settingsOf(req);
    call.unmodelled = Object.keys(req.obj).filter((k) => !MODELLED.has(k));
  }
  if (res !== undefined && res.obj["functionName"] !== undefined) {
    call.response = settingsOf(res);
    const version = res.string("version");
    if (version !== undefined) call.publishedVersion = version;
  }
  if (operation === "CreateAlias" || operation === "UpdateAlias" || operation === "DeleteAlias") {
    const alias = req.string("name");
    if (alias === undefined)
      throw new ImportInputError(`${r.file}: ${req.path}: missing name of ${r.eventName}`);
    call.alias = alias;
    const version = req.string("functionVersion");
    if (version !== undefined) call.functionVersion = version;
    const routing = req.object("routingConfig")?.object("additionalVersionWeights");
    if (routing !== undefined) {
      call.weights = {};
      for (const [v, w] of Object.entries(routing.obj)) {
        if (typeof w !== "number" || w < 0 || w > 1)
          throw new ImportInputError(
            `${r.file}: ${routing.path}.${v}: expected a weight from 0 to 1, got ${typeName(w)}`,
          );
        call.weights[v] = w;
      }
    }
  }
  if (operation === "PutFunctionConcurrency") {
    const n = req.count("reservedConcurrentExecutions");
    if (n === undefined)
      throw new ImportInputError(`${r.file}: ${req.path}: missing reservedConcurrentExecutions`);
    call.reservedConcurrentExecutions = n;
  }
  if (operation === "PutProvisionedConcurrencyConfig") {
    const n = req.count("provisionedConcurrentExecutions");
    if (n === undefined)
      throw new ImportInputError(`${r.file}: ${req.path}: missing provisionedConcurrentExecutions`);
    call.provisionedConcurrentExecutions = n;
  }
  if (operation === "Invoke") {
    const type = req.string("invocationType");
    if (type !== undefined) call.invocationType = type;
  }
  return call;
}
