/**
 * `fleet-sim import aws`: an account's fleet, read from the AWS CLI's own
 * JSON output, as a scenario. What cannot be mapped is kept as a comment in
 * the scenario, never dropped (docs/import.md has the mapping).
 */
import { createHash } from "node:crypto";
import { ARCHITECTURES } from "../model/pricing.js";
import { parseCidr, RUNTIME_FAMILIES, runtimeFamily } from "../scenario/schema.js";
import {
  readAccountSettings,
  readProvisioned,
  readReservedConcurrency,
  type AwsProvisioned,
} from "./aws-concurrency.js";
import { readFunctions, type AwsFunction } from "./aws-functions.js";
import { readEnis, readSubnets, type AwsEni, type AwsSubnet } from "./aws-network.js";
import {
  writeScenario,
  type ImportedScenario,
  type ImportedTemplate,
  type ImportedVpc,
} from "./scenario-writer.js";

export interface ImportAwsFiles {
  functions: string;
  subnets?: string;
  enis?: string;
  concurrency?: string;
  provisioned?: string;
  accountSettings?: string;
  redact?: boolean;
}

/** Usable addresses assumed for a subnet a function names but --subnets does not list: a /24's. */
export const ASSUMED_SUBNET_CAPACITY = 251;
/** AWS's minimum of unreserved account concurrency, lowered only for accounts whose limit is below it. */
const AWS_UNRESERVED_MINIMUM = 100;
/** The scenario's own default account limit (schema-network.ts). */
const DEFAULT_CONCURRENCY_LIMIT = 1000;

/** A stable stand-in for a name: the same name always gives the same one. */
export const redactName = (name: string): string =>
  `fn-${createHash("sha256").update(name).digest("hex").slice(0, 12)}`;

export function importAws(files: ImportAwsFiles): string {
  const { functions, unmapped } = readFunctions(files.functions);
  const subnets = files.subnets ? readSubnets(files.subnets) : [];
  const enis = files.enis ? readEnis(files.enis) : [];
  const reserved = files.concurrency ? readReservedConcurrency(files.concurrency) : new Map<string, number>();
  const provisioned = files.provisioned ? readProvisioned(files.provisioned) : [];
  const account = files.accountSettings ? readAccountSettings(files.accountSettings) : undefined;
  const rename = files.redact ? redactName : (n: string) => n;
  const notes: string[] = [];

  const known = new Set(functions.map((f) => f.name));
  for (const [name] of reserved)
    if (!known.has(name))
      notes.push(`reserved concurrency of ${rename(name)}: no such function in --functions, ignored`);
  if (unmapped.size > 0)
    notes.push(
      `function fields not modelled: ${[...unmapped].map(([field, n]) => `${field} (${n})`).join(", ")}`,
    );
  const events = provisionedEvents(provisioned, known, rename, notes);

  const templates = functions.map((f) => templateOf(f, reserved.get(f.name), rename, notes));
  const vpcs = vpcsOf(functions, subnets, enis, notes);

  let accountOut: ImportedScenario["account"];
  if (account) {
    const limit = Math.max(1, account.concurrentExecutions);
    accountOut = { concurrencyLimit: limit, unreservedMinimum: Math.min(AWS_UNRESERVED_MINIMUM, limit) };
  } else {
    // Without get-account-settings the scenario's default limit (1,000) holds, unless the
    // reserved concurrency read could not fit in it: then the least limit AWS would allow.
    const reservedSum = templates.reduce((sum, t) => sum + (t.reservedConcurrency ?? 0), 0);
    const least = reservedSum + AWS_UNRESERVED_MINIMUM;
    if (least > DEFAULT_CONCURRENCY_LIMIT) {
      accountOut = { concurrencyLimit: least, unreservedMinimum: AWS_UNRESERVED_MINIMUM };
      notes.push(
        `no --account-settings: concurrencyLimit ${least} is the least that holds the ${reservedSum} reserved plus AWS's unreserved 100`,
      );
    }
  }
  return writeScenario({
    sources: describeSources(files),
    account: accountOut,
    vpcs,
    templates,
    events,
    notes,
  });
}

function describeSources(files: ImportAwsFiles): string[] {
  const lines = [`list-functions: ${files.functions}`];
  if (files.subnets) lines.push(`describe-subnets: ${files.subnets}`);
  if (files.enis) lines.push(`describe-network-interfaces: ${files.enis}`);
  if (files.concurrency) lines.push(`get-function-concurrency: ${files.concurrency}`);
  if (files.provisioned) lines.push(`list-provisioned-concurrency-configs: ${files.provisioned}`);
  if (files.accountSettings) lines.push(`get-account-settings: ${files.accountSettings}`);
  if (files.redact) lines.push("function names redacted (--redact)");
  return lines;
}

export function templateOf(
  f: AwsFunction,
  reservedConcurrency: number | undefined,
  rename: (n: string) => string,
  notes: string[],
): ImportedTemplate {
  const name = rename(f.name);
  let runtime = f.runtime;
  if (runtime !== undefined && !RUNTIME_FAMILIES.includes(runtimeFamily(runtime))) {
    notes.push(`${name}: runtime ${runtime} has no model of its init time; the default runtime is used`);
    runtime = undefined;
  }
  let architecture = f.architecture;
  if (!(ARCHITECTURES as readonly string[]).includes(architecture)) {
    notes.push(`${name}: architecture ${architecture} unknown; x86_64 is used`);
    architecture = "x86_64";
  }
  let packageType = f.packageType;
  if (packageType !== "Zip" && packageType !== "Image") {
    notes.push(`${name}: PackageType ${packageType} unknown; Zip is used`);
    packageType = "Zip";
  }
  const timeoutS = Math.min(900, Math.max(1, f.timeoutS));
  if (timeoutS !== f.timeoutS)
    notes.push(`${name}: Timeout ${f.timeoutS}s is outside 1-900s; ${timeoutS}s is used`);
  const memoryMb = Math.min(10240, Math.max(128, f.memoryMb));
  if (memoryMb !== f.memoryMb)
    notes.push(`${name}: MemorySize ${f.memoryMb} is outside 128-10240; ${memoryMb} is used`);
  return {
    name,
    runtime,
    memoryMb,
    architecture,
    packageType,
    timeoutS,
    vpc: f.vpc ? { subnets: f.vpc.subnets, securityGroups: f.vpc.securityGroups } : undefined,
    reservedConcurrency,
  };
}

function vpcsOf(
  functions: AwsFunction[],
  subnets: AwsSubnet[],
  enis: AwsEni[],
  notes: string[],
): ImportedVpc[] {
  const vpcs = new Map<string, ImportedVpc>();
  const vpc = (id: string): ImportedVpc => {
    let v = vpcs.get(id);
    if (!v) vpcs.set(id, (v = { id, securityGroups: [], subnets: [], enisUsedByOthers: 0, comments: [] }));
    return v;
  };
  const subnetVpc = new Map(subnets.map((s) => [s.id, s.vpcId]));
  const vpcsWithFunctions = new Set<string>();
  for (const f of functions) {
    if (!f.vpc) continue;
    const id = f.vpc.vpcId || subnetVpc.get(f.vpc.subnets[0]!) || "vpc-unknown";
    vpcsWithFunctions.add(id);
    const v = vpc(id);
    for (const sg of f.vpc.securityGroups) if (!v.securityGroups.includes(sg)) v.securityGroups.push(sg);
  }
  // Lambda's own ENIs: an existing VPC function holds its ENIs in the simulation, so those in a
  // VPC with imported functions are taken out of usedByOthers rather than counted twice.
  const lambdaEnisBySubnet = new Map<string, number>();
  for (const e of enis) {
    if (!e.lambda) continue;
    if (vpcsWithFunctions.has(e.vpcId))
      lambdaEnisBySubnet.set(e.subnetId, (lambdaEnisBySubnet.get(e.subnetId) ?? 0) + 1);
    else if (subnetVpc.has(e.subnetId)) vpc(e.vpcId).enisUsedByOthers++;
  }
  for (const v of vpcs.values()) {
    const held = enis.filter((e) => e.lambda && e.vpcId === v.id).length;
    if (held > 0)
      v.comments.push(
        vpcsWithFunctions.has(v.id)
          ? `${held} Lambda ENI${held === 1 ? "" : "s"} (InterfaceType lambda): held by the existing functions in the simulation, so left out of usedByOthers`
          : `${held} Lambda ENI${held === 1 ? "" : "s"} of functions not imported: counted in enisUsedByOthers`,
      );
  }
  for (const s of subnets) {
    const range = parseCidr(s.cidr);
    const v = vpc(s.vpcId);
    if (typeof range === "string") {
      // Functions may name it: declared all the same, sized by what AWS says is free.
      v.subnets.push({
        id: s.id,
        capacity: Math.max(1, s.availableIps),
        usedByOthers: 0,
        comment: `WARNING: CIDR ${s.cidr}: ${range}; sized by its ${s.availableIps} free addresses`,
      });
      notes.push(
        `WARNING: subnet ${s.id}: CIDR ${s.cidr}: ${range}; sized by its ${s.availableIps} free addresses`,
      );
      continue;
    }
    const capacity = range.size - 5;
    const usedByAws = Math.max(0, capacity - s.availableIps);
    const lambdaHeld = Math.min(usedByAws, lambdaEnisBySubnet.get(s.id) ?? 0);
    v.subnets.push({
      id: s.id,
      cidr: s.cidr,
      usedByOthers: usedByAws - lambdaHeld,
      comment:
        `${s.availabilityZone ?? "zone unknown"}: ${s.availableIps} of ${capacity} addresses free` +
        (lambdaHeld > 0 ? `, ${lambdaHeld} held by Lambda ENIs` : ""),
    });
  }
  for (const v of vpcs.values()) v.enisUsedByOthers = Math.min(v.enisUsedByOthers, 250);
  // A subnet a function names but --subnets does not list: declared with an assumed size, said so.
  const declared = new Set(subnets.map((s) => s.id));
  for (const f of functions) {
    if (!f.vpc) continue;
    const v = vpc(f.vpc.vpcId || subnetVpc.get(f.vpc.subnets[0]!) || "vpc-unknown");
    for (const id of f.vpc.subnets) {
      if (declared.has(id)) continue;
      declared.add(id);
      v.subnets.push({
        id,
        capacity: ASSUMED_SUBNET_CAPACITY,
        usedByOthers: 0,
        comment: `WARNING: not in --subnets; assumed ${ASSUMED_SUBNET_CAPACITY} free addresses (a /24)`,
      });
      notes.push(
        `WARNING: subnet ${id} is used by functions but absent from --subnets; assumed ${ASSUMED_SUBNET_CAPACITY} free addresses`,
      );
    }
  }
  return [...vpcs.values()];
}

/**
 * Provisioned concurrency needs a published version: the imported functions
 * have none, so each gets PublishVersion (its version 1), an alias as the
 * configuration names it, and PutProvisionedConcurrencyConfig, spaced as
 * scenarios/provisioned-alias-shift.yaml spaces them.
 */
function provisionedEvents(
  configs: AwsProvisioned[],
  known: ReadonlySet<string>,
  rename: (n: string) => string,
  notes: string[],
): string[] {
  const events: string[] = [];
  const published = new Set<string>();
  for (const p of configs) {
    const fn = rename(p.functionName);
    if (!known.has(p.functionName)) {
      notes.push(`provisioned concurrency of ${fn}:${p.qualifier}: no such function in --functions, ignored`);
      continue;
    }
    if (p.requested < 1) continue;
    if (!published.has(fn)) {
      published.add(fn);
      events.push(`{ at: 0s, call: PublishVersion, function: ${JSON.stringify(fn)} }`);
    }
    let qualifier = p.qualifier;
    if (/^\d+$/.test(qualifier)) {
      if (qualifier !== "1")
        notes.push(
          `${fn}: provisioned concurrency on version ${qualifier} is put on its simulated version 1`,
        );
      qualifier = "1";
    } else {
      events.push(
        `{ at: 10s, call: CreateAlias, function: ${JSON.stringify(fn)}, alias: ${JSON.stringify(qualifier)}, functionVersion: 1 }`,
      );
    }
    events.push(
      `{ at: 15s, call: PutProvisionedConcurrencyConfig, function: ${JSON.stringify(fn)}, qualifier: ${JSON.stringify(qualifier)}, provisionedConcurrentExecutions: ${p.requested} }`,
    );
  }
  return events;
}
