/**
 * Compiles the CLI for tests that spawn it as a user would, into its own
 * directory under test-artifacts/ (so it never races tests/cli.test.ts's
 * build of dist/). Packages resolve from the repository's node_modules.
 */
import { spawnSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";

export const ROOT = join(import.meta.dirname, "..", "..");

/** Builds src/ into test-artifacts/<name>/ and returns the path of cli/main.js. */
export function buildCli(name: string): string {
  const out = join(ROOT, "test-artifacts", name);
  rmSync(out, { recursive: true, force: true });
  const tsc = spawnSync(
    process.execPath,
    [
      join(ROOT, "node_modules/typescript/bin/tsc"),
      "-p",
      "tsconfig.build.json",
      "--outDir",
      out,
      "--sourceMap",
      "false",
    ],
    { cwd: ROOT, encoding: "utf8" },
  );
  const main = join(out, "cli", "main.js");
  if (!existsSync(main)) throw new Error(`building the CLI failed:\n${tsc.stdout}${tsc.stderr}`);
  return main;
}
