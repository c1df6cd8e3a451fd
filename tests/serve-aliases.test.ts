/**
 * `fleet-sim serve` answers the alias, version and concurrency operations of
 * issue 12 with the real AWS SDK: publish, aliases and weighted routing,
 * qualified invokes, ListVersionsByFunction paging, reserved and provisioned
 * concurrency decided by the simulation (the unreserved minimum, IN_PROGRESS
 * to READY in simulated time), and the session's bounded alias-name table.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateAliasCommand,
  CreateFunctionCommand,
  DeleteAliasCommand,
  DeleteFunctionConcurrencyCommand,
  DeleteProvisionedConcurrencyConfigCommand,
  GetAccountSettingsCommand,
  GetAliasCommand,
  GetFunctionCommand,
  GetFunctionConcurrencyCommand,
  GetFunctionConfigurationCommand,
  GetProvisionedConcurrencyConfigCommand,
  InvalidParameterValueException,
  InvokeCommand,
  ListVersionsByFunctionCommand,
  PreconditionFailedException,
  ProvisionedConcurrencyConfigNotFoundException,
  PublishVersionCommand,
  PutFunctionConcurrencyCommand,
  PutProvisionedConcurrencyConfigCommand,
  ResourceConflictException,
  ResourceNotFoundException,
  ServiceException,
  UpdateAliasCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionActiveV2,
  waitUntilFunctionUpdatedV2,
  waitUntilPublishedVersionActive,
} from "@aws-sdk/client-lambda";
import type { LambdaClient } from "@aws-sdk/client-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { aliasQualifier, MAX_ALIASES } from "../src/model/qualifiers.js";
import { prepareRun } from "../src/model/run.js";
import { loadScenarioText } from "../src/scenario/load.js";
import { AliasSlots } from "../src/serve/alias-slots.js";
import { servePlan } from "../src/serve/serve-plan.js";
import { ServeSession } from "../src/serve/session.js";
import { buildCli } from "./helpers/build-cli.js";
import { lambdaClient, serve as serveCli } from "./helpers/serve-cli.js";

let main = "";
const serve = (args: string[]) => serveCli(main, args);
const dir = mkdtempSync(join(tmpdir(), "fleet-sim-serve-aliases-"));
const ARN = "arn:aws:lambda:us-east-1:123456789012:function";

const client = (url: string) => lambdaClient(url, { maxAttempts: 1 });

const createFunction = (name: string) =>
  new CreateFunctionCommand({
    FunctionName: name,
    Runtime: "nodejs20.x",
    Role: "arn:aws:iam::123456789012:role/deployer",
    Handler: "index.handler",
    Code: { ZipFile: Buffer.from("PK\x03\x04 a zip file") },
    Description: "first",
  });

const waiting = { maxWaitTime: 120, minDelay: 1 };

/** A function with versions 1 (128 MB, "first") and 2 (256 MB, "second"), both Active. */
async function twoVersions(lambda: LambdaClient, name: string): Promise<void> {
  await lambda.send(createFunction(name));
  await waitUntilFunctionActiveV2({ client: lambda, ...waiting }, { FunctionName: name });
  const v1 = await lambda.send(new PublishVersionCommand({ FunctionName: name }));
  expect(v1.Version).toBe("1");
  expect(v1.FunctionArn).toBe(`${ARN}:${name}:1`);
  await lambda.send(
    new UpdateFunctionConfigurationCommand({ FunctionName: name, MemorySize: 256, Description: "second" }),
  );
  await waitUntilFunctionUpdatedV2({ client: lambda, ...waiting }, { FunctionName: name });
  const v2 = await lambda.send(new PublishVersionCommand({ FunctionName: name }));
  expect(v2.Version).toBe("2");
  for (const v of ["1", "2"])
    await waitUntilPublishedVersionActive(
      { client: lambda, ...waiting },
      { FunctionName: name, Qualifier: v },
    );
}

const rejection = (p: Promise<unknown>) =>
  p.then(() => new Error("expected a refusal")).catch((e: unknown) => e);

beforeAll(() => {
  main = buildCli("serve-aliases");
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("fleet-sim serve: aliases, versions and concurrency with the AWS SDK", () => {
  it("publish two versions; an alias routes invokes to its version, weighted routing, GetAlias, DeleteAlias then 404", async () => {
    const out = join(dir, "aliases.json");
    const s = await serve(["--speed", "60", "--out", out]);
    const lambda = client(s.url);
    try {
      await twoVersions(lambda, "api");
      const created = await lambda.send(
        new CreateAliasCommand({
          FunctionName: "api",
          Name: "live",
          FunctionVersion: "1",
          Description: "prod",
        }),
      );
      expect(created.AliasArn).toBe(`${ARN}:api:live`);
      expect(created.FunctionVersion).toBe("1");
      expect(created.Description).toBe("prod");
      const exists = await rejection(
        lambda.send(new CreateAliasCommand({ FunctionName: "api", Name: "live", FunctionVersion: "2" })),
      );
      expect(exists).toBeInstanceOf(ResourceConflictException);
      expect((exists as Error).message).toBe(`Alias already exists: ${ARN}:api:live`);

      const invoked = await lambda.send(
        new InvokeCommand({ FunctionName: "api", Qualifier: "live", Payload: Buffer.from("{}") }),
      );
      expect(invoked.StatusCode).toBe(200);
      expect(invoked.ExecutedVersion).toBe("1");
      const byArn = await lambda.send(new InvokeCommand({ FunctionName: `${ARN}:api:2` }));
      expect(byArn.ExecutedVersion).toBe("2");

      // Half the requests go to version 2.
      const stale = (await lambda.send(new GetAliasCommand({ FunctionName: "api", Name: "live" })))
        .RevisionId;
      const updated = await lambda.send(
        new UpdateAliasCommand({
          FunctionName: "api",
          Name: "live",
          FunctionVersion: "1",
          RoutingConfig: { AdditionalVersionWeights: { "2": 0.5 } },
          RevisionId: stale,
        }),
      );
      expect(updated.RoutingConfig?.AdditionalVersionWeights).toEqual({ "2": 0.5 });
      expect(updated.RevisionId).not.toBe(stale);
      const mismatch = await rejection(
        lambda.send(new UpdateAliasCommand({ FunctionName: "api", Name: "live", RevisionId: stale })),
      );
      expect(mismatch).toBeInstanceOf(PreconditionFailedException);
      const ran = await Promise.all(
        Array.from({ length: 40 }, () =>
          lambda
            .send(new InvokeCommand({ FunctionName: "api", Qualifier: "live" }))
            .then((r) => r.ExecutedVersion),
        ),
      );
      expect(new Set(ran)).toEqual(new Set(["1", "2"]));

      const got = await lambda.send(new GetAliasCommand({ FunctionName: "api", Name: "live" }));
      expect(got).toMatchObject({
        AliasArn: `${ARN}:api:live`,
        Name: "live",
        FunctionVersion: "1",
        Description: "prod",
        RoutingConfig: { AdditionalVersionWeights: { "2": 0.5 } },
        RevisionId: updated.RevisionId,
      });
      // An alias reads as its version: frozen at publish time.
      const viaAlias = await lambda.send(
        new GetFunctionConfigurationCommand({ FunctionName: "api", Qualifier: "live" }),
      );
      expect(viaAlias).toMatchObject({
        Version: "1",
        MemorySize: 128,
        Description: "first",
        State: "Active",
      });

      await lambda.send(
        new UpdateAliasCommand({
          FunctionName: "api",
          Name: "live",
          FunctionVersion: "2",
          RoutingConfig: { AdditionalVersionWeights: {} },
        }),
      );
      const moved = await lambda.send(new InvokeCommand({ FunctionName: "api", Qualifier: "live" }));
      expect(moved.ExecutedVersion).toBe("2");

      await lambda.send(new DeleteAliasCommand({ FunctionName: "api", Name: "live" }));
      // Lambda answers 204 for an alias that is not there.
      await lambda.send(new DeleteAliasCommand({ FunctionName: "api", Name: "live" }));
      const gone = await rejection(
        lambda.send(new InvokeCommand({ FunctionName: "api", Qualifier: "live" })),
      );
      expect(gone).toBeInstanceOf(ResourceNotFoundException);
      expect((gone as Error).message).toBe(`Function not found: ${ARN}:api:live`);
      const noAlias = await rejection(
        lambda.send(new GetAliasCommand({ FunctionName: "api", Name: "live" })),
      );
      expect(noAlias).toBeInstanceOf(ResourceNotFoundException);
      expect((noAlias as Error).message).toBe(`Cannot find alias arn: ${ARN}:api:live`);
      const noUpdate = await rejection(
        lambda.send(new UpdateAliasCommand({ FunctionName: "api", Name: "live", FunctionVersion: "1" })),
      );
      expect((noUpdate as Error).message).toBe(`Alias not found: ${ARN}:api:live`);
      const never = await rejection(
        lambda.send(new InvokeCommand({ FunctionName: "api", Qualifier: "beta" })),
      );
      expect(never).toBeInstanceOf(ResourceNotFoundException);
      expect((never as Error).message).toBe(`Function not found: ${ARN}:api:beta`);
      const noVersion = await rejection(
        lambda.send(new InvokeCommand({ FunctionName: "api", Qualifier: "9" })),
      );
      expect((noVersion as Error).message).toBe(`Function not found: ${ARN}:api:9`);
    } finally {
      lambda.destroy();
      expect(await s.stop()).toBe(0);
    }
    // The report names the alias the API created, and no unused slot.
    const report = JSON.parse(readFileSync(out, "utf8")) as {
      invocations: { byQualifier: Record<string, Record<string, number>> };
      api: Record<string, { requests: number }>;
    };
    expect(Object.keys(report.invocations.byQualifier).sort()).toEqual(["live", "version"]);
    expect(report.invocations.byQualifier.live.success).toBe(42);
    expect(report.api.DeleteAlias.requests).toBe(2);
  }, 180_000);

  it("ListVersionsByFunction pages $LATEST then 1..n, each version frozen at publish time", async () => {
    const s = await serve(["--speed", "60"]);
    const lambda = client(s.url);
    try {
      await twoVersions(lambda, "lister");
      const all = await lambda.send(new ListVersionsByFunctionCommand({ FunctionName: "lister" }));
      expect(all.Versions?.map((v) => v.Version)).toEqual(["$LATEST", "1", "2"]);
      expect(all.Versions?.map((v) => v.FunctionArn)).toEqual([
        `${ARN}:lister:$LATEST`,
        `${ARN}:lister:1`,
        `${ARN}:lister:2`,
      ]);
      expect(all.Versions?.map((v) => v.MemorySize)).toEqual([256, 128, 256]);
      expect(all.Versions?.map((v) => v.Description)).toEqual(["second", "first", "second"]);
      expect(all.NextMarker).toBeUndefined();
      const seen: string[] = [];
      let marker: string | undefined;
      do {
        const page = await lambda.send(
          new ListVersionsByFunctionCommand({ FunctionName: "lister", MaxItems: 2, Marker: marker }),
        );
        expect(page.Versions!.length).toBeLessThanOrEqual(2);
        seen.push(...page.Versions!.map((v) => v.Version!));
        marker = page.NextMarker;
      } while (marker !== undefined);
      expect(seen).toEqual(["$LATEST", "1", "2"]);
      const missing = await rejection(
        lambda.send(new ListVersionsByFunctionCommand({ FunctionName: "nope" })),
      );
      expect(missing).toBeInstanceOf(ResourceNotFoundException);
    } finally {
      lambda.destroy();
      expect(await s.stop()).toBe(0);
    }
  }, 120_000);

  it("reserved concurrency round trip and the unreserved minimum; provisioned concurrency IN_PROGRESS -> READY, refused on $LATEST", async () => {
    const s = await serve(["--speed", "60"]);
    const lambda = client(s.url);
    try {
      await twoVersions(lambda, "worker");
      expect(
        await lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: "worker" })),
      ).not.toHaveProperty("ReservedConcurrentExecutions");
      const put = await lambda.send(
        new PutFunctionConcurrencyCommand({ FunctionName: "worker", ReservedConcurrentExecutions: 50 }),
      );
      expect(put.ReservedConcurrentExecutions).toBe(50);
      const read = await lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: "worker" }));
      expect(read.ReservedConcurrentExecutions).toBe(50);
      const fn = await lambda.send(new GetFunctionCommand({ FunctionName: "worker" }));
      expect(fn.Concurrency?.ReservedConcurrentExecutions).toBe(50);
      const account = await lambda.send(new GetAccountSettingsCommand({}));
      expect(account.AccountLimit?.UnreservedConcurrentExecutions).toBe(950);

      // The default account: 1,000 concurrent executions, of which 100 stay unreserved.
      const tooMuch = await rejection(
        lambda.send(
          new PutFunctionConcurrencyCommand({ FunctionName: "worker", ReservedConcurrentExecutions: 901 }),
        ),
      );
      expect(tooMuch).toBeInstanceOf(InvalidParameterValueException);
      expect((tooMuch as Error).message).toBe(
        "Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [100].",
      );
      await lambda.send(new DeleteFunctionConcurrencyCommand({ FunctionName: "worker" }));
      expect(
        await lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: "worker" })),
      ).not.toHaveProperty("ReservedConcurrentExecutions");

      const latest = await rejection(
        lambda.send(
          new PutProvisionedConcurrencyConfigCommand({
            FunctionName: "worker",
            Qualifier: "$LATEST",
            ProvisionedConcurrentExecutions: 5,
          }),
        ),
      );
      expect(latest).toBeInstanceOf(InvalidParameterValueException);
      expect((latest as Error).message).toBe(
        "Provisioned Concurrency Configs cannot be applied to unpublished function versions.",
      );
      const none = await rejection(
        lambda.send(new GetProvisionedConcurrencyConfigCommand({ FunctionName: "worker", Qualifier: "1" })),
      );
      expect(none).toBeInstanceOf(ProvisionedConcurrencyConfigNotFoundException);

      await lambda.send(
        new CreateAliasCommand({ FunctionName: "worker", Name: "live", FunctionVersion: "1" }),
      );
      const started = await lambda.send(
        new PutProvisionedConcurrencyConfigCommand({
          FunctionName: "worker",
          Qualifier: "live",
          ProvisionedConcurrentExecutions: 20,
        }),
      );
      expect(started.Status).toBe("IN_PROGRESS");
      expect(started.RequestedProvisionedConcurrentExecutions).toBe(20);
      expect(started.AllocatedProvisionedConcurrentExecutions).toBe(0);
      const statuses = new Set<string>();
      for (let i = 0; i < 200; i++) {
        const c = await lambda.send(
          new GetProvisionedConcurrencyConfigCommand({ FunctionName: "worker", Qualifier: "live" }),
        );
        statuses.add(c.Status!);
        if (c.Status === "READY") {
          expect(c.AllocatedProvisionedConcurrentExecutions).toBe(20);
          expect(c.AvailableProvisionedConcurrentExecutions).toBe(20);
          break;
        }
        expect(c.Status).toBe("IN_PROGRESS");
        expect(c.AllocatedProvisionedConcurrentExecutions).toBeLessThan(20);
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(statuses).toContain("READY");
      // Provisioned concurrency comes out of the unreserved pool.
      const after = await lambda.send(new GetAccountSettingsCommand({}));
      expect(after.AccountLimit?.UnreservedConcurrentExecutions).toBe(980);
      await lambda.send(
        new DeleteProvisionedConcurrencyConfigCommand({ FunctionName: "worker", Qualifier: "live" }),
      );
      const deleted = await rejection(
        lambda.send(
          new GetProvisionedConcurrencyConfigCommand({ FunctionName: "worker", Qualifier: "live" }),
        ),
      );
      expect(deleted).toBeInstanceOf(ProvisionedConcurrencyConfigNotFoundException);
    } finally {
      lambda.destroy();
      expect(await s.stop()).toBe(0);
    }
  }, 120_000);

  it(`a session holds at most ${MAX_ALIASES} distinct alias names: one more answers ServiceException saying so`, async () => {
    const s = await serve(["--speed", "60"]);
    const lambda = client(s.url);
    try {
      await lambda.send(createFunction("many"));
      await waitUntilFunctionActiveV2({ client: lambda, ...waiting }, { FunctionName: "many" });
      for (let i = 0; i < MAX_ALIASES; i++)
        await lambda.send(
          new CreateAliasCommand({ FunctionName: "many", Name: `a${i}`, FunctionVersion: "$LATEST" }),
        );
      // A name already bound is no new name, even once its alias is deleted.
      await lambda.send(new DeleteAliasCommand({ FunctionName: "many", Name: "a0" }));
      await lambda.send(
        new CreateAliasCommand({ FunctionName: "many", Name: "a0", FunctionVersion: "$LATEST" }),
      );
      const full = await rejection(
        lambda.send(
          new CreateAliasCommand({ FunctionName: "many", Name: "one-more", FunctionVersion: "$LATEST" }),
        ),
      );
      expect(full).toBeInstanceOf(ServiceException);
      expect((full as Error).message).toBe(
        `fleet-sim serve holds at most ${MAX_ALIASES} distinct alias names in one session (the report counts invocations by alias name); one-more would be one more`,
      );
      const ran = await lambda.send(new InvokeCommand({ FunctionName: "many", Qualifier: "a13" }));
      expect(ran.ExecutedVersion).toBe("$LATEST");
    } finally {
      lambda.destroy();
      expect(await s.stop()).toBe(0);
    }
  }, 120_000);
});

describe("the served plan's alias slots", () => {
  const SCENARIO = `
name: served
duration: 1m
functions:
  - { template: api, name: api, existing: true }
events:
  - { at: 1s, call: PublishVersion, function: api }
  - { at: 2s, call: CreateAlias, function: api, alias: live, functionVersion: 1 }
`;

  it("keeps the scenario's aliases first and pre-allocates the rest with names no alias can have; a name is bound at the next epoch", async () => {
    const served = servePlan(loadScenarioText(SCENARIO, "served.yaml"), 4, ["nodejs20.x"]);
    expect(served.plan.aliases).toHaveLength(MAX_ALIASES);
    expect(served.plan.aliases[0]).toBe("live");
    expect(served.firstAliasSlot).toBe(1);
    expect(served.plan.aliases.slice(1).every((a) => a.includes(" "))).toBe(true);
    const session = new ServeSession(served, 2000);
    const handle = prepareRun(served.plan, { partitions: 1, live: session, epochUs: 1_000_000 });
    const done = handle.run();
    try {
      const slots = new AliasSlots(session);
      expect(slots.qualifierOf("live")).toBe(aliasQualifier(0));
      expect(slots.qualifierOf("blue")).toBeNull();
      expect(slots.qualifierOf("$LATEST")).toBe(0);
      expect(slots.qualifierOf("3")).toBe(3);
      const slot = slots.bind("blue");
      expect(slot).toBe(1);
      expect(slots.bind("blue")).toBe(1);
      await session.inspect(() => null);
      expect(served.plan.aliases[1]).toBe("blue");
      expect(slots.qualifierOf("blue")).toBe(aliasQualifier(1));
    } finally {
      session.stop();
      handle.stop();
      await done;
    }
  }, 60_000);
});
