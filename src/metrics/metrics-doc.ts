/**
 * The README's metrics reference table, generated from the metric families
 * (`npm run docs`); tests/readme.test.ts fails when it is out of date.
 */
import { COMMON_LABELS, FAMILIES } from "./families.js";

export function metricsTableMarkdown(): string {
  const rows = FAMILIES.map((f) => {
    const labels = f.labels.length === 0 ? "" : f.labels.map((l) => `\`${l}\``).join(", ");
    return `| \`${f.name}\` | ${f.type} | ${labels} | ${f.help.replace(/\|/g, "\\|")} |`;
  });
  const common = COMMON_LABELS.map((l) => `\`${l}\``).join(" and ");
  return [
    `Every series also carries ${common}.`,
    "",
    "| name | type | labels | meaning |",
    "| --- | --- | --- | --- |",
    ...rows,
  ].join("\n");
}
