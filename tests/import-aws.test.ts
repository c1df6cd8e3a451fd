/**
 * `fleet-sim import aws` (issue 14 item 1): the AWS CLI's own JSON output
 * (tests/fixtures/aws/, hand-written in the exact formats) becomes a scenario
 * that reproduces the fleet, validates and runs; bad input gets located
 * messages and exit code 1, never a stack trace.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { importAws, redactName, type ImportAwsFiles } from "../src/import/aws-import.js";
import { ImportInputError } from "../src/import/json-input.js";
import { loadScenario } from "../src/scenario/load.js";

const ROOT = join(import.meta.dirname, "..");
const MAIN = join(ROOT, "dist", "bin", "fleet-sim.js");
const F = join(ROOT, "tests", "fixtures", "aws");
const tmp = mkdtempSync(join(tmpdir(), "fleet-sim-import-"));

const ALL: ImportAwsFiles = {
  functions: join(F, "list-functions.json"),
  subnets: join(F, "describe-subnets.json"),
  enis: join(F, "describe-network-interfaces.json"),
  concurrency: join(F, "concurrency"),
  provisioned: join(F, "provisioned.json"),
  accountSettings: join(F, "account-settings.json"),
};

interface Template {
  template: string;
  count?: number;
  name: string;
  existing: boolean;
  runtime?: string;
  memory: number;
  architecture: string;
  packageType: string;
  timeout: string;
  vpc?: { subnets: string[]; securityGroups: string[] };
  reservedConcurrency?: number;
}
interface Written {
  account?: { concurrencyLimit: number; unreservedMinimum: number };
  network: {
    vpcs: {
      id: string;
      securityGroups: string[];
      subnets: { id: string; cidr?: string; capacity?: number; usedByOthers: number }[];
    }[];
  };
  functions: Template[];
}

const imported = (files: ImportAwsFiles): Written => parse(importAws(files)) as Written;
const byName = (w: Written) => new Map(w.functions.map((t) => [t.name, t]));

function cli(...args: string[]) {
  return spawnSync(process.execPath, [MAIN, ...args], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
}

function messageOf(files: ImportAwsFiles): string {
  try {
    importAws(files);
  } catch (e) {
    expect(e).toBeInstanceOf(ImportInputError);
    return (e as Error).message;
  }
  throw new Error("expected the import to refuse its input");
}

function file(name: string, text: string): string {
  const path = join(tmp, name);
  writeFileSync(path, text);
  return path;
}

describe("import aws: the fleet reproduced", () => {
  it("reads list-functions pages concatenated in one file: every function, its name kept, existing", () => {
    const w = imported(ALL);
    expect(w.functions.map((t) => t.name)).toEqual([
      "orders-api",
      "orders-worker",
      "thumbnailer",
      "report-builder",
    ]);
    for (const t of w.functions) expect(t.existing).toBe(true);
  });

  it("reads list-functions pages given as a JSON array", () => {
    const w = imported({ functions: join(F, "list-functions-array.json") });
    expect(w.functions.map((t) => [t.name, t.runtime, t.memory, t.timeout])).toEqual([
      ["a", "java21", 1024, "15s"],
      ["b", "java21", 1024, "15s"],
    ]);
  });

  it("keeps runtime, memory, architecture, package type, timeout, VpcConfig and reserved concurrency per function", () => {
    const f = byName(imported(ALL));
    expect(f.get("orders-api")).toMatchObject({
      runtime: "nodejs20.x",
      memory: 512,
      architecture: "arm64",
      packageType: "Zip",
      timeout: "30s",
      vpc: { subnets: ["subnet-0a1", "subnet-0b2"], securityGroups: ["sg-0app"] },
      reservedConcurrency: 50,
    });
    expect(f.get("orders-worker")!.reservedConcurrency).toBeUndefined();
    expect(f.get("thumbnailer")).toMatchObject({ runtime: "python3.12", memory: 2048, timeout: "120s" });
    expect(f.get("thumbnailer")!.vpc).toBeUndefined();
    expect(f.get("report-builder")).toMatchObject({ packageType: "Image", memory: 3008, timeout: "900s" });
  });

  it("groups functions whose settings agree under one comment naming the settings", () => {
    const text = importAws({ functions: join(F, "list-functions-array.json") });
    expect(text).toContain('# group 1: 2 functions: runtime: "java21", memory: 1024');
    expect(text).toContain("# 2 functions in 1 groups of equal settings.");
  });

  it("functions numbered 0 to n-1 with equal settings become one template with a count and a name pattern", () => {
    const fn = (name: string, memory: number) =>
      `{"FunctionName": "${name}", "Runtime": "nodejs20.x", "MemorySize": ${memory}, "Timeout": 3}`;
    const names = Array.from({ length: 12 }, (_, i) => `api-${String(i).padStart(2, "0")}`);
    const listed = file(
      "numbered.json",
      `{"Functions": [${[...names.map((n) => fn(n, 256)), fn("api-12", 1024), fn("job-0", 256), fn("job-1", 256)].join(", ")}]}`,
    );
    const text = importAws({ functions: listed });
    const w = parse(text) as Written;
    expect(w.functions.map((t) => [t.template, t.count, t.name])).toEqual([
      ["api", 12, "api-{i:2}"],
      ["job", 2, "job-{i}"],
      ["api-12", undefined, "api-12"],
    ]);
    expect(loadScenario(text, "numbered.yaml").plan.functions.names.toSorted()).toEqual([
      ...names,
      "api-12",
      "job-0",
      "job-1",
    ]);
  });

  it("subnets keep their CIDR; usedByOthers is what AvailableIpAddressCount leaves, less Lambda's own ENIs", () => {
    const vpc = imported(ALL).network.vpcs.find((v) => v.id === "vpc-0main")!;
    expect(vpc.securityGroups).toEqual(["sg-0app", "sg-0batch"]);
    const a = vpc.subnets.find((s) => s.id === "subnet-0a1")!;
    // /24: 251 usable, 200 free, one of the 51 used is a Lambda ENI the existing functions hold.
    expect(a).toEqual({ id: "subnet-0a1", cidr: "10.0.1.0/24", usedByOthers: 50 });
    expect(vpc.subnets.find((s) => s.id === "subnet-0b2")).toEqual({
      id: "subnet-0b2",
      cidr: "10.0.16.0/20",
      usedByOthers: 91,
    });
  });

  it("a subnet a function names but --subnets lacks is declared with an assumed size and a warning comment", () => {
    const text = importAws(ALL);
    expect(text).toContain("WARNING: subnet subnet-0c3 is used by functions but absent from --subnets");
    const vpc = imported(ALL).network.vpcs[0]!;
    expect(vpc.subnets.find((s) => s.id === "subnet-0c3")).toEqual({
      id: "subnet-0c3",
      capacity: 251,
      usedByOthers: 0,
    });
  });

  it("a subnet whose CIDR does not parse is still declared, sized by its free addresses, with a warning", () => {
    const subnets = JSON.parse(readFileSync(ALL.subnets!, "utf8")) as {
      Subnets: { CidrBlock: string; SubnetId: string }[];
    };
    const bad = subnets.Subnets.find((s) => s.SubnetId === "subnet-0b2")!;
    bad.CidrBlock = "10.0.17.0/20";
    const files = { ...ALL, subnets: file("subnets-bad-cidr.json", JSON.stringify(subnets)) };
    const text = importAws(files);
    expect(text).toMatch(
      /WARNING: subnet subnet-0b2: CIDR 10\.0\.17\.0\/20: .*; sized by its \d+ free addresses/,
    );
    const subnet = imported(files).network.vpcs[0]!.subnets.find((s) => s.id === "subnet-0b2")!;
    expect(subnet.cidr).toBeUndefined();
    expect(subnet.capacity).toBeGreaterThan(0);
    // Functions in that subnet still validate: nothing names an undeclared subnet.
    const scenario = file("bad-cidr.yaml", text);
    expect(cli("validate", scenario).status).toBe(0);
  });

  it("the account's concurrency limit comes from get-account-settings", () => {
    expect(imported(ALL).account).toEqual({ concurrencyLimit: 1000, unreservedMinimum: 100 });
    const small = file(
      "small-account.json",
      '{"AccountLimit": {"ConcurrentExecutions": 10}, "AccountUsage": {}}',
    );
    expect(imported({ ...ALL, concurrency: undefined, accountSettings: small }).account).toEqual({
      concurrencyLimit: 10,
      unreservedMinimum: 10,
    });
  });

  it("without --account-settings, a limit that holds the reserved concurrency read, and said so", () => {
    const reserved = file("big-reserved.json", '{"orders-api": {"ReservedConcurrentExecutions": 1200}}');
    const text = importAws({ functions: ALL.functions, concurrency: reserved });
    expect((parse(text) as Written).account).toEqual({ concurrencyLimit: 1300, unreservedMinimum: 100 });
    expect(text).toContain("no --account-settings: concurrencyLimit 1300");
    expect(loadScenario(text, "big.yaml").plan).toBeDefined();
  });

  it("a function without reserved concurrency: its file empty (as the CLI leaves it) or {}", () => {
    const dir = join(tmp, "concurrency-empty");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "orders-api.json"), "");
    writeFileSync(join(dir, "orders-worker.json"), "{}\n");
    writeFileSync(join(dir, "thumbnailer.json"), '{\n    "ReservedConcurrentExecutions": 0\n}\n');
    const f = byName(imported({ ...ALL, concurrency: dir }));
    expect(f.get("orders-api")!.reservedConcurrency).toBeUndefined();
    expect(f.get("orders-worker")!.reservedConcurrency).toBeUndefined();
    expect(f.get("thumbnailer")!.reservedConcurrency).toBe(0);
  });

  it("reserved concurrency from one file mapping function names to get-function-concurrency output", () => {
    const f = byName(imported({ ...ALL, concurrency: join(F, "concurrency-map.json") }));
    expect(f.get("orders-api")!.reservedConcurrency).toBe(50);
    expect(f.get("thumbnailer")!.reservedConcurrency).toBe(10);
  });

  it("what cannot be mapped is listed as a comment, never dropped: fields the simulator does not model", () => {
    const text = importAws(ALL);
    expect(text).toMatch(/# {3}- function fields not modelled: .*Environment \(1\).*Layers \(1\)/);
  });

  it("provisioned concurrency becomes PublishVersion, CreateAlias and PutProvisionedConcurrencyConfig events", () => {
    const events = (parse(importAws(ALL)) as { events: Record<string, unknown>[] }).events;
    expect(events).toEqual([
      { at: "0s", call: "PublishVersion", function: "orders-api" },
      { at: "10s", call: "CreateAlias", function: "orders-api", alias: "live", functionVersion: 1 },
      {
        at: "15s",
        call: "PutProvisionedConcurrencyConfig",
        function: "orders-api",
        qualifier: "live",
        provisionedConcurrentExecutions: 5,
      },
    ]);
  });

  it("--redact replaces every function name by a stable hash, the same for the same name", () => {
    const text = importAws({ ...ALL, redact: true });
    for (const name of ["orders-api", "orders-worker", "thumbnailer", "report-builder"]) {
      expect(text).not.toContain(name);
      expect(text).toContain(redactName(name));
    }
    expect(redactName("orders-api")).toBe(redactName("orders-api"));
    expect(redactName("orders-api")).toMatch(/^fn-[0-9a-f]{12}$/);
    expect(importAws({ ...ALL, redact: true })).toBe(text);
    expect(loadScenario(text, "redacted.yaml").plan).toBeDefined();
  });
});

describe("import aws: bad input, located", () => {
  it("malformed JSON: the file and line:column", () => {
    const bad = file("bad.json", '{\n  "Functions": [\n    { "FunctionName": "a", }\n  ]\n}\n');
    expect(messageOf({ functions: bad })).toMatch(
      new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:3:\\d+: malformed JSON`),
    );
  });

  it("a list-functions file that is describe-subnets output is named as such", () => {
    expect(messageOf({ functions: join(F, "describe-subnets.json") })).toBe(
      `${join(F, "describe-subnets.json")}: $: expected list-functions output with a Functions array, got describe-subnets output (Subnets)`,
    );
  });

  it("a missing required field: its JSON path", () => {
    const bad = file(
      "no-name.json",
      '{"Functions": [{"FunctionName": "a", "MemorySize": 128, "Timeout": 3}, {"MemorySize": 128}]}',
    );
    expect(messageOf({ functions: bad })).toBe(`${bad}: $.Functions[1]: missing FunctionName`);
    const subnets = file(
      "no-cidr.json",
      '{"Subnets": [{"SubnetId": "subnet-1", "VpcId": "vpc-1", "AvailableIpAddressCount": 3}]}',
    );
    expect(messageOf({ ...ALL, subnets })).toBe(`${subnets}: $.Subnets[0]: missing CidrBlock`);
  });

  it("a field of the wrong type: its JSON path and what it got", () => {
    const bad = file(
      "memory.json",
      '{"Functions": [{"FunctionName": "a", "MemorySize": "big", "Timeout": 3}]}',
    );
    expect(messageOf({ functions: bad })).toBe(
      `${bad}: $.Functions[0].MemorySize: expected a whole number >= 0, got string "big"`,
    );
  });

  it("each input checked for its own command's output: account settings, subnets, ENIs, concurrency, provisioned", () => {
    const functions = ALL.functions;
    expect(messageOf({ functions: ALL.functions, accountSettings: functions })).toBe(
      `${functions}: (object at 1:1) $: expected get-account-settings output with an AccountLimit object, got list-functions output (Functions)`,
    );
    expect(messageOf({ ...ALL, enis: ALL.subnets })).toBe(
      `${ALL.subnets}: $: expected describe-network-interfaces output with a NetworkInterfaces array, got describe-subnets output (Subnets)`,
    );
    expect(messageOf({ ...ALL, provisioned: ALL.accountSettings })).toBe(
      `${ALL.accountSettings}: $: expected list-provisioned-concurrency-configs output with a ProvisionedConcurrencyConfigs array, got get-account-settings output (AccountLimit)`,
    );
    const dir = join(tmp, "concurrency-bad");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "orders-api.json"), '{"ReservedConcurrentExecutions": -1}');
    expect(messageOf({ ...ALL, concurrency: dir })).toBe(
      `${join(dir, "orders-api.json")}: $.ReservedConcurrentExecutions: expected a whole number >= 0, got number -1`,
    );
    const truncated = file("truncated.json", '{"Subnets": [{"SubnetId": "subnet-1",');
    expect(messageOf({ ...ALL, subnets: truncated })).toMatch(/truncated\.json:1:\d+: malformed JSON/);
  });

  it("unknown fields are accepted (AWS adds fields)", () => {
    const extra = file(
      "extra.json",
      '{"Functions": [{"FunctionName": "a", "MemorySize": 128, "Timeout": 3, "SomethingNew": {"x": 1}}]}',
    );
    expect(importAws({ functions: extra })).toContain("SomethingNew (1)");
  });

  it("the CLI says it on stderr with exit code 1, no stack trace", () => {
    const r = cli(
      "import",
      "aws",
      "--functions",
      join(F, "describe-subnets.json"),
      "-o",
      join(tmp, "x.yaml"),
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      "expected list-functions output with a Functions array, got describe-subnets output (Subnets)",
    );
    expect(r.stderr).not.toMatch(/^\s+at /m);
    const bare = cli("import");
    expect(bare.status).toBe(1);
    expect(bare.stderr).toContain(
      "import needs a SOURCE (aws or cloudtrail): fleet-sim import SOURCE [options]",
    );
    const missing = cli("import", "aws", "--functions", join(tmp, "nope.json"), "-o", join(tmp, "x.yaml"));
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain("nope.json: cannot read: ENOENT");
  });
});

describe("import aws: the written file", () => {
  it("validates and runs (fleet-sim import, validate, run)", { timeout: 120_000 }, () => {
    const dir = join(tmp, "cli");
    mkdirSync(dir, { recursive: true });
    const out = join(dir, "fleet.yaml");
    const args = [
      "import",
      "aws",
      "--functions",
      ALL.functions,
      "--subnets",
      ALL.subnets!,
      "--enis",
      ALL.enis!,
    ];
    args.push("--concurrency", ALL.concurrency!, "--provisioned", ALL.provisioned!);
    args.push("--account-settings", ALL.accountSettings!, "-o", out);
    const imp = cli(...args);
    expect(imp.stderr).toBe("");
    expect(imp.status).toBe(0);
    expect(readFileSync(out, "utf8")).toBe(importAws(ALL));
    const validate = cli("validate", out);
    expect(validate.stdout).toContain("ok (4 functions");
    expect(validate.status).toBe(0);
    const report = join(dir, "report.json");
    const run = cli("run", out, "--quiet", "--out", report);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const reportText = readFileSync(report, "utf8");
    expect(reportText).toContain('"Invoke"');
    expect(reportText).toContain('"PutProvisionedConcurrencyConfig"');
  });
});
