/**
 * `fleet-sim serve --record FILE` (issue 12): a session driven by the real
 * AWS SDK is recorded as a scenario, and `fleet-sim run FILE` replays it:
 * every request gets the same answer at the same simulated time (compared
 * through --calls, which both commands write), on one thread or several.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateFunctionCommand,
  type CreateFunctionCommandInput,
  DeleteFunctionCommand,
  GetFunctionCommand,
  InvokeCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionActiveV2,
  waitUntilFunctionUpdatedV2,
} from "@aws-sdk/client-lambda";
import type { LambdaClient } from "@aws-sdk/client-lambda";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCli } from "./helpers/build-cli.js";
import { lambdaClient, serve as serveCli } from "./helpers/serve-cli.js";

let main = "";
const serve = (args: string[]) => serveCli(main, args);
const dir = mkdtempSync(join(tmpdir(), "fleet-sim-serve-record-"));

/** One attempt per request (no SDK retries): each client request is one call of the session. */
const client = (url: string) => lambdaClient(url, { maxAttempts: 1 });

interface CallLine {
  call: number;
  operation: string;
  function: string;
  atUs: number;
  answeredUs: number;
  outcome: string;
}

const readCalls = (file: string): CallLine[] =>
  readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as CallLine);

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [main, ...args], { encoding: "utf8", cwd: dir });
}

/** What the client saw of each request: its operation, function and outcome ("OK" or the error's name). */
class Outcomes {
  readonly seen: string[] = [];
  async send<T>(op: string, fn: string, request: () => Promise<T>): Promise<T | null> {
    try {
      const out = await request();
      this.seen.push(`${op} ${fn} OK`);
      return out;
    } catch (e) {
      this.seen.push(`${op} ${fn} ${(e as Error).name}`);
      return null;
    }
  }
}

const ZIP = Buffer.from("PK\x03\x04 a zip file");
const create = (name: string, extra: Partial<CreateFunctionCommandInput> = {}) =>
  new CreateFunctionCommand({
    FunctionName: name,
    Runtime: "nodejs20.x",
    Role: "arn:aws:iam::123456789012:role/deployer",
    Handler: "index.handler",
    Code: { ZipFile: ZIP },
    ...extra,
  });
const vpc = (...subnets: string[]) => ({
  VpcConfig: { SubnetIds: subnets, SecurityGroupIds: ["sg-default"] },
});
const wait = (lambda: LambdaClient, name: string) =>
  waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 120, minDelay: 1 }, { FunctionName: name });

/** The session's answers (serve --calls) against the client's, as multisets by operation and function. */
function expectClientSaw(outcomes: Outcomes, session: CallLine[]): void {
  const fromSession = session
    .filter(
      (c) =>
        c.operation !== "GetFunction" ||
        outcomes.seen.some((s) => s.startsWith(`GetFunction ${c.function} `)),
    )
    .map((c) => `${c.operation} ${c.function} ${c.outcome}`);
  // Waiters poll GetFunction inside the SDK: the client saw only its own GetFunction requests.
  const mine = outcomes.seen.filter((s) => !s.startsWith("GetFunction "));
  expect(fromSession.filter((s) => !s.startsWith("GetFunction ")).sort()).toEqual(mine.sort());
}

beforeAll(() => {
  main = buildCli("serve-record");
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("fleet-sim serve --record", () => {
  it("replays a session of VPC and non-VPC creates, conflicts, waiters, invokes and a delete: the same answer at the same time for every request, on one thread or several", async () => {
    const recorded = join(dir, "session.yaml");
    const sessionCalls = join(dir, "session-calls.ndjson");
    const s = await serve(["--speed", "60", "--seed", "5", "--record", recorded, "--calls", sessionCalls]);
    const lambda = client(s.url);
    const o = new Outcomes();
    try {
      const vpcNames = ["api-a", "api-b", "api-c", "worker-x"];
      await Promise.all([
        o.send("CreateFunction", "api-a", () => lambda.send(create("api-a", vpc("subnet-a")))),
        o.send("CreateFunction", "api-b", () =>
          lambda.send(create("api-b", { ...vpc("subnet-a", "subnet-b"), MemorySize: 512 })),
        ),
        o.send("CreateFunction", "api-c", () =>
          lambda.send(create("api-c", { ...vpc("subnet-c"), Timeout: 30 })),
        ),
        o.send("CreateFunction", "worker-x", () =>
          lambda.send(create("worker-x", { ...vpc("subnet-a"), Runtime: "python3.12" })),
        ),
        o.send("CreateFunction", "plain-1", () => lambda.send(create("plain-1"))),
        o.send("CreateFunction", "plain-2", () =>
          lambda.send(create("plain-2", { Runtime: "java21", MemorySize: 1024 })),
        ),
        o.send("CreateFunction", "image-1", () =>
          lambda.send(
            new CreateFunctionCommand({
              FunctionName: "image-1",
              Role: "arn:aws:iam::123456789012:role/deployer",
              PackageType: "Image",
              Code: { ImageUri: "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1" },
            }),
          ),
        ),
      ]);
      // Pending: an update conflicts; a create of an existing name too.
      await o.send("UpdateFunctionConfiguration", "api-a", () =>
        lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: "api-a", MemorySize: 256 })),
      );
      await o.send("CreateFunction", "api-b", () => lambda.send(create("api-b", vpc("subnet-a"))));
      await Promise.all([...vpcNames, "plain-1", "plain-2", "image-1"].map((n) => wait(lambda, n)));
      await Promise.all(
        ["api-a", "api-b", "plain-1", "plain-1", "image-1", "worker-x"].map((n) =>
          o.send("Invoke", n, () =>
            lambda.send(new InvokeCommand({ FunctionName: n, Payload: Buffer.from("{}") })),
          ),
        ),
      );
      await o.send("Invoke", "plain-2", () =>
        lambda.send(new InvokeCommand({ FunctionName: "plain-2", InvocationType: "Event" })),
      );
      // A change the model does not simulate (config {}), and a VPC change.
      await o.send("UpdateFunctionConfiguration", "plain-2", () =>
        lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: "plain-2", Description: "v2" })),
      );
      await o.send("UpdateFunctionConfiguration", "api-c", () =>
        lambda.send(
          new UpdateFunctionConfigurationCommand({
            FunctionName: "api-c",
            VpcConfig: vpc("subnet-b").VpcConfig,
          }),
        ),
      );
      await o.send("GetFunction", "api-c", () =>
        lambda.send(new GetFunctionCommand({ FunctionName: "api-c" })),
      );
      await waitUntilFunctionUpdatedV2(
        { client: lambda, maxWaitTime: 120, minDelay: 1 },
        { FunctionName: "api-c" },
      );
      await o.send("DeleteFunction", "plain-1", () =>
        lambda.send(new DeleteFunctionCommand({ FunctionName: "plain-1" })),
      );
      await o.send("Invoke", "plain-1", () => lambda.send(new InvokeCommand({ FunctionName: "plain-1" })));
      await o.send("CreateFunction", "plain-1", () => lambda.send(create("plain-1")));
      await o.send("Invoke", "api-c", () => lambda.send(new InvokeCommand({ FunctionName: "api-c" })));
    } finally {
      lambda.destroy();
      expect(await s.stop()).toBe(0);
    }
    expect(s.stderr()).toMatch(/wrote .*session\.yaml: \d+ requests/);
    const session = readCalls(sessionCalls);
    expect(o.seen).toContain("UpdateFunctionConfiguration api-a ResourceConflictException");
    expect(o.seen).toContain("CreateFunction api-b ResourceConflictException");
    expect(o.seen).toContain("Invoke plain-1 ResourceNotFoundException");
    expectClientSaw(o, session);

    // The file: a valid scenario, the created functions declared not existing, every request an event.
    expect(cli("validate", recorded).status).toBe(0);
    const scenario = parse(readFileSync(recorded, "utf8")) as {
      seed: number;
      functions: { name: string; existing?: boolean; vpc?: unknown; memory: number; packageType: string }[];
      clients: { name: string; retry: { maxAttempts: number } }[];
      events: { at: string; call: string; function: string; config?: unknown }[];
    };
    expect(scenario.seed).toBe(5);
    expect(scenario.functions.map((f) => f.name)).toEqual([
      ...["api-a", "api-b", "api-c", "worker-x", "plain-1", "plain-2", "image-1"].filter((n) =>
        scenario.functions.some((f) => f.name === n),
      ),
    ]);
    expect(scenario.functions).toHaveLength(7);
    expect(scenario.functions.every((f) => f.existing === undefined)).toBe(true);
    expect(scenario.functions.find((f) => f.name === "api-b")).toMatchObject({
      memory: 512,
      vpc: { subnets: ["subnet-a", "subnet-b"], securityGroups: ["sg-default"] },
    });
    expect(scenario.functions.find((f) => f.name === "image-1")?.packageType).toBe("Image");
    expect(scenario.clients.at(-1)?.retry.maxAttempts).toBe(1);
    expect(scenario.events).toHaveLength(session.length);
    expect(scenario.events.every((e) => /^\d+us$/.test(e.at))).toBe(true);
    expect(
      scenario.events.some(
        (e) => e.call === "UpdateFunctionConfiguration" && JSON.stringify(e.config) === "{}",
      ),
    ).toBe(true);

    // The replay: the same answer at the same simulated time for every request, whatever hosts it.
    const replays = [
      [
        "--calls",
        join(dir, "replay-1.ndjson"),
        "-p",
        "1",
        "--workers",
        "0",
        "--out",
        join(dir, "replay.json"),
      ],
      ["--calls", join(dir, "replay-4.ndjson"), "-p", "4", "--workers", "2"],
    ];
    for (const args of replays) {
      const r = cli("run", recorded, "--quiet", ...args);
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      expect(readCalls(args[1])).toEqual(session);
    }
    const report = JSON.parse(readFileSync(join(dir, "replay.json"), "utf8")) as {
      functions: { created: number };
    };
    expect(report.functions.created).toBe(8);
  }, 240_000);

  it("records a served scenario with its own workload: its globs pinned to the functions they picked, the replay the same", async () => {
    const served = join(dir, "served.yaml");
    writeFileSync(
      served,
      `# A fleet under steady traffic, and a deploy through the API.
name: served-workload
seed: 3
duration: 10s
network:
  vpcs:
    - id: vpc-1
      securityGroups: [sg-1]
      subnets:
        - { id: subnet-1, cidr: 10.1.0.0/24 }
account:
  concurrencyLimit: 20
  unreservedMinimum: 5
functions:
  - template: api
    count: 3
    existing: true
    duration: 300ms
workload:
  - action: invoke
    functions: "*"
    for: 1h
    arrival: { rate: 30/s }
faults:
  - kind: provisioningFailure
    from: 0s
    until: 1h
    probability: 0.3
    functions: "!api-2"
`,
    );
    const recorded = join(dir, "served-session.yaml");
    const sessionCalls = join(dir, "served-calls.ndjson");
    const s = await serve([served, "--speed", "60", "--record", recorded, "--calls", sessionCalls]);
    const lambda = client(s.url);
    const o = new Outcomes();
    try {
      await Promise.all(
        ["api-new", "api-more"].map((n) =>
          o.send("CreateFunction", n, () => lambda.send(create(n, { Timeout: 1 }))),
        ),
      );
      await Promise.all(["api-new", "api-more"].map((n) => wait(lambda, n).catch(() => null)));
      await Promise.all(
        ["api-0", "api-1", "api-new", "api-0", "api-more", "api-2"].map((n) =>
          o.send("Invoke", n, () => lambda.send(new InvokeCommand({ FunctionName: n }))),
        ),
      );
      await o.send("UpdateFunctionConfiguration", "api-0", () =>
        lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: "api-0", MemorySize: 2048 })),
      );
      await o.send("Invoke", "api-0", () => lambda.send(new InvokeCommand({ FunctionName: "api-0" })));
    } finally {
      lambda.destroy();
      expect(await s.stop()).toBe(0);
    }
    const session = readCalls(sessionCalls);
    expectClientSaw(o, session);
    const text = readFileSync(recorded, "utf8");
    expect(text).toContain("# A fleet under steady traffic");
    const scenario = parse(text) as {
      workload: { functions: unknown }[];
      faults: { functions: unknown }[];
      functions: { name?: string }[];
    };
    expect(scenario.workload[0].functions).toEqual(["api-0", "api-1", "api-2"]);
    expect(scenario.faults[0].functions).toEqual(["api-0", "api-1"]);
    expect(scenario.functions.map((f) => f.name)).toEqual([undefined, "api-new", "api-more"]);
    expect(cli("validate", recorded).status).toBe(0);
    for (const workers of ["0", "2"]) {
      const calls = join(dir, `served-replay-${workers}.ndjson`);
      const r = cli("run", recorded, "--quiet", "-p", "4", "--workers", workers, "--calls", calls);
      expect(r.status).toBe(0);
      expect(readCalls(calls)).toEqual(session);
    }
  }, 240_000);

  it("refuses a --record path that cannot be written, or that another output or the scenario names, before serving", () => {
    const missing = cli("serve", "--port", "0", "--record", join(dir, "no-such-dir", "r.yaml"));
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain("--record: cannot write");
    const same = cli("serve", "--port", "0", "--record", join(dir, "x.json"), "--out", join(dir, "x.json"));
    expect(same.status).toBe(1);
    expect(same.stderr).toContain("--out and --record name the same file");
    const scenario = join(dir, "mine.yaml");
    writeFileSync(scenario, "name: mine\nduration: 1m\n");
    const over = cli("serve", scenario, "--port", "0", "--record", scenario);
    expect(over.status).toBe(1);
    expect(over.stderr).toContain("FILE and --record name the same file");
  });
});
