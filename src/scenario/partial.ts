/**
 * The checks across sections (references, globs, the timeline) on a file
 * whose fields have problems: the parts that parse are compiled, so that all
 * problems are reported at once, not a glob error only once the field
 * errors are fixed. A list element with a problem is left out; a section
 * that lost something does not vouch for the sections that refer to it, so
 * their cross-section problems are not reported (they may be only the
 * consequence of what was left out).
 */
import { compileScenario } from "./compile.js";
import type { Path, PathIssue } from "./issues.js";
import { type ScenarioInput, scenarioSchema } from "./schema.js";

const LIST_SECTIONS: ReadonlySet<string> = new Set([
  "functions",
  "clients",
  "callers",
  "workload",
  "faults",
  "events",
  "thresholds",
]);

/** What each section's cross-section checks rely on. */
const RELIES_ON: Readonly<Record<string, readonly string[]>> = {
  functions: ["network", "account", "model"],
  callers: ["functions"],
  workload: ["functions", "clients", "callers", "network", "duration", "events"],
  events: ["functions", "clients", "callers", "network", "duration", "workload"],
  faults: ["functions", "network", "duration", "workload", "events"],
  warmup: ["duration"],
};

/** Stand-ins for required fields with problems: nothing is checked against them. */
const STAND_INS: Readonly<Record<string, unknown>> = { name: "x", duration: "36500d" };

/**
 * The fields of a template that make its functions' names and VPCs, which
 * other sections check against: a template with problems elsewhere keeps
 * them, so the steps that select its functions are still checked.
 */
const TEMPLATE_IDENTITY: ReadonlySet<string> = new Set(["template", "count", "name", "vpc"]);

/** Cross-section problems of the parts of `data` that parse, given the schema's `issues` of the whole. */
export function laterIssues(
  data: unknown,
  issues: readonly PathIssue[],
  untilUs?: number,
  file: string | null = null,
): PathIssue[] {
  if (data === null || typeof data !== "object" || Array.isArray(data)) return [];
  const root = { ...(data as Record<string, unknown>) };
  const touched = new Set<string>();
  /** For each list section: the original index of each element kept. */
  const kept = new Map<string, number[]>();
  const dropped = new Map<string, Set<number>>();
  const functions = Array.isArray(root.functions) ? [...(root.functions as unknown[])] : null;
  for (const issue of issues) {
    const [section, index, field] = issue.path;
    if (typeof section !== "string") return [];
    if (
      section === "functions" &&
      functions !== null &&
      typeof index === "number" &&
      typeof field === "string" &&
      !TEMPLATE_IDENTITY.has(field) &&
      isMapping(functions[index])
    ) {
      // A problem in a field that names nothing: the template stays, without that field.
      const { [field]: _, ...rest } = functions[index] as Record<string, unknown>;
      functions[index] = rest;
      root.functions = functions;
      continue;
    }
    touched.add(section);
    if (LIST_SECTIONS.has(section) && typeof index === "number" && Array.isArray(root[section])) {
      const set = dropped.get(section) ?? new Set<number>();
      set.add(index);
      dropped.set(section, set);
    } else if (section in STAND_INS) {
      root[section] = STAND_INS[section];
    } else {
      delete root[section];
    }
  }
  for (const [section, set] of dropped) {
    const list = root[section] as unknown[];
    const indices: number[] = [];
    root[section] = list.filter((_, i) => {
      if (set.has(i)) return false;
      indices.push(i);
      return true;
    });
    kept.set(section, indices);
  }
  const parsed = scenarioSchema.safeParse(root);
  if (!parsed.success) return [];
  const input: ScenarioInput = parsed.data;
  let compiled: PathIssue[];
  try {
    compiled = compileScenario(input, { file, headerComment: "", untilUs }).issues;
  } catch {
    return [];
  }
  const out: PathIssue[] = [];
  for (const issue of compiled) {
    const section = String(issue.path[0]);
    if ((RELIES_ON[section] ?? []).some((s) => touched.has(s))) continue;
    if (section in STAND_INS && touched.has(section)) continue;
    out.push({ ...issue, path: originalPath(issue.path, kept) });
  }
  return out;
}

const isMapping = (v: unknown): boolean => v !== null && typeof v === "object" && !Array.isArray(v);

function originalPath(path: Path, kept: Map<string, number[]>): Path {
  const indices = kept.get(String(path[0]));
  if (indices === undefined || typeof path[1] !== "number") return path;
  return [path[0], indices[path[1]], ...path.slice(2)];
}
