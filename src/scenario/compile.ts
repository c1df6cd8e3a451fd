/**
 * Compiles a validated scenario into a Plan: names resolved to indices,
 * durations to integer microseconds, defaults filled in, and every check that
 * spans sections (references, globs, the timeline) reported at its path.
 */
import { dirname, resolve } from "node:path";
import { lookaheadOfDefaults, MODEL_DEFAULTS, type ModelDefaults } from "../model/defaults.js";
import type { Distribution, Plan, PlanAccount, PlanCall, PlanCallParams, PlanClient } from "../model/plan.js";
import { DEFAULT_PRICING, type Pricing } from "../model/pricing.js";
import { aliasOf, aliasQualifier, LATEST, MAX_ALIASES } from "../model/qualifiers.js";
import { toDistribution } from "./distribution.js";
import { Callers } from "./callers.js";
import { compileFaults } from "./faults.js";
import { Fleet } from "./fleet.js";
import type { Path, PathIssue } from "./issues.js";
import { KmsKeys } from "./kms-keys.js";
import { Network } from "./network.js";
import {
  type DistributionInput,
  defaultClientInput,
  type EventInput,
  modelFileKey,
  type PricingInput,
  type ScenarioInput,
} from "./schema.js";
import { STDIN_NAME } from "./read.js";
import type { Scope } from "./scope.js";
import { unknownName } from "./suggest.js";
import { compileThresholds } from "./thresholds.js";
import { parseRatePerSec, toUs } from "./units.js";
import { checkKeepsVpc, checkStart, compileConfigChange, compileWorkload } from "./workload.js";

export interface CompileOptions {
  file: string | null;
  /** The file's leading comment: the description when the file has no `description:`. */
  headerComment: string;
  seed?: number;
  untilUs?: number;
}

/** The Plan, and the problems found; the Plan is only usable when there are none. */
export function compileScenario(
  input: ScenarioInput,
  options: CompileOptions,
): { plan: Plan; issues: PathIssue[] } {
  const issues: PathIssue[] = [];
  const defaults = modelDefaults(input.model);
  const account = compileAccount(input.account);
  const network = new Network(input.network, issues);
  const kmsKeys = new KmsKeys(input, issues);
  const fleet = new Fleet(input.functions, defaults, network, issues, kmsKeys);
  const callers = new Callers(input.callers, fleet, issues);
  checkReservedConcurrency(input, account, issues);
  const clients = compileClients(input.clients, issues);
  const clientNames = clients.map((c) => c.name);
  const clientIndex = new Map<string, number>();
  clientNames.forEach((name, i) => {
    if (!clientIndex.has(name)) clientIndex.set(name, i);
  });
  const aliasIndex = new Map<string, number>();
  const durationUs = toUs(input.duration);
  const aliases: string[] = [];
  const scope: Scope = {
    fleet,
    network,
    callers,
    kmsKeys,
    issues,
    durationUs,
    untilUs: options.untilUs ?? durationUs,
    lookaheadUs: lookaheadOfDefaults(defaults),
    baseDir:
      options.file === null || options.file === STDIN_NAME ? process.cwd() : dirname(resolve(options.file)),
    client(name, path) {
      const index = clientIndex.get(name) ?? -1;
      if (index < 0) issues.push({ path, message: unknownName("client", name, clientNames) });
      return index;
    },
    aliases,
    qualifier(input, path) {
      if (input === "$LATEST") return LATEST;
      if (typeof input === "number" || /^\d+$/.test(input)) return Number(input);
      let a = aliasIndex.get(input) ?? -1;
      if (a < 0) {
        a = aliases.length;
        aliases.push(input);
        aliasIndex.set(input, a);
        if (aliases.length > MAX_ALIASES)
          issues.push({ path, message: `more than ${MAX_ALIASES} alias names in one scenario` });
      }
      return aliasQualifier(a);
    },
  };
  const { steps, invokeStreams, replays } = compileWorkload(input.workload, scope);
  const faults = compileFaults(input.faults, scope);
  const calls = compileCalls(input.events, scope);
  const thresholds = compileThresholds(input.thresholds, issues);
  const plan: Plan = {
    name: input.name,
    description: input.description ?? options.headerComment,
    file: options.file,
    seed: options.seed ?? input.seed,
    untilUs: scope.untilUs,
    defaults,
    account,
    vpcs: network.vpcs,
    subnets: network.subnets,
    vpcConfigs: network.vpcConfigs,
    eniKeys: network.eniKeys,
    templates: fleet.templates,
    functions: { names: fleet.names, template: fleet.templateOf },
    clients,
    steps,
    invokeStreams,
    faults,
    calls,
    aliases,
    callers: callers.callers,
    kmsKeys: kmsKeys.names,
    fileSystems: network.fileSystems,
    pricing: pricingOf(input.pricing),
  };
  if (thresholds.length > 0) plan.thresholds = thresholds;
  if (replays.length > 0) plan.replays = replays;
  if (input.warmup !== undefined) {
    const warmupUs = toUs(input.warmup);
    if (warmupUs >= durationUs)
      issues.push({
        path: ["warmup"],
        message: `warmup (${input.warmup}) must be shorter than the duration (${input.duration})`,
      });
    else if (warmupUs > 0) plan.warmupUs = warmupUs;
  }
  return { plan, issues };
}

/** DEFAULT_PRICING with the file's `pricing:` overrides; the by-architecture prices are merged per architecture. */
function pricingOf(input: PricingInput | undefined): Pricing {
  const d = DEFAULT_PRICING;
  return {
    requestsPerMillion: input?.requestsPerMillion ?? d.requestsPerMillion,
    durationPerGbSecond: { ...d.durationPerGbSecond, ...input?.durationPerGbSecond },
    provisionedPerGbSecond: { ...d.provisionedPerGbSecond, ...input?.provisionedPerGbSecond },
    provisionedDurationPerGbSecond: {
      ...d.provisionedDurationPerGbSecond,
      ...input?.provisionedDurationPerGbSecond,
    },
    initBilled: input?.initBilled ?? d.initBilled,
  };
}

/** MODEL_DEFAULTS with the file's `model:` overrides; the ...ByRuntime tables are merged per family. */
function modelDefaults(model: ScenarioInput["model"]): ModelDefaults {
  const defaults = structuredClone(MODEL_DEFAULTS);
  const target = defaults as unknown as Record<string, unknown>;
  for (const key of Object.keys(MODEL_DEFAULTS) as (keyof ModelDefaults)[]) {
    const value = model?.[modelFileKey(key)];
    if (value === undefined) continue;
    if (key.endsWith("ByRuntime")) {
      const byRuntime = target[key] as Record<string, Distribution>;
      for (const [family, d] of Object.entries(value as Record<string, DistributionInput | undefined>)) {
        if (d !== undefined) byRuntime[family] = toDistribution(d);
      }
    } else if (key.endsWith("Us")) {
      target[key] = toUs(value as string);
    } else if (typeof MODEL_DEFAULTS[key] === "number" || typeof MODEL_DEFAULTS[key] === "string") {
      target[key] = value;
    } else {
      target[key] = toDistribution(value as DistributionInput) satisfies Distribution;
    }
  }
  return defaults;
}

function compileAccount(a: ScenarioInput["account"]): PlanAccount {
  const controlPlaneRatePerSec = parseRatePerSec(a.controlPlaneRate);
  const getFunctionRatePerSec = parseRatePerSec(a.getFunctionRate);
  return {
    concurrencyLimit: a.concurrencyLimit,
    unreservedMinimum: a.unreservedMinimum,
    controlPlaneRatePerSec,
    controlPlaneBurst: a.controlPlaneBurst ?? Math.ceil(controlPlaneRatePerSec),
    getFunctionRatePerSec,
    getFunctionBurst: a.getFunctionBurst ?? Math.ceil(getFunctionRatePerSec),
  };
}

/** AWS keeps `unreservedMinimum` of the account's concurrency out of every reservation. */
function checkReservedConcurrency(input: ScenarioInput, account: PlanAccount, issues: PathIssue[]): void {
  const reservable = account.concurrencyLimit - account.unreservedMinimum;
  let total = 0;
  for (const [ti, t] of input.functions.entries()) {
    total += (t.reservedConcurrency ?? 0) * t.count;
    if (total > reservable) {
      issues.push({
        path: ["functions", ti, "reservedConcurrency"],
        message:
          `reserved concurrency reaches ${total} here, more than the ${reservable} the account can reserve ` +
          `(concurrency limit ${account.concurrencyLimit} less the unreserved minimum ${account.unreservedMinimum})`,
      });
      return;
    }
  }
}

/** The file's clients; a "default" client (no waiter, standard retries) comes first unless the file defines one. */
function compileClients(input: ScenarioInput["clients"], issues: PathIssue[]): PlanClient[] {
  const seen = new Set<string>();
  input.forEach((c, i) => {
    if (seen.has(c.name)) {
      issues.push({ path: ["clients", i, "name"], message: `client '${c.name}' is defined twice` });
    }
    seen.add(c.name);
  });
  const defined = input.some((c) => c.name === "default");
  return (defined ? input : [defaultClientInput(), ...input]).map((c) => ({
    name: c.name,
    waiter: c.waiter === "none" ? null : c.waiter,
    retry: {
      maxAttempts: c.retry.maxAttempts,
      baseDelayUs: toUs(c.retry.baseDelay),
      throttleBaseDelayUs: toUs(c.retry.throttleBaseDelay),
      maxBackoffUs: toUs(c.retry.maxBackoff),
    },
  }));
}

function compileCalls(input: ScenarioInput["events"], scope: Scope): PlanCall[] {
  return input.map((e, i) => {
    const path = ["events", i];
    const atUs = toUs(e.at);
    checkStart(atUs, [...path, "at"], "event", scope);
    const f = scope.fleet.indexOf(e.function);
    if (f < 0) {
      scope.issues.push({
        path: [...path, "function"],
        message: `unknown function '${e.function}' (${scope.fleet.summary()})`,
      });
    }
    const call: PlanCall = {
      atUs,
      operation: e.call,
      function: f,
      client: scope.client(e.client, [...path, "client"]),
    };
    const caller = scope.callers.ref(e.caller, [...path, "caller"]);
    if (caller >= 0) call.caller = caller;
    if (e.config !== undefined) call.config = compileConfigChange(e.config, [...path, "config"], scope);
    const params = compileCallParams(e, path, scope);
    if (params !== null) call.params = params;
    if (e.config?.vpc === null && f >= 0) checkKeepsVpc([f], [...path, "config", "vpc"], scope);
    if (e.invocationType === "Event") call.invocationType = "Event";
    return call;
  });
}

/** The Lambda API parameters of a call (V1, V2, V4), or null when it has none. */
function compileCallParams(e: EventInput, path: Path, scope: Scope): PlanCallParams | null {
  const params: PlanCallParams = {};
  if (e.qualifier !== undefined) params.qualifier = scope.qualifier(e.qualifier, [...path, "qualifier"]);
  if (e.alias !== undefined) params.alias = aliasOf(scope.qualifier(e.alias, [...path, "alias"]));
  if (e.functionVersion !== undefined)
    params.functionVersion = scope.qualifier(e.functionVersion, [...path, "functionVersion"]);
  if (e.routingConfig !== undefined) {
    const entries = Object.entries(e.routingConfig.additionalVersionWeights);
    params.routing = entries.length === 0 ? null : { version: Number(entries[0][0]), weight: entries[0][1] };
  }
  if (e.reservedConcurrentExecutions !== undefined)
    params.reservedConcurrentExecutions = e.reservedConcurrentExecutions;
  if (e.provisionedConcurrentExecutions !== undefined)
    params.provisionedConcurrentExecutions = e.provisionedConcurrentExecutions;
  return Object.keys(params).length === 0 ? null : params;
}
