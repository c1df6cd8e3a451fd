/**
 * The calls of a trail in time order, as the scenario replays them: each
 * function's state as the calls show it (created in the trail or there
 * before, its starting settings, the versions it publishes) and one event per
 * call, in the scenario's terms. A call the run cannot make as recorded is
 * said in a note, not replayed.
 */
import type { TrailCall, TrailSettings } from "./cloudtrail-calls.js";

/** What the trail tells of one function. */
export interface TrailFunction {
  name: string;
  /** Its first call is a CreateFunction: it does not exist when the run starts. */
  created: boolean;
  /** A created function's settings (its first CreateFunction's); an existing one's as its calls show them. */
  settings: TrailSettings;
  /** Settings an UpdateFunctionConfiguration changed: responses after it do not show the starting value. */
  changed: Set<keyof TrailSettings>;
  /** AWS's version numbers published in the trail, by the run's (the run numbers from 1). */
  versions: Map<string, number>;
  published: number;
}

const msText = (ms: number): string => (ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`);
const q = (s: string): string => JSON.stringify(s);
const list = (items: readonly string[]): string => `[${items.map(q).join(", ")}]`;

/** Walks the calls in time order: each function's state, and the events that replay them. */
export class Replay {
  readonly functions = new Map<string, TrailFunction>();
  readonly events: string[] = [];
  /** VPC configurations UpdateFunctionConfiguration sets, for the network. */
  readonly configVpcs: { subnets: string[]; securityGroups: string[] }[] = [];
  /** Subnets' VPCs, as responses name them. */
  readonly subnetVpc = new Map<string, string>();

  constructor(
    private readonly t0Ms: number,
    private readonly rename: (n: string) => string,
    private readonly notes: string[],
  ) {}

  add(call: TrailCall): void {
    let fn = this.functions.get(call.functionName);
    if (fn === undefined) {
      fn = {
        name: call.functionName,
        created: call.operation === "CreateFunction",
        settings: call.operation === "CreateFunction" ? { ...call.request } : {},
        changed: new Set(),
        versions: new Map(),
        published: 0,
      };
      this.functions.set(call.functionName, fn);
    } else if (call.operation === "CreateFunction") this.createdAgain(fn, call);
    if (call.response?.vpc?.vpcId !== undefined)
      for (const s of call.response.vpc.subnets) this.subnetVpc.set(s, call.response.vpc.vpcId);
    if (!fn.created) this.learn(fn, call);

    const at = msText(call.timeMs - this.t0Ms);
    const name = this.rename(fn.name);
    const head = `{ at: ${at}, call: ${call.operation}, function: ${q(name)}`;
    const skip = (why: string): void => {
      this.notes.push(`${name}: ${call.eventName} at ${at} ${why}: not replayed`);
    };
    const version = (v: string): string | undefined => {
      if (v === "$LATEST" || !/^\d+$/.test(v)) return v;
      const n = fn.versions.get(v);
      return n === undefined ? undefined : String(n);
    };
    switch (call.operation) {
      case "CreateFunction":
      case "UpdateFunctionCode":
        this.events.push(`${head} }`);
        if (call.publish) this.publish(fn, call, head);
        return;
      case "PublishVersion":
        this.publish(fn, call, head);
        return;
      case "UpdateFunctionConfiguration": {
        const c = call.request;
        const fields: string[] = [];
        if (c.memoryMb !== undefined) fields.push(`memory: ${Math.min(10240, Math.max(128, c.memoryMb))}`);
        if (c.timeoutS !== undefined) fields.push(`timeout: ${Math.min(900, Math.max(1, c.timeoutS))}s`);
        if (c.vpc === null) fields.push("vpc: null");
        else if (c.vpc !== undefined) {
          this.configVpcs.push(c.vpc);
          fields.push(
            `vpc: { subnets: ${list(c.vpc.subnets)}, securityGroups: ${list(c.vpc.securityGroups)} }`,
          );
        }
        this.events.push(`${head}, config: { ${fields.join(", ")} } }`.replace("{  }", "{}"));
        return;
      }
      case "DeleteFunction":
        if (call.qualifier !== undefined && call.qualifier !== "$LATEST") {
          skip(`deletes version ${call.qualifier} only (the simulator deletes whole functions)`);
          return;
        }
        this.events.push(`${head} }`);
        // A function deleted and created again publishes from version 1 again.
        fn.versions.clear();
        fn.published = 0;
        return;
      case "CreateAlias":
      case "UpdateAlias": {
        const fields = [`alias: ${q(call.alias!)}`];
        if (call.functionVersion !== undefined) {
          const v = version(call.functionVersion);
          if (v === undefined)
            return skip(`names version ${call.functionVersion}, published before the trail`);
          fields.push(`functionVersion: ${q(v)}`);
        } else if (call.operation === "CreateAlias") return skip("has no functionVersion");
        if (call.weights !== undefined) {
          const weights: string[] = [];
          for (const [k, w] of Object.entries(call.weights)) {
            const v = version(k);
            if (v === undefined) return skip(`routes to version ${k}, published before the trail`);
            weights.push(`${q(v)}: ${w}`);
          }
          fields.push(
            `routingConfig: { additionalVersionWeights: { ${weights.join(", ")} } }`.replace("{  }", "{}"),
          );
        }
        this.events.push(`${head}, ${fields.join(", ")} }`);
        return;
      }
      case "DeleteAlias":
        this.events.push(`${head}, alias: ${q(call.alias!)} }`);
        return;
      case "PutFunctionConcurrency":
        this.events.push(`${head}, reservedConcurrentExecutions: ${call.reservedConcurrentExecutions} }`);
        return;
      case "PutProvisionedConcurrencyConfig":
      case "DeleteProvisionedConcurrencyConfig": {
        if (call.qualifier === undefined) return skip("has no qualifier");
        const v = version(call.qualifier);
        if (v === undefined) return skip(`names version ${call.qualifier}, published before the trail`);
        const n = call.provisionedConcurrentExecutions;
        if (n === 0) return skip("asks for 0 provisioned concurrency");
        this.events.push(
          `${head}, qualifier: ${q(v)}${n === undefined ? "" : `, provisionedConcurrentExecutions: ${n}`} }`,
        );
        return;
      }
      case "Invoke": {
        const fields: string[] = [];
        if (call.qualifier !== undefined) {
          const v = version(call.qualifier);
          if (v === undefined) return skip(`names version ${call.qualifier}, published before the trail`);
          fields.push(`qualifier: ${q(v)}`);
        }
        if (call.invocationType === "Event") fields.push("invocationType: Event");
        else if (call.invocationType !== undefined && call.invocationType !== "RequestResponse")
          return skip(`is a ${call.invocationType} invocation`);
        this.events.push(fields.length === 0 ? `${head} }` : `${head}, ${fields.join(", ")} }`);
        return;
      }
      default:
        // GetFunction, GetFunctionConfiguration, DeleteFunctionConcurrency: the function is all they take.
        this.events.push(`${head} }`);
    }
  }

  /** A PublishVersion: the run's next version number stands for the one AWS gave. */
  private publish(fn: TrailFunction, call: TrailCall, head: string): void {
    fn.published++;
    if (call.publishedVersion !== undefined) fn.versions.set(call.publishedVersion, fn.published);
    this.events.push(`${head.replace(/call: \w+/, "call: PublishVersion")} }`);
  }

  /** An existing function's starting settings: what the first responses show, before any update changes them. */
  private learn(fn: TrailFunction, call: TrailCall): void {
    const updated = call.operation === "UpdateFunctionConfiguration" ? call.request : {};
    if (call.response !== undefined) {
      for (const key of Object.keys(call.response) as (keyof TrailSettings)[]) {
        if (key in fn.settings || fn.changed.has(key) || key in updated) continue;
        (fn.settings as Record<string, unknown>)[key] = call.response[key];
      }
    }
    for (const key of Object.keys(updated) as (keyof TrailSettings)[]) fn.changed.add(key);
  }

  private createdAgain(fn: TrailFunction, call: TrailCall): void {
    const name = this.rename(fn.name);
    if (!fn.created) {
      this.notes.push(
        `${name} existed before the trail and is created again at ${msText(call.timeMs - this.t0Ms)}: the run creates it with the settings it started with`,
      );
      return;
    }
    const a = fn.settings;
    const b = call.request;
    if (JSON.stringify([a.memoryMb, a.timeoutS, a.vpc]) !== JSON.stringify([b.memoryMb, b.timeoutS, b.vpc]))
      this.notes.push(
        `${name} is created again at ${msText(call.timeMs - this.t0Ms)} with other settings: the run creates it with its first CreateFunction's`,
      );
  }
}
