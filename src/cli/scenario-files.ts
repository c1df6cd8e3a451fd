/**
 * The scenario files `run` is given: glob patterns expanded (for shells that
 * pass them through, and for Windows), plain paths kept as given.
 */
import { isAbsolute } from "node:path";
import { UserError } from "./exit-codes.js";

const GLOB_CHARS = /[*?[\]{}]/;

/**
 * Expands glob patterns among the files (their matches sorted; a pattern that
 * matches nothing is an error), keeping plain paths and "-" as given and
 * dropping repeats. tinyglobby loads only when a pattern is given.
 */
export async function expandScenarioFiles(patterns: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of patterns) {
    if (p === "-" || !GLOB_CHARS.test(p)) {
      out.push(p);
      continue;
    }
    const { glob } = await import("tinyglobby");
    // Matches are spelt as the pattern is: absolute for an absolute pattern, else relative to here.
    const found = await glob(p, { onlyFiles: true, expandDirectories: false, absolute: isAbsolute(p) });
    const matches = found.sort();
    if (matches.length === 0) throw new UserError(`${p}: no file matches this pattern`);
    out.push(...matches);
  }
  return [...new Set(out)];
}
