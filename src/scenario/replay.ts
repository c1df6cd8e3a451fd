/**
 * A `replay` workload step as the plan holds it (issue 14): the trace's
 * files resolved against the scenario's directory and checked to exist, the
 * functions it may play, and how trace functions map to them.
 */
import { readFileSync, statSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import type { PlanReplay } from "../model/plan.js";
import { LATEST } from "../model/qualifiers.js";
import { readAzure2019Durations, readAzure2019Invocations } from "../trace/azure-2019.js";
import { openAzure2021, openCsvTrace } from "../trace/row-cursor.js";
import { TraceInputError } from "../trace/trace-input-error.js";
import type { Path } from "./issues.js";
import type { StepInput } from "./schema.js";
import type { Scope } from "./scope.js";
import { formatDurationUs, toUs } from "./units.js";

type ReplayStepInput = Extract<StepInput, { action: "replay" }>;

/** One minute: the per-minute format's unit, which its window must be made of. */
const MINUTE_US = 60_000_000;

export function compileReplay(
  step: ReplayStepInput,
  startUs: number,
  path: Path,
  scope: Scope,
): PlanReplay | null {
  const targets = scope.fleet.select(step.functions, [...path, "functions"]);
  const caller = scope.callers.ref(step.caller, [...path, "caller"]);
  const endUs = step.for === undefined ? scope.durationUs : startUs + toUs(step.for);
  if (step.for === undefined && startUs >= scope.durationUs) {
    scope.issues.push({
      path,
      message: "the replay starts at the scenario's end: give it a for, or start it earlier",
    });
  }
  const t = step.trace;
  const fromUs = toUs(t.from);
  const tracePath = [...path, "trace"];
  let source: PlanReplay["source"] | null;
  if (t.format === "azure-2019") {
    const files = t.files!.map((f, i) => {
      const file = traceFile(f, [...tracePath, "files", i], scope);
      return file !== null && readsHeader(t.format, file, [...tracePath, "files", i], scope) ? file : null;
    });
    const durationFiles = (t.durationFiles ?? []).map((f, i) => {
      const where = [...tracePath, "durationFiles", i];
      const file = traceFile(f, where, scope);
      return file !== null && readsDurationsHeader(file, where, scope) ? file : null;
    });
    source =
      files.every((f) => f !== null) && durationFiles.every((f) => f !== null)
        ? {
            format: "azure-2019",
            files: files as string[],
            arrivals: t.arrivals ?? "poisson",
            ...(durationFiles.length > 0 ? { durationFiles: durationFiles as string[] } : {}),
          }
        : null;
    const checks: [string, number, Path][] = [
      ["trace.from", fromUs, [...tracePath, "from"]],
      ["the replay's length", endUs - startUs, step.for === undefined ? path : [...path, "for"]],
    ];
    for (const [what, us, where] of checks) {
      if (us % MINUTE_US !== 0)
        scope.issues.push({
          path: where,
          message: `${what} is ${formatDurationUs(us)}: an azure-2019 trace counts by the minute, so it must be whole minutes`,
        });
    }
  } else {
    const file = traceFile(t.file!, [...tracePath, "file"], scope);
    source =
      file === null || !readsHeader(t.format, file, [...tracePath, "file"], scope)
        ? null
        : { format: t.format, file };
  }
  if (targets === null || source === null) return null;
  const replay: PlanReplay = {
    source,
    startUs,
    endUs,
    fromUs,
    lookaheadUs: toUs(t.lookahead),
    targets,
    match:
      step.match === "name" || step.match === "order"
        ? { kind: step.match }
        : {
            kind: "map",
            pairs:
              typeof step.match.map === "string"
                ? mappingPairs(step.match.map, targets, [...path, "match", "map"], scope)
                : inlinePairs(step.match.map, targets, [...path, "match", "map"], scope),
          },
    traceDurations: t.durations === "trace",
    traceBytes: (source.format === "azure-2019" ? source.files : [source.file]).reduce(
      (n, f) => n + statSync(f).size,
      0,
    ),
    qualifier:
      step.qualifier === undefined ? LATEST : scope.qualifier(step.qualifier, [...path, "qualifier"]),
  };
  if (caller >= 0) replay.caller = caller;
  return replay;
}

/** Whether the trace starts as its format says (its header): checked now, so a wrong file fails before the run. */
function readsHeader(
  format: PlanReplay["source"]["format"],
  file: string,
  path: Path,
  scope: Scope,
): boolean {
  try {
    if (format === "azure-2019") {
      // The first row is read too (the generator reads on demand); return() closes the file.
      const rows = readAzure2019Invocations(file);
      rows.next();
      rows.return(undefined);
    } else {
      const cursor = format === "azure-2021" ? openAzure2021(file) : openCsvTrace(file);
      cursor.close();
    }
    return true;
  } catch (e) {
    if (!(e instanceof TraceInputError)) throw e;
    scope.issues.push({ path, message: e.message });
    return false;
  }
}

/** Whether a durations file is one (read whole: a day's file holds one row a function, a few MB). */
function readsDurationsHeader(file: string, path: Path, scope: Scope): boolean {
  try {
    readAzure2019Durations(file, () => false);
    return true;
  } catch (e) {
    if (!(e instanceof TraceInputError)) throw e;
    scope.issues.push({ path, message: e.message });
    return false;
  }
}

/** The file's absolute path, relative names taken from the scenario's directory; null (and an issue) when it is not a readable file. */
function traceFile(name: string, path: Path, scope: Scope): string | null {
  const file = isAbsolute(name) ? name : resolve(scope.baseDir, name);
  try {
    if (statSync(file).isFile()) return file;
    scope.issues.push({ path, message: `${file} is not a file` });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    scope.issues.push({
      path,
      message:
        code === "ENOENT" ? `no such file: ${file}` : `cannot read ${file}: ${code ?? (e as Error).message}`,
    });
  }
  return null;
}

/**
 * A mapping file: a CSV with the header `trace_function,function`, one
 * trace function (its key or its name) per line and the selected scenario
 * function that plays it.
 */
function mappingPairs(name: string, targets: Int32Array, path: Path, scope: Scope): [string, number][] {
  const file = traceFile(name, path, scope);
  if (file === null) return [];
  const byName = new Map<string, number>();
  for (const g of targets) byName.set(scope.fleet.names[g], g);
  const pairs: [string, number][] = [];
  const lines = readFileSync(file, "utf8").split(/\r?\n/);
  const problem = (line: number, message: string) =>
    scope.issues.push({ path, message: `${file}:${line}: ${message}` });
  if (lines[0]?.trim() !== "trace_function,function") {
    problem(1, `expected the header trace_function,function, found '${(lines[0] ?? "").slice(0, 60)}'`);
    return [];
  }
  const seen = new Set<string>();
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === "" || line.startsWith("#")) continue;
    const fields = line.split(",");
    if (fields.length !== 2 || fields[0] === "" || fields[1] === "") {
      problem(i + 1, `expected trace_function,function, found '${line.slice(0, 60)}'`);
      continue;
    }
    const g = byName.get(fields[1]);
    if (g === undefined) {
      problem(i + 1, `function '${fields[1]}' is not one of the replay's functions`);
      continue;
    }
    if (seen.has(fields[0])) problem(i + 1, `trace function '${fields[0]}' is mapped twice`);
    seen.add(fields[0]);
    pairs.push([fields[0], g]);
  }
  return pairs;
}

/** A mapping written in the scenario: trace function (its key or its name) -> selected function. */
function inlinePairs(
  map: Record<string, string>,
  targets: Int32Array,
  path: Path,
  scope: Scope,
): [string, number][] {
  const byName = new Map<string, number>();
  for (const g of targets) byName.set(scope.fleet.names[g], g);
  const pairs: [string, number][] = [];
  for (const [key, name] of Object.entries(map)) {
    const g = byName.get(name);
    if (g === undefined)
      scope.issues.push({
        path: [...path, key],
        message: `function '${name}' is not one of the replay's functions`,
      });
    else pairs.push([key, g]);
  }
  return pairs;
}
