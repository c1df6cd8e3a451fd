import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { docSections, fillSections } from "../src/docs/doc-sections.js";

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
});
