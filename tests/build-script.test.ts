import { execFileSync } from "node:child_process";
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

// `npx fleet-sim` links this checkout into npx's cache and runs `prepare`: it must not rebuild an up-to-date dist/.
describe("prepare builds only a stale dist/ (11.15)", () => {
  const dir = mkdtempSync(join(tmpdir(), "fleet-sim-prepare-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, "scripts"));
  mkdirSync(join(dir, "src"));
  copyFileSync(
    new URL("../scripts/build-if-stale.mjs", import.meta.url),
    join(dir, "scripts/build-if-stale.mjs"),
  );
  writeFileSync(join(dir, "scripts/bundle-cli.mjs"), "");
  writeFileSync(join(dir, "tsconfig.json"), "{}");
  writeFileSync(join(dir, "tsconfig.build.json"), "{}");
  writeFileSync(join(dir, "src/a.ts"), "export {};\n");
  // A stand-in build that counts its runs.
  const build =
    "node -e \"const f=require('fs');f.mkdirSync('dist/bin',{recursive:true});f.appendFileSync('builds','x');f.writeFileSync('dist/bin/fleet-sim.js','')\"";
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "t", private: true, scripts: { build } }));
  const past = new Date(Date.now() - 60_000);
  for (const f of [
    "scripts/bundle-cli.mjs",
    "tsconfig.json",
    "tsconfig.build.json",
    "src/a.ts",
    "package.json",
    "src",
  ])
    utimesSync(join(dir, f), past, past);
  const prepare = () =>
    execFileSync(process.execPath, [join(dir, "scripts/build-if-stale.mjs")], { cwd: dir, encoding: "utf8" });
  const builds = () => readFileSync(join(dir, "builds"), "utf8").length;

  it("11.15: builds when dist/ is missing, skips an up-to-date dist/, rebuilds after a source changes", () => {
    prepare();
    expect(builds()).toBe(1);
    expect(prepare()).toContain("dist/ is up to date");
    expect(builds()).toBe(1);
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(dir, "src/a.ts"), later, later);
    prepare();
    expect(builds()).toBe(2);
  });

  it("11.15: package.json's prepare runs it", () => {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
    expect(pkg.scripts.prepare).toBe("node scripts/build-if-stale.mjs");
  });
});
