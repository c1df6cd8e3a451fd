import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MODEL_DEFAULTS } from "../src/model/defaults.js";
import { formatDistribution } from "../src/scenario/distribution.js";
import { loadScenarioText, validateScenarioText } from "../src/scenario/load.js";
import { modelFileKey } from "../src/scenario/schema.js";
import { formatDurationUs } from "../src/scenario/units.js";
import { scenarioJsonSchemaText } from "../src/scenario/write-schema.js";

describe("the JSON Schema", () => {
  it("committed in schema/ is what the zod definition generates (npm run build && npm run schema)", () => {
    expect(readFileSync("schema/scenario.schema.json", "utf8")).toBe(scenarioJsonSchemaText());
  });

  it("knows every ModelDefaults key under model:, the *Us ones without their suffix", () => {
    const schema = JSON.parse(scenarioJsonSchemaText());
    const fileKeys = Object.keys(MODEL_DEFAULTS).map((k) => (k.endsWith("Us") ? k.slice(0, -2) : k));
    expect(Object.keys(schema.properties.model.properties)).toEqual(fileKeys);
    expect(schema.additionalProperties).toBe(false);
  });
});

describe("shipped scenarios", () => {
  const dir = "scenarios";
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => /\.(ya?ml|json)$/.test(f)) : [];

  it.each(files.length > 0 ? files : ["(none yet)"])("%s is valid", (file) => {
    if (!files.includes(file)) return;
    const path = join(dir, file);
    expect(validateScenarioText(readFileSync(path, "utf8"), path)).toEqual([]);
  });

  it("the full example in the tests is valid", () => {
    const path = "tests/fixtures/scenarios/full.yaml";
    expect(validateScenarioText(readFileSync(path, "utf8"), path)).toEqual([]);
  });
});

describe("docs/scenario-reference.md", () => {
  const doc = readFileSync("docs/scenario-reference.md", "utf8");

  it("its complete example compiles", () => {
    const example = doc.slice(doc.indexOf("## A complete example")).match(/```yaml\n([\s\S]*?)```/)![1];
    const plan = loadScenarioText(example, "example.yaml");
    expect(plan.functions.names).toHaveLength(110);
    expect(plan.invokeStreams[0].startUs).toBe(11_000_000);
  });

  it("its model table shows the current defaults", () => {
    const rows = new Map([...doc.matchAll(/^\| `(\w+)` \| (.*) \|$/gm)].map((m) => [m[1], m[2]]));
    for (const [key, value] of Object.entries(MODEL_DEFAULTS) as [keyof typeof MODEL_DEFAULTS, unknown][]) {
      const shown =
        key === "initDurationByRuntime" || key === "firstInvokeLatencyByRuntime"
          ? Object.entries(MODEL_DEFAULTS[key])
              .map(([family, d]) => `${family} ${formatDistribution(d)}`)
              .join("; ")
          : key.endsWith("Us")
            ? formatDurationUs(value as number)
            : typeof value === "number" || typeof value === "string"
              ? String(value)
              : formatDistribution(value as Parameters<typeof formatDistribution>[0]);
      expect(rows.get(modelFileKey(key)), modelFileKey(key)).toBe(shown);
    }
  });
});
