/**
 * docs/metrics.md's reference table, generated from the metric families
 * (`npm run docs`); tests/readme.test.ts fails when it is out of date.
 */
import { COMMON_LABELS, FAMILIES, FUNCTION_LABEL } from "../measures/families.js";

export function metricsTableMarkdown(): string {
  const rows = FAMILIES.map((f) => {
    const own = f.labels.map((l) => `\`${l}\``);
    if (f.type !== "histogram" && f.byFunction !== undefined)
      own.push(`\`${FUNCTION_LABEL}\` (with \`--metrics-function-labels\`)`);
    const labels = own.join(", ");
    return `| \`${f.name}\` | ${f.type} | ${labels} | ${f.help.replace(/\|/g, "\\|")} |`;
  });
  const common = COMMON_LABELS.map((l) => `\`${l}\``).join(" and ");
  return [
    `Every series also carries ${common}. \`template\` is the function template (the scenario's \`functions[].template\`).`,
    "",
    "| name | type | labels | meaning |",
    "| --- | --- | --- | --- |",
    ...rows,
  ].join("\n");
}
