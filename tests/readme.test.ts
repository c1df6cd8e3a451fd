import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { fillSections, readmeSections } from "../src/docs/readme-sections.js";

describe("README", () => {
  const text = readFileSync(new URL("../README.md", import.meta.url), "utf8");

  it("has the rules table, the model defaults and the metrics table as the code defines them (run `npm run docs` to update)", () => {
    expect(fillSections(text, readmeSections())).toBe(text);
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
