/**
 * Figures and lists the docs state about the tool, checked against the tool
 * itself (11.3), so the docs cannot drift from what a user observes.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { simulate } from "../src/cli/simulate.js";
import { stripWallClock } from "../src/report/json-report.js";
import { loadScenarioFile } from "../src/scenario/load.js";
import { buildCli } from "./helpers/build-cli.js";

const page = (p: string) => readFileSync(new URL(`../${p}`, import.meta.url), "utf8");

/** Every leaf of a JSON value, by path. */
function leaves(v: unknown, path = "", out = new Map<string, unknown>()): Map<string, unknown> {
  if (v !== null && typeof v === "object") {
    for (const [k, x] of Object.entries(v)) leaves(x, path === "" ? k : `${path}.${k}`, out);
  } else out.set(path, v);
  return out;
}

describe("docs against the tool (11.3)", () => {
  it("11.3: a run that samples differs from one that does not only in run.windows, as report-schema.md says", async () => {
    const file = "scenarios/quickstart.yaml";
    const once = async (htmlSampleIntervalUs: number | null) => {
      const { report } = await simulate({
        plan: loadScenarioFile(file),
        file,
        partitions: 8,
        traceFd: null,
        traceFilter: "*",
        stopFlag: null,
        metrics: null,
        workers: 0,
        workerMemoryMb: 4096,
        htmlSampleIntervalUs,
      });
      return leaves(stripWallClock(report));
    };
    const plain = await once(null);
    const sampled = await once(15_000_000);
    const differing = [...new Set([...plain.keys(), ...sampled.keys()])].filter(
      (k) => plain.get(k) !== sampled.get(k),
    );
    expect(differing).toEqual(["run.windows"]);
    const doc = page("docs/report-schema.md");
    expect(doc).toContain("so `run.windows`\ndiffers from a run without it");
    const fmt = (n: unknown) => Number(n).toLocaleString("en-US");
    expect(doc).toContain(
      `${fmt(plain.get("run.windows"))} rounds plain, ${fmt(sampled.get("run.windows"))}\nwith`,
    );
  });

  it(
    "11.3: docs/cli.md names every command `fleet-sim --help` lists, and counts none",
    { timeout: 120_000 },
    () => {
      const help = spawnSync(process.execPath, [buildCli("docs-figures-cli"), "--help"], {
        encoding: "utf8",
      });
      const commands = [...help.stdout.matchAll(/^ {2}fleet-sim (\w+)/gm)].map((m) => m[1]);
      expect(commands.length).toBeGreaterThanOrEqual(3);
      const intro = page("docs/cli.md").split("\n## ")[0];
      for (const c of commands) expect(intro).toContain(`\`${c}\``);
      expect(intro).not.toMatch(/\b(Two|Three|Four) commands\b/);
    },
  );

  it(
    "11.3: the quickstart's sample count and the series per labelled function are what docs/metrics.md and docs/cli.md say",
    { timeout: 180_000 },
    () => {
      const main = buildCli("docs-figures-cli");
      const dir = mkdtempSync(join(tmpdir(), "fleet-sim-docs-figures-"));
      try {
        const samples = (labels: number) => {
          const file = join(dir, `q${labels}.om`);
          const args = [
            "run",
            "scenarios/quickstart.yaml",
            "--quiet",
            "--openmetrics",
            file,
            "--metrics-function-labels",
            String(labels),
          ];
          spawnSync(process.execPath, [main, ...args], { encoding: "utf8" });
          const lines = readFileSync(file, "utf8")
            .split("\n")
            .filter((l) => l !== "" && !l.startsWith("#"));
          return new Set(lines.map((l) => l.slice(0, l.lastIndexOf("} ") + 1) || l.split(" ")[0]));
        };
        const plain = samples(0);
        const metricsDoc = page("docs/metrics.md");
        expect(metricsDoc).toContain(`one VPC) has ${plain.size}\nsamples`);
        const labelled = [...samples(1)].filter((k) => /function="(?!other")/.test(k));
        const perFunction = new Map<string, number>();
        for (const k of labelled) {
          const f = /function="([^"]+)"/.exec(k)![1];
          perFunction.set(f, (perFunction.get(f) ?? 0) + 1);
        }
        const counts = new Set(perFunction.values());
        expect(counts.size).toBe(1);
        const n = [...counts][0];
        expect(page("docs/cli.md")).toContain(`each labelled function adds ${n} series`);
        expect(metricsDoc).toContain(`adds series per function, ${n} for each`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
