/** Renders the default prices and their sources as a Markdown table, for docs/cost.md (kept in sync by a test). */
import { ARCHITECTURES, DEFAULT_PRICING, type Pricing, PRICES_CHECKED, PRICING_SOURCES } from "./pricing.js";

function describePrice(key: keyof Pricing): string {
  const v = DEFAULT_PRICING[key];
  if (typeof v === "boolean") return String(v);
  if (typeof v === "number") return `$${v}`;
  return ARCHITECTURES.map((a) => `${a} $${v[a]}`).join(", ");
}

export function renderPricingTable(): string {
  const lines = [
    `| \`pricing:\` key | default (checked ${PRICES_CHECKED}) | source |`,
    "| --- | --- | --- |",
  ];
  for (const key of Object.keys(DEFAULT_PRICING) as (keyof Pricing)[])
    lines.push(`| \`${key}\` | ${describePrice(key)} | ${PRICING_SOURCES[key]} |`);
  return lines.join("\n");
}
