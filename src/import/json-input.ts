/**
 * Reads the JSON the AWS CLI prints: one object, several objects one after
 * another (paged output appended to one file), or a JSON array of pages.
 * Every problem is an ImportInputError naming the file and where in it.
 */
import { readFileSync } from "node:fs";

/** Bad input to an importer: its message is shown as is, without a stack trace. */
export class ImportInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ImportInputError";
  }
}

/** One page of output and the JSON path it starts at, for messages. */
export interface Page {
  value: Record<string, unknown>;
  path: string;
}

/** The commands whose output the importer knows, by the key that tells them apart. */
const OUTPUT_KINDS: readonly [key: string, command: string][] = [
  ["Functions", "list-functions"],
  ["Subnets", "describe-subnets"],
  ["NetworkInterfaces", "describe-network-interfaces"],
  ["ReservedConcurrentExecutions", "get-function-concurrency"],
  ["ProvisionedConcurrencyConfigs", "list-provisioned-concurrency-configs"],
  ["AccountLimit", "get-account-settings"],
];

export function lineColumn(text: string, offset: number): string {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return `${line}:${offset - lineStart + 1}`;
}

/** End (exclusive) of the JSON value starting at `start`: braces and brackets balanced outside strings. */
function valueEnd(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "{" || c === "[") depth++;
    else if (c === "}" || c === "]") {
      depth--;
      if (depth === 0) return i + 1;
    } else if (depth === 0 && /\s/.test(c!)) return i;
  }
  return text.length;
}

function parseAt(text: string, start: number, end: number, file: string): unknown {
  try {
    return JSON.parse(text.slice(start, end));
  } catch (e) {
    const message = (e as Error).message.split("\n")[0]!;
    const position = /position (\d+)/.exec(message);
    const at = position ? start + Number(position[1]) : end;
    const reason = message.replace(/ in JSON at position \d+.*$/, "").replace(/^JSON\.parse: /, "");
    throw new ImportInputError(`${file}:${lineColumn(text, at)}: malformed JSON: ${reason}`);
  }
}

/** Every page of one AWS CLI output file, in order. */
export function readPages(file: string): Page[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new ImportInputError(
      `${file}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  return pagesOf(text, file);
}

/** Every page of `text`, the content of `file`: JSON values one after another, or arrays of them. */
export function pagesOf(text: string, file: string): Page[] {
  const values: { value: unknown; offset: number }[] = [];
  let i = 0;
  // One value, the usual case (a CloudTrail log file, one page): JSON.parse alone, without
  // the scan for where each value ends, which costs more than the parse on a large file.
  try {
    values.push({ value: JSON.parse(text), offset: text.search(/\S/) });
    i = text.length;
  } catch {
    // several values, or malformed: the scan below finds which, and where
  }
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (i >= text.length) break;
    const end = valueEnd(text, i);
    values.push({ value: parseAt(text, i, end, file), offset: i });
    i = end;
  }
  if (values.length === 0) throw new ImportInputError(`${file}: empty file: expected AWS CLI JSON output`);
  const pages: Page[] = [];
  const several = values.length > 1;
  for (const { value, offset } of values) {
    const where = several ? `(object at ${lineColumn(text, offset)}) $` : "$";
    if (Array.isArray(value)) {
      value.forEach((page, n) =>
        pages.push({ value: asObject(page, `${where}[${n}]`, file), path: `${where}[${n}]` }),
      );
    } else pages.push({ value: asObject(value, where, file), path: where });
  }
  return pages;
}

function asObject(value: unknown, path: string, file: string): Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value))
    throw new ImportInputError(
      `${file}: ${path}: expected a JSON object as the AWS CLI prints, got ${typeName(value)}`,
    );
  return value as Record<string, unknown>;
}

export function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `${typeof value} ${JSON.stringify(value)}`;
}

/** The AWS CLI command whose output `value` is, by its telling key; undefined when none is known. */
export function commandOf(value: Record<string, unknown>): { key: string; command: string } | undefined {
  const kind = OUTPUT_KINDS.find(([k]) => k in value);
  return kind && { key: kind[0], command: kind[1] };
}

/** Checks a page is the output of `command` (told apart by `key`), naming the command it is instead. */
export function expectOutput(page: Page, key: string, what: string, file: string): void {
  if (key in page.value) return;
  const command = OUTPUT_KINDS.find(([k]) => k === key)![1];
  const other = OUTPUT_KINDS.find(([k]) => k in page.value);
  const got = other
    ? `${other[1]} output (${other[0]})`
    : `keys ${Object.keys(page.value).slice(0, 5).join(", ") || "none"}`;
  throw new ImportInputError(`${file}: ${page.path}: expected ${command} output with ${what}, got ${got}`);
}

/** A page's array under `key`, each item an object. */
export function itemsOf(
  page: Page,
  key: string,
  file: string,
): { item: Record<string, unknown>; path: string }[] {
  const list = page.value[key];
  if (!Array.isArray(list))
    throw new ImportInputError(`${file}: ${page.path}.${key}: expected an array, got ${typeName(list)}`);
  return list.map((item, n) => {
    const path = `${page.path}.${key}[${n}]`;
    return { item: asObject(item, path, file), path };
  });
}

/** A field that must be there: a string (kind "string") or a whole number >= 0 ("count"). */
export function required(
  item: Record<string, unknown>,
  field: string,
  kind: "string",
  path: string,
  file: string,
): string;
export function required(
  item: Record<string, unknown>,
  field: string,
  kind: "count",
  path: string,
  file: string,
): number;
export function required(
  item: Record<string, unknown>,
  field: string,
  kind: "string" | "count",
  path: string,
  file: string,
): string | number {
  const v = item[field];
  if (v === undefined) throw new ImportInputError(`${file}: ${path}: missing ${field}`);
  const ok =
    kind === "string" ? typeof v === "string" && v.length > 0 : Number.isInteger(v) && (v as number) >= 0;
  if (!ok)
    throw new ImportInputError(
      `${file}: ${path}.${field}: expected ${kind === "string" ? "a string" : "a whole number >= 0"}, got ${typeName(v)}`,
    );
  return v as string | number;
}
