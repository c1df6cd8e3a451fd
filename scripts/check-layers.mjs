// `npm run lint:layers`: checks src/ against the layer and cycle rules in
// .dependency-cruiser.mjs. A violation recorded in the known-violations baseline
// is printed as a warning; any other fails the check (exit 1). dependency-cruiser's
// own `--ignore-known` would hide the known ones, so this reads the baseline itself.
//
// Regenerate the baseline (it should only ever shrink): npm run lint:layers:baseline
//
// Usage: node scripts/check-layers.mjs [--baseline FILE]
// Paths are relative to the working directory, which must hold src/;
// the rules are always the repository's own.
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { cruise } from "dependency-cruiser";
import extractDepcruiseOptions from "dependency-cruiser/config-utl/extract-depcruise-options";

const RULES_FILE = fileURLToPath(new URL("../.dependency-cruiser.mjs", import.meta.url));
const REGENERATE = "npm run lint:layers:baseline";

const { values: args } = parseArgs({
  options: { baseline: { type: "string", default: ".dependency-cruiser-known-violations.json" } },
});

const options = await extractDepcruiseOptions(RULES_FILE);
const { output } = await cruise(["src"], { ...options, outputType: "json" });
const result = typeof output === "string" ? JSON.parse(output) : output;

const comments = new Map(result.summary.ruleSetUsed.forbidden.map((rule) => [rule.name, rule.comment]));
const known = existsSync(args.baseline) ? JSON.parse(readFileSync(args.baseline, "utf8")) : [];
const found = result.summary.violations;

// The same matching as dependency-cruiser's --ignore-known: same rule and edge, or
// for a cycle the same modules whichever one it is reported from.
const cycleNames = (violation) => (violation.cycle ?? []).map((step) => step.name);
function sameViolation(a, b) {
  if (a.rule.name !== b.rule.name) return false;
  if (a.cycle && b.cycle) {
    const names = cycleNames(b);
    return a.cycle.length === b.cycle.length && cycleNames(a).every((name) => names.includes(name));
  }
  return a.from === b.from && a.to === b.to;
}

const folder = (path) => /^src\/([^/]+)\//.exec(path)?.[1] ?? path;
function describe(violation) {
  const edge = violation.cycle
    ? [violation.from, ...cycleNames(violation)].join(" -> ")
    : `${violation.from} -> ${violation.to} (${folder(violation.from)} imports ${folder(violation.to)})`;
  const why = comments.get(violation.rule.name);
  return `  ${violation.rule.name}: ${edge}${why ? `\n      ${why}` : ""}`;
}

const fresh = found.filter((violation) => !known.some((entry) => sameViolation(entry, violation)));
const stillKnown = found.filter((violation) => !fresh.includes(violation));
const fixed = known.filter((entry) => !found.some((violation) => sameViolation(entry, violation)));

const count = (n, noun) => `${n} ${noun}${n === 1 ? "" : "s"}`;
const lines = [];
if (stillKnown.length > 0) {
  lines.push(`warning: ${count(stillKnown.length, "known violation")} (${args.baseline}), to be fixed:`);
  lines.push(...stillKnown.map(describe), "");
}
if (fixed.length > 0) {
  lines.push(
    `note: fixed since the baseline was written (${fixed.length}); drop them with \`${REGENERATE}\`:`,
  );
  lines.push(...fixed.map(describe), "");
}
if (fresh.length > 0) {
  lines.push(`error: ${count(fresh.length, "new dependency violation")} (rules: .dependency-cruiser.mjs):`);
  lines.push(...fresh.map(describe), "");
  lines.push(
    "Fix the import: docs/architecture.md (Layers) says what belongs where. The baseline is " +
      "for violations older than this check, not for new ones.",
  );
} else {
  lines.push(
    `layers: no new dependency violations (${result.summary.totalCruised} modules, ` +
      `${result.summary.totalDependenciesCruised} imports).`,
  );
}
console.log(lines.join("\n"));
process.exitCode = fresh.length > 0 ? 1 : 0;
