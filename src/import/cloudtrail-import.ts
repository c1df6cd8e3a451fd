/**
 * `fleet-sim import cloudtrail`: Lambda's control-plane history, read from
 * CloudTrail, as a scenario whose `events:` replay each call at its
 * eventTime less the first call's. Failed calls and events the scenario has
 * no call for are counted and listed, never dropped silently (docs/import.md
 * has the mapping).
 */
import { readFileSync } from "node:fs";
import { redactName, templateOf } from "./aws-import.js";
import { readBase, writeOnBase, type BaseScenario } from "./base-scenario.js";
import {
  callOf,
  eventTimeMs,
  isReplayable,
  operationOf,
  type TrailCall,
  type TrailSettings,
} from "./cloudtrail-calls.js";
import { readTrail, trailFiles } from "./cloudtrail-input.js";
import { ImportInputError } from "./json-input.js";
import { writeScenario, type ImportedTemplate, type ImportedVpc } from "./scenario-writer.js";

export interface ImportCloudTrailOptions {
  /** Files and directories, in the order given. */
  paths: string[];
  redact?: boolean;
  /** A scenario to replay the trail on (--base): its functions and network are kept. */
  base?: string;
}

export interface CloudTrailImport {
  text: string;
  /** What was not replayed, counted by name: for stderr. */
  report: string[];
}

const LAMBDA_SOURCE = "lambda.amazonaws.com";
/** Simulated time after the last call, for what it started (a VPC function's ENI, a version) to finish. */
const TAIL_MS = 5 * 60_000;
/** Subnets CloudTrail names but cannot size: a /24's usable addresses, as `import aws` assumes. */
const ASSUMED_SUBNET_CAPACITY = 251;
/** Names of inputs listed in the header; the rest are counted. */
const MAX_LISTED_SOURCES = 10;
/** Lambda's defaults for what a CreateFunction leaves out (AWS's, and the scenario's). */
const DEFAULTS = { memoryMb: 128, timeoutS: 3, architecture: "x86_64", packageType: "Zip" } as const;
const SETTING_NAMES: Record<keyof TrailSettings, string> = {
  memoryMb: "memory (128 MB)",
  timeoutS: "timeout (3s)",
  runtime: "runtime (nodejs20.x)",
  architecture: "architecture (x86_64)",
  packageType: "package type (Zip)",
  vpc: "VPC (none)",
};

/** Counts by name, listed in name order so the output does not depend on the input's order. */
class Tally {
  private readonly counts = new Map<string, number>();
  total = 0;
  add(name: string): void {
    this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
    this.total++;
  }
  toString(): string {
    return [...this.counts]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, n]) => `${name} (${n})`)
      .join(", ");
  }
}

/** What the trail tells of one function. */
interface TrailFunction {
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

export function importCloudTrail(options: ImportCloudTrailOptions): CloudTrailImport {
  if (options.paths.length === 0)
    throw new ImportInputError("no input: name CloudTrail files or directories");
  const base = options.base === undefined ? undefined : baseOf(options.base);
  const { files, digestDirs } = trailFiles(options.paths);
  const calls: TrailCall[] = [];
  const failed = new Tally();
  const unknown = new Tally();
  const unmodelled = new Tally();
  let otherSources = 0;
  const reading = readTrail(files, (r) => {
    const timeMs = eventTimeMs(r);
    if (r.eventSource !== LAMBDA_SOURCE) {
      otherSources++;
      return;
    }
    const errorCode = r.record["errorCode"];
    if (errorCode !== undefined && errorCode !== null) {
      failed.add(`${r.eventName} ${String(errorCode)}`);
      return;
    }
    const operation = operationOf(r.eventName);
    if (!isReplayable(operation)) {
      unknown.add(r.eventName);
      return;
    }
    const call = callOf(r, operation, timeMs, calls.length);
    for (const field of call.unmodelled) unmodelled.add(field);
    calls.push(call);
  });
  const inputs = options.paths.join(", ");
  if (reading.records === 0) throw new ImportInputError(`${inputs}: no CloudTrail records in the input`);
  const lambda = reading.records - otherSources;
  if (lambda === 0)
    throw new ImportInputError(
      `${inputs}: no Lambda events (eventSource ${LAMBDA_SOURCE}) among the ${reading.records} records read`,
    );
  const report: string[] = [];
  if (failed.total > 0)
    report.push(`${failed.total} failed calls (errorCode) not replayed: ${failed.toString()}`);
  if (unknown.total > 0)
    report.push(`${unknown.total} Lambda events with no scenario call, not replayed: ${unknown.toString()}`);
  if (calls.length === 0)
    throw new ImportInputError(
      `${inputs}: none of the ${lambda} Lambda events can be replayed: ${report.join("; ")}`,
    );

  calls.sort((a, b) => a.timeMs - b.timeMs || a.seq - b.seq);
  const rename = options.redact ? redactName : (n: string) => n;
  const notes: string[] = [...report];
  if (unmodelled.total > 0) notes.push(`request fields not modelled: ${unmodelled.toString()}`);
  const replay = new Replay(calls[0]!.timeMs, rename, notes);
  for (const call of calls) replay.add(call);
  const lastAtMs = calls.at(-1)!.timeMs - calls[0]!.timeMs;

  const trailFunctions = [...replay.functions.values()];
  const inBase = (f: TrailFunction): boolean => base?.functions.has(rename(f.name)) === true;
  for (const f of trailFunctions.filter((f) => inBase(f) && f.created))
    notes.push(
      `${rename(f.name)} is in --base and the trail creates it: the base's settings are used, and its CreateFunction finds it there`,
    );
  const templates = trailFunctions.filter((f) => !inBase(f)).map((f) => templateOfFunction(f, rename, notes));
  const vpcs = vpcsOf(
    trailFunctions.filter((f) => !inBase(f)),
    replay.configVpcs,
    replay.subnetVpc,
    notes,
    base?.subnetVpc,
  );
  const listed = options.paths.slice(0, MAX_LISTED_SOURCES);
  const more = options.paths.length - listed.length;
  const sources = [...listed, ...(more > 0 ? [`... and ${more} more`] : [])];
  sources.push(
    `${reading.files} files, ${reading.records} records, ${lambda} Lambda events, ${replay.events.length} calls replayed` +
      (digestDirs + reading.digests > 0 ? "; integrity digests skipped" : ""),
  );
  if (options.redact) sources.push("function names redacted (--redact)");
  const firstIso = new Date(calls[0]!.timeMs).toISOString();
  const durationMs = lastAtMs + TAIL_MS;
  if (base !== undefined) {
    const text = writeOnBase(base, {
      heading: [
        "Replayed on this scenario by `fleet-sim import cloudtrail --base`, from CloudTrail records:",
        ...sources.map((line) => `  ${line}`),
        `Each call is replayed at its eventTime less the first's (${firstIso}); functions the base lacks are added.`,
      ],
      notes,
      templates,
      vpcs,
      events: replay.events,
      durationMs,
    });
    return { text, report };
  }
  const text = writeScenario({
    sources,
    account: undefined,
    vpcs,
    templates,
    events: replay.events,
    notes,
    heading: {
      title: "Imported by `fleet-sim import cloudtrail` from CloudTrail records:",
      summary: [
        `Each call is replayed at its eventTime less the first's (${firstIso}).`,
        "Functions the trail creates do not exist at the start; the others do, with the settings",
        "the trail shows. No workload: add your traffic.",
      ],
      name: "imported-cloudtrail",
      duration: `${Math.ceil(durationMs / 60_000)}m`,
      eventsComment: [`Lambda's calls from CloudTrail, at their eventTime less ${firstIso}.`],
      workload: false,
    },
  });
  return { text, report };
}

function baseOf(file: string): BaseScenario {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new ImportInputError(
      `--base ${file}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  return readBase(file, text);
}

/** Walks the calls in time order: each function's state, and the events that replay them. */
class Replay {
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

function templateOfFunction(
  fn: TrailFunction,
  rename: (n: string) => string,
  notes: string[],
): ImportedTemplate {
  const s = fn.settings;
  if (!fn.created) {
    const unknown = (Object.keys(SETTING_NAMES) as (keyof TrailSettings)[]).filter((k) => !(k in s));
    if (unknown.length > 0)
      notes.push(
        `${rename(fn.name)} existed before the trail; not shown by it, so AWS's defaults: ${unknown.map((k) => SETTING_NAMES[k]).join(", ")}`,
      );
  }
  const t = templateOf(
    {
      name: fn.name,
      runtime: s.runtime,
      memoryMb: s.memoryMb ?? DEFAULTS.memoryMb,
      timeoutS: s.timeoutS ?? DEFAULTS.timeoutS,
      architecture: s.architecture ?? DEFAULTS.architecture,
      packageType: s.packageType ?? DEFAULTS.packageType,
      vpc: s.vpc
        ? { vpcId: s.vpc.vpcId ?? "", subnets: s.vpc.subnets, securityGroups: s.vpc.securityGroups }
        : undefined,
    },
    undefined,
    rename,
    notes,
  );
  return { ...t, existing: !fn.created };
}

/**
 * The VPCs of the subnets the trail's functions use. CloudTrail names a
 * subnet's VPC only in some responses, and never its size: a subnet of no
 * known VPC joins the VPC of the others in its configuration (or "vpc-unknown"),
 * and each subnet is declared with the assumed size of a /24, said so.
 */
function vpcsOf(
  functions: readonly TrailFunction[],
  configVpcs: readonly { subnets: string[]; securityGroups: string[] }[],
  subnetVpc: ReadonlyMap<string, string>,
  notes: string[],
  declared: ReadonlyMap<string, string> = new Map(),
): ImportedVpc[] {
  const configs = [...functions.flatMap((f) => (f.settings.vpc ? [f.settings.vpc] : [])), ...configVpcs];
  const vpcs = new Map<string, ImportedVpc>();
  // Subnets the base declares are placed already: only their security groups may be added.
  const placed = new Map<string, string>(declared);
  for (const c of configs) {
    const known = c.subnets.map((s) => placed.get(s) ?? subnetVpc.get(s)).find((v) => v !== undefined);
    const id = known ?? "vpc-unknown";
    let vpc = vpcs.get(id);
    if (vpc === undefined) {
      vpc = { id, securityGroups: [], subnets: [], enisUsedByOthers: 0, comments: [] };
      vpcs.set(id, vpc);
    }
    for (const sg of c.securityGroups) if (!vpc.securityGroups.includes(sg)) vpc.securityGroups.push(sg);
    for (const s of c.subnets) {
      if (placed.has(s)) continue;
      placed.set(s, id);
      vpc.subnets.push({
        id: s,
        capacity: ASSUMED_SUBNET_CAPACITY,
        usedByOthers: 0,
        comment: `size not in CloudTrail: assumed ${ASSUMED_SUBNET_CAPACITY} free addresses (a /24); set its cidr and usedByOthers`,
      });
    }
  }
  const added = placed.size - declared.size;
  if (added > 0)
    notes.push(
      `WARNING: CloudTrail does not give subnet sizes: ${added} subnet${added === 1 ? "" : "s"} assumed ${ASSUMED_SUBNET_CAPACITY} free addresses each (a /24); set them under network:`,
    );
  return [...vpcs.values()];
}
