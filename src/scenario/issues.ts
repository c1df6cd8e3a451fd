/**
 * Problems found in a scenario file, and how zod's issues become them: one
 * plain sentence per problem, at the path of the offending node.
 */
import type { z } from "zod";
import { editDistance, expectedOneOf } from "./suggest.js";

/** A path in the document: mapping keys and list indices. */
export type Path = (string | number)[];

/** A problem before it has a position. `atKey`: it is about the key at the end of the path, not its value. */
export interface PathIssue {
  path: Path;
  message: string;
  atKey?: boolean;
  /** What kind of problem, where another one may explain it. */
  kind?: "missingField" | "unknownField";
}

export interface ScenarioIssue {
  file: string;
  /** 1-based; 0 when the problem has no place in the text (an unreadable file). */
  line: number;
  column: number;
  /** Field path like "functions[0].vpc.subnets[1]"; "" for the whole file. */
  path: string;
  message: string;
}

/** A message lists at most this many problems, then says how many more there are. */
export const MAX_SHOWN_ISSUES = 50;

/** The problems as lines, the first MAX_SHOWN_ISSUES of them and then "... and N more problems". */
export function formatIssues(issues: readonly ScenarioIssue[]): string {
  const lines = issues.slice(0, MAX_SHOWN_ISSUES).map(formatIssue);
  const more = issues.length - MAX_SHOWN_ISSUES;
  if (more > 0) lines.push(`... and ${more} more problem${more === 1 ? "" : "s"}`);
  return lines.join("\n");
}

/** Bad input: every problem of a scenario file, one "file:line:column: path: message" line each. */
export class ScenarioError extends Error {
  readonly issues: ScenarioIssue[];

  constructor(issues: ScenarioIssue[]) {
    super(formatIssues(issues));
    this.name = "ScenarioError";
    this.issues = issues;
  }
}

/** A message line never echoes more than this much of the input. */
const MAX_LINE = 1000;

export function formatIssue(i: ScenarioIssue): string {
  const where = i.line > 0 ? `${i.file}:${i.line}:${i.column}` : i.file;
  const line = i.path === "" ? `${where}: ${i.message}` : `${where}: ${i.path}: ${i.message}`;
  return line.length <= MAX_LINE
    ? line
    : `${line.slice(0, MAX_LINE)}... (${line.length - MAX_LINE} characters more)`;
}

/** At most `max` characters of a text the file gave, as messages quote it. */
export function excerpt(text: string, max = 60): string {
  return text.length <= max ? text : `${text.slice(0, max)}... (${text.length} characters)`;
}

export function formatPath(path: Path): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (/^[A-Za-z_][\w-]*$/.test(segment) && segment.length <= 60)
      out += out === "" ? segment : `.${segment}`;
    else out += `[${JSON.stringify(excerpt(segment))}]`;
  }
  return out;
}

/** A value as a message quotes it. */
export function describeValue(v: unknown): string {
  if (v === undefined) return "nothing";
  if (v === null) return "an empty value";
  if (typeof v === "string") return JSON.stringify(excerpt(v));
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  return String(v);
}

/** A name the file gave, as messages quote names: 'x'. */
const quoteName = (v: unknown): string => (typeof v === "string" ? `'${excerpt(v)}'` : describeValue(v));
/** What a "did you mean" compares: the text itself, or its description (String() throws on some objects). */
const asText = (v: unknown): string => (typeof v === "string" ? v : describeValue(v));

const TYPE_NAMES: Readonly<Record<string, string>> = {
  string: "a string",
  number: "a number",
  int: "an integer",
  boolean: "true or false",
  object: "a mapping",
  record: "a mapping",
  array: "a list",
  tuple: "a list",
};

const plural = (n: number | bigint, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** Messages for zod's issue codes; schema.ts gives its own where these would be vague. */
export const zodErrorMap: z.core.$ZodErrorMap = (iss) => {
  const got = describeValue(iss.input);
  switch (iss.code) {
    case "invalid_type":
      return `expected ${TYPE_NAMES[iss.expected] ?? iss.expected}, got ${got}`;
    case "too_small":
      if (iss.origin === "array") return `must have at least ${plural(iss.minimum, "item")}`;
      if (iss.origin === "string") return iss.minimum === 1 ? "must not be empty" : `is too short`;
      return `must be ${iss.inclusive ? "at least" : "greater than"} ${iss.minimum}, got ${got}`;
    case "too_big":
      if (iss.origin === "array") return `must have at most ${plural(iss.maximum, "item")}`;
      if (iss.origin === "string")
        return `is too long: at most ${plural(iss.maximum, "character")}, got ${typeof iss.input === "string" ? iss.input.length : "more"}`;
      return `must be ${iss.inclusive ? "at most" : "less than"} ${iss.maximum}, got ${got}`;
    case "invalid_value":
      return iss.values.length === 1
        ? `expected ${describeValue(iss.values[0])}, got ${got}`
        : `invalid value ${quoteName(iss.input)}, ${expectedOneOf(asText(iss.input), iss.values.map(String))}`;
    case "invalid_format":
      return `invalid format: ${got}`;
    default:
      return undefined;
  }
};

type ZodIssue = z.core.$ZodIssue;

const inputOf = (iss: ZodIssue): unknown => (iss as { input?: unknown }).input;
const pathOf = (iss: ZodIssue): Path => iss.path.map((s) => (typeof s === "number" ? s : String(s)));

/**
 * One PathIssue per problem of a failed zod parse (run with zodErrorMap and
 * reportInput). A missing field that an unknown field of the same mapping
 * misspells is left out: "unknown field 'subnet' (did you mean 'subnets'?)"
 * says it all.
 */
export function issuesFromZod(issues: readonly ZodIssue[]): PathIssue[] {
  const all = flatten(tightestBounds(issues), []);
  const misspelt = all.filter((i) => i.kind === "unknownField");
  return all.filter(
    (i) =>
      !(
        i.kind === "missingField" &&
        misspelt.some(
          (u) =>
            u.path.length === i.path.length &&
            u.path.slice(0, -1).every((s, k) => s === i.path[k]) &&
            editDistance(String(u.path[u.path.length - 1]), String(i.path[i.path.length - 1])) <= 2,
        )
      ),
  );
}

/**
 * One bound per value: an integer over both a field's maximum and the
 * largest safe integer gets only "must be at most <the field's maximum>".
 */
function tightestBounds(issues: readonly ZodIssue[]): readonly ZodIssue[] {
  const tightest = new Map<string, ZodIssue>();
  for (const iss of issues) {
    if (iss.code !== "too_big" && iss.code !== "too_small") continue;
    const key = `${iss.code}|${JSON.stringify(iss.path)}`;
    const other = tightest.get(key);
    const bound = (i: ZodIssue) =>
      Number((i as { maximum?: unknown; minimum?: unknown })[i.code === "too_big" ? "maximum" : "minimum"]);
    if (
      other === undefined ||
      (iss.code === "too_big" ? bound(iss) < bound(other) : bound(iss) > bound(other))
    )
      tightest.set(key, iss);
  }
  if (tightest.size === 0) return issues;
  return issues.filter(
    (iss) =>
      (iss.code !== "too_big" && iss.code !== "too_small") ||
      tightest.get(`${iss.code}|${JSON.stringify(iss.path)}`) === iss,
  );
}

function flatten(issues: readonly ZodIssue[], base: Path): PathIssue[] {
  const out: PathIssue[] = [];
  for (const iss of issues) {
    const path = [...base, ...pathOf(iss)];
    const input = inputOf(iss);
    const missing = (): PathIssue => ({
      path,
      message: `missing required field '${path[path.length - 1]}'`,
      kind: "missingField",
    });
    if (iss.code === "unrecognized_keys") {
      const lines = iss.message.split("\n");
      iss.keys.forEach((key, i) => {
        out.push({
          path: [...path, key],
          atKey: true,
          message: lines.length === iss.keys.length ? lines[i] : iss.message,
          kind: "unknownField",
        });
      });
    } else if (iss.code === "invalid_key") {
      const why = iss.issues.map((i) => i.message).join("; ");
      out.push({ path, atKey: true, message: `invalid key ${describeValue(input)}: ${why}` });
    } else if (iss.code === "invalid_union") {
      const { discriminator, options } = iss as { discriminator?: string; options?: unknown[] };
      if (discriminator !== undefined) {
        const value = (input as Record<string, unknown> | undefined)?.[discriminator];
        if (value === undefined) out.push(missing());
        else {
          const message = `unknown ${discriminator} ${quoteName(value)}, ${expectedOneOf(asText(value), (options ?? []).map(String))}`;
          out.push({ path, message });
        }
      } else if (input === undefined) {
        out.push(missing());
      } else {
        const branch = matchingBranch(iss);
        if (branch === null) out.push({ path, message: iss.message });
        else out.push(...flatten(branch, path));
      }
    } else if (iss.code === "invalid_type" && input === undefined) {
      out.push(missing());
    } else {
      out.push({ path, message: iss.message });
    }
  }
  return out;
}

/**
 * The alternative of a failed union that the input was evidently meant for:
 * the one whose problems all lie inside the value (a bad field of the right
 * kind of mapping) rather than with the value itself (a string where a
 * mapping was expected, the wrong key). Null when no alternative fits: then
 * the union's own message ("expected X or Y, got Z") says it best.
 */
function matchingBranch(union: ZodIssue & { code: "invalid_union" }): ZodIssue[] | null {
  let best: ZodIssue[] | null = null;
  for (const branch of union.errors) {
    const problems: ZodIssue[] = [];
    let fits = true;
    for (const iss of branch) {
      if (iss.code === "invalid_union" && iss.path.length === 0 && iss.errors.length > 0) {
        const inner = matchingBranch(iss);
        if (inner === null) fits = false;
        else problems.push(...inner);
      } else if (isAboutTheValueItself(iss)) {
        fits = false;
      } else {
        problems.push(iss);
      }
      if (!fits) break;
    }
    if (fits && (best === null || problems.length < best.length)) best = problems;
  }
  return best;
}

function isAboutTheValueItself(iss: ZodIssue): boolean {
  if (iss.path.length === 0) {
    return iss.code === "invalid_type" || iss.code === "invalid_value" || iss.code === "unrecognized_keys";
  }
  // A required field of this alternative is missing: the input is probably another alternative.
  return (
    iss.path.length === 1 &&
    (iss.code === "invalid_type" || iss.code === "invalid_union") &&
    inputOf(iss) === undefined
  );
}
