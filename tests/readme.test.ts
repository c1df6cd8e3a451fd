import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { docSections, fillSections } from "../src/docs/doc-sections.js";
import { runPlan } from "../src/model/run.js";
import { loadScenarioFile } from "../src/scenario/load.js";
import { buildCli } from "./helpers/build-cli.js";
import { apiCount, apiTotal } from "./helpers/run-traced.js";

describe("README", () => {
  const text = readFileSync(new URL("../README.md", import.meta.url), "utf8");

  it.each(Object.entries(docSections()))(
    "%s has its generated tables (rules, defaults, metrics) as the code defines them (run `npm run docs` to update)",
    (file, sections) => {
      const page = readFileSync(new URL(`../${file}`, import.meta.url), "utf8");
      expect(fillSections(page, sections)).toBe(page);
    },
  );

  it("links every page that holds a generated table", () => {
    for (const file of Object.keys(docSections())) expect(text).toContain(`](${file}`);
  });

  it("documents every run flag the CLI accepts", () => {
    for (const flag of [
      "--seed",
      "--partitions",
      "--until",
      "--out",
      "--trace",
      "--trace-filter",
      "--quiet",
      "--metrics-port",
      "--metrics-host",
      "--speed",
      "--hold",
      "--pushgateway",
      "--openmetrics",
      "--sample-interval",
      "--start-time",
      "--run-id",
    ]) {
      expect(text).toContain(`\`${flag}`);
    }
  });

  it("documents sweeps on a queue: sweep's --queue flags and the worker command, in the README and docs/cli.md", () => {
    const cli = readFileSync(new URL("../docs/cli.md", import.meta.url), "utf8");
    const sweep = readFileSync(new URL("../docs/sweep.md", import.meta.url), "utf8");
    for (const page of [text, cli])
      for (const flag of ["--queue URL", "--queue-timeout S", "--concurrency N", "fleet-sim worker"])
        expect(page).toContain(`\`${flag}`);
    expect(sweep).toContain("## Sweeps on many machines");
    expect(sweep).toContain("docker-compose.sweep.yml");
  });
});

describe("the README's first scenario (11.15)", () => {
  const text = readFileSync(new URL("../README.md", import.meta.url), "utf8");
  const section = text.slice(text.indexOf("## Your first scenario"));
  const yaml = /```yaml\n([\s\S]*?)```/.exec(section)?.[1] ?? "";
  const run = (edit: (y: string) => string) => {
    const dir = mkdtempSync(join(tmpdir(), "fleet-sim-first-"));
    try {
      const file = join(dir, "first.yaml");
      writeFileSync(file, edit(yaml));
      return runPlan(loadScenarioFile(file), { partitions: 4 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it("11.15: is a short scenario that runs with the figures the README quotes", () => {
    expect(yaml.split("\n").length).toBeLessThanOrEqual(30);
    const out = run((y) => y);
    expect(apiTotal(out, "CreateFunction")).toBe(40);
    expect(apiTotal(out, "Invoke")).toBe(10899);
    expect(apiCount(out, "Invoke", "ResourceConflictException")).toBe(348);
    expect(section).toContain("ResourceConflictException=348");
  });

  it("11.15: its two suggested edits give what the README says (308 conflicts, then none)", () => {
    const waiter = (y: string) => y.replace("waiter: none", "waiter: FunctionActiveV2");
    expect(apiCount(run(waiter), "Invoke", "ResourceConflictException")).toBe(308);
    const later = (y: string) =>
      waiter(y).replace("at: 1m, action: invoke, for: 9m", "at: 2m, action: invoke, for: 8m");
    const out = run(later);
    expect(apiCount(out, "Invoke", "ResourceConflictException")).toBe(0);
    expect(apiCount(out, "Invoke", "OK")).toBe(apiTotal(out, "Invoke"));
  });
});

describe("shipped scenarios (11.15)", () => {
  const files = ["scenarios", "scenarios/scale", "bench/scenarios"].flatMap((d) =>
    readdirSync(d)
      .filter((f) => f.endsWith(".yaml"))
      .map((f) => join(d, f)),
  );

  it.each(files)("11.15: %s starts with the $schema modeline the README recommends", (file) => {
    const first = readFileSync(file, "utf8").split("\n")[0];
    const schema = relative(dirname(file), "schema/scenario.schema.json");
    expect(first).toBe(`# yaml-language-server: $schema=${schema}`);
  });
  it("11.13: the sweep example's table and edge sentence are what the sweep prints", () => {
    const text = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    const block =
      /```text\n\$ fleet-sim sweep scenarios\/capacity-concurrency\.yaml \\\n {4}(.*)\n([\s\S]*?)```/.exec(
        text,
      );
    expect(block).not.toBeNull();
    const [, flags, shown] = block as RegExpExecArray;
    const args = flags.split(" ").filter((a) => a !== "--html" && !a.endsWith(".html"));
    const main = buildCli("readme-sweep");
    const r = spawnSync(process.execPath, [main, "sweep", "scenarios/capacity-concurrency.yaml", ...args], {
      cwd: join(import.meta.dirname, ".."),
      encoding: "utf8",
    });
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(shown.trim());
  }, 300_000);
});
