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
import { Replay, type TrailFunction } from "./cloudtrail-replay.js";
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
