import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { MODEL_DEFAULTS } from "../src/model/defaults.js";
import { loadScenarioFile, loadScenarioText } from "../src/scenario/load.js";

const FULL = "tests/fixtures/scenarios/full.yaml";
const S = 1_000_000;
const MIN = 60 * S;

describe("the full example compiles to the expected Plan", () => {
  const plan = loadScenarioFile(FULL);

  it("takes the header comment as description, skipping the editor modeline", () => {
    expect(plan.name).toBe("vpc-burst-deploy");
    expect(plan.description).toBe(
      "Does a burst of VPC deploys exhaust the subnet while traffic ramps up?\nTwo templates share one subnet and security group.",
    );
    expect(plan.file).toBe(FULL);
    expect(plan.seed).toBe(7);
    expect(plan.untilUs).toBe(30 * MIN);
  });

  it("merges model overrides over MODEL_DEFAULTS", () => {
    expect(plan.defaults.keepAlive).toEqual({ kind: "constant", valueUs: 5 * MIN }); // a plain duration, as before
    expect(plan.defaults.scalingEnvironments).toBe(500);
    expect(plan.defaults.eniCreateDuration).toEqual({ kind: "uniform", minUs: 60 * S, maxUs: 90 * S });
    expect(plan.defaults.initDurationByRuntime.python).toEqual({
      kind: "lognormal",
      medianUs: 200_000,
      p99Us: 2 * S,
    });
    expect(plan.defaults.initDurationByRuntime.java).toEqual(MODEL_DEFAULTS.initDurationByRuntime.java);
    expect(plan.defaults.apiLatencyUs).toBe(MODEL_DEFAULTS.apiLatencyUs);
    expect(MODEL_DEFAULTS.keepAlive).toEqual({ kind: "constant", valueUs: 10 * MIN });
  });

  it("fills account defaults: burst is the rate rounded up", () => {
    expect(plan.account).toEqual({
      concurrencyLimit: 2000,
      unreservedMinimum: 100,
      controlPlaneRatePerSec: 10,
      controlPlaneBurst: 10,
      getFunctionRatePerSec: 100,
      getFunctionBurst: 100,
    });
  });

  it("indexes VPCs and subnets; capacity from CIDR less 5", () => {
    expect(plan.vpcs.map((v) => [v.id, v.eniQuota])).toEqual([
      ["vpc-a", 300],
      ["vpc-b", 250],
    ]);
    expect(plan.subnets).toEqual([
      { id: "subnet-a", vpc: 0, capacityIps: 251, usedByOthersIps: 0, cidr: "10.0.0.0/24" },
      { id: "subnet-b", vpc: 0, capacityIps: 50, usedByOthersIps: 10, cidr: null },
      { id: "subnet-c", vpc: 1, capacityIps: 4091, usedByOthersIps: 0, cidr: "10.1.0.0/20" },
    ]);
  });

  it("de-duplicates VPC configurations and ENI keys whatever the order of subnets and groups", () => {
    // api: [subnet-b, subnet-a] + [sg-2, sg-1]; worker: [subnet-a] + [sg-1, sg-2];
    // the updateConfiguration step: [subnet-a, subnet-b] + [sg-1, sg-2] is api's configuration again.
    expect(plan.vpcConfigs).toEqual([
      { vpc: 0, subnets: [0, 1], securityGroups: ["sg-1", "sg-2"], eniKeys: [0, 1] },
      { vpc: 0, subnets: [0], securityGroups: ["sg-1", "sg-2"], eniKeys: [0] },
    ]);
    expect(plan.eniKeys).toEqual([
      { subnet: 0, securityGroups: "sg-1,sg-2" },
      { subnet: 1, securityGroups: "sg-1,sg-2" },
    ]);
    expect(plan.steps[1].config).toEqual({ vpcConfig: 0, memoryMb: 1024 });
  });

  it("expands function names in template order", () => {
    expect(plan.functions.names).toEqual(["api-00", "api-01", "api-02", "worker-0", "worker-1", "legacy-0"]);
    expect(plan.functions.template).toEqual(Int32Array.from([0, 0, 0, 1, 1, 2]));
  });

  it("compiles templates with their defaults", () => {
    const [api, worker, legacy] = plan.templates;
    expect(api).toMatchObject({
      name: "api",
      runtime: "nodejs20.x",
      memoryMb: 512,
      vpcConfig: 0,
      reservedConcurrency: 10,
    });
    expect(api.initDuration).toEqual(MODEL_DEFAULTS.initDurationByRuntime.nodejs);
    expect(api.duration).toEqual({
      kind: "empirical",
      points: [
        { p: 0, valueUs: 10_000 },
        { p: 50, valueUs: 100_000 },
        { p: 99.9, valueUs: S },
        { p: 100, valueUs: 3 * S },
      ],
    });
    expect(api.timeoutUs).toBe(3 * S);
    expect(worker).toMatchObject({
      packageType: "Image",
      vpcConfig: 1,
      reservedConcurrency: -1,
      errorRate: 0.01,
    });
    expect(worker.timeoutUs).toBe(30 * S);
    expect(worker.initDuration).toEqual({ kind: "lognormal", medianUs: 200_000, p99Us: 2 * S });
    expect(worker.duration).toEqual({ kind: "constant", valueUs: 100_000 });
    expect(legacy).toMatchObject({
      vpcConfig: -1,
      existing: true,
      initDuration: { kind: "exponential", meanUs: 2 * S },
    });
  });

  it("puts the implicit default client first", () => {
    expect(plan.clients).toEqual([
      {
        name: "default",
        waiter: null,
        retry: { maxAttempts: 3, baseDelayUs: 100_000, throttleBaseDelayUs: 500_000, maxBackoffUs: 20 * S },
      },
      {
        name: "pipeline",
        waiter: "FunctionActiveV2",
        retry: { maxAttempts: 5, baseDelayUs: 100_000, throttleBaseDelayUs: 500_000, maxBackoffUs: 20 * S },
      },
    ]);
  });

  it("compiles control steps on the timeline cursor, with AWS operation names", () => {
    expect(
      plan.steps.map((s) => [s.operation, s.atUs, [...s.targets], s.ratePerSec, s.client, s.then]),
    ).toEqual([
      // 5 creates at 2/s span 2.5 s; then the invoke stream runs 10 m, to 10m2.5s.
      ["CreateFunction", 0, [0, 1, 2, 3, 4], 2, 1, ["Invoke"]],
      ["UpdateFunctionConfiguration", 20 * MIN, [4], 0, 0, []],
      // After the idle minute that follows the update at 20m.
      ["DeleteFunction", 21 * MIN, [0, 1, 2, 3, 4, 5], 0, 0, []],
    ]);
  });

  it("compiles invoke streams with ramp points and zipf popularity", () => {
    expect(plan.invokeStreams).toHaveLength(1);
    const stream = plan.invokeStreams[0];
    expect(stream.startUs).toBe(2.5 * S);
    expect(stream.endUs).toBe(2.5 * S + 10 * MIN);
    expect([...stream.targets]).toEqual([0, 1, 2]);
    expect(stream.rate.points).toEqual([
      { atUs: 2.5 * S, ratePerSec: 0 },
      { atUs: 2.5 * S + MIN, ratePerSec: 200 },
      { atUs: 2.5 * S + 6 * MIN, ratePerSec: 200 },
    ]);
    expect(stream.process).toBe("poisson");
    expect(stream.popularity).toEqual({ kind: "zipf", exponent: 1.1 });
  });

  it("compiles faults with their windows and defaults", () => {
    expect(plan.faults).toEqual([
      {
        kind: "createHang",
        fromUs: 0,
        untilUs: 10 * MIN,
        probability: 0.1,
        targets: Int32Array.from([0, 1, 2]),
      },
      { kind: "subnetExhausted", fromUs: 15 * MIN, untilUs: 16 * MIN, subnets: [1] },
      {
        kind: "eniCreationFailure",
        fromUs: 0,
        untilUs: 30 * MIN,
        probability: 1,
        subnets: null,
        code: "SubnetOutOfIPAddresses",
      },
    ]);
  });

  it("compiles explicit calls; vpc: null detaches", () => {
    expect(plan.calls).toEqual([
      {
        atUs: 1.5 * S,
        operation: "UpdateFunctionConfiguration",
        function: 5,
        client: 0,
        config: { vpcConfig: -1, timeoutUs: 10 * S },
      },
      { atUs: 2 * S, operation: "GetFunction", function: 1, client: 1 },
    ]);
  });

  it("is plain data a worker thread can take", () => {
    expect(structuredClone(plan)).toEqual(plan);
  });

  it("compiles the same from JSON", () => {
    const json = JSON.stringify(parseYaml(readFileSync(FULL, "utf8")));
    const fromJson = loadScenarioText(json, "full.json");
    expect({ ...fromJson, file: null, description: "" }).toEqual({ ...plan, file: null, description: "" });
  });
});

describe("overrides and small rules", () => {
  const minimal = "name: m\nduration: 1h\nfunctions:\n  - template: f\n";

  it("the CLI's seed and until replace the file's; faults without until last to the new end", () => {
    const text = `${minimal}faults:\n  - kind: rolePermissions\n`;
    const plan = loadScenarioText(text, "m.yaml", { seed: 42, untilUs: 2 * 60 * MIN });
    expect(plan.seed).toBe(42);
    expect(plan.untilUs).toBe(2 * 60 * MIN);
    expect(plan.faults[0]).toEqual({
      kind: "rolePermissions",
      fromUs: 0,
      untilUs: 2 * 60 * MIN,
      targets: null,
    });
  });

  it("an explicit description wins over the header comment; none gives an empty one", () => {
    expect(loadScenarioText(`# header\n${minimal}description: explicit\n`, "m.yaml").description).toBe(
      "explicit",
    );
    expect(loadScenarioText(`# header\n#\n#  indented\n${minimal}`, "m.yaml").description).toBe(
      "header\n\n indented",
    );
    expect(loadScenarioText(minimal, "m.yaml").description).toBe("");
  });

  it("defaults: seed 1, one nodejs20.x function of 128 MB, 3 s timeout, no VPC, name <template>-{i}", () => {
    const plan = loadScenarioText(minimal, "m.yaml");
    expect(plan.seed).toBe(1);
    expect(plan.functions.names).toEqual(["f-0"]);
    expect(plan.templates[0]).toMatchObject({
      runtime: "nodejs20.x",
      memoryMb: 128,
      packageType: "Zip",
      vpcConfig: -1,
      reservedConcurrency: -1,
      timeoutUs: 3 * S,
      errorRate: 0,
      existing: false,
      duration: { kind: "constant", valueUs: 100_000 },
    });
    expect(plan.clients.map((c) => c.name)).toEqual(["default"]);
    expect(plan.steps).toEqual([]);
  });

  it("{i:4} pads, globs with ! exclude, a constant stream is one rate point", () => {
    const text = [
      "name: m",
      "duration: 1h",
      "functions:",
      "  - { template: f, count: 12, name: 'fn-{i:4}' }",
      "workload:",
      "  - action: invoke",
      "    at: 1m",
      "    functions: ['fn-000*', '!fn-0001']",
      "    for: 5m",
      "    arrival: { process: constant, rate: 3000/min }",
      "  - action: publishVersion",
      "    functions: { template: f }",
      "    rate: 4/s",
      "  - action: updateCode",
      "    functions: '*'",
    ].join("\n");
    const plan = loadScenarioText(text, "m.yaml");
    expect(plan.functions.names[11]).toBe("fn-0011");
    const stream = plan.invokeStreams[0];
    expect([...stream.targets]).toEqual([0, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(stream.rate.points).toEqual([{ atUs: MIN, ratePerSec: 50 }]);
    expect(stream.popularity).toEqual({ kind: "uniform" });
    expect(stream.process).toBe("constant");
    // The stream ends at 6m; 12 publishes at 4/s span 3 s.
    expect(plan.steps.map((s) => [s.operation, s.atUs])).toEqual([
      ["PublishVersion", 6 * MIN],
      ["UpdateFunctionCode", 6 * MIN + 3 * S],
    ]);
  });
});
