/** Writes an imported fleet as a readable scenario YAML: functions grouped by their settings, notes as comments. */

/** How each importer introduces its scenario. */
export interface ImporterHeading {
  /** The header's first line. */
  title: string;
  /** Lines after the function count. */
  summary: string[];
  /** The scenario's `name:`. */
  name: string;
  duration: string;
  /** Lines of the comment above `events:`. */
  eventsComment: string[];
  /** Whether to write the placeholder workload. */
  workload: boolean;
}

const AWS_HEADING: ImporterHeading = {
  title: "Imported by `fleet-sim import aws` from the AWS CLI's output:",
  summary: ["The workload below is a placeholder: replace it with your traffic."],
  name: "imported-aws",
  duration: "5m",
  eventsComment: [
    "Provisioned concurrency (list-provisioned-concurrency-configs): each function's first published",
    "version, its alias, then the configuration; allocated from 15s, not ready at the start.",
  ],
  workload: true,
};

export interface ImportedTemplate {
  name: string;
  runtime: string | undefined;
  memoryMb: number;
  architecture: string;
  packageType: string;
  timeoutS: number;
  vpc: { subnets: string[]; securityGroups: string[] } | undefined;
  reservedConcurrency: number | undefined;
  /** Whether the functions exist when the run starts; default true. */
  existing?: boolean;
}

export interface ImportedSubnet {
  id: string;
  cidr?: string;
  capacity?: number;
  usedByOthers: number;
  comment: string;
}

export interface ImportedVpc {
  id: string;
  securityGroups: string[];
  subnets: ImportedSubnet[];
  enisUsedByOthers: number;
  comments: string[];
}

export interface ImportedScenario {
  sources: string[];
  account: { concurrencyLimit: number; unreservedMinimum: number } | undefined;
  vpcs: ImportedVpc[];
  templates: ImportedTemplate[];
  /** Flow mappings of events, in order. */
  events: string[];
  notes: string[];
  /** Default: the aws importer's. */
  heading?: ImporterHeading;
}

const q = (s: string): string => JSON.stringify(s);
const list = (items: readonly string[]): string => `[${items.map(q).join(", ")}]`;

/** The settings a group shares, as they read in its comment and its templates. */
function settingsOf(t: ImportedTemplate): string[] {
  const fields: string[] = [];
  if (t.runtime !== undefined) fields.push(`runtime: ${q(t.runtime)}`);
  fields.push(`memory: ${t.memoryMb}`, `architecture: ${t.architecture}`, `packageType: ${t.packageType}`);
  fields.push(`timeout: ${t.timeoutS}s`);
  if (t.vpc)
    fields.push(`vpc: { subnets: ${list(t.vpc.subnets)}, securityGroups: ${list(t.vpc.securityGroups)} }`);
  if (t.reservedConcurrency !== undefined) fields.push(`reservedConcurrency: ${t.reservedConcurrency}`);
  return fields;
}

/** A group: equal settings, and created during the run or existing at its start. */
const groupKey = (t: ImportedTemplate): string =>
  `${t.existing === false ? "created: " : ""}${settingsOf(t).join(", ")}`;

export function writeScenario(s: ImportedScenario): string {
  const h = s.heading ?? AWS_HEADING;
  const out: string[] = [
    `# ${h.title}`,
    ...s.sources.map((line) => `#   ${line}`),
    `# ${s.templates.length} functions in ${new Set(s.templates.map(groupKey)).size} groups of equal settings.`,
    ...h.summary.map((line) => `# ${line}`),
    `name: ${h.name}`,
    "seed: 1",
    `duration: ${h.duration}`,
    "",
  ];
  if (s.notes.length > 0) {
    out.push("# Not mapped (kept here, not dropped):");
    for (const note of s.notes) out.push(`#   - ${note}`);
    out.push("");
  }
  if (s.account) {
    out.push("account:", "  # get-account-settings: AccountLimit.ConcurrentExecutions");
    out.push(`  concurrencyLimit: ${s.account.concurrencyLimit}`);
    out.push(`  unreservedMinimum: ${s.account.unreservedMinimum}`, "");
  }
  if (s.vpcs.length > 0) {
    out.push("network:", "  vpcs:");
    for (const v of s.vpcs) {
      out.push(`    - id: ${q(v.id)}`);
      for (const c of v.comments) out.push(`      # ${c}`);
      if (v.enisUsedByOthers > 0) out.push(`      enisUsedByOthers: ${v.enisUsedByOthers}`);
      out.push(`      securityGroups: ${list(v.securityGroups)}`);
      out.push(v.subnets.length === 0 ? "      subnets: []" : "      subnets:");
      for (const sub of v.subnets) {
        out.push(`        # ${sub.comment}`);
        out.push(`        - id: ${q(sub.id)}`);
        if (sub.cidr !== undefined) out.push(`          cidr: ${sub.cidr}`);
        else out.push(`          capacity: ${sub.capacity}`);
        out.push(`          usedByOthers: ${sub.usedByOthers}`);
      }
    }
    out.push("");
  }
  // Functions whose settings agree are written together, under one comment that names the settings.
  const groups = new Map<string, ImportedTemplate[]>();
  for (const t of s.templates) {
    const key = groupKey(t);
    const group = groups.get(key);
    if (group) group.push(t);
    else groups.set(key, [t]);
  }
  out.push(s.templates.length === 0 ? "functions: []" : "functions:");
  const templateNames = new Set(s.templates.map((t) => t.name));
  let n = 0;
  for (const group of groups.values()) {
    n++;
    const key = settingsOf(group[0]!).join(", ");
    // Created functions leave `existing` out: the default, false.
    const existing = group[0]!.existing === false ? "" : "existing: true, ";
    const created = group[0]!.existing === false ? " created during the run" : "";
    out.push(`  # group ${n}: ${group.length} function${group.length === 1 ? "" : "s"}${created}: ${key}`);
    // Within a group, each run of numbered names (api-00 ... api-41) is one template.
    const byPrefix = new Map<string, ImportedTemplate[]>();
    for (const t of group) {
      const prefix = /^(.*\D)?\d+$/.exec(t.name)?.[1] ?? `\u0000${t.name}`;
      const run = byPrefix.get(prefix);
      if (run) run.push(t);
      else byPrefix.set(prefix, [t]);
    }
    for (const run of byPrefix.values()) {
      const numbered = numberedNames(run.map((t) => t.name));
      if (numbered !== undefined) {
        let template = numbered.prefix.replace(/[-_]+$/, "") || `group-${n}`;
        if (templateNames.has(template)) template = `group-${n}-${numbered.prefix.length}`;
        templateNames.add(template);
        out.push(
          `  - { template: ${q(template)}, count: ${run.length}, name: ${q(numbered.pattern)}, ${existing}${key} }`,
        );
        continue;
      }
      for (const t of run) out.push(`  - { template: ${q(t.name)}, name: ${q(t.name)}, ${existing}${key} }`);
    }
  }
  out.push("");
  if (s.events.length > 0) {
    out.push(
      ...h.eventsComment.map((line) => `# ${line}`),
      "events:",
      ...s.events.map((e) => `  - ${e}`),
      "",
    );
  }
  if (h.workload && s.templates.length > 0) {
    out.push(
      "workload:",
      '  - { at: 0s, action: invoke, functions: "*", for: 5m, arrival: { rate: 10/s } }',
      "",
    );
  }
  return out.join("\n");
}

/**
 * Names that are one prefix and the indices 0 to n-1 (api-0 ... api-41, or
 * zero-padded api-00 ... api-41): one template with a name pattern keeps them all.
 */
export function numberedNames(names: readonly string[]): { prefix: string; pattern: string } | undefined {
  if (names.length < 2) return undefined;
  const parts = names.map((name) => /^(.*\D)?(\d+)$/.exec(name));
  const prefix = parts[0]?.[1] ?? "";
  const digits: string[] = [];
  for (const m of parts) {
    if (m === null || (m[1] ?? "") !== prefix) return undefined;
    digits.push(m[2]!);
  }
  const indices = new Set(digits.map(Number));
  for (let i = 0; i < names.length; i++) if (!indices.has(i)) return undefined;
  if (digits.every((d) => String(Number(d)) === d)) return { prefix, pattern: `${prefix}{i}` };
  const width = digits[0]!.length;
  if (digits.every((d) => d === String(Number(d)).padStart(width, "0")))
    return { prefix, pattern: `${prefix}{i:${width}}` };
  return undefined;
}
