/**
 * Builds Plans in code for rule tests, without going through a scenario file.
 * Defaults are the model's; times are given in seconds for readability.
 */
import type { FailureReasonName, OperationName } from "../../src/model/aws-names.js";
import { MODEL_DEFAULTS, type ModelDefaults } from "../../src/model/defaults.js";
import {
  type ControlOperation,
  DEFAULT_ASYNC_CONFIG,
  type Distribution,
  type Plan,
  type PlanAsyncConfig,
  type PlanCallParams,
  type PlanConfigChange,
  type PlanFault,
  type PlanInvokeStream,
  type PlanTemplate,
  type WaiterName,
} from "../../src/model/plan.js";

export const sec = (s: number) => Math.round(s * 1_000_000);
export const ms = (m: number) => Math.round(m * 1_000);
export const constant = (s: number): Distribution => ({ kind: "constant", valueUs: sec(s) });

export interface TemplateInput {
  count?: number;
  runtime?: string;
  memoryMb?: number;
  vpc?: { subnets: string[]; securityGroups: string[] } | null;
  reservedConcurrency?: number;
  duration?: Distribution;
  initDuration?: Distribution;
  errorRate?: number;
  timeoutS?: number;
  existing?: boolean;
  packageType?: "Zip" | "Image";
  /** Resource-based policy principals: "*", account ids, caller ARNs (V8). */
  policy?: string[];
  /** Customer managed KMS key name (V9); declared on first use. */
  kmsKey?: string;
  /** File system id, declared with fileSystem() first (V10). */
  fileSystem?: string;
  ioThroughputMiBps?: number;
  /** Asynchronous invocation settings over AWS's defaults (V6). */
  async?: Partial<PlanAsyncConfig>;
  /** V7: probability that a success triggers the next invocation of the chain. */
  selfTrigger?: number;
}

export class PlanBuilder {
  private plan: Plan;

  constructor(untilS: number, defaults: Partial<ModelDefaults> = {}) {
    this.plan = {
      name: "test",
      description: "",
      file: null,
      seed: 7,
      untilUs: sec(untilS),
      defaults: { ...MODEL_DEFAULTS, ...defaults },
      account: {
        concurrencyLimit: 1000,
        unreservedMinimum: 100,
        controlPlaneRatePerSec: 15,
        controlPlaneBurst: 15,
        getFunctionRatePerSec: 100,
        getFunctionBurst: 100,
      },
      vpcs: [],
      subnets: [],
      vpcConfigs: [],
      eniKeys: [],
      templates: [],
      functions: { names: [], template: new Int32Array(0) },
      clients: [
        {
          name: "default",
          waiter: null,
          retry: {
            maxAttempts: 3,
            baseDelayUs: ms(100),
            throttleBaseDelayUs: ms(500),
            maxBackoffUs: sec(20),
          },
        },
      ],
      steps: [],
      invokeStreams: [],
      faults: [],
      calls: [],
      aliases: [],
      callers: [],
      kmsKeys: [],
      fileSystems: [],
    };
  }

  /** A caller identity (V8); allow: function names its identity policy allows, "*" for all. */
  caller(name: string, opts: { account?: string; arn?: string; allow?: string[] | "*" } = {}): this {
    const account = opts.account ?? "123456789012";
    this.plan.callers.push({
      name,
      account,
      arn: opts.arn ?? `arn:aws:iam::${account}:user/${name}`,
      allow:
        opts.allow === "*"
          ? null
          : Int32Array.from((opts.allow ?? []).map((f) => this.fn(f)).sort((a, b) => a - b)),
    });
    return this;
  }

  callerIndex(name: string): number {
    const i = this.plan.callers.findIndex((c) => c.name === name);
    if (i < 0) throw new Error(`no caller ${name}`);
    return i;
  }

  /** The index of a KMS key, declared on first use (V9). */
  kmsKey(name: string): number {
    let i = this.plan.kmsKeys.indexOf(name);
    if (i < 0) i = this.plan.kmsKeys.push(name) - 1;
    return i;
  }

  /** An EFS file system (V10): MiB/s and MiB. */
  fileSystem(id: string, baselineMiBps: number, burstMiBps: number, burstCreditsMiB: number): this {
    this.plan.fileSystems.push({
      id,
      accessPointArn: `arn:aws:elasticfilesystem:us-east-1:123456789012:access-point/fsap-0123456789abcdef0`,
      baselineMiBps,
      burstMiBps,
      burstCreditsMiB,
    });
    return this;
  }

  fileSystemIndex(id: string): number {
    const i = this.plan.fileSystems.findIndex((f) => f.id === id);
    if (i < 0) throw new Error(`no file system ${id}`);
    return i;
  }

  seed(n: number): this {
    this.plan.seed = n;
    return this;
  }

  account(a: Partial<Plan["account"]>): this {
    Object.assign(this.plan.account, a);
    return this;
  }

  vpc(id: string, eniQuota = 250, enisUsedByOthers = 0): this {
    this.plan.vpcs.push({ id, eniQuota, enisUsedByOthers, securityGroups: [] });
    return this;
  }

  subnet(id: string, capacityIps: number, vpcId?: string): this {
    const vpc =
      vpcId === undefined ? this.plan.vpcs.length - 1 : this.plan.vpcs.findIndex((v) => v.id === vpcId);
    this.plan.subnets.push({ id, vpc, capacityIps, usedByOthersIps: 0, cidr: null });
    return this;
  }

  vpcConfig(subnets: string[], securityGroups: string[]): number {
    const sIdx = subnets.map((s) => this.plan.subnets.findIndex((x) => x.id === s)).sort((a, b) => a - b);
    const sgs = [...securityGroups].sort();
    const sgKey = sgs.join(",");
    const found = this.plan.vpcConfigs.findIndex(
      (c) => c.subnets.join() === sIdx.join() && c.securityGroups.join(",") === sgKey,
    );
    if (found >= 0) return found;
    const eniKeys = sIdx.map((s) => {
      let k = this.plan.eniKeys.findIndex((e) => e.subnet === s && e.securityGroups === sgKey);
      if (k < 0) {
        k = this.plan.eniKeys.length;
        this.plan.eniKeys.push({ subnet: s, securityGroups: sgKey });
      }
      return k;
    });
    this.plan.vpcConfigs.push({
      vpc: this.plan.subnets[sIdx[0]].vpc,
      subnets: sIdx,
      securityGroups: sgs,
      eniKeys,
    });
    return this.plan.vpcConfigs.length - 1;
  }

  template(name: string, t: TemplateInput = {}): this {
    const tpl: PlanTemplate = {
      name,
      runtime: t.runtime ?? "nodejs20.x",
      memoryMb: t.memoryMb ?? 128,
      packageType: t.packageType ?? "Zip",
      vpcConfig: t.vpc ? this.vpcConfig(t.vpc.subnets, t.vpc.securityGroups) : -1,
      reservedConcurrency: t.reservedConcurrency ?? -1,
      initDuration: t.initDuration ?? constant(0.2),
      duration: t.duration ?? constant(0.1),
      errorRate: t.errorRate ?? 0,
      timeoutUs: sec(t.timeoutS ?? 3),
      existing: t.existing ?? false,
      policy: {
        anyone: (t.policy ?? []).includes("*"),
        accounts: (t.policy ?? []).filter((p) => /^\d{12}$/.test(p)),
        arns: (t.policy ?? []).filter((p) => p.startsWith("arn:")),
      },
      kmsKey: t.kmsKey === undefined ? -1 : this.kmsKey(t.kmsKey),
      fileSystem: t.fileSystem === undefined ? -1 : this.fileSystemIndex(t.fileSystem),
      ioThroughputMiBps: t.ioThroughputMiBps ?? 1,
      ...(t.async ? { async: { ...DEFAULT_ASYNC_CONFIG, ...t.async } } : {}),
      ...(t.selfTrigger !== undefined ? { recursion: { probability: t.selfTrigger } } : {}),
    };
    const ti = this.plan.templates.length;
    this.plan.templates.push(tpl);
    const count = t.count ?? 1;
    const names = [...this.plan.functions.names];
    const tmpl = Array.from(this.plan.functions.template);
    for (let i = 0; i < count; i++) {
      names.push(count === 1 ? name : `${name}-${i}`);
      tmpl.push(ti);
    }
    this.plan.functions = { names, template: Int32Array.from(tmpl) };
    return this;
  }

  client(name: string, waiter: WaiterName | null, maxAttempts = 3): this {
    this.plan.clients.push({
      name,
      waiter,
      retry: { maxAttempts, baseDelayUs: ms(100), throttleBaseDelayUs: ms(500), maxBackoffUs: sec(20) },
    });
    return this;
  }

  fn(name: string): number {
    const i = this.plan.functions.names.indexOf(name);
    if (i < 0) throw new Error(`no function ${name}`);
    return i;
  }

  private clientIndex(name: string): number {
    const i = this.plan.clients.findIndex((c) => c.name === name);
    if (i < 0) throw new Error(`no client ${name}`);
    return i;
  }

  /** An explicit API call at `atS` seconds. */
  call(
    atS: number,
    operation: OperationName,
    fn: string,
    client = "default",
    config?: PlanConfigChange,
    caller?: string,
    params?: PlanCallParams,
  ): this {
    this.plan.calls.push({
      atUs: sec(atS),
      operation,
      function: this.fn(fn),
      client: this.clientIndex(client),
      ...(config ? { config } : {}),
      ...(params ? { params } : {}),
      ...(caller !== undefined ? { caller: this.callerIndex(caller) } : {}),
    });
    return this;
  }

  /** The index of an alias name, added on first use. */
  alias(name: string): number {
    let a = this.plan.aliases.indexOf(name);
    if (a < 0) {
      a = this.plan.aliases.length;
      this.plan.aliases.push(name);
    }
    return a;
  }

  /** An Invoke call with InvocationType Event at `atS` seconds (V6). */
  event(atS: number, fn: string, client = "default"): this {
    this.plan.calls.push({
      atUs: sec(atS),
      operation: "Invoke",
      function: this.fn(fn),
      client: this.clientIndex(client),
      invocationType: "Event",
    });
    return this;
  }

  step(
    atS: number,
    operation: ControlOperation,
    fns: string[],
    opts: {
      ratePerSec?: number;
      client?: string;
      then?: (ControlOperation | "Invoke")[];
      config?: PlanConfigChange;
    } = {},
  ): this {
    this.plan.steps.push({
      atUs: sec(atS),
      operation,
      targets: Int32Array.from(fns.map((f) => this.fn(f))),
      ratePerSec: opts.ratePerSec ?? 0,
      client: this.clientIndex(opts.client ?? "default"),
      ...(opts.config ? { config: opts.config } : {}),
      then: opts.then ?? [],
    });
    return this;
  }

  stream(
    fns: string[],
    ratePerSec: number,
    fromS: number,
    toS: number,
    extra: Partial<PlanInvokeStream> = {},
  ): this {
    this.plan.invokeStreams.push({
      startUs: sec(fromS),
      endUs: sec(toS),
      targets: Int32Array.from(fns.map((f) => this.fn(f)).sort((a, b) => a - b)),
      rate: { points: [{ atUs: sec(fromS), ratePerSec }] },
      process: "poisson",
      popularity: { kind: "uniform" },
      client: 0,
      ...extra,
    });
    return this;
  }

  fault(f: PlanFault): this {
    this.plan.faults.push(f);
    return this;
  }

  targets(fns: string[]): Int32Array {
    return Int32Array.from(fns.map((f) => this.fn(f)).sort((a, b) => a - b));
  }

  failure(code: FailureReasonName, fromS: number, untilS: number, fns: string[] | null = null): this {
    return this.fault({
      kind: "provisioningFailure",
      fromUs: sec(fromS),
      untilUs: sec(untilS),
      probability: 1,
      targets: fns === null ? null : this.targets(fns),
      code,
    });
  }

  build(): Plan {
    return this.plan;
  }
}
