/**
 * Issue 11, items 8-11: bad input handled at once, with messages that say
 * what is wrong, where, and what is expected. The CLI is the bundle
 * (npm run build first); every spawn has a short timeout, so a regression
 * that hangs or grows without end fails instead.
 */
import { type SpawnSyncReturns, spawnSync } from "node:child_process";
import { mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ExitCode } from "../src/cli/exit-codes.js";
import { validateScenarioText } from "../src/scenario/load.js";

const ROOT = join(import.meta.dirname, "..");
const MAIN = join(ROOT, "dist", "bin", "fleet-sim.js");
const QUICKSTART = "scenarios/quickstart.yaml";
const tmp = mkdtempSync(join(tmpdir(), "fleet-sim-bad-input-"));

function cli(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; input?: string; timeout?: number } = {},
): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [MAIN, ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, FLEET_SIM_DEBUG: "", NO_COLOR: "", ...options.env },
    input: options.input ?? "",
    timeout: options.timeout ?? 20_000,
    maxBuffer: 1 << 20,
  });
}

function file(name: string, text: string): string {
  const path = join(tmp, name);
  writeFileSync(path, text);
  return path;
}

const yaml = (...lines: string[]) => `${lines.join("\n")}\n`;
/** Each problem as "line:column: path: message". */
const problems = (text: string, name = "s.yaml") =>
  validateScenarioText(text, name).map((i) => `${i.line}:${i.column}: ${i.path}: ${i.message}`);

describe("11.8: unbounded reads", () => {
  it("11.8: validate refuses a FIFO at once with a clear message", () => {
    const fifo = join(tmp, "pipe.yaml");
    spawnSync("mkfifo", [fifo]);
    const r = cli(["validate", fifo], { timeout: 10_000 });
    expect(r.error).toBeUndefined();
    expect(r.status).toBe(ExitCode.BadInput);
    expect(r.stderr).toContain(
      `cannot read scenario file ${fifo}: it is a named pipe (FIFO), not a regular file: a scenario is a regular file (to read one from a pipe, give - and send it to standard input)`,
    );
  });

  it("11.8: validate /dev/zero is refused at once as a device", () => {
    const r = cli(["validate", "/dev/zero"], { timeout: 10_000 });
    expect(r.error).toBeUndefined();
    expect(r.status).toBe(ExitCode.BadInput);
    expect(r.stderr).toContain(
      "cannot read scenario file /dev/zero: it is a character device, not a regular file",
    );
  });

  it("11.8: a directory is refused as one", () => {
    const r = cli(["run", tmp]);
    expect(r.status).toBe(ExitCode.BadInput);
    expect(r.stderr).toContain(`cannot read scenario file ${tmp}: it is a directory, not a regular file`);
  });

  it("11.8: a file over the size limit is refused before it is read, with the limit and how to raise it", () => {
    const big = file("big.yaml", `name: a\nduration: 1m\n# ${"x".repeat(2000)}\n`);
    const r = cli(["validate", big], { env: { FLEET_SIM_MAX_SCENARIO_BYTES: "1K" } });
    expect(r.status).toBe(ExitCode.BadInput);
    expect(r.stderr).toContain(
      `cannot read scenario file ${big}: it has 2.0 KiB, more than the 1 KiB a scenario may have (set FLEET_SIM_MAX_SCENARIO_BYTES to raise the limit)`,
    );
    // Raised, the same file is valid.
    expect(cli(["validate", big], { env: { FLEET_SIM_MAX_SCENARIO_BYTES: "4K" } }).status).toBe(ExitCode.Ok);
  });

  it("11.8: a sparse 3 GiB file fails at once, by its size", () => {
    const sparse = join(tmp, "sparse.yaml");
    spawnSync("truncate", ["-s", "3G", sparse]);
    const started = Date.now();
    const r = cli(["validate", sparse], { timeout: 10_000 });
    expect(r.status).toBe(ExitCode.BadInput);
    expect(r.stderr).toContain("it has 3 GiB, more than the 16 MiB a scenario may have");
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("11.8: a bad FLEET_SIM_MAX_SCENARIO_BYTES is refused with what is expected", () => {
    const r = cli(["validate", QUICKSTART], { env: { FLEET_SIM_MAX_SCENARIO_BYTES: "lots" } });
    expect(r.status).toBe(ExitCode.BadInput);
    expect(r.stderr).toContain(
      'FLEET_SIM_MAX_SCENARIO_BYTES: expected a positive number of bytes, optionally with K, M or G (like 134217728 or 128M), got "lots"',
    );
  });

  it("11.8: many one-line templates validate in time linear in their number", () => {
    const lines = ["name: a", "duration: 1m", "functions:"];
    for (let i = 0; i < 50_000; i++) lines.push(`  - { template: t${i} }`);
    const many = file("many.yaml", yaml(...lines));
    const r = cli(["validate", many], { timeout: 15_000 });
    expect(r.error).toBeUndefined();
    expect(r.stdout).toBe(`${many}: ok (50000 functions, 0 steps)\n`);
    // One warning per template never created, at most 50 of them.
    expect(r.stderr.split("\n").filter((l) => l.includes(": warning: "))).toHaveLength(50);
    expect(r.stderr).toContain("... and 49950 more warnings\n");
  });

  it("11.8: at most 50 problems are listed, then how many more", () => {
    const lines = ["name: a", "duration: 1m", "functions:"];
    for (let i = 0; i < 200; i++) lines.push(`  - { template: t${i}, memory: 1 }`);
    const r = cli(["validate", file("many-bad.yaml", yaml(...lines))]);
    expect(r.status).toBe(ExitCode.BadInput);
    const shown = r.stderr.split("\n").filter((l) => l.includes("must be at least 128"));
    expect(shown).toHaveLength(50);
    expect(r.stderr).toContain("... and 150 more problems\n");
    expect(r.stderr).toContain(": 200 problems\n");
  });

  it("11.8: a template count over the limit gets one limit, and all templates together have one too", () => {
    expect(
      problems(yaml("name: t", "duration: 1m", "functions:", "  - template: x", "    count: 1e20")),
    ).toEqual(["5:12: functions[0].count: must be at most 10000000, got 100000000000000000000"]);
    expect(
      problems(
        yaml(
          "name: t",
          "duration: 1m",
          "functions:",
          "  - { template: x, count: 6000000 }",
          "  - { template: y, count: 6000000 }",
        ),
      ),
    ).toEqual([
      "5:27: functions[1].count: with this template's 6000000 the scenario would have 12000000 functions, more than the 10000000 all templates together may make",
    ]);
  });
});

describe("11.9: prototype keys", () => {
  const S = "scenarios/capacity-concurrency.yaml";

  it("11.9: --set __proto__.hasOwnProperty=1 is refused, not an internal error", () => {
    const r = cli(["sweep", S, "--set", "__proto__.hasOwnProperty=1", "-r", "1"]);
    expect(r.status).toBe(ExitCode.BadInput);
    expect(r.stderr).toBe(
      'fleet-sim: --set __proto__.hasOwnProperty: "__proto__" is not a field of a scenario: expected a path like account.concurrencyLimit (__proto__, constructor and prototype are never fields)\n',
    );
  });

  it("11.9: --set __proto__.toString=1 is refused", () => {
    const r = cli(["sweep", S, "--set", "__proto__.toString=1", "-r", "1"]);
    expect(r.status).toBe(ExitCode.BadInput);
    expect(r.stderr).toContain('--set __proto__.toString: "__proto__" is not a field of a scenario');
    expect(r.stdout).toBe("");
  });

  it("11.9: constructor and prototype segments, and [__proto__] selectors, are refused", () => {
    for (const [path, said] of [
      ["account.constructor", '"constructor" is not a field of a scenario'],
      ["functions[__proto__].count", '"[__proto__]" names nothing in a scenario'],
      ["model.prototype", '"prototype" is not a field of a scenario'],
    ]) {
      const r = cli(["sweep", S, "--set", `${path}=1`, "-r", "1"]);
      expect(r.status).toBe(ExitCode.BadInput);
      expect(r.stderr).toContain(`--set ${path}: ${said}`);
    }
  });

  it("11.9: a __proto__ key in the file is a located problem, even in a table zod would silently drop it from", () => {
    const text = yaml(
      "name: t",
      "duration: 1m",
      "model:",
      "  __proto__: { x: 1 }",
      "functions:",
      "  - template: x",
      "    duration: { empirical: { p0: 1ms, p100: 2ms, __proto__: 5ms } }",
    );
    const why =
      "is not allowed as a key: no field or name of a scenario is __proto__, constructor or prototype";
    expect(problems(text)).toEqual([
      `4:3: model.__proto__: '__proto__' ${why}`,
      `7:50: functions[0].duration.empirical.__proto__: '__proto__' ${why}`,
    ]);
    expect(Object.prototype).not.toHaveProperty("x");
  });
});

describe("11.10: messages that say what, where and what is expected", () => {
  it("11.10: 10,000 nested [ say the file nests too deeply, once", () => {
    const r = cli(["validate", file("deep.yaml", `${"[".repeat(10_000)}\n`)]);
    expect(r.status).toBe(ExitCode.BadInput);
    expect(r.stderr).not.toContain("Maximum call stack");
    expect(r.stderr).toMatch(
      /deep\.yaml:1:\d+: the file nests lists or mappings too deeply for a scenario \(a scenario nests a few levels\): look for unclosed \[ or \{\n.*deep\.yaml: 1 problem\n$/,
    );
  });

  it("11.10: a second YAML document is said in the user's terms, at its ---", () => {
    expect(problems(yaml("name: a", "duration: 1m", "---", "name: b"))).toEqual([
      "3:1: : a second YAML document starts here, but a scenario file holds one: remove the '---' (or '...') line, or put each scenario in its own file",
    ]);
  });

  it("11.10: a complex key is located and prints no Node warning", () => {
    const r = cli(["validate", file("complex.yaml", yaml("name: a", "duration: 1m", "? [a, b]", ": 1"))]);
    expect(r.status).toBe(ExitCode.BadInput);
    expect(r.stderr).not.toContain("Warning");
    expect(r.stderr).toContain(
      `complex.yaml:3:3: a key must be a field name, not a list (YAML's complex keys "? ..." are not allowed in a scenario)`,
    );
  });

  it("11.10: a null key and an alias to no anchor are located, with their field path", () => {
    expect(problems(yaml("name: a", "duration: 1m", "functions:", "  - template: x", "    ~: 1"))).toEqual([
      "5:5: functions[0]: a key is missing or empty here: expected a field name before the ':'",
    ]);
    expect(
      problems(yaml("name: a", "duration: 1m", "functions:", "  - template: x", "    duration: *nope")),
    ).toEqual([
      "5:15: functions[0].duration: the alias *nope refers to no anchor: expected &nope on a value before it",
    ]);
  });

  it("11.10: a binary file is refused without echoing it", () => {
    const bytes = Buffer.alloc(70_000, 0x41);
    bytes[10] = 0;
    const bin = join(tmp, "binary.yaml");
    writeFileSync(bin, bytes);
    const r = cli(["validate", bin]);
    expect(r.status).toBe(ExitCode.BadInput);
    expect(r.stderr.length).toBeLessThan(300);
    expect(r.stderr).toContain(
      `cannot read scenario file ${bin}: it is not a text file: it has a NUL byte at line 1, column 11 (a scenario is YAML or JSON text in UTF-8)`,
    );
  });

  it("11.10: a long key or value is quoted as a short excerpt", () => {
    const long = "k".repeat(65_000);
    const issues = validateScenarioText(
      yaml("name: a", "duration: 1m", "functions:", "  - template: x", `    runtime: ${long}`),
      "s.yaml",
    );
    expect(issues.map((i) => `${i.line}:${i.column}: ${i.path}: ${i.message}`)).toEqual([
      `5:14: functions[0].runtime: unknown runtime family '${"k".repeat(60)}... (65000 characters)' of ${"k".repeat(60)}... (65000 characters), expected one of: nodejs, python, java, dotnet, go, provided, ruby`,
    ]);
  });

  it("11.10: a symlink loop is said in words, not ELOOP", () => {
    const a = join(tmp, "loop-a.yaml");
    const b = join(tmp, "loop-b.yaml");
    symlinkSync(b, a);
    symlinkSync(a, b);
    const r = cli(["validate", a]);
    expect(r.status).toBe(ExitCode.BadInput);
    expect(r.stderr).not.toContain("ELOOP");
    expect(r.stderr).toContain(
      `cannot read scenario file ${a}: too many levels of symbolic links (a symbolic link that leads back to itself?)`,
    );
  });

  it("11.10: 1e400s and 1e12/s are exponent notation; 99999999999w is too large", () => {
    expect(problems(yaml("name: a", "duration: 1e400s"))).toEqual([
      '2:11: duration: invalid duration "1e400s": exponent notation (like 1e6) is not allowed: write the number in digits; expected a number with a unit (us, ms, s, m, h, d, w), like "250ms", "1.5s" or "1m30s"',
    ]);
    expect(problems(yaml("name: a", "duration: 1m", "account: { controlPlaneRate: 1e12/s }"))).toEqual([
      '3:30: account.controlPlaneRate: invalid rate "1e12/s": exponent notation (like 1e6) is not allowed: write the number in digits; expected a number per time unit (s, min, h, d), like "50/s" or "3000/min"',
    ]);
    expect(
      problems(yaml("name: a", "duration: 1m", "account: { controlPlaneRate: 10000000000000/s }")),
    ).toEqual([
      '3:30: account.controlPlaneRate: invalid rate "10000000000000/s": the number is too large; expected at most 1000000000000 per second',
    ]);
  });
});

describe("11.11: standard input, JSON comments, name lengths, warnings, all problems at once", () => {
  it("11.11: validate - reads the scenario from standard input", () => {
    const r = cli(["validate", "-"], { input: yaml("name: a", "duration: 1m") });
    expect(r.status).toBe(ExitCode.Ok);
    expect(r.stdout).toBe("<stdin>: ok (0 functions, 0 steps)\n");
    const bad = cli(["validate", "-"], { input: yaml("name: a", "duration: 1 minute") });
    expect(bad.status).toBe(ExitCode.BadInput);
    expect(bad.stderr).toContain('<stdin>:2:11: duration: invalid duration "1 minute"');
  });

  it("11.11: run - runs the scenario from standard input, with the same size limit", () => {
    const r = cli(["run", "-", "--quiet"], { input: yaml("name: a", "duration: 1m") });
    expect(r.status).toBe(ExitCode.Ok);
    expect(r.stdout).toContain("✓ a: 1m simulated");
    const big = cli(["run", "-"], {
      input: yaml("name: a", "duration: 1m", `# ${"x".repeat(3000)}`),
      env: { FLEET_SIM_MAX_SCENARIO_BYTES: "2K" },
    });
    expect(big.status).toBe(ExitCode.BadInput);
    expect(big.stderr).toBe(
      "fleet-sim: cannot read scenario file <stdin>: standard input has more than the 2 KiB a scenario may have (set FLEET_SIM_MAX_SCENARIO_BYTES to raise the limit)\n",
    );
  });

  it("11.11: a JSON scenario with // comments says comments are not allowed, at the comment", () => {
    const text = '{\n  // the name\n  "name": "a",\n  "duration": "1m"\n}\n';
    expect(problems(text, "s.json")).toEqual([
      "2:3: : comments are not allowed in JSON: remove this comment (or write the scenario in YAML, where # starts a comment)",
    ]);
    // Not inside strings, nor in YAML's unquoted URLs.
    expect(
      problems('{ "name": "a", "duration": "1m", "description": "see http://x // y" }', "s.json"),
    ).toEqual([]);
  });

  it("11.11: names have length limits", () => {
    expect(problems(yaml(`name: ${"a".repeat(100_000)}`, "duration: 1m"))).toEqual([
      "1:7: name: is too long: at most 64 characters, got 100000",
    ]);
    expect(problems(yaml("name: a", "duration: 1m", "clients:", `  - name: ${"c".repeat(65)}`))).toEqual([
      "4:11: clients[0].name: is too long: at most 64 characters, got 65",
    ]);
    expect(
      problems(yaml("name: a", "duration: 1m", "functions:", `  - template: ${"t".repeat(70)}`)),
    ).toEqual(["4:15: functions[0].template: is too long: at most 64 characters, got 70"]);
  });

  it("11.11: functions never created nor existing get a warning from validate and run, which still succeed", () => {
    const f = file(
      "never.yaml",
      yaml(
        "name: a",
        "duration: 1m",
        "functions:",
        "  - { template: x, count: 3 }",
        "  - { template: y, existing: true }",
        "workload:",
        "  - { action: invoke, functions: '*', for: 30s, arrival: { rate: 10/s } }",
      ),
    );
    const warning = `fleet-sim: ${f}:4:5: functions[0]: warning: template 'x' makes 3 functions that are never created: no create step or CreateFunction event names them and the template is not existing: true, so every call to them fails with ResourceNotFoundException\n`;
    const v = cli(["validate", f]);
    expect(v.status).toBe(ExitCode.Ok);
    expect(v.stderr).toBe(warning);
    const r = cli(["run", f, "--quiet"]);
    expect(r.status).toBe(ExitCode.Ok);
    expect(r.stderr).toBe(warning);
    expect(cli(["validate", QUICKSTART]).stderr).toBe("");
  });

  it("11.11: a glob error is reported with the field errors, not after them", () => {
    const text = yaml(
      "name: a",
      "duration: 1m",
      "functions:",
      "  - template: x",
      "    memry: 512",
      "workload:",
      "  - action: create",
      "    functions: z-*",
      "  - action: create",
      "    functions: x-*",
      "    rate: 5 per s",
    );
    expect(problems(text)).toEqual([
      "5:5: functions[0].memry: unknown field 'memry', expected one of: template, count, name, runtime, memory, architecture, packageType, vpc, reservedConcurrency, initDuration, duration, cpuScaling, errorRate, timeout, existing, policy, kmsKey, fileSystem, ioThroughput, async, ... (21 in all) (did you mean 'memory'?)",
      "8:16: workload[0].functions: no function matches 'z-*' (functions: x-0)",
      '11:11: workload[1].rate: invalid rate "5 per s": expected a number per time unit (s, min, h, d), like "50/s" or "3000/min"',
    ]);
  });
});
