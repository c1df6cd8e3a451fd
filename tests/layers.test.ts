/**
 * The dependency check of `npm run lint` can fail. Run with the repository's rules
 * (.dependency-cruiser.mjs, through scripts/check-layers.mjs) on
 * tests/fixtures/layers, a small src/ tree that breaks each rule, it names exactly
 * the imports that break them, each with its rule, and none of the allowed ones.
 * Type-only imports count: the engine's import of the model and the scenario
 * cycle are `import type`.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const FIXTURE = join(ROOT, "tests/fixtures/layers");
const CHECK = join(ROOT, "scripts/check-layers.mjs");
const DEPCRUISE = join(ROOT, "node_modules/dependency-cruiser/bin/dependency-cruise.mjs");

const EXPECTED = [
  "engine-imports-only-engine: src/engine/clock.ts -> src/model/actor.ts (engine imports model)",
  "import-of-unlayered-folder: src/cli/main.ts -> src/api/server.ts (cli imports api)",
  "layer-metrics: src/metrics/counter.ts -> src/report/summary.ts (metrics imports report)",
  "layer-scenario: src/scenario/thresholds.ts -> src/report/summary.ts (scenario imports report)",
  "no-cycle: src/scenario/compile.ts -> src/scenario/scope.ts -> src/scenario/compile.ts",
  "trace-imports-only-trace: src/trace/rows.ts -> src/engine/time.ts (trace imports engine)",
  "unlayered-folder: src/api/server.ts -> src/model/actor.ts (api imports model)",
];

const scratch = mkdtempSync(join(tmpdir(), "layers-test-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function check(...args: string[]): { status: number | null; stdout: string } {
  const result = spawnSync(process.execPath, [CHECK, ...args], { cwd: FIXTURE, encoding: "utf8" });
  expect(result.stderr).toBe("");
  return { status: result.status, stdout: result.stdout };
}

/** The violations listed under the line starting with `heading` ("error:", "warning:", "note:"). */
function section(stdout: string, heading: string): string[] {
  const lines = stdout.split("\n");
  const start = lines.findIndex((line) => line.startsWith(heading));
  if (start < 0) return [];
  const entries: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (!line.startsWith("  ")) break;
    if (!line.startsWith("      ")) entries.push(line.trim());
  }
  return entries.sort();
}

/** Writes the baseline as `npm run lint:layers:baseline` does, with its own depcruise command. */
function writeBaseline(file: string): void {
  const script = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).scripts["lint:layers:baseline"];
  const args: string[] = script.split(" && ")[0].split(" ").slice(1);
  args[args.indexOf("--config") + 1] = join(ROOT, ".dependency-cruiser.mjs");
  args[args.indexOf("--output-to") + 1] = file;
  const result = spawnSync(process.execPath, [DEPCRUISE, ...args], { cwd: FIXTURE, encoding: "utf8" });
  expect(result.stderr).toBe("");
  expect(result.status).toBe(0);
}

describe("the layer check (npm run lint:layers)", () => {
  it("fails on an upward import, a sibling import, a cycle of types and a folder in no layer, naming rule and edge", () => {
    const { status, stdout } = check();
    expect(status).toBe(1);
    expect(section(stdout, "error:")).toEqual(EXPECTED);
    expect(stdout).toContain(
      "src/metrics/ may import only itself and the layers below it (scenario, measures, model, trace, engine); " +
        "report is a sibling, not below.",
    );
    expect(stdout).not.toContain("warning:");
  });

  it("passes with the baseline that lint:layers:baseline writes, and lists the known violations as warnings", () => {
    const baseline = join(scratch, "all-known.json");
    writeBaseline(baseline);
    const { status, stdout } = check("--baseline", baseline);
    expect(status).toBe(0);
    expect(section(stdout, "warning:")).toEqual(EXPECTED);
    expect(section(stdout, "error:")).toEqual([]);
    expect(stdout).toContain("layers: no new dependency violations");
  });

  it("fails on what the baseline does not know, and names baseline entries that are fixed", () => {
    const all = join(scratch, "all.json");
    writeBaseline(all);
    const known = JSON.parse(readFileSync(all, "utf8")).filter(
      (entry: { rule: { name: string } }) => entry.rule.name === "layer-metrics",
    );
    const fixed = { type: "dependency", from: "src/model/gone.ts", to: "src/scenario/gone.ts" };
    known.push({ ...fixed, rule: { severity: "error", name: "layer-model" } });
    const partial = join(scratch, "partial.json");
    writeFileSync(partial, JSON.stringify(known));

    const { status, stdout } = check("--baseline", partial);
    expect(status).toBe(1);
    expect(section(stdout, "warning:")).toEqual([EXPECTED[2]]);
    expect(section(stdout, "error:")).toEqual(EXPECTED.filter((_, i) => i !== 2));
    expect(section(stdout, "note:")).toEqual([
      "layer-model: src/model/gone.ts -> src/scenario/gone.ts (model imports scenario)",
    ]);
  });
});
