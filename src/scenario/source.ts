/**
 * A scenario file's text as a YAML document (JSON is YAML too): its data,
 * its syntax errors, its header comment, and the line:column of any path.
 */
import {
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
  type YAMLError,
} from "yaml";
import type { Path, PathIssue } from "./issues.js";

/** A syntax error: where it was found (an offset), what it is, and in which field when that is known. */
export interface SyntaxProblem {
  offset: number;
  message: string;
  path?: Path;
}

const TOO_DEEP =
  "the file nests lists or mappings too deeply for a scenario (a scenario nests a few levels): look for unclosed [ or {";

export interface Position {
  line: number;
  column: number;
}

export class ScenarioSource {
  private readonly lineCounter = new LineCounter();
  private readonly doc: Document.Parsed;
  /** The document as plain data; undefined when the text has syntax errors. */
  readonly data: unknown;
  /** Syntax errors, each with the offset where it was found. */
  readonly syntaxErrors: SyntaxProblem[] = [];

  /** `json`: the file is JSON (by its name), where comments are an error YAML would misread. */
  constructor(
    readonly text: string,
    json = false,
  ) {
    // merge: YAML's `<<: *anchor` lets templates share settings.
    const options = { lineCounter: this.lineCounter, prettyErrors: false, merge: true };
    try {
      this.doc = parseDocument(text, options);
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
      this.doc = parseDocument("", options);
      this.syntaxErrors.push({ offset: 0, message: TOO_DEEP });
      return;
    }
    const deep = this.doc.errors.find((e) => /call stack/i.test(e.message));
    if (deep !== undefined) {
      // The parser gave up: what follows are its consequences.
      this.syntaxErrors.push({ offset: deep.pos[0], message: TOO_DEEP });
      return;
    }
    const comment = json || /^\s*\{/.test(text) ? jsonComment(text) : -1;
    if (comment >= 0) {
      this.syntaxErrors.push({
        offset: comment,
        message:
          "comments are not allowed in JSON: remove this comment (or write the scenario in YAML, where # starts a comment)",
      });
      return;
    }
    for (const e of this.doc.errors) this.syntaxErrors.push({ offset: e.pos[0], message: syntaxMessage(e) });
    if (this.syntaxErrors.length > 0) return;
    this.syntaxErrors.push(...this.keyAndAliasProblems());
    if (this.syntaxErrors.length > 0) return;
    try {
      this.data = this.doc.toJS();
    } catch (e) {
      const message = e instanceof RangeError ? TOO_DEEP : (e as Error).message;
      this.syntaxErrors.push({ offset: 0, message });
    }
  }

  /**
   * Keys that are not names (a list or mapping as a complex key `? [a, b]`,
   * a missing or null key) and aliases to anchors that do not exist, each at
   * its place and field: toJS would stringify the first (with a warning on
   * stderr) and throw for the last without saying where.
   */
  private keyAndAliasProblems(): SyntaxProblem[] {
    const problems: SyntaxProblem[] = [];
    const stack: { node: unknown; path: Path }[] = [{ node: this.doc.contents, path: [] }];
    while (stack.length > 0 && problems.length < 100) {
      const { node, path } = stack.pop()!;
      if (isAlias(node)) {
        if (node.resolve(this.doc) === undefined)
          problems.push({
            offset: node.range?.[0] ?? 0,
            path,
            message: `the alias *${excerpt(node.source)} refers to no anchor: expected &${excerpt(node.source)} on a value before it`,
          });
      } else if (isMap(node)) {
        for (const pair of node.items) {
          const key = pair.key as unknown;
          const at =
            (key as Node | null)?.range?.[0] ??
            (pair.value as Node | null)?.range?.[0] ??
            node.range?.[0] ??
            0;
          if (isMap(key) || isSeq(key)) {
            problems.push({
              offset: at,
              path,
              message: `a key must be a field name, not a ${isMap(key) ? "mapping" : "list"} (YAML's complex keys "? ..." are not allowed in a scenario)`,
            });
          } else if (key === null || (isScalar(key) && (key.value === null || key.value === ""))) {
            problems.push({
              offset: at,
              path,
              message: "a key is missing or empty here: expected a field name before the ':'",
            });
          } else if (isAlias(key)) {
            problems.push({ offset: at, path, message: "a key must be a field name, not an alias" });
          } else {
            stack.push({ node: pair.value, path: [...path, String(isScalar(key) ? key.value : key)] });
          }
        }
      } else if (isSeq(node)) {
        node.items.forEach((item, i) => stack.push({ node: item, path: [...path, i] }));
      }
    }
    return problems.sort((a, b) => a.offset - b.offset);
  }

  positionOfOffset(offset: number): Position {
    if (this.text.length === 0) return { line: 1, column: 1 };
    const { line, col } = this.lineCounter.linePos(offset);
    return { line, column: col };
  }

  /**
   * Where the node at `path` starts (or its key, for `atKey`). A path that
   * leaves the document (a missing field) points at the deepest node on it:
   * the mapping the field is missing from.
   */
  positionOf(issue: PathIssue): Position {
    let node: unknown = this.doc.contents;
    for (let i = 0; i < issue.path.length; i++) {
      if (isAlias(node)) node = node.resolve(this.doc);
      const segment = issue.path[i];
      let next: unknown;
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
        if (pair === undefined) break;
        if (issue.atKey && i === issue.path.length - 1) return this.positionOfNode(pair.key as Node);
        // `key:` with no value: point at the key.
        next = pair.value ?? pair.key;
      } else if (isSeq(node) && typeof segment === "number") {
        next = node.items[segment];
      }
      if (next === undefined || next === null) break;
      node = next;
    }
    return this.positionOfNode(node as Node | null);
  }

  private positionOfNode(node: Node | null | undefined): Position {
    const offset = node?.range?.[0];
    return offset === undefined ? { line: 1, column: 1 } : this.positionOfOffset(offset);
  }

  /**
   * The file's leading block of # comment lines, without the #, or "" when
   * it has none. An editor modeline ("# yaml-language-server: ...") is skipped.
   */
  headerComment(): string {
    const lines: string[] = [];
    for (const line of this.text.split(/\r?\n/)) {
      const m = /^\s*#(.*)$/.exec(line);
      if (m === null) {
        if (line.trim() === "" && lines.length === 0) continue;
        break;
      }
      if (/^\s*yaml-language-server:/.test(m[1])) continue;
      lines.push(m[1].replace(/^ /, "").trimEnd());
    }
    while (lines.length > 0 && lines[0] === "") lines.shift();
    while (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
    return lines.join("\n");
  }
}

/** The YAML library's message, or one in the user's terms where it has a better one. */
function syntaxMessage(e: YAMLError): string {
  if (e.code === "MULTIPLE_DOCS")
    return "a second YAML document starts here, but a scenario file holds one: remove the '---' (or '...') line, or put each scenario in its own file";
  if (e.code === "DUPLICATE_KEY") return `${e.message}: each field may be given once`;
  return excerpt(e.message, 300);
}

/** At most `max` characters of a text quoted in a message. */
function excerpt(text: string, max = 40): string {
  return text.length <= max ? text : `${text.slice(0, max)}... (${text.length} characters)`;
}

/** Offset of the first // or /* comment of JSON text outside its strings, or -1. */
export function jsonComment(text: string): number {
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
    } else if (c === "/" && (text[i + 1] === "/" || text[i + 1] === "*")) {
      // A comment starts a token: at the start, or after space or punctuation (not inside an unquoted URL).
      if (i === 0 || /[\s,{[:]/.test(text[i - 1])) return i;
    }
  }
  return -1;
}
