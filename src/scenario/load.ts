/**
 * The scenario compiler's entry points: a file (YAML or JSON) in, a Plan out,
 * or a ScenarioError listing every problem at its file:line:column.
 */
import type { Plan } from "../model/plan.js";
import { compileScenario } from "./compile.js";
import {
  formatPath,
  issuesFromZod,
  type Path,
  type PathIssue,
  ScenarioError,
  type ScenarioIssue,
  zodErrorMap,
} from "./issues.js";
import { type ScenarioInput, scenarioSchema } from "./schema.js";
import { applySetting, FORBIDDEN_KEYS, type Setting } from "./settings.js";
import { laterIssues } from "./partial.js";
import { planWarnings } from "./warnings.js";
import { ScenarioSource } from "./source.js";
import { readScenarioText, ScenarioReadError, STDIN_FILE, STDIN_NAME } from "./read.js";

export { ScenarioError, type ScenarioIssue } from "./issues.js";

export interface ScenarioOverrides {
  /** Replaces the file's seed. */
  seed?: number;
  /** Replaces the file's duration as the end of the run (steps are still checked against the file's). */
  untilUs?: number;
  /** Fields replaced before validation (`--set`, a sweep's grid point). */
  settings?: Setting[];
}

/** The scenario file (standard input for "-"), read with a size limit, as a Plan. */
export function loadScenarioFile(file: string, overrides?: ScenarioOverrides, maxBytes?: number): Plan {
  const name = scenarioName(file);
  let text: string;
  try {
    text = readScenarioText(file, maxBytes);
  } catch (e) {
    if (!(e instanceof ScenarioReadError)) throw e;
    throw new ScenarioError([
      { file: name, line: 0, column: 0, path: "", message: `cannot read the scenario: ${e.reason}` },
    ]);
  }
  return loadScenarioText(text, name, overrides);
}

/** How messages name a scenario file: standard input as <stdin>. */
export const scenarioName = (file: string): string => (file === STDIN_FILE ? STDIN_NAME : file);

export function loadScenarioText(text: string, file: string, overrides?: ScenarioOverrides): Plan {
  return loadScenario(text, file, overrides).plan;
}

/** The Plan and the scenario's warnings (valid, but probably not what was meant: warnings.ts). */
export function loadScenario(
  text: string,
  file: string,
  overrides?: ScenarioOverrides,
): { plan: Plan; warnings: ScenarioIssue[] } {
  checkOverrides(file, overrides);
  const { issues, plan, warnings } = analyse(text, file, overrides);
  if (issues.length > 0 || plan === undefined) throw new ScenarioError(issues);
  return { plan, warnings: warnings ?? [] };
}

/** Every problem of a scenario, or [] when it is valid. */
export function validateScenarioText(text: string, file: string): ScenarioIssue[] {
  return analyse(text, file).issues;
}

function analyse(
  text: string,
  file: string,
  overrides?: ScenarioOverrides,
): { issues: ScenarioIssue[]; plan?: Plan; warnings?: ScenarioIssue[] } {
  const source = new ScenarioSource(text, /\.json$/i.test(file));
  if (source.syntaxErrors.length > 0) {
    const issues = source.syntaxErrors.map((e) => ({
      file,
      ...source.positionOfOffset(e.offset),
      path: formatPath(e.path ?? []),
      message: e.message,
    }));
    return { issues };
  }
  if (source.data === null || source.data === undefined) {
    return {
      issues: [
        {
          file,
          line: 1,
          column: 1,
          path: "",
          message: "the scenario is empty: it needs at least name and duration",
        },
      ],
    };
  }
  const forbidden = forbiddenKeys(source.data);
  let data: unknown = source.data;
  if (overrides?.settings !== undefined && overrides.settings.length > 0) {
    data = structuredClone(source.data);
    const problems = overrides.settings.map((s) => applySetting(data, s)).filter((p) => p !== null);
    if (problems.length > 0)
      return { issues: problems.map((message) => ({ file, line: 0, column: 0, path: "", message })) };
  }
  const parsed = scenarioSchema.safeParse(data, { error: zodErrorMap, reportInput: true });
  if (!parsed.success || forbidden.length > 0) {
    // Every problem at once: the checks across sections run on the parts that parse.
    const fieldIssues = [...forbidden, ...(parsed.success ? [] : issuesFromZod(parsed.error.issues))];
    const later = laterIssues(data, fieldIssues, overrides?.untilUs, file);
    return { issues: positioned([...fieldIssues, ...later], source, file) };
  }
  const input: ScenarioInput = parsed.data;
  const { plan, issues } = compileScenario(input, {
    file,
    headerComment: source.headerComment(),
    seed: overrides?.seed,
    untilUs: overrides?.untilUs,
  });
  const warnings = issues.length === 0 ? positioned(planWarnings(plan), source, file) : [];
  return { issues: positioned(issues, source, file), plan, warnings };
}

/**
 * Keys that would reach Object.prototype if code indexed an object with
 * them: no scenario has them, and zod drops __proto__ from a record without
 * a word, so they are refused before the schema sees the data.
 */
function forbiddenKeys(data: unknown): PathIssue[] {
  const issues: PathIssue[] = [];
  const stack: { node: unknown; path: Path }[] = [{ node: data, path: [] }];
  while (stack.length > 0) {
    const { node, path } = stack.pop()!;
    if (Array.isArray(node)) {
      node.forEach((item, i) => stack.push({ node: item, path: [...path, i] }));
    } else if (node !== null && typeof node === "object") {
      for (const key of Object.keys(node)) {
        if (FORBIDDEN_KEYS.has(key)) {
          delete (node as Record<string, unknown>)[key];
          issues.push({
            path: [...path, key],
            atKey: true,
            message: `'${key}' is not allowed as a key: no field or name of a scenario is __proto__, constructor or prototype`,
          });
        } else stack.push({ node: (node as Record<string, unknown>)[key], path: [...path, key] });
      }
    }
  }
  return issues;
}

/** The issues with their positions, in the order of the text. */
function positioned(issues: PathIssue[], source: ScenarioSource, file: string): ScenarioIssue[] {
  return issues
    .map((i) => ({ file, ...source.positionOf(i), path: formatPath(i.path), message: i.message }))
    .sort((a, b) => a.line - b.line || a.column - b.column);
}

function checkOverrides(file: string, overrides: ScenarioOverrides | undefined): void {
  const bad: string[] = [];
  if (overrides?.seed !== undefined && !(Number.isSafeInteger(overrides.seed) && overrides.seed >= 0)) {
    bad.push(`the seed override must be an integer >= 0, got ${overrides.seed}`);
  }
  if (
    overrides?.untilUs !== undefined &&
    !(Number.isSafeInteger(overrides.untilUs) && overrides.untilUs > 0)
  ) {
    bad.push(`the until override must be a positive whole number of microseconds, got ${overrides.untilUs}`);
  }
  if (bad.length > 0)
    throw new ScenarioError(bad.map((message) => ({ file, line: 0, column: 0, path: "", message })));
}
