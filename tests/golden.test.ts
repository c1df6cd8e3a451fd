/**
 * Every shipped scenario's report at two seeds is byte-identical to the one
 * committed in tests/golden/, whatever the engine settings. Each (scenario,
 * seed) is checked at the CLI's defaults' partitions on one thread and at one
 * more setting of the workers 0/1/2 x partitions 1/3/8 matrix, in rotation,
 * so every setting is covered; GOLDEN_MATRIX=all checks every setting of
 * every pair (about ten minutes here). UPDATE_GOLDEN=1 rewrites the files:
 * only for a change meant to change behaviour, and say so in its commit.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  ENGINE_MATRIX,
  GOLDEN_DIR,
  GOLDEN_SEEDS,
  goldenPath,
  goldenReport,
  shippedScenarios,
} from "./helpers/golden.js";

const update = process.env.UPDATE_GOLDEN === "1";
const all = process.env.GOLDEN_MATRIX === "all";
const REFERENCE = { workers: 0, partitions: 8 };

const cases = shippedScenarios().flatMap((file) => GOLDEN_SEEDS.map((seed) => ({ file, seed })));

describe("golden reports", () => {
  it("covers every shipped scenario", () => {
    expect(cases.length).toBeGreaterThanOrEqual(2 * 15);
  });

  cases.forEach(({ file, seed }, i) => {
    const settings = all
      ? ENGINE_MATRIX
      : [REFERENCE, ENGINE_MATRIX[i % ENGINE_MATRIX.length]].filter(
          (s, k, list) => k === 0 || s.workers !== list[0].workers || s.partitions !== list[0].partitions,
        );
    it(
      `${file} seed ${seed}: the report is the committed one (${settings
        .map((s) => `w${s.workers}p${s.partitions}`)
        .join(", ")})`,
      { timeout: 600_000 },
      async () => {
        const path = goldenPath(file, seed);
        if (update) {
          mkdirSync(GOLDEN_DIR, { recursive: true });
          writeFileSync(path, await goldenReport(file, seed, REFERENCE));
        }
        expect(existsSync(path), `${path} is missing: run UPDATE_GOLDEN=1 npx vitest run tests/golden`).toBe(
          true,
        );
        const expected = readFileSync(path, "utf8");
        for (const s of settings) {
          const actual = await goldenReport(file, seed, s);
          expect(actual, `${file} seed ${seed} workers ${s.workers} partitions ${s.partitions}`).toBe(
            expected,
          );
        }
      },
    );
  });
});
