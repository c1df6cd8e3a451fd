/**
 * `--set PATH=VALUE` (issue 6): one field of a scenario replaced before it
 * is validated, so a sweep's grid points are scenarios like any other, with
 * the same checks and messages. A path addresses the file's own structure:
 * `account.concurrencyLimit`, `network.vpcs[0].subnets[subnet-a].cidr` (or
 * `network.subnets[subnet-a].cidr`: every VPC's subnets as one list),
 * `functions[api].reservedConcurrency`, `events[2].provisionedConcurrentExecutions`. `[n]` picks a list element by index,
 * `[name]` the element whose `id`, `name` or `template` is that name.
 */

export interface Setting {
  /** The path as the user wrote it. */
  path: string;
  /** The value as text; converted to the type the field holds (number, boolean, string). */
  value: string;
}

type Segment = { key: string } | { index: number } | { name: string };

const SEGMENT = /^([A-Za-z_][A-Za-z0-9_]*)((?:\[[^\]]+\])*)$/;

/** Names no scenario has, that would reach Object.prototype instead of the file's data. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

/** The path's segments, or a message saying what is wrong with it. */
export function parseSettingPath(path: string): Segment[] | string {
  if (path.trim() === "") return "the path is empty";
  const out: Segment[] = [];
  for (const part of path.split(".")) {
    const m = SEGMENT.exec(part);
    if (m === null) return `"${part}" is not a field name with optional [index] or [name] selectors`;
    if (FORBIDDEN_KEYS.has(m[1]))
      return `"${m[1]}" is not a field of a scenario: expected a path like account.concurrencyLimit (__proto__, constructor and prototype are never fields)`;
    out.push({ key: m[1] });
    for (const sel of m[2].matchAll(/\[([^\]]+)\]/g)) {
      const s = sel[1];
      if (FORBIDDEN_KEYS.has(s))
        return `"[${s}]" names nothing in a scenario: expected [index] or [name] like functions[api] (__proto__, constructor and prototype are never names)`;
      out.push(/^\d+$/.test(s) ? { index: Number(s) } : { name: s });
    }
  }
  return out;
}

/** Applies `setting` to the parsed file `data` in place; returns a message when the path names nothing. */
export function applySetting(data: unknown, setting: Setting): string | null {
  const segments = parseSettingPath(setting.path);
  if (typeof segments === "string") return `--set ${setting.path}: ${segments}`;
  let node: unknown = data;
  const walked: string[] = [];
  let start = 0;
  // network.subnets[...]: the subnets of all VPCs in file order, as one list (the shorthand).
  if (
    segments.length > 3 &&
    "key" in segments[0] &&
    segments[0].key === "network" &&
    "key" in segments[1] &&
    segments[1].key === "subnets"
  ) {
    const vpcs = (data as { network?: { vpcs?: { subnets?: unknown[] }[] } }).network?.vpcs ?? [];
    node = vpcs.flatMap((v) => v.subnets ?? []);
    walked.push("network.subnets");
    start = 2;
  }
  for (let i = start; i < segments.length - 1; i++) {
    const seg = segments[i];
    let next = step(node, seg);
    walked.push(describe(seg));
    if (next === undefined && "key" in seg && "key" in segments[i + 1] && isMapping(node)) {
      // A section the file leaves to its defaults (account:, model:): the setting starts it.
      next = {};
      Object.defineProperty(node, seg.key, {
        value: next,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    if (next === undefined)
      return `--set ${setting.path}: ${walked.join("").replace(/^\./, "")} is not in the scenario`;
    node = next;
  }
  const last = segments[segments.length - 1];
  if (!("key" in last) || node === null || typeof node !== "object" || Array.isArray(node))
    return `--set ${setting.path}: the path must end in a field of a mapping`;
  const record = node as Record<string, unknown>;
  const current = Object.hasOwn(record, last.key) ? record[last.key] : undefined;
  Object.defineProperty(record, last.key, {
    value: convert(setting.value, current),
    enumerable: true,
    writable: true,
    configurable: true,
  });
  return null;
}

const isMapping = (node: unknown): boolean =>
  node !== null && typeof node === "object" && !Array.isArray(node);

function step(node: unknown, seg: Segment): unknown {
  if ("key" in seg) {
    if (node === null || typeof node !== "object" || Array.isArray(node)) return undefined;
    // Only the file's own fields: never what a mapping inherits.
    return Object.hasOwn(node, seg.key) ? (node as Record<string, unknown>)[seg.key] : undefined;
  }
  if (!Array.isArray(node)) return undefined;
  if ("index" in seg) return node[seg.index];
  return node.find(
    (e) =>
      e !== null &&
      typeof e === "object" &&
      ["id", "name", "template"].some((k) => (e as Record<string, unknown>)[k] === seg.name),
  );
}

const describe = (seg: Segment): string =>
  "key" in seg ? `.${seg.key}` : "index" in seg ? `[${seg.index}]` : `[${seg.name}]`;

/** The text as the type the field has now; a new field takes a number when the text is one. */
function convert(text: string, current: unknown): unknown {
  const t = text.trim();
  if (typeof current === "boolean" && (t === "true" || t === "false")) return t === "true";
  if (typeof current === "string") return t;
  if (/^-?\d+(\.\d+)?(e-?\d+)?$/i.test(t)) return Number(t);
  return t;
}

/** `PATH=V1,V2,...` into the path and its values. */
export function parseSetFlag(flag: string): { path: string; values: string[] } | string {
  const eq = flag.indexOf("=");
  if (eq <= 0)
    return `--set: expected PATH=V1,V2,... (like account.concurrencyLimit=500,1000), got "${flag}"`;
  const path = flag.slice(0, eq).trim();
  const values = flag
    .slice(eq + 1)
    .split(",")
    .map((v) => v.trim());
  if (values.some((v) => v === "")) return `--set ${path}: a value is empty in "${flag.slice(eq + 1)}"`;
  const segments = parseSettingPath(path);
  if (typeof segments === "string") return `--set ${path}: ${segments}`;
  return { path, values };
}
