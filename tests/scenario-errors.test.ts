import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import {
  loadScenarioFile,
  loadScenarioText,
  ScenarioError,
  validateScenarioText,
} from "../src/scenario/load.js";

/** A file from its lines: line n of the file is lines[n - 1]. */
const yaml = (...lines: string[]) => `${lines.join("\n")}\n`;

/** Lines 1-15: two VPCs with a subnet each, and two functions api-0, api-1. */
const BASE = [
  "name: t",
  "duration: 30m",
  "network:",
  "  vpcs:",
  "    - id: vpc-a",
  "      securityGroups: [sg-1]",
  "      subnets:",
  "        - { id: subnet-a, cidr: 10.0.0.0/24 }",
  "    - id: vpc-b",
  "      securityGroups: [sg-2]",
  "      subnets:",
  "        - { id: subnet-b, capacity: 10 }",
  "functions:",
  "  - template: api",
  "    count: 2",
];
const base = (...more: string[]) => yaml(...BASE, ...more);

/** Each problem as "line:column: path: message". */
function problems(text: string): string[] {
  return validateScenarioText(text, "s.yaml").map((i) => `${i.line}:${i.column}: ${i.path}: ${i.message}`);
}

const ALL_FIELDS =
  "name, description, seed, duration, warmup, model, pricing, account, network, functions, clients, callers, workload, faults, events, thresholds";

describe("bad scenarios: each problem at its line:column, with what was expected", () => {
  it("unknown top-level field, with a suggestion", () => {
    expect(problems(yaml("name: t", "duraton: 30m"))).toEqual([
      `2:1: duraton: unknown field 'duraton', expected one of: ${ALL_FIELDS} (did you mean 'duration'?)`,
    ]);
  });

  it("unknown nested field", () => {
    expect(problems(base("    vpc: { subnet: [subnet-a], securityGroups: [sg-1] }"))).toEqual([
      "16:12: functions[0].vpc.subnet: unknown field 'subnet', expected one of: subnets, securityGroups (did you mean 'subnets'?)",
    ]);
  });

  it("several unknown fields of one mapping, each at its key", () => {
    expect(problems(yaml("name: t", "duration: 1m", "account: { concurrency: 5, burst: 2 }"))).toEqual([
      "3:12: account.concurrency: unknown field 'concurrency', expected one of: concurrencyLimit, unreservedMinimum, controlPlaneRate, controlPlaneBurst, getFunctionRate, getFunctionBurst",
      "3:28: account.burst: unknown field 'burst', expected one of: concurrencyLimit, unreservedMinimum, controlPlaneRate, controlPlaneBurst, getFunctionRate, getFunctionBurst",
    ]);
  });

  it("bad duration", () => {
    expect(problems(yaml("name: t", "duration: 10 minutes"))).toEqual([
      '2:11: duration: invalid duration "10 minutes": expected a number with a unit (us, ms, s, m, h, d, w), like "250ms", "1.5s" or "1m30s"',
    ]);
  });

  it("a duration without a unit", () => {
    expect(problems(yaml("name: t", "duration: 30"))).toEqual([
      '2:11: duration: invalid duration 30: expected a number with a unit (us, ms, s, m, h, d, w), like "250ms", "1.5s" or "1m30s"',
    ]);
  });

  it("bad rate", () => {
    expect(
      problems(base("workload:", "  - action: create", "    functions: api-*", "    rate: 50 per second")),
    ).toEqual([
      '19:11: workload[0].rate: invalid rate "50 per second": expected a number per time unit (s, min, h, d), like "50/s" or "3000/min"',
    ]);
  });

  it("unknown subnet in a function's vpc", () => {
    expect(problems(base("    vpc: { subnets: [subnet-a, subnet-x], securityGroups: [sg-1] }"))).toEqual([
      "16:32: functions[0].vpc.subnets[1]: unknown subnet 'subnet-x', expected one of: subnet-a, subnet-b (did you mean 'subnet-a'?)",
    ]);
  });

  it("subnets from two VPCs in one function", () => {
    expect(problems(base("    vpc: { subnets: [subnet-a, subnet-b], securityGroups: [sg-1] }"))).toEqual([
      "16:32: functions[0].vpc.subnets[1]: all subnets of a function must be in one VPC: 'subnet-b' is in vpc-b, 'subnet-a' in vpc-a",
    ]);
  });

  it("security group not declared in the function's VPC", () => {
    expect(problems(base("    vpc: { subnets: [subnet-a], securityGroups: [sg-2] }"))).toEqual([
      "16:50: functions[0].vpc.securityGroups[0]: security group 'sg-2' is not declared in vpc-a, expected one of: sg-1 (did you mean 'sg-1'?)",
    ]);
  });

  it("CIDR prefix out of range", () => {
    const text = yaml(
      "name: t",
      "duration: 1m",
      "network:",
      "  vpcs:",
      "    - id: v",
      "      subnets:",
      "        - id: s",
      "          cidr: 10.0.0.0/30",
    );
    expect(problems(text)).toEqual([
      "8:17: network.vpcs[0].subnets[0].cidr: CIDR prefix /30 is out of range: AWS subnets are /16 to /28",
    ]);
  });

  it("duplicate function names from two templates", () => {
    expect(problems(base("  - template: web", "    name: api-{i}", "    count: 5"))).toEqual([
      "17:11: functions[1].name: duplicate function name 'api-0' (and 1 more): template 'api' makes it too",
    ]);
  });

  it("count > 1 without {i} in the name", () => {
    expect(
      problems(
        yaml("name: t", "duration: 1m", "functions:", "  - template: a", "    name: fixed", "    count: 3"),
      ),
    ).toEqual(["5:11: functions[0].name: name 'fixed' has no {i}, so its 3 functions would share one name"]);
  });

  it("glob matching nothing", () => {
    expect(problems(base("workload:", "  - action: create", "    functions: [api-*, web-*]"))).toEqual([
      "18:24: workload[0].functions[1]: no function matches 'web-*' (functions: api-0 to api-1)",
    ]);
  });

  it("unknown template in a selector", () => {
    expect(problems(base("workload:", "  - action: create", "    functions: { template: ap }"))).toEqual([
      "18:28: workload[0].functions.template: unknown template 'ap', expected one of: api (did you mean 'api'?)",
    ]);
  });

  it("unknown client", () => {
    const text = base(
      "clients:",
      "  - name: pipeline",
      "workload:",
      "  - action: create",
      "    functions: api-*",
      "    client: pipline",
    );
    expect(problems(text)).toEqual([
      "21:13: workload[0].client: unknown client 'pipline', expected one of: default, pipeline (did you mean 'pipeline'?)",
    ]);
  });

  it("config on a step that is not an updateConfiguration", () => {
    expect(
      problems(
        base("workload:", "  - action: create", "    functions: api-*", "    config: { memory: 256 }"),
      ),
    ).toEqual([
      "19:13: workload[0].config: config is only allowed on updateConfiguration steps (or with updateConfiguration in then), not on a create step",
    ]);
  });

  it("updateConfiguration without config", () => {
    expect(problems(base("workload:", "  - action: updateConfiguration", "    functions: api-*"))).toEqual([
      "17:5: workload[0].config: missing required field 'config': an updateConfiguration says what it changes",
    ]);
  });

  it("rate on an invoke step", () => {
    const text = base(
      "workload:",
      "  - action: invoke",
      "    functions: api-*",
      "    rate: 5/s",
      "    for: 1m",
      "    arrival: { rate: 5/s }",
    );
    expect(problems(text)).toEqual([
      "19:5: workload[0].rate: field 'rate' is not allowed on an invoke step: an invoke step is a stream, give its rate under arrival and its length with for",
    ]);
  });

  it("unknown action", () => {
    expect(problems(base("workload:", "  - action: creat", "    functions: api-*"))).toEqual([
      "17:13: workload[0].action: unknown action 'creat', expected one of: create, updateCode, updateConfiguration, publishVersion, delete, invoke, idle, replay (did you mean 'create'?)",
    ]);
  });

  it("a field of another fault kind", () => {
    expect(
      problems(
        base("faults:", "  - kind: subnetExhausted", "    subnets: [subnet-a]", "    probability: 0.5"),
      ),
    ).toEqual([
      "19:5: faults[0].probability: field 'probability' is not allowed on a subnetExhausted fault, only on: createHang, eniCreationFailure, provisioningFailure, provisionedConcurrencyFailure, efsMountFailure, efsMountConnectivity, efsMountTimeout",
    ]);
  });

  it("lognormal p99 not above the median", () => {
    expect(problems(base("    duration: { lognormal: { median: 200ms, p99: 100ms } }"))).toEqual([
      "16:50: functions[0].duration.lognormal.p99: p99 (100ms) must be greater than the median (200ms)",
    ]);
  });

  it("empirical values decreasing", () => {
    expect(problems(base("    duration: { empirical: { p0: 10ms, p50: 100ms, p99: 50ms } }"))).toEqual([
      "16:57: functions[0].duration.empirical.p99: values must not decrease as p grows: p99 is 50ms, less than p50 (100ms)",
    ]);
  });

  it("a distribution that is none of the forms", () => {
    expect(problems(base("    duration: 5"))).toEqual([
      '16:15: functions[0].duration: expected a duration like "120ms" or one of { constant }, { uniform: [min, max] }, { exponential: { mean } }, { lognormal: { median, p99 } }, { empirical: { p0: ..., p100: ... } }, got 5',
    ]);
  });

  it("a step that starts after the duration", () => {
    expect(problems(base("workload:", "  - action: create", "    at: 40m", "    functions: api-*"))).toEqual([
      "18:9: workload[0].at: step starts at 40m, after the scenario's duration 30m",
    ]);
  });

  it("a step the timeline cursor pushes past the duration", () => {
    expect(
      problems(
        base("workload:", "  - action: idle", "    for: 31m", "  - action: delete", "    functions: api-*"),
      ),
    ).toEqual(["19:5: workload[1]: step starts at 31m, after the scenario's duration 30m"]);
  });

  it("YAML syntax error at its position", () => {
    expect(problems(yaml("name: t", "duration: [30m", "foo: 1"))).toEqual([
      "3:1: : Flow sequence in block collection must be sufficiently indented and end with a ]",
    ]);
  });

  it("missing required fields, at the mapping they are missing from", () => {
    expect(problems(yaml("description: x"))).toEqual([
      "1:1: name: missing required field 'name'",
      "1:1: duration: missing required field 'duration'",
    ]);
    expect(problems(base("workload:", "  - functions: api-*"))).toEqual([
      "17:5: workload[0].action: missing required field 'action'",
    ]);
  });

  it("wrong type", () => {
    expect(problems(base('    memory: "ten"'))).toEqual([
      '16:13: functions[0].memory: expected an integer, got "ten"',
    ]);
    expect(
      problems(yaml("name: t", "duration: 1m", "functions:", "  - template: a", "    count: ten")),
    ).toEqual(['5:12: functions[0].count: expected an integer, got "ten"']);
  });

  it("unknown runtime family", () => {
    expect(problems(base("    runtime: rust1.x"))).toEqual([
      "16:14: functions[0].runtime: unknown runtime family 'rust' of rust1.x, expected one of: nodejs, python, java, dotnet, go, provided, ruby",
    ]);
  });

  it("every problem of a file at once, in the order of the text", () => {
    const text = base(
      "    memory: 64",
      "    vpc: { subnets: [subnet-x], securityGroups: [sg-1] }",
      "clients:",
      "  - name: p",
      "    waiter: Active",
    );
    // 11.11: the checks across sections (the subnet reference) run although fields have problems.
    expect(problems(text)).toEqual([
      "16:13: functions[0].memory: must be at least 128, got 64",
      "17:22: functions[0].vpc.subnets[0]: unknown subnet 'subnet-x', expected one of: subnet-a, subnet-b (did you mean 'subnet-a'?)",
      "20:13: clients[0].waiter: invalid value 'Active', expected one of: none, FunctionActive, FunctionActiveV2, FunctionUpdated, FunctionUpdatedV2, PublishedVersionActive",
    ]);
  });

  it("JSON files have positions too", () => {
    const text = JSON.stringify({ name: "t", duration: "1m", seed: -1 }, null, 2);
    expect(problems(text)).toEqual(["4:11: seed: must be at least 0, got -1"]);
  });

  it("an empty file", () => {
    expect(problems("")).toEqual(["1:1: : the scenario is empty: it needs at least name and duration"]);
  });
});

describe("bad input for invocation faults (V8-V10)", () => {
  it("unknown caller on a step and on an event", () => {
    const text = base(
      "callers:",
      "  - { name: developer, allow: api-* }",
      "workload:",
      "  - action: invoke",
      "    functions: api-*",
      "    for: 1m",
      "    arrival: { rate: 1/s }",
      "    caller: develper",
      "events:",
      "  - { at: 1s, call: Invoke, function: api-0, caller: nobody }",
    );
    expect(problems(text)).toEqual([
      "23:13: workload[0].caller: unknown caller 'develper', expected one of: developer (did you mean 'developer'?)",
      "25:54: events[0].caller: unknown caller 'nobody', expected one of: developer",
    ]);
  });

  it("caller on a call that is not an Invoke", () => {
    expect(
      problems(
        base(
          "callers: [{ name: developer }]",
          "events:",
          "  - { at: 1s, call: DeleteFunction, function: api-0, caller: developer }",
        ),
      ),
    ).toEqual(["18:62: events[0].caller: caller is only allowed on Invoke calls, not on DeleteFunction"]);
  });

  it("bad account id, bad caller ARN and an allow glob matching nothing", () => {
    expect(
      problems(
        base(
          "callers:",
          "  - { name: partner, account: '2109876543' }",
          "  - { name: other, account: '210987654321', arn: 'arn:aws:iam::123456789012:user/other' }",
          "  - { name: dev, allow: web-* }",
        ),
      ),
    ).toEqual([
      '17:31: callers[0].account: invalid account id "2109876543": expected 12 digits',
      "18:50: callers[1].arn: the ARN's account must be the caller's account 210987654321",
      "19:25: callers[2].allow: no function matches 'web-*' (functions: api-0 to api-1)",
    ]);
    expect(problems(base("callers:", "  - { name: dev, allow: web-* }"))).toEqual([
      "17:25: callers[0].allow: no function matches 'web-*' (functions: api-0 to api-1)",
    ]);
  });

  it("bad principal in a resource policy", () => {
    expect(problems(base("    policy: ['*', 'arn:aws:iam::1234:user/x']"))).toEqual([
      '16:19: functions[0].policy[1]: invalid principal "arn:aws:iam::1234:user/x": expected "*", a 12-digit account id or an IAM ARN',
    ]);
  });

  it("unknown KMS key in a fault and in a configuration change", () => {
    const text = base(
      "    kmsKey: app-key",
      "workload:",
      "  - action: updateConfiguration",
      "    functions: api-*",
      "    config: { kmsKey: null }",
      "faults:",
      "  - { kind: kmsKeyDisabled, key: app-kye, from: 1m, until: 2m }",
      "  - { kind: kmsGrantRevoked, from: 1m }",
    );
    expect(problems(text)).toEqual([
      "22:34: faults[0].key: unknown KMS key 'app-kye', expected one of: app-key (did you mean 'app-key'?)",
      "23:5: faults[1]: a kmsGrantRevoked fault needs a key or functions",
    ]);
    expect(problems(text.replace("  - { kind: kmsGrantRevoked, from: 1m }\n", ""))).toEqual([
      "22:34: faults[0].key: unknown KMS key 'app-kye', expected one of: app-key (did you mean 'app-key'?)",
    ]);
  });

  it("a kmsGrantRevoked fault has no until: only a configuration update heals it", () => {
    expect(
      problems(base("    kmsKey: k", "faults:", "  - { kind: kmsGrantRevoked, key: k, until: 2m }")),
    ).toEqual([
      "18:38: faults[0].until: field 'until' is not allowed on a kmsGrantRevoked fault, only on: createHang, eniCreationFailure, subnetExhausted, rolePermissions, provisioningFailure, provisionedConcurrencyFailure, kmsKeyDisabled, efsMountFailure, efsMountConnectivity, efsMountTimeout",
    ]);
  });

  it("fileSystem without a vpc, and an unknown file system", () => {
    const text = base(
      "    fileSystem: shared",
      "network:",
      "  fileSystems:",
      "    - { id: data, baselineThroughput: 5, burstCredits: 100 }",
    );
    // network given twice is a YAML error; put the file system into BASE's network instead.
    expect(problems(text)[0]).toMatch(/duplicate|Map keys must be unique/i);
    const lines = [...BASE];
    lines.splice(12, 0, "  fileSystems:", "    - { id: data, baselineThroughput: 5, burstCredits: 100 }");
    expect(problems(yaml(...lines, "    fileSystem: shared"))).toEqual([
      "18:17: functions[0].fileSystem: unknown file system 'shared', expected one of: data",
      "18:17: functions[0].fileSystem: a function that mounts a file system needs a vpc: Lambda reaches EFS through the VPC's mount targets",
    ]);
  });

  it("detaching a function that mounts a file system from its VPC", () => {
    const lines = [...BASE];
    lines.splice(12, 0, "  fileSystems:", "    - { id: data, baselineThroughput: 5, burstCredits: 100 }");
    const text = yaml(
      ...lines,
      "    vpc: { subnets: [subnet-a], securityGroups: [sg-1] }",
      "    fileSystem: data",
      "workload:",
      "  - { action: updateConfiguration, functions: api-*, config: { vpc: null } }",
      "events:",
      "  - { at: 1m, call: UpdateFunctionConfiguration, function: api-1, config: { vpc: null } }",
    );
    expect(problems(text)).toEqual([
      "21:69: workload[0].config.vpc: function 'api-0' mounts a file system, so it cannot be detached from its VPC",
      "23:82: events[0].config.vpc: function 'api-1' mounts a file system, so it cannot be detached from its VPC",
    ]);
  });

  it("bad file system fields: access point, throughputs, an unknown file system in a mount fault", () => {
    const lines = [...BASE];
    lines.splice(
      12,
      0,
      "  fileSystems:",
      "    - { id: data, accessPoint: fsap-xyz, baselineThroughput: 50, burstThroughput: 10, burstCredits: -1 }",
    );
    expect(
      problems(yaml(...lines, "faults:", "  - { kind: efsMountTimeout, fileSystem: dta, from: 1m }")),
    ).toEqual([
      '14:32: network.fileSystems[0].accessPoint: invalid access point "fsap-xyz": expected fsap- and 17 hex digits',
      "14:101: network.fileSystems[0].burstCredits: must be at least 0, got -1",
    ]);
    lines[13] = "    - { id: data, baselineThroughput: 50, burstThroughput: 10, burstCredits: 1 }";
    expect(
      problems(yaml(...lines, "faults:", "  - { kind: efsMountTimeout, fileSystem: dta, from: 1m }")),
    ).toEqual(["14:60: network.fileSystems[0].burstThroughput: must not be below baselineThroughput (50)"]);
    lines[13] = "    - { id: data, baselineThroughput: 5, burstCredits: 1 }";
    expect(
      problems(yaml(...lines, "faults:", "  - { kind: efsMountTimeout, fileSystem: dta, from: 1m }")),
    ).toEqual([
      "19:42: faults[0].fileSystem: unknown file system 'dta', expected one of: data (did you mean 'data'?)",
    ]);
  });
});

describe("ScenarioError", () => {
  it("lists every issue as file:line:column: path: message, without a stack trace in the message", () => {
    let error: unknown;
    try {
      loadScenarioText(yaml("name: T", "duration: 1m", "sed: 1"), "dir/s.yaml");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ScenarioError);
    expect((error as ScenarioError).message).toBe(
      "dir/s.yaml:1:7: name: expected lowercase letters, digits and '-'\n" +
        `dir/s.yaml:3:1: sed: unknown field 'sed', expected one of: ${ALL_FIELDS} (did you mean 'seed'?)`,
    );
    expect((error as ScenarioError).issues).toHaveLength(2);
    expect((error as ScenarioError).issues[1]).toEqual({
      file: "dir/s.yaml",
      line: 3,
      column: 1,
      path: "sed",
      message: `unknown field 'sed', expected one of: ${ALL_FIELDS} (did you mean 'seed'?)`,
    });
  });

  it("a missing file", () => {
    expect(() => loadScenarioFile("/nonexistent/s.yaml")).toThrow(
      new ScenarioError([
        {
          file: "/nonexistent/s.yaml",
          line: 0,
          column: 0,
          path: "",
          message: "cannot read the scenario: no such file",
        },
      ]),
    );
    try {
      loadScenarioFile("/nonexistent/s.yaml");
    } catch (e) {
      expect((e as Error).message).toBe("/nonexistent/s.yaml: cannot read the scenario: no such file");
    }
  });

  it("a YAML syntax error through loadScenarioFile", () => {
    const file = join(mkdtempSync(join(tmpdir(), "scenario-")), "bad.yaml");
    writeFileSync(file, yaml("name: t", 'description: "unterminated', "duration: 1m"));
    expect(() => loadScenarioFile(file)).toThrow(`${file}:4:1: Missing closing "quote`);
  });
});

describe("robustness", () => {
  it("a mapping whose keys shadow Object's methods, where a name is expected, is a problem, not an exception", () => {
    expect(problems(base("workload:", "  - action: { toString: ~ }", "    functions: api-*"))).toEqual([
      expect.stringMatching(
        /^\d+:13: workload\[0\]\.action: unknown action a mapping, expected one of: create, /,
      ),
    ]);
  });

  const full = parseYaml(readFileSync("tests/fixtures/scenarios/full.yaml", "utf8")) as unknown;
  const paths: (string | number)[][] = [];
  (function collect(node: unknown, path: (string | number)[]) {
    paths.push(path);
    if (Array.isArray(node)) {
      for (const [i, item] of node.entries()) collect(item, [...path, i]);
    } else if (node !== null && typeof node === "object") {
      for (const [k, v] of Object.entries(node)) collect(v, [...path, k]);
    }
  })(full, []);

  it("any value anywhere in a valid scenario gives issues with positions, never an exception", () => {
    fc.assert(
      fc.property(fc.constantFrom(...paths.slice(1)), fc.jsonValue({ maxDepth: 2 }), (path, value) => {
        const copy = structuredClone(full) as Record<string | number, unknown>;
        let node = copy;
        for (const segment of path.slice(0, -1)) node = node[segment] as Record<string | number, unknown>;
        node[path[path.length - 1]] = value;
        const issues = validateScenarioText(JSON.stringify(copy, null, 1), "f.json");
        for (const i of issues) {
          expect(i.line).toBeGreaterThan(0);
          expect(i.message).not.toMatch(/\n| {4}at /);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("any one-character edit of a valid file gives issues with positions, never an exception", () => {
    const text = readFileSync("tests/fixtures/scenarios/full.yaml", "utf8");
    fc.assert(
      fc.property(
        fc.nat(text.length - 1),
        fc.constantFrom("", " ", ":", "-", "[", "{", "'", "x", "\t", "\n"),
        (at, c) => {
          const issues = validateScenarioText(text.slice(0, at) + c + text.slice(at + 1), "f.yaml");
          for (const i of issues) expect(i.line).toBeGreaterThan(0);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("a duration too long for microseconds", () => {
    expect(problems(yaml("name: t", "duration: 99999999999w"))).toEqual([
      '2:11: duration: invalid duration "99999999999w": the number is too large; expected at most about 285 years (2^53 microseconds)',
    ]);
  });

  it("YAML merge keys share settings between templates", () => {
    const text = yaml(
      "name: t",
      "duration: 1m",
      "functions:",
      "  - &common { template: a, memory: 1024, runtime: python3.12 }",
      "  - { <<: *common, template: b }",
    );
    const plan = loadScenarioText(text, "t.yaml");
    expect(plan.templates.map((t) => [t.name, t.memoryMb, t.runtime])).toEqual([
      ["a", 1024, "python3.12"],
      ["b", 1024, "python3.12"],
    ]);
  });
});

describe("bad asynchronous invocation settings (V6, V7)", () => {
  it("V6: maximumEventAge below 60 s or above 6 h is rejected with its range", () => {
    expect(problems(base("    async: { maximumEventAge: 30s }"))).toEqual([
      "16:31: functions[0].async.maximumEventAge: must be from 1m to 6h, got 30s",
    ]);
    expect(problems(base("    async: { maximumEventAge: 7h }"))).toEqual([
      "16:31: functions[0].async.maximumEventAge: must be from 1m to 6h, got 7h",
    ]);
  });

  it("V6: maximumRetryAttempts 3 and an unknown onFailure are rejected", () => {
    expect(problems(base("    async: { maximumRetryAttempts: 3, onFailure: sqs }"))).toEqual([
      "16:36: functions[0].async.maximumRetryAttempts: must be at most 2, got 3",
      "16:50: functions[0].async.onFailure: invalid value 'sqs', expected one of: none, destination, dlq",
    ]);
  });

  it("V6: an invocationType typo, on an invoke step and on an Invoke event", () => {
    const stream = [
      "workload:",
      "  - action: invoke",
      "    functions: '*'",
      "    for: 1m",
      "    arrival: { rate: 1/s }",
    ];
    expect(problems(base(...stream, "    invocationType: event"))).toEqual([
      "21:21: workload[0].invocationType: invalid value 'event', expected one of: RequestResponse, Event (did you mean 'Event'?)",
    ]);
    expect(
      problems(base("events:", "  - { at: 1m, call: Invoke, function: api-0, invocationType: Async }")),
    ).toEqual([
      "17:62: events[0].invocationType: invalid value 'Async', expected one of: RequestResponse, Event",
    ]);
  });

  it("V6: invocationType only where there is an Invoke", () => {
    expect(
      problems(base("events:", "  - { at: 1m, call: GetFunction, function: api-0, invocationType: Event }")),
    ).toEqual([
      "17:67: events[0].invocationType: invocationType is only allowed on Invoke calls, not on GetFunction",
    ]);
    expect(
      problems(base("workload:", "  - action: create", "    functions: '*'", "    invocationType: Event")),
    ).toEqual([
      "19:5: workload[0].invocationType: field 'invocationType' is not allowed on a create step, only on: invoke",
    ]);
  });

  it("V7: recursion.selfTrigger must be a boolean and probability within 0-1", () => {
    expect(problems(base("    recursion: { selfTrigger: yes, probability: 2 }"))).toEqual([
      '16:31: functions[0].recursion.selfTrigger: expected true or false, got "yes"',
      "16:49: functions[0].recursion.probability: must be at most 1, got 2",
    ]);
  });

  it("V6: the settings compile to the plan", () => {
    const plan = loadScenarioText(
      base(
        "    async: { maximumEventAge: 90s, maximumRetryAttempts: 0, onFailure: dlq }",
        "    recursion: { probability: 0.5 }",
        "events:",
        "  - { at: 1m, call: Invoke, function: api-0, invocationType: Event }",
      ),
      "t.yaml",
    );
    expect(plan.templates[0].async).toEqual({
      maximumEventAgeUs: 90_000_000,
      maximumRetryAttempts: 0,
      onFailure: 2,
    });
    expect(plan.templates[0].recursion).toEqual({ probability: 0.5 });
    expect(plan.calls[0].invocationType).toBe("Event");
  });

  it("V1-V4: alias and concurrency calls need their parameters, and only they take them", () => {
    const ev = (fields: string) => problems(base("events:", `  - { at: 1m, ${fields} }`));
    expect(ev("call: CreateAlias, function: api-0, alias: live")).toEqual([
      "17:5: events[0].functionVersion: missing required field 'functionVersion' of CreateAlias",
    ]);
    expect(ev("call: PutFunctionConcurrency, function: api-0")).toEqual([
      "17:5: events[0].reservedConcurrentExecutions: missing required field 'reservedConcurrentExecutions' of PutFunctionConcurrency",
    ]);
    expect(ev("call: GetFunction, function: api-0, alias: live")).toEqual([
      "17:58: events[0].alias: alias is only allowed on CreateAlias, UpdateAlias, DeleteAlias calls, not on GetFunction",
    ]);
    expect(ev("call: DeleteAlias, function: api-0")).toEqual([
      "17:5: events[0].alias: missing required field 'alias' of DeleteAlias",
    ]);
    expect(ev("call: Invoke, function: api-0, functionVersion: 2")).toEqual([
      "17:63: events[0].functionVersion: functionVersion is only allowed on CreateAlias, UpdateAlias calls, not on Invoke",
    ]);
    expect(ev("call: PutFunctionConcurrency, function: api-0, reservedConcurrentExecutions: -1")).toEqual([
      "17:92: events[0].reservedConcurrentExecutions: must be at least 0, got -1",
    ]);
  });

  it("V1, V2: qualifiers, alias names and routing weights are checked as AWS checks them", () => {
    const ev = (fields: string) => problems(base("events:", `  - { at: 1m, ${fields} }`));
    expect(ev("call: CreateAlias, function: api-0, alias: '123', functionVersion: 1")).toEqual([
      `17:58: events[0].alias: invalid alias name "123": expected letters, digits, '-' or '_', not only digits`,
    ]);
    expect(
      ev(
        "call: PutProvisionedConcurrencyConfig, function: api-0, qualifier: 'live!', provisionedConcurrentExecutions: 0",
      ),
    ).toEqual([
      `17:82: events[0].qualifier: invalid qualifier "live!": expected $LATEST, a version number (1-4095) or an alias name (letters, digits, '-', '_')`,
      "17:124: events[0].provisionedConcurrentExecutions: must be at least 1, got 0",
    ]);
    expect(
      ev(
        "call: UpdateAlias, function: api-0, alias: live, routingConfig: { additionalVersionWeights: { '2': 0.1, '3': 0.2 } }",
      ),
    ).toEqual([
      "17:107: events[0].routingConfig.additionalVersionWeights: AWS routes to at most one additional version",
    ]);
    expect(
      ev(
        "call: UpdateAlias, function: api-0, alias: live, routingConfig: { additionalVersionWeights: { '2': 1.5 } }",
      ),
    ).toEqual(['17:114: events[0].routingConfig.additionalVersionWeights["2"]: must be at most 1, got 1.5']);
  });

  it("V1, V2: the parameters compile to the plan, alias names numbered in order of use", () => {
    const plan = loadScenarioText(
      base(
        "workload:",
        "  - { action: invoke, functions: api-1, for: 1m, arrival: { rate: 1/s }, qualifier: canary }",
        "events:",
        "  - { at: 1m, call: CreateAlias, function: api-0, alias: live, functionVersion: 1, routingConfig: { additionalVersionWeights: { '2': 0.25 } } }",
        "  - { at: 2m, call: PutProvisionedConcurrencyConfig, function: api-0, qualifier: live, provisionedConcurrentExecutions: 5 }",
        "  - { at: 3m, call: Invoke, function: api-0, qualifier: 2 }",
      ),
      "t.yaml",
    );
    expect(plan.aliases).toEqual(["canary", "live"]);
    expect(plan.invokeStreams[0].qualifier).toBe(-1);
    expect(plan.calls.map((c) => c.params)).toEqual([
      { alias: 1, functionVersion: 1, routing: { version: 2, weight: 0.25 } },
      { qualifier: -2, provisionedConcurrentExecutions: 5 },
      { qualifier: 2 },
    ]);
  });
});

describe("bad thresholds: each at its line:column", () => {
  const withThresholds = (...lines: string[]) => yaml("name: t", "duration: 10m", "thresholds:", ...lines);

  it("Thresholds: an unknown metric is rejected at its position, with the closest name", () => {
    expect(
      problems(
        withThresholds(
          '  - "invocations.failure_rate < 1%"',
          '  - "pending.create.p98 < 120s"',
          '  - { threshold: "subnets.min_headrom > 0.2", abortOnFail: true }',
        ),
      ),
    ).toEqual([
      "5:5: thresholds[1]: unknown metric 'pending.create.p98' (did you mean 'pending.create.p90'?); docs/report-metrics.md lists every metric",
      "6:18: thresholds[2].threshold: unknown metric 'subnets.min_headrom' (did you mean 'subnets.min_headroom'?); docs/report-metrics.md lists every metric",
    ]);
  });

  it("Thresholds: a value whose unit does not fit the metric, and an expression that cannot be read", () => {
    expect(
      problems(
        withThresholds(
          '  - "invocations.requests < 10s"',
          '  - "pending.create.p99 < 5%"',
          '  - "invocations.requests ~ 5"',
          '  - { threshold: "invocations.open_at_end == 0", abortOnFail: true }',
        ),
      ),
    ).toEqual([
      "4:5: thresholds[0]: 'invocations.requests' is a count, not a duration: compare it with a number, not \"10s\"",
      '5:5: thresholds[1]: \'pending.create.p99\' is a duration in seconds, not a ratio: compare it with a number of seconds or a duration ("120s"), not "5%"',
      '6:5: thresholds[2]: cannot read threshold "invocations.requests ~ 5": expected "<metric> <op> <value>" with op one of < <= > >= == !=, like "invocations.failure_rate < 0.01"',
      "7:63: thresholds[3].abortOnFail: 'invocations.open_at_end' is only known at the end of the run, so it cannot abortOnFail",
    ]);
  });

  it("Thresholds: not a string or mapping, an unknown field of a threshold, a bad delayAbortEval", () => {
    expect(
      problems(
        withThresholds(
          "  - 42",
          '  - { threshold: "functions.failed == 0", abortOnFial: true }',
          '  - { threshold: "functions.failed == 0", delayAbortEval: soon }',
        ),
      ),
    ).toEqual([
      '4:5: thresholds[0]: expected a threshold expression like "invocations.failure_rate < 0.01", or a mapping with threshold and abortOnFail',
      "5:43: thresholds[1].abortOnFial: unknown field 'abortOnFial', expected one of: threshold, abortOnFail, delayAbortEval (did you mean 'abortOnFail'?)",
      '6:59: thresholds[2].delayAbortEval: invalid duration "soon": expected a number with a unit (us, ms, s, m, h, d, w), like "250ms", "1.5s" or "1m30s"',
    ]);
  });

  it("Thresholds: a valid block compiles into the plan with its source text", () => {
    const plan = loadScenarioText(
      withThresholds(
        '  - "invocations.failure_rate < 1%"',
        '  - { threshold: " pending.create.p99 < 2m ", abortOnFail: true }',
      ),
      "s.yaml",
    );
    expect(plan.thresholds).toEqual([
      {
        source: "invocations.failure_rate < 1%",
        metric: "invocations.failure_rate",
        op: "<",
        value: 0.01,
        abortOnFail: false,
        delayAbortEvalUs: 0,
      },
      {
        source: "pending.create.p99 < 2m",
        metric: "pending.create.p99",
        op: "<",
        value: 120,
        abortOnFail: true,
        delayAbortEvalUs: 0,
      },
    ]);
  });
});
