/**
 * Renders the model defaults and their sources as a Markdown table, for the
 * README (kept in sync by a test).
 */
import { DEFAULT_SOURCES, MODEL_DEFAULTS, type ModelDefaults } from "./defaults.js";
import type { Distribution } from "./plan.js";

/** Scenario key of each default (`model:` section): the name without its `Us` unit suffix. */
export function scenarioKeyOf(key: keyof ModelDefaults): string {
  return key.endsWith("Us") ? key.slice(0, -2) : key;
}

function us(v: number): string {
  if (v === 0) return "0";
  if (v % 86_400_000_000 === 0) return `${v / 86_400_000_000}d`;
  if (v % 3_600_000_000 === 0) return `${v / 3_600_000_000}h`;
  if (v % 60_000_000 === 0) return `${v / 60_000_000}m`;
  if (v % 1_000_000 === 0) return `${v / 1_000_000}s`;
  if (v % 1_000 === 0) return `${v / 1_000}ms`;
  return `${v}us`;
}

export function describeDistribution(d: Distribution): string {
  switch (d.kind) {
    case "constant":
      return us(d.valueUs);
    case "uniform":
      return `uniform ${us(d.minUs)}-${us(d.maxUs)}`;
    case "exponential":
      return `exponential, mean ${us(d.meanUs)}`;
    case "lognormal":
      return `lognormal, median ${us(d.medianUs)}, p99 ${us(d.p99Us)}`;
    case "empirical":
      return `empirical (${d.points.map((p) => `p${p.p} ${us(p.valueUs)}`).join(", ")})`;
  }
}

function describeValue(key: keyof ModelDefaults, v: unknown): string {
  if (typeof v === "number") return key.endsWith("Us") ? us(v) : String(v);
  if (typeof v === "string") return v;
  if (key.endsWith("ByRuntime")) {
    return Object.entries(v as Record<string, Distribution>)
      .map(([rt, d]) => `${rt}: ${describeDistribution(d)}`)
      .join("; ");
  }
  return describeDistribution(v as Distribution);
}

export function renderDefaultsTable(): string {
  const lines = ["| `model:` key | default | source |", "| --- | --- | --- |"];
  for (const key of Object.keys(MODEL_DEFAULTS) as (keyof ModelDefaults)[]) {
    lines.push(
      `| \`${scenarioKeyOf(key)}\` | ${describeValue(key, MODEL_DEFAULTS[key])} | ${DEFAULT_SOURCES[key]} |`,
    );
  }
  return lines.join("\n");
}
