/**
 * The generated sections of the documentation, each between
 * `<!-- BEGIN name -->` and `<!-- END name -->` markers in its page.
 * `npm run docs` rewrites them; a test fails when a page is out of date.
 */
import { metricsTableMarkdown } from "../metrics/metrics-doc.js";
import { renderDefaultsTable } from "../model/defaults-doc.js";
import { lifecycleTableMarkdown } from "../model/lifecycle-doc.js";
import { renderPricingTable } from "../model/pricing-doc.js";
import { metricsListMarkdown } from "../measures/report-metrics.js";

/** Page (relative to the repository root) -> section name -> generated body. */
export function docSections(): Record<string, Record<string, string>> {
  return {
    "docs/model.md": {
      "rules-table": lifecycleTableMarkdown(),
      "defaults-table": renderDefaultsTable(),
    },
    "docs/metrics.md": { "metrics-table": metricsTableMarkdown() },
    "docs/report-metrics.md": { "report-metrics": metricsListMarkdown() },
    "docs/cost.md": { "pricing-table": renderPricingTable() },
  };
}

/** Replaces the body of each named section of `text`; sections absent from `sections` stay. */
export function fillSections(text: string, sections: Record<string, string>): string {
  let out = text;
  for (const [name, body] of Object.entries(sections)) {
    const begin = `<!-- BEGIN ${name} -->`;
    const end = `<!-- END ${name} -->`;
    const i = out.indexOf(begin);
    const j = out.indexOf(end);
    if (i < 0 || j < i) throw new Error(`no section ${name}`);
    out = `${out.slice(0, i + begin.length)}\n${body}\n${out.slice(j)}`;
  }
  return out;
}
