/** Distributions as the file writes them, and as the Plan holds them. */
import type { Distribution } from "../model/plan.js";
import { formatDurationUs, toUs } from "./units.js";
import type { DistributionInput } from "./values.js";

/** Compiles a validated distribution (schema.ts checked its bounds and order). */
export function toDistribution(d: DistributionInput): Distribution {
  if (typeof d === "string" || typeof d === "number") return { kind: "constant", valueUs: toUs(d) };
  if ("constant" in d) return { kind: "constant", valueUs: toUs(d.constant) };
  if ("uniform" in d) return { kind: "uniform", minUs: toUs(d.uniform[0]), maxUs: toUs(d.uniform[1]) };
  if ("exponential" in d) return { kind: "exponential", meanUs: toUs(d.exponential.mean) };
  if ("lognormal" in d) {
    return { kind: "lognormal", medianUs: toUs(d.lognormal.median), p99Us: toUs(d.lognormal.p99) };
  }
  const points = Object.entries(d.empirical)
    .map(([key, value]) => ({ p: Number(key.slice(1)), valueUs: toUs(value) }))
    .sort((a, b) => a.p - b.p);
  return { kind: "empirical", points };
}

/** The file form of a distribution, for docs and messages: "{ lognormal: { median: 300ms, p99: 2s } }". */
export function formatDistribution(d: Distribution): string {
  const f = formatDurationUs;
  switch (d.kind) {
    case "constant":
      return f(d.valueUs);
    case "uniform":
      return `{ uniform: [${f(d.minUs)}, ${f(d.maxUs)}] }`;
    case "exponential":
      return `{ exponential: { mean: ${f(d.meanUs)} } }`;
    case "lognormal":
      return `{ lognormal: { median: ${f(d.medianUs)}, p99: ${f(d.p99Us)} } }`;
    case "empirical":
      return `{ empirical: { ${d.points.map((pt) => `p${pt.p}: ${f(pt.valueUs)}`).join(", ")} } }`;
  }
}
