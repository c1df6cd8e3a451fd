/**
 * A scenario file's text as a YAML document (JSON is YAML too): its data,
 * its syntax errors, its header comment, and the line:column of any path.
 */
import { type Document, isAlias, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from "yaml";
import type { PathIssue } from "./issues.js";

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
  readonly syntaxErrors: { offset: number; message: string }[] = [];

  constructor(readonly text: string) {
    // merge: YAML's `<<: *anchor` lets templates share settings.
    this.doc = parseDocument(text, { lineCounter: this.lineCounter, prettyErrors: false, merge: true });
    for (const e of this.doc.errors) this.syntaxErrors.push({ offset: e.pos[0], message: e.message });
    if (this.syntaxErrors.length > 0) return;
    try {
      this.data = this.doc.toJS();
    } catch (e) {
      // toJS throws for aliases to anchors that do not exist.
      this.syntaxErrors.push({ offset: 0, message: (e as Error).message });
    }
  }

  positionOfOffset(offset: number): Position {
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
