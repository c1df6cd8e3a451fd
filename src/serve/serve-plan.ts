/**
 * The plan `fleet-sim serve` runs: the scenario's account, network,
 * functions and workload, plus room for what the API will create while it
 * runs. A plan is fixed when a run starts (the partitions size their
 * columns by it), so the served plan holds, up front:
 *
 * - `capacity` free function slots, named as the API creates functions;
 * - one template per (runtime family, package type) for those functions,
 *   with the model's defaults (init duration by runtime, 100 ms handler);
 * - every VPC configuration a CreateFunction may ask for: each non-empty
 *   set of one VPC's subnets with each non-empty set of its declared
 *   security groups (up to MAX_CONFIGS_PER_VPC per VPC);
 * - alias slots up to MAX_ALIASES (the report counts invocations by alias
 *   slot, so the name table is bounded and fixed): the scenario's aliases,
 *   then placeholders the session names as the API creates aliases;
 * - a client that neither retries nor waits: the real client does both.
 */
import type { Plan, PlanEniKey, PlanTemplate, PlanVpcConfig } from "../model/plan.js";
import { MAX_ALIASES } from "../model/qualifiers.js";
import { toDistribution } from "../scenario/distribution.js";
import { runtimeFamily } from "../scenario/schema.js";

/** Runtimes Lambda accepts today, by family (the family picks the init duration). */
export const SERVE_PACKAGE_TYPES = ["Zip", "Image"] as const;
/** Simulated time a served session may last: it stops by itself after 30 days. */
export const SERVE_UNTIL_US = 30 * 24 * 3600 * 1_000_000;
export const MAX_CONFIGS_PER_VPC = 4096;
/** Name of a slot not created yet: no Lambda function name can contain a space. */
const FREE_SLOT = (i: number) => `free slot ${i}`;
/**
 * Name of an alias slot no alias has taken yet: no alias name can contain a
 * space. Live metrics lay out their labels when the session starts, so they
 * keep this name for the slot (the n-th alias the API created, from 1).
 */
export const FREE_ALIAS_SLOT = (n: number) => `alias slot ${n}`;

export interface ServePlan {
  plan: Plan;
  /** Global index of the first free slot; slots run to the end of plan.functions. */
  firstSlot: number;
  /** Index of the served client in plan.clients. */
  client: number;
  /** Template of a created function, by `${runtimeFamily}/${packageType}`. */
  templates: Map<string, number>;
  /** VPC configuration by its key (see vpcConfigKey). */
  vpcConfigs: Map<string, number>;
  /** Index of the first placeholder alias slot; slots run to the end of plan.aliases. */
  firstAliasSlot: number;
}

/** The key of a VPC configuration: its subnet ids and security group ids, each sorted. */
export function vpcConfigKey(subnetIds: readonly string[], securityGroupIds: readonly string[]): string {
  return `${[...subnetIds].sort().join(",")}|${[...securityGroupIds].sort().join(",")}`;
}

export function servePlan(base: Plan, capacity: number, runtimes: readonly string[]): ServePlan {
  const plan: Plan = {
    ...base,
    untilUs: SERVE_UNTIL_US,
    live: true,
    calls: [...base.calls],
    templates: [...base.templates],
    clients: [...base.clients],
    vpcConfigs: [...base.vpcConfigs],
    eniKeys: [...base.eniKeys],
    aliases: [...base.aliases],
  };
  const firstAliasSlot = plan.aliases.length;
  while (plan.aliases.length < MAX_ALIASES)
    plan.aliases.push(FREE_ALIAS_SLOT(plan.aliases.length - firstAliasSlot + 1));
  const client = plan.clients.length;
  plan.clients.push({
    name: "served API client",
    waiter: null,
    retry: { maxAttempts: 1, baseDelayUs: 0, throttleBaseDelayUs: 0, maxBackoffUs: 0 },
  });
  const templates = new Map<string, number>();
  for (const family of new Set(runtimes.map(runtimeFamily)))
    for (const packageType of SERVE_PACKAGE_TYPES) {
      templates.set(`${family}/${packageType}`, plan.templates.length);
      plan.templates.push(servedTemplate(plan, `served ${family} ${packageType}`, family, packageType));
    }
  const vpcConfigs = enumerateVpcConfigs(plan);
  const firstSlot = base.functions.names.length;
  const fallback = templates.values().next().value ?? 0;
  plan.functions = {
    names: [...base.functions.names, ...Array.from({ length: capacity }, (_, i) => FREE_SLOT(i))],
    template: Int32Array.from([...base.functions.template, ...new Array<number>(capacity).fill(fallback)]),
  };
  return { plan, firstSlot, client, templates, vpcConfigs, firstAliasSlot };
}

function servedTemplate(
  plan: Plan,
  name: string,
  family: string,
  packageType: "Zip" | "Image",
): PlanTemplate {
  return {
    name,
    runtime: family,
    memoryMb: 128,
    packageType,
    vpcConfig: -1,
    reservedConcurrency: -1,
    initDuration: plan.defaults.initDurationByRuntime[family] ?? plan.defaults.initDurationByRuntime.nodejs,
    duration: toDistribution("100ms"),
    errorRate: 0,
    timeoutUs: 3_000_000,
    existing: false,
    policy: { anyone: false, accounts: [], arns: [] },
    kmsKey: -1,
    fileSystem: -1,
    ioThroughputMiBps: 0,
  };
}

/**
 * Every VPC configuration of the plan's VPCs, by key: the scenario's own,
 * then each (subnet set, security group set) of a VPC not among them.
 */
function enumerateVpcConfigs(plan: Plan): Map<string, number> {
  const byKey = new Map<string, number>();
  const eniKeyIndex = new Map<string, number>();
  plan.eniKeys.forEach((k, i) => eniKeyIndex.set(`${k.subnet}|${k.securityGroups}`, i));
  const keyOf = (c: PlanVpcConfig) =>
    vpcConfigKey(
      c.subnets.map((s) => plan.subnets[s].id),
      c.securityGroups,
    );
  plan.vpcConfigs.forEach((c, i) => byKey.set(keyOf(c), i));
  const eniKey = (subnet: number, securityGroups: string): number => {
    const k = `${subnet}|${securityGroups}`;
    let i = eniKeyIndex.get(k);
    if (i === undefined) {
      i = plan.eniKeys.length;
      plan.eniKeys.push({ subnet, securityGroups } satisfies PlanEniKey);
      eniKeyIndex.set(k, i);
    }
    return i;
  };
  plan.vpcs.forEach((vpc, v) => {
    const subnets = plan.subnets.flatMap((s, i) => (s.vpc === v ? [i] : []));
    const groups = [...vpc.securityGroups].sort();
    let made = 0;
    for (const subnetSet of subsets(subnets))
      for (const groupSet of subsets(groups)) {
        if (made >= MAX_CONFIGS_PER_VPC) return;
        const config: PlanVpcConfig = { vpc: v, subnets: subnetSet, securityGroups: groupSet, eniKeys: [] };
        const key = keyOf(config);
        if (byKey.has(key)) continue;
        config.eniKeys = subnetSet.map((s) => eniKey(s, groupSet.join(",")));
        byKey.set(key, plan.vpcConfigs.length);
        plan.vpcConfigs.push(config);
        made++;
      }
  });
  return byKey;
}

/** The non-empty subsets of `items`, smallest first, each in the items' order. */
function subsets<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  const n = Math.min(items.length, 20);
  for (let size = 1; size <= n; size++) {
    const pick = (start: number, chosen: T[]): void => {
      if (chosen.length === size) {
        out.push(chosen);
        return;
      }
      for (let i = start; i < n && out.length < MAX_CONFIGS_PER_VPC; i++) pick(i + 1, [...chosen, items[i]]);
    };
    pick(0, []);
  }
  return out;
}
