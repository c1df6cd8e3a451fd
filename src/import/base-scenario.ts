/**
 * `--base FILE`: an import written onto a scenario the user already has (one
 * `import aws` wrote, say), so the trail replays against the account's real
 * fleet and subnets. The base is kept as written, comments and all; the
 * import adds only what the base lacks: functions, subnets and security
 * groups, and its events after the base's. A function the base has keeps the
 * base's settings.
 */
import { type Document, isMap, isSeq, parseDocument, type YAMLMap, YAMLSeq } from "yaml";
import { loadScenario } from "../scenario/load.js";
import { toUs } from "../scenario/units.js";
import { ImportInputError } from "./json-input.js";
import type { ImportedTemplate, ImportedVpc } from "./scenario-writer.js";

export interface BaseScenario {
  file: string;
  text: string;
  /** Every function the base defines (template patterns expanded). */
  functions: ReadonlySet<string>;
  /** The base's subnets, by the VPC that declares them. */
  subnetVpc: ReadonlyMap<string, string>;
}

export function readBase(file: string, text: string): BaseScenario {
  let plan;
  try {
    plan = loadScenario(text, file).plan;
  } catch (e) {
    throw new ImportInputError(`--base ${(e as Error).message}`);
  }
  const subnetVpc = new Map<string, string>();
  const data = parseDocument(text).toJS() as {
    network?: { vpcs?: { id: string; subnets?: { id: string }[] }[] };
  };
  for (const vpc of data.network?.vpcs ?? []) for (const s of vpc.subnets ?? []) subnetVpc.set(s.id, vpc.id);
  return { file, text, functions: new Set(plan.functions.names), subnetVpc };
}

export interface BaseAdditions {
  heading: string[];
  notes: string[];
  templates: ImportedTemplate[];
  vpcs: ImportedVpc[];
  events: string[];
  durationMs: number;
}

const flowItems = (items: string[]): unknown[] => items.map((line) => parseDocument(line).toJS() as unknown);

/** The base's text with the additions: a YAML document whatever the base was written in. */
export function writeOnBase(base: BaseScenario, add: BaseAdditions): string {
  const doc = parseDocument(base.text);
  if (!isMap(doc.contents)) throw new ImportInputError(`--base ${base.file}: expected a scenario mapping`);
  const comment = [...add.heading, ...(add.notes.length > 0 ? ["Not mapped (kept here, not dropped):"] : [])]
    .concat(add.notes.map((n) => `  - ${n}`))
    .map((line) => ` ${line}`)
    .join("\n");
  doc.commentBefore = doc.commentBefore ? `${doc.commentBefore}\n\n${comment}` : comment;
  if (toUs(doc.get("duration") as string) < add.durationMs * 1000)
    doc.set("duration", `${Math.ceil(add.durationMs / 60_000)}m`);

  const taken = new Set((seqOf(doc, "functions").toJSON() as { template: string }[]).map((t) => t.template));
  const templates = add.templates.map((t) => {
    let template = t.name;
    for (let i = 2; taken.has(template); i++) template = `${t.name.slice(0, 60)}-${i}`;
    taken.add(template);
    return templateObject(template, t);
  });
  append(doc, "functions", templates);

  if (add.vpcs.length > 0) {
    let network = doc.get("network");
    if (!isMap(network)) {
      doc.set("network", doc.createNode({ vpcs: [] }));
      network = doc.get("network");
    }
    let vpcs = (network as YAMLMap).get("vpcs");
    if (!isSeq(vpcs)) {
      (network as YAMLMap).set("vpcs", new YAMLSeq());
      vpcs = (network as YAMLMap).get("vpcs");
    }
    for (const v of add.vpcs) {
      const existing = (vpcs as YAMLSeq).items.find(
        (item) => isMap(item) && (item as YAMLMap).get("id") === v.id,
      ) as YAMLMap | undefined;
      const subnets = v.subnets.map((s) =>
        flowNode(doc, { id: s.id, capacity: s.capacity, usedByOthers: 0 }),
      );
      if (existing === undefined) {
        const node = doc.createNode({ id: v.id, securityGroups: v.securityGroups, subnets: [] }) as YAMLMap;
        (node.get("securityGroups") as YAMLSeq).flow = true;
        (node.get("subnets") as YAMLSeq).items.push(...subnets);
        (vpcs as YAMLSeq).items.push(node);
        continue;
      }
      const groups = existing.get("securityGroups") as YAMLSeq;
      const have = new Set(groups.toJSON() as string[]);
      for (const sg of v.securityGroups) if (!have.has(sg)) groups.items.push(doc.createNode(sg));
      let seq = existing.get("subnets");
      if (!isSeq(seq)) {
        existing.set("subnets", new YAMLSeq());
        seq = existing.get("subnets");
      }
      (seq as YAMLSeq).items.push(...subnets);
    }
  }
  append(doc, "events", flowItems(add.events));
  return doc.toString({ lineWidth: 0, flowCollectionPadding: true });
}

function templateObject(template: string, t: ImportedTemplate): Record<string, unknown> {
  const o: Record<string, unknown> = { template, name: t.name };
  if (t.existing !== false) o["existing"] = true;
  if (t.runtime !== undefined) o["runtime"] = t.runtime;
  Object.assign(o, {
    memory: t.memoryMb,
    architecture: t.architecture,
    packageType: t.packageType,
    timeout: `${t.timeoutS}s`,
  });
  if (t.vpc) o["vpc"] = { subnets: t.vpc.subnets, securityGroups: t.vpc.securityGroups };
  return o;
}

function flowNode(doc: Document, value: unknown) {
  const node = doc.createNode(value);
  (node as { flow?: boolean }).flow = true;
  return node;
}

function seqOf(doc: Document, key: string): YAMLSeq {
  const seq = doc.get(key);
  return isSeq(seq) ? seq : new YAMLSeq();
}

/** Appends items, one flow mapping a line, to a top-level list, created when the base has none. */
function append(doc: Document, key: string, items: unknown[]): void {
  if (items.length === 0) return;
  let seq = doc.get(key);
  if (!isSeq(seq)) {
    doc.set(key, new YAMLSeq());
    seq = doc.get(key);
  }
  (seq as YAMLSeq).flow = false; // a base's `events: []` becomes a list of lines
  for (const item of items) (seq as YAMLSeq).items.push(flowNode(doc, item));
}
