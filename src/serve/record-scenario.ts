/**
 * `serve --record FILE`: the session as a scenario that `fleet-sim run`
 * replays call for call (docs/serve.md, "Recording a session"). It is the
 * served scenario's own text (or the default account's) with:
 *
 * - `seed:` the session's seed; `duration:` at least to the last answer;
 * - one template per function the API created, in creation order (so each
 *   takes the same function index as its slot had), not existing at the
 *   start, with the settings of its CreateFunction;
 * - a client like the served one (one attempt, no waiter);
 * - every call the session added, appended to `events:` at its exact
 *   microsecond, with its parameters in the API's terms;
 * - the selectors of the workload, callers and faults that would also pick
 *   a created function made explicit lists of what they picked in the session.
 */
import picomatch from "picomatch";
import { type Document, isMap, isSeq, parseDocument, type YAMLMap, YAMLSeq } from "yaml";
import type { Plan, PlanCall, PlanConfigChange } from "../model/plan.js";
import { aliasOf, LATEST, qualifierName } from "../model/qualifiers.js";
import { RUNTIME_FAMILIES } from "../scenario/schema.js";
import { toUs } from "../scenario/units.js";
import type { RecordedCreate, SessionRecording } from "./recording.js";
import type { ServePlan } from "./serve-plan.js";

/** The served client as a scenario writes it: one attempt (no retries), no waiter. */
const CLIENT_NAME = "served-api-client";
/** Template and client names are at most 64 characters (scenario/schema.ts). */
const MAX_NAME = 64;

export interface RecordedScenario {
  text: string;
  /** What the replay cannot reproduce exactly, in words (a name created again with other settings). */
  warnings: string[];
  /** Calls written to `events:`. */
  calls: number;
}

export function recordScenario(
  scenarioText: string,
  served: ServePlan,
  recording: SessionRecording,
  json: boolean,
): RecordedScenario {
  const doc = parseDocument(scenarioText);
  if (!isMap(doc.contents)) throw new Error("the served scenario is not a mapping");
  const plan = served.plan;
  const created = createdFunctions(served, recording);
  const warnings = recreateWarnings(plan, created, recording);
  const createdNames = created.map((c) => plan.functions.names[c.function]);
  const servedNames = plan.functions.names.slice(0, served.firstSlot);

  setSeed(doc, plan.seed);
  const fileUs = toUs(doc.get("duration") as string | number);
  if (recording.endUs > fileUs) doc.set("duration", us(recording.endUs));
  pinSelectors(doc, servedNames, createdNames);

  const templateNames = new Set(plan.templates.map((t) => t.name));
  const templates = created.map((c, k) => {
    const name = unique(createdNames[k], templateNames);
    templateNames.add(name);
    return templateOf(plan, name, createdNames[k], c);
  });
  append(doc, "functions", templates);
  const client = unique(CLIENT_NAME, new Set(plan.clients.map((c) => c.name)));
  append(doc, "clients", [
    {
      name: client,
      waiter: "none",
      retry: { maxAttempts: 1, baseDelay: 0, throttleBaseDelay: 0, maxBackoff: 0 },
    },
  ]);
  const events = plan.calls.slice(recording.firstCall).map((call) => eventOf(plan, call, client));
  append(doc, "events", events);

  const note =
    ` Recorded by fleet-sim serve --record: ${events.length} requests at their simulated arrival times\n` +
    ` (seed ${plan.seed}; answered up to ${us(recording.endUs)}). \`fleet-sim run\` replays them and\n` +
    " gives each the same answer at the same simulated time (docs/serve.md).";
  doc.commentBefore = doc.commentBefore ? `${doc.commentBefore}\n\n${note}` : note;
  const text = json
    ? `${JSON.stringify(doc.toJS(), null, 2)}\n`
    : doc.toString({ lineWidth: 0, flowCollectionPadding: true });
  return { text, warnings, calls: events.length };
}

const us = (n: number): string => `${n}us`;
/** A timeout as the API gives it, in whole seconds; exactly. */
const seconds = (n: number): string => (n % 1_000_000 === 0 ? `${n / 1_000_000}s` : us(n));

/** `seed:` the session's, after `name:` when the file has none. */
function setSeed(doc: Document, seed: number): void {
  if (doc.has("seed")) {
    doc.set("seed", seed);
    return;
  }
  const map = doc.contents as YAMLMap;
  const at = map.items.findIndex((p) => (p.key as { value?: unknown } | null)?.value === "name");
  map.items.splice(at + 1, 0, doc.createPair("seed", seed));
}

/** The first create of each slot the session used, in slot order (creation order). */
function createdFunctions(served: ServePlan, recording: SessionRecording): RecordedCreate[] {
  const first = new Map<number, RecordedCreate>();
  for (const c of recording.creates.values()) if (!first.has(c.function)) first.set(c.function, c);
  return [...first.values()].sort((a, b) => a.function - b.function);
}

/** A name deleted and created again with other settings replays with its first create's. */
function recreateWarnings(plan: Plan, created: RecordedCreate[], recording: SessionRecording): string[] {
  const byFunction = new Map(created.map((c) => [c.function, c]));
  const out: string[] = [];
  for (const [call, c] of recording.creates) {
    const first = byFunction.get(c.function)!;
    if (first === c) continue;
    const same =
      first.template === c.template &&
      first.settings.memoryMb === c.settings.memoryMb &&
      first.settings.timeoutUs === c.settings.timeoutUs &&
      first.settings.vpcConfig === c.settings.vpcConfig;
    if (!same)
      out.push(
        `${plan.functions.names[c.function]} was created again (event ${call}) with other settings than ` +
          "at its first create: the replay creates it with the first create's settings",
      );
  }
  return out;
}

/** `base`, or base-2, base-3, ... : the first not in `taken`, at most 64 characters. */
function unique(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) {
    const suffix = `-${i}`;
    const name = `${base.slice(0, MAX_NAME - suffix.length)}${suffix}`;
    if (!taken.has(name)) return name;
  }
}

/** A created function as a template: its runtime family's init duration, the 100 ms handler, its create's settings. */
function templateOf(plan: Plan, template: string, name: string, c: RecordedCreate): Record<string, unknown> {
  const served = plan.templates[c.template];
  // The served template took nodejs's init duration for a family the defaults do not know.
  const runtime = RUNTIME_FAMILIES.includes(served.runtime) ? served.runtime : "nodejs";
  return {
    template,
    name,
    runtime,
    packageType: served.packageType,
    memory: c.settings.memoryMb,
    timeout: seconds(c.settings.timeoutUs),
    ...(c.settings.vpcConfig >= 0 ? { vpc: vpcOf(plan, c.settings.vpcConfig) } : {}),
  };
}

function vpcOf(plan: Plan, config: number): { subnets: string[]; securityGroups: string[] } {
  const c = plan.vpcConfigs[config];
  return { subnets: c.subnets.map((s) => plan.subnets[s].id), securityGroups: [...c.securityGroups] };
}

function configOf(plan: Plan, change: PlanConfigChange): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (change.vpcConfig !== undefined) out.vpc = change.vpcConfig < 0 ? null : vpcOf(plan, change.vpcConfig);
  if (change.memoryMb !== undefined) out.memory = change.memoryMb;
  if (change.timeoutUs !== undefined) out.timeout = seconds(change.timeoutUs);
  if (change.kmsKey !== undefined) out.kmsKey = change.kmsKey < 0 ? null : plan.kmsKeys[change.kmsKey];
  return out;
}

/** A version (a number) or $LATEST, as the scenario writes a functionVersion. */
const versionOf = (q: number): string | number => (q === LATEST ? "$LATEST" : q);

/** One call as an `events:` entry, every PlanCall field in the scenario's terms. */
function eventOf(plan: Plan, call: PlanCall, client: string): Record<string, unknown> {
  const e: Record<string, unknown> = {
    at: us(call.atUs),
    call: call.operation,
    function: plan.functions.names[call.function],
    client,
  };
  if (call.caller !== undefined && call.caller >= 0) e.caller = plan.callers[call.caller].name;
  // An UpdateFunctionConfiguration without a change (no config) changes nothing the model simulates: {}.
  if (call.config !== undefined || call.operation === "UpdateFunctionConfiguration")
    e.config = configOf(plan, call.config ?? {});
  const p = call.params;
  if (p?.qualifier !== undefined) {
    const q = qualifierName(p.qualifier, plan.aliases);
    e.qualifier = p.qualifier > 0 ? p.qualifier : q;
  }
  if (p?.alias !== undefined) e.alias = plan.aliases[p.alias];
  if (p?.functionVersion !== undefined)
    e.functionVersion =
      p.functionVersion < 0 ? plan.aliases[aliasOf(p.functionVersion)] : versionOf(p.functionVersion);
  if (p?.routing !== undefined)
    e.routingConfig = {
      additionalVersionWeights: p.routing === null ? {} : { [String(p.routing.version)]: p.routing.weight },
    };
  if (p?.reservedConcurrentExecutions !== undefined)
    e.reservedConcurrentExecutions = p.reservedConcurrentExecutions;
  if (p?.provisionedConcurrentExecutions !== undefined)
    e.provisionedConcurrentExecutions = p.provisionedConcurrentExecutions;
  if (call.invocationType !== undefined) e.invocationType = call.invocationType;
  return e;
}

/** Appends `items` to the top-level list `key`, making the list when the file has none. */
function append(doc: Document, key: string, items: Record<string, unknown>[]): void {
  if (items.length === 0) return;
  let seq = doc.get(key, true);
  if (!isSeq(seq)) {
    seq = new YAMLSeq();
    doc.set(key, seq);
  }
  for (const item of items) (seq as YAMLSeq).items.push(doc.createNode(item, { flow: true }));
}

/**
 * A glob of the served scenario would also pick the functions the API
 * created once the replay declares them: each selector that would is
 * replaced by the list of names it picked in the session.
 */
function pinSelectors(doc: Document, servedNames: string[], createdNames: string[]): void {
  if (createdNames.length === 0) return;
  const pin = (section: string, field: string): void => {
    const list = doc.get(section, true);
    if (!isSeq(list)) return;
    for (const item of list.items) {
      if (!isMap(item)) continue;
      const map = item as YAMLMap;
      const selector = map.get(field, true);
      if (selector === undefined) continue;
      const value = doc.createNode(selector).toJSON() as unknown;
      const globs = typeof value === "string" ? [value] : Array.isArray(value) ? (value as string[]) : null;
      if (globs === null || !globs.every((g) => typeof g === "string")) continue; // { template }: exact
      if (!picks(globs, createdNames).some((p) => p)) continue;
      const kept = picks(globs, servedNames);
      map.set(
        field,
        doc.createNode(
          servedNames.filter((_, i) => kept[i]),
          { flow: true },
        ),
      );
    }
  };
  pin("workload", "functions");
  pin("callers", "allow");
  pin("faults", "functions");
}

/** Which of `names` a list of globs picks, as the scenario compiler selects (scenario/fleet.ts). */
function picks(globs: readonly string[], names: readonly string[]): boolean[] {
  const picked = names.map(() => globs.every((g) => g.startsWith("!")));
  for (const glob of globs) {
    const exclude = glob.startsWith("!");
    const pattern = exclude ? glob.slice(1) : glob;
    let isMatch: (name: string) => boolean;
    if (!picomatch.scan(pattern).isGlob) isMatch = (name) => name === pattern;
    else {
      try {
        isMatch = picomatch(pattern);
      } catch {
        continue;
      }
    }
    names.forEach((name, i) => {
      if (isMatch(name)) picked[i] = !exclude;
    });
  }
  return picked;
}
