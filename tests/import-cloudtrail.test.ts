/**
 * `fleet-sim import cloudtrail` (issue 14 item 3): CloudTrail's records of
 * Lambda calls (tests/fixtures/cloudtrail/, hand-written in the exact formats:
 * a trail bucket synced with a gzipped and a plain log file and a digest,
 * lookup-events output, records one per line) become scenario events at
 * their recorded times; the scenario validates and a run puts each call at
 * that time. Bad input gets located messages and exit code 1.
 */
import { spawnSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { redactName } from "../src/import/aws-import.js";
import { importCloudTrail } from "../src/import/cloudtrail-import.js";
import { ImportInputError } from "../src/import/json-input.js";
import { loadScenario } from "../src/scenario/load.js";

const ROOT = join(import.meta.dirname, "..");
const MAIN = join(ROOT, "dist", "bin", "fleet-sim.js");
const F = join(ROOT, "tests", "fixtures", "cloudtrail");
const TRAIL = join(F, "trail");
const DAY = join(TRAIL, "AWSLogs", "111122223333", "CloudTrail", "us-east-1", "2024", "05", "01");
const GZ = join(DAY, "111122223333_CloudTrail_us-east-1_20240501T1000Z_Ab12Cd34Ef56Gh78.json.gz");
const PLAIN = join(DAY, "111122223333_CloudTrail_us-east-1_20240501T1005Z_Ij90Kl12Mn34Op56.json");
const LOOKUP = join(F, "lookup-events.json");
const LINES = join(F, "records.jsonl");
const ALL = [TRAIL, LOOKUP, LINES];
const tmp = mkdtempSync(join(tmpdir(), "fleet-sim-cloudtrail-"));

type Event = Record<string, unknown> & { at: string; call: string; function: string };
interface Written {
  duration: string;
  functions: (Record<string, unknown> & { name: string })[];
  events: Event[];
  network: { vpcs: { id: string; securityGroups: string[]; subnets: Record<string, unknown>[] }[] };
}

const text = (paths: string[], redact = false): string => importCloudTrail({ paths, redact }).text;
const written = (paths: string[]): Written => parse(text(paths)) as Written;
const brief = (w: Written): string[] => w.events.map((e) => `${e.at} ${e.call} ${e.function}`);

function cli(...args: string[]) {
  return spawnSync(process.execPath, [MAIN, ...args], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
}

function file(name: string, content: string | Buffer): string {
  const path = join(tmp, name);
  writeFileSync(path, content);
  return path;
}

function messageOf(paths: string[]): string {
  try {
    importCloudTrail({ paths });
  } catch (e) {
    expect(e).toBeInstanceOf(ImportInputError);
    return (e as Error).message;
  }
  throw new Error("expected the import to refuse its input");
}

/** A minimal Lambda record. */
function record(time: string, eventName: string, requestParameters: object, extra: object = {}): object {
  return {
    eventVersion: "1.08",
    eventTime: time,
    eventSource: "lambda.amazonaws.com",
    eventName,
    awsRegion: "us-east-1",
    requestParameters,
    responseElements: null,
    ...extra,
  };
}
const logFile = (name: string, records: object[]): string => file(name, JSON.stringify({ Records: records }));

/** The replay of the fixtures: every call at its eventTime less the first's (2024-05-01T10:00:00Z). */
const REPLAYED = [
  "0s CreateFunction orders-api",
  "2s CreateFunction orders-worker",
  "5s CreateFunction thumbnailer",
  "90s UpdateFunctionConfiguration orders-api",
  "120s GetFunction orders-api",
  "180s PublishVersion orders-api",
  "190s CreateAlias orders-api",
  "195s PutProvisionedConcurrencyConfig orders-api",
  "240s UpdateFunctionCode legacy-cron",
  "270s PutFunctionConcurrency legacy-cron",
  "300s GetFunctionConfiguration thumbnailer",
  "300s DeleteFunction thumbnailer",
];

describe("import cloudtrail: each call at its recorded time", () => {
  it("every Lambda call becomes an event at its eventTime less the first call's, ordered by time", () => {
    expect(brief(written(ALL))).toEqual(REPLAYED);
  });

  it("calls at the same eventTime keep the order they were read in", () => {
    // records.jsonl: GetFunctionConfiguration, then DeleteFunction, both at 10:05:00.
    expect(brief(written(ALL)).slice(-2)).toEqual([
      "300s GetFunctionConfiguration thumbnailer",
      "300s DeleteFunction thumbnailer",
    ]);
    const same = [
      record("2024-05-01T10:00:00Z", "GetFunction20150331v2", { functionName: "a" }),
      record("2024-05-01T10:00:00Z", "GetFunctionConfiguration20150331v2", { functionName: "a" }),
      record("2024-05-01T09:59:59.500Z", "PublishVersion20150331", { functionName: "a" }),
    ];
    expect(brief(written([logFile("ties.json", same)]))).toEqual([
      "0s PublishVersion a",
      "500ms GetFunction a",
      "500ms GetFunctionConfiguration a",
    ]);
  });

  it("the parameters each call takes: config, alias and version, provisioned and reserved concurrency", () => {
    const events = written(ALL).events;
    expect(events[3]).toEqual({
      at: "90s",
      call: "UpdateFunctionConfiguration",
      function: "orders-api",
      config: { memory: 1024, timeout: "60s" },
    });
    expect(events[6]).toMatchObject({ alias: "live", functionVersion: "1" });
    expect(events[7]).toMatchObject({ qualifier: "live", provisionedConcurrentExecutions: 5 });
    expect(events[9]).toMatchObject({ reservedConcurrentExecutions: 10 });
  });

  it("the scenario lasts 5 minutes past the last call", () => {
    expect(written(ALL).duration).toBe("10m");
  });
});

describe("import cloudtrail: the three input forms", () => {
  it("a directory is read whole, as aws s3 sync lays out a trail's bucket; digests are skipped", () => {
    expect(brief(written([TRAIL]))).toEqual(REPLAYED.slice(0, 8));
    expect(text([TRAIL])).toContain(
      "2 files, 12 records, 11 Lambda events, 8 calls replayed; integrity digests skipped",
    );
  });

  it("gzip is told by its magic bytes, not the file's name", () => {
    const renamed = join(tmp, "no-suffix.json");
    copyFileSync(GZ, renamed);
    expect(brief(written([renamed]))).toEqual(REPLAYED.slice(0, 3));
    const plainGz = join(tmp, "plain.json.gz");
    copyFileSync(PLAIN, plainGz);
    expect(brief(written([plainGz]))[0]).toBe("0s UpdateFunctionConfiguration orders-api");
  });

  it("the files of a directory give what they give one by one", () => {
    // All but the header's list of inputs.
    const body = (t: string): string => t.slice(t.indexOf("# 4 functions"));
    expect(body(text([GZ, PLAIN, LOOKUP, LINES]))).toBe(body(text(ALL)));
  });

  it("aws cloudtrail lookup-events output: each CloudTrailEvent read, newest first put in time order", () => {
    expect(brief(written([LOOKUP]))).toEqual([
      "0s UpdateFunctionCode legacy-cron",
      "30s PutFunctionConcurrency legacy-cron",
    ]);
    // Pages concatenated, as --max-items / --starting-token runs appended give them.
    const page = readFileSync(LOOKUP, "utf8");
    const both = file("lookup-pages.json", page + page);
    expect(written([both]).events).toHaveLength(4);
  });

  it("records one per line (jq -c '.Records[]'), or a JSON array of records", () => {
    expect(brief(written([LINES]))).toEqual([
      "0s GetFunctionConfiguration thumbnailer",
      "0s DeleteFunction thumbnailer",
    ]);
    const records = readFileSync(LINES, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as object);
    expect(brief(written([file("array.json", JSON.stringify(records))]))).toEqual(brief(written([LINES])));
  });
});

describe("import cloudtrail: the functions", () => {
  it("functions the trail creates do not exist at the start and have their CreateFunction's settings", () => {
    const f = new Map(written(ALL).functions.map((t) => [t.name, t]));
    expect(f.get("orders-api")).toEqual({
      template: "orders-api",
      name: "orders-api",
      runtime: "nodejs20.x",
      memory: 512,
      architecture: "arm64",
      packageType: "Zip",
      timeout: "30s",
      vpc: { subnets: ["subnet-0a1", "subnet-0b2"], securityGroups: ["sg-0app"] },
    });
    expect(f.get("orders-api")!["existing"]).toBeUndefined();
    expect(f.get("thumbnailer")).toMatchObject({ runtime: "python3.12", memory: 2048, timeout: "120s" });
    expect(loadScenario(text(ALL), "ct.yaml").plan.functions.names.length).toBe(4);
  });

  it("a function the trail does not create exists at the start with the settings its responses show, AWS's defaults for the rest, said", () => {
    const t = text(ALL);
    const legacy = (parse(t) as Written).functions.find((x) => x.name === "legacy-cron");
    expect(legacy).toMatchObject({ existing: true, runtime: "java21", memory: 256, timeout: "15s" });
    expect(t).toContain(
      "legacy-cron existed before the trail; not shown by it, so AWS's defaults: VPC (none)",
    );
    const bare = written([
      logFile("bare.json", [
        record("2024-05-01T10:00:00Z", "GetFunction20150331v2", { functionName: "old" }),
      ]),
    ]);
    expect(bare.functions[0]).toMatchObject({ name: "old", existing: true, memory: 128, timeout: "3s" });
  });

  it("an update's response shows the new settings: the starting ones are not taken from it", () => {
    const updated = record(
      "2024-05-01T10:00:00Z",
      "UpdateFunctionConfiguration20150331v2",
      { functionName: "f", memorySize: 2048 },
      { responseElements: { functionName: "f", memorySize: 2048, timeout: 30, runtime: "python3.12" } },
    );
    const w = written([logFile("updated.json", [updated])]);
    expect(w.functions[0]).toMatchObject({ memory: 128, timeout: "30s", runtime: "python3.12" });
    expect(w.events[0]).toMatchObject({ config: { memory: 2048 } });
  });

  it("a function named by its ARN is named by its name; a qualifier in the ARN is the call's", () => {
    const arn = "arn:aws:lambda:us-east-1:111122223333:function:";
    const w = written([
      logFile("arn.json", [
        record("2024-05-01T10:00:00Z", "Invoke", { functionName: `${arn}f:live`, invocationType: "Event" }),
        record("2024-05-01T10:00:01Z", "GetFunction20150331v2", { functionName: `${arn}f` }),
      ]),
    ]);
    expect(w.events).toEqual([
      { at: "0s", call: "Invoke", function: "f", qualifier: "live", invocationType: "Event" },
      { at: "1s", call: "GetFunction", function: "f" },
    ]);
  });

  it("versions published in the trail are numbered from 1 as the run numbers them; one published before is not replayed, said", () => {
    const w = text([
      logFile("versions.json", [
        record(
          "2024-05-01T10:00:00Z",
          "PublishVersion20150331",
          { functionName: "f" },
          {
            responseElements: { functionName: "f", version: "7" },
          },
        ),
        record("2024-05-01T10:00:10Z", "CreateAlias20150331", {
          functionName: "f",
          name: "live",
          functionVersion: "7",
        }),
        record("2024-05-01T10:00:20Z", "UpdateAlias20150331", {
          functionName: "f",
          name: "live",
          functionVersion: "6",
        }),
      ]),
    ]);
    expect((parse(w) as Written).events).toEqual([
      { at: "0s", call: "PublishVersion", function: "f" },
      { at: "10s", call: "CreateAlias", function: "f", alias: "live", functionVersion: "1" },
    ]);
    expect(w).toContain(
      "f: UpdateAlias20150331 at 20s names version 6, published before the trail: not replayed",
    );
  });

  it("publish: true on CreateFunction or UpdateFunctionCode adds a PublishVersion at the same time", () => {
    const w = written([
      logFile("publish.json", [
        record(
          "2024-05-01T10:00:00Z",
          "CreateFunction20150331",
          { functionName: "f", publish: true },
          {
            responseElements: { functionName: "f", version: "1" },
          },
        ),
        record(
          "2024-05-01T10:01:00Z",
          "UpdateFunctionCode20150331v2",
          { functionName: "f", publish: true },
          {
            responseElements: { functionName: "f", version: "2" },
          },
        ),
        record("2024-05-01T10:02:00Z", "UpdateAlias20150331", {
          functionName: "f",
          name: "live",
          functionVersion: "2",
        }),
      ]),
    ]);
    expect(w.events).toEqual([
      { at: "0s", call: "CreateFunction", function: "f" },
      { at: "0s", call: "PublishVersion", function: "f" },
      { at: "60s", call: "UpdateFunctionCode", function: "f" },
      { at: "60s", call: "PublishVersion", function: "f" },
      { at: "120s", call: "UpdateAlias", function: "f", alias: "live", functionVersion: "2" },
    ]);
  });

  it("a function created again with other settings keeps its first create's, said", () => {
    const t = text([
      logFile("again.json", [
        record("2024-05-01T10:00:00Z", "CreateFunction20150331", { functionName: "f", memorySize: 256 }),
        record("2024-05-01T10:01:00Z", "DeleteFunction20150331", { functionName: "f" }),
        record("2024-05-01T10:02:00Z", "CreateFunction20150331", { functionName: "f", memorySize: 512 }),
      ]),
    ]);
    expect((parse(t) as Written).functions[0]).toMatchObject({ name: "f", memory: 256 });
    expect(t).toContain(
      "f is created again at 120s with other settings: the run creates it with its first CreateFunction's",
    );
    expect(loadScenario(t, "again.yaml").plan).toBeDefined();
  });

  it("functions created with numbered names and equal settings are one template with a count, not existing", () => {
    const creates = Array.from({ length: 12 }, (_, i) =>
      record(`2024-05-01T10:00:${String(i).padStart(2, "0")}Z`, "CreateFunction20150331", {
        functionName: `api-${String(i).padStart(2, "0")}`,
        runtime: "nodejs20.x",
        memorySize: 256,
        timeout: 10,
      }),
    );
    const t = text([logFile("numbered.json", creates)]);
    const w = parse(t) as Written;
    expect(w.functions).toEqual([
      expect.objectContaining({ template: "api", count: 12, name: "api-{i:2}", memory: 256 }),
    ]);
    expect(w.functions[0]!["existing"]).toBeUndefined();
    expect(w.events.map((e) => e.function)).toEqual(
      creates.map((_, i) => `api-${String(i).padStart(2, "0")}`),
    );
    expect(loadScenario(t, "numbered.yaml").plan.functions.names).toHaveLength(12);
  });

  it("a DryRun invocation and a DeleteFunction of one version are not replayed, said", () => {
    const t = text([
      logFile("dry.json", [
        record("2024-05-01T10:00:00Z", "Invoke", { functionName: "f", invocationType: "DryRun" }),
        record("2024-05-01T10:00:01Z", "DeleteFunction20150331", { functionName: "f", qualifier: "3" }),
        record("2024-05-01T10:00:02Z", "GetFunction20150331v2", { functionName: "f" }),
      ]),
    ]);
    expect(t).toContain("f: Invoke at 0s is a DryRun invocation: not replayed");
    expect(t).toContain(
      "f: DeleteFunction20150331 at 1s deletes version 3 only (the simulator deletes whole functions): not replayed",
    );
    expect(brief(parse(t) as Written)).toEqual(["2s GetFunction f"]);
  });

  it("a VPC configuration with no subnets detaches the function (vpc: null)", () => {
    const w = written([
      logFile("detach.json", [
        record("2024-05-01T10:00:00Z", "UpdateFunctionConfiguration20150331v2", {
          functionName: "f",
          vpcConfig: { subnetIds: [], securityGroupIds: [] },
        }),
      ]),
    ]);
    expect(w.events[0]).toMatchObject({ config: { vpc: null } });
  });

  it("subnets are declared in their VPC with an assumed size, said with a WARNING", () => {
    const t = text(ALL);
    const vpc = (parse(t) as Written).network.vpcs;
    expect(vpc.map((v) => v.id)).toEqual(["vpc-0main"]);
    expect(vpc[0]!.securityGroups).toEqual(["sg-0app", "sg-0batch"]);
    expect(vpc[0]!.subnets).toEqual([
      { id: "subnet-0a1", capacity: 251, usedByOthers: 0 },
      { id: "subnet-0b2", capacity: 251, usedByOthers: 0 },
      { id: "subnet-0c3", capacity: 251, usedByOthers: 0 },
    ]);
    expect(t).toContain(
      "WARNING: CloudTrail does not give subnet sizes: 3 subnets assumed 251 free addresses each",
    );
  });

  it("--redact replaces every function name by the stable hash import aws uses", () => {
    const t = text(ALL, true);
    for (const name of ["orders-api", "orders-worker", "thumbnailer", "legacy-cron"]) {
      expect(t).not.toContain(name);
      expect(t).toContain(redactName(name));
    }
    expect(loadScenario(t, "redacted.yaml").plan).toBeDefined();
  });
});

describe("import cloudtrail --base: the trail replayed on a scenario the user has", () => {
  const AWS = join(ROOT, "tests", "fixtures", "aws");
  const base = (): string => {
    const out = join(tmp, "base.yaml");
    const r = cli(
      "import",
      "aws",
      "--functions",
      join(AWS, "list-functions.json"),
      "--subnets",
      join(AWS, "describe-subnets.json"),
      "-o",
      out,
    );
    expect(r.status).toBe(0);
    return out;
  };

  it("keeps the base's functions, settings and subnets; adds the functions, subnets and events it lacks", () => {
    const file = base();
    const before = parse(readFileSync(file, "utf8")) as Written & { workload: unknown[] };
    const t = importCloudTrail({ paths: ALL, base: file }).text;
    const after = parse(t) as Written & { workload: unknown[] };
    // The base's four functions as they were, then the one it lacks (legacy-cron).
    expect(after.functions.slice(0, before.functions.length)).toEqual(before.functions);
    expect(after.functions.slice(before.functions.length).map((f) => f.name)).toEqual(["legacy-cron"]);
    expect(after.workload).toEqual(before.workload);
    // The base sizes subnet-0a1 and subnet-0b2 from describe-subnets: not redeclared.
    const subnets = after.network.vpcs.flatMap((v) => v.subnets.map((s) => s["id"]));
    expect(subnets.filter((s) => s === "subnet-0a1")).toHaveLength(1);
    expect(brief(after)).toEqual(REPLAYED);
    expect(after.duration).toBe("10m");
    expect(t).toContain("orders-api is in --base and the trail creates it: the base's settings are used");
    expect(loadScenario(t, "on-base.yaml").plan.functions.names).toHaveLength(5);
  });

  it("a base that is not a valid scenario is refused with its own message", () => {
    const bad = file("bad-base.yaml", "name: x\n");
    expect(() => importCloudTrail({ paths: ALL, base: bad })).toThrow(/^--base .*bad-base\.yaml.*duration/);
  });
});

describe("import cloudtrail: what is not replayed is counted, never dropped", () => {
  it("failed calls (errorCode) are counted by name and error code, in the header and on stderr", () => {
    const r = importCloudTrail({ paths: ALL });
    const line =
      "2 failed calls (errorCode) not replayed: DeleteFunction20150331 ResourceNotFoundException (1), UpdateFunctionConfiguration20150331v2 ResourceConflictException (1)";
    expect(r.text).toContain(`#   - ${line}`);
    expect(r.report).toContain(line);
    expect(brief(parse(r.text) as Written)).not.toContain("91s UpdateFunctionConfiguration orders-api");
  });

  it("Lambda events the scenario has no call for are counted by name, in the header and on stderr", () => {
    const r = importCloudTrail({ paths: ALL });
    const line =
      "2 Lambda events with no scenario call, not replayed: AddPermission20150331v2 (1), ListFunctions20150331 (1)";
    expect(r.text).toContain(`#   - ${line}`);
    expect(r.report).toContain(line);
  });

  it("request fields the simulator does not model are counted", () => {
    expect(text(ALL)).toContain(
      "request fields not modelled: code (3), environment (1), handler (3), role (3)",
    );
  });

  it("records of other services are read past; their count is in the header", () => {
    expect(text(ALL)).toContain("4 files, 17 records, 16 Lambda events, 12 calls replayed");
  });
});

describe("import cloudtrail: bad input, located", () => {
  it("not JSON: the file and line:column", () => {
    const bad = file("bad.json", '{"Records": [\n  {"eventTime": "2024-05-01T10:00:00Z",}\n]}\n');
    expect(messageOf([bad])).toMatch(
      new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:2:\\d+: malformed JSON`),
    );
  });

  it("gzip that is not whole: named as such", () => {
    const whole = readFileSync(GZ);
    const cut = file("cut.json.gz", whole.subarray(0, whole.length - 20));
    expect(messageOf([cut])).toBe(`${cut}: not a valid gzip file: unexpected end of file`);
  });

  it("a record without eventTime or eventName: its JSON path", () => {
    const noTime = logFile("no-time.json", [
      record("2024-05-01T10:00:00Z", "GetFunction20150331v2", { functionName: "f" }),
      { eventName: "X", eventSource: "lambda.amazonaws.com" },
    ]);
    expect(messageOf([noTime])).toBe(`${noTime}: $.Records[1]: missing eventTime`);
    const noName = logFile("no-name.json", [
      { eventTime: "2024-05-01T10:00:00Z", eventSource: "s3.amazonaws.com" },
    ]);
    expect(messageOf([noName])).toBe(`${noName}: $.Records[0]: missing eventName`);
  });

  it("an eventTime that is not ISO-8601: its JSON path and what it got", () => {
    const bad = logFile("time.json", [
      record("05/01/2024 10:00", "GetFunction20150331v2", { functionName: "f" }),
    ]);
    expect(messageOf([bad])).toBe(
      `${bad}: $.Records[0].eventTime: expected an ISO-8601 time like 2024-05-01T12:00:00Z, got string "05/01/2024 10:00"`,
    );
  });

  it("another command's output is named (list-functions given for CloudTrail)", () => {
    const functions = join(ROOT, "tests", "fixtures", "aws", "describe-subnets.json");
    expect(messageOf([functions])).toBe(
      `${functions}: $: expected CloudTrail records: a log file ({"Records": [...]}), aws cloudtrail lookup-events output ({"Events": [...]}) or one record per line, got describe-subnets output (Subnets)`,
    );
  });

  it("a lookup-events CloudTrailEvent that is not JSON: its JSON path", () => {
    const bad = file(
      "lookup-bad.json",
      JSON.stringify({ Events: [{ EventId: "1", CloudTrailEvent: "{not json" }] }),
    );
    expect(messageOf([bad])).toMatch(
      /lookup-bad\.json: \$\.Events\[0\]\.CloudTrailEvent: malformed JSON in the string/,
    );
  });

  it("empty input: an empty file, an empty directory, no records", () => {
    const empty = file("empty.json", "\n");
    expect(messageOf([empty])).toMatch(/empty\.json: empty file: expected CloudTrail records/);
    const dir = join(tmp, "empty-dir");
    mkdirSync(dir, { recursive: true });
    expect(messageOf([dir])).toBe(`${dir}: no files in this directory: expected CloudTrail log files`);
    const none = file("none.json", '{"Records": []}');
    expect(messageOf([none])).toBe(`${none}: no CloudTrail records in the input`);
  });

  it("a path that cannot be read, or a dangling link in a directory: named", () => {
    const missing = join(tmp, "nope.json");
    expect(messageOf([missing])).toBe(`${missing}: cannot read: ENOENT`);
    const dir = join(tmp, "dangling");
    mkdirSync(dir, { recursive: true });
    symlinkSync(join(tmp, "gone.json"), join(dir, "link.json"));
    expect(messageOf([dir])).toBe(`${join(dir, "link.json")}: cannot read: ENOENT`);
  });

  it("no Lambda events at all, or none that can be replayed: said, nothing written", () => {
    const s3 = logFile("s3.json", [
      { eventTime: "2024-05-01T10:00:00Z", eventName: "PutObject", eventSource: "s3.amazonaws.com" },
    ]);
    expect(messageOf([s3])).toBe(
      `${s3}: no Lambda events (eventSource lambda.amazonaws.com) among the 1 records read`,
    );
    const list = logFile("list.json", [record("2024-05-01T10:00:00Z", "ListFunctions20150331", {})]);
    expect(messageOf([list])).toBe(
      `${list}: none of the 1 Lambda events can be replayed: 1 Lambda events with no scenario call, not replayed: ListFunctions20150331 (1)`,
    );
  });

  it("a function name that is not one: its JSON path", () => {
    const bad = logFile("name.json", [
      record("2024-05-01T10:00:00Z", "GetFunction20150331v2", { functionName: "my function" }),
    ]);
    expect(messageOf([bad])).toBe(
      `${bad}: $.Records[0].requestParameters.functionName: expected a function name (letters, digits, '-', '_'; at most 64) or its ARN, got string "my function"`,
    );
  });

  it("the CLI says it on stderr with exit code 1, no stack trace, and leaves the old output as it was", () => {
    const out = join(tmp, "kept.yaml");
    writeFileSync(out, "old\n");
    const cut = file("cli-cut.json.gz", readFileSync(GZ).subarray(0, 30));
    const r = cli("import", "cloudtrail", cut, "-o", out);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("not a valid gzip file");
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(readFileSync(out, "utf8")).toBe("old\n");
    const noFiles = cli("import", "cloudtrail", "-o", out);
    expect(noFiles.status).toBe(1);
    expect(noFiles.stderr).toContain("import cloudtrail needs FILE...");
    const awsFlag = cli("import", "cloudtrail", LINES, "--functions", "x.json", "-o", out);
    expect(awsFlag.status).toBe(1);
    expect(awsFlag.stderr).toContain("unknown option --functions");
    const unwritable = cli("import", "cloudtrail", LINES, "-o", join(tmp, "no-such-dir", "x.yaml"));
    expect(unwritable.status).toBe(1);
    expect(unwritable.stderr).toContain("--output: cannot write");
  });
});

describe("import cloudtrail: the written file", () => {
  it("is the same bytes for the same input", () => {
    expect(text(ALL)).toBe(text(ALL));
    expect(text([LINES, TRAIL, LOOKUP])).toBe(text([LINES, TRAIL, LOOKUP]));
  });

  it(
    "validates, runs, and the run makes each call at its recorded time (fleet-sim import, validate, run --trace)",
    { timeout: 120_000 },
    () => {
      const dir = join(tmp, "cli");
      mkdirSync(dir, { recursive: true });
      const out = join(dir, "deploy.yaml");
      const imp = cli("import", "cloudtrail", ...ALL, "-o", out);
      expect(imp.status).toBe(0);
      expect(imp.stderr).toContain("2 failed calls (errorCode) not replayed");
      expect(readFileSync(out, "utf8")).toBe(text(ALL));
      expect(readdirSync(dir)).toEqual(["deploy.yaml"]);
      const validate = cli("validate", out);
      expect(validate.stdout).toContain("ok (4 functions, 0 steps, 12 explicit calls)");
      expect(validate.status).toBe(0);
      const trace = join(dir, "trace.ndjson");
      const run = cli("run", out, "--quiet", "--trace", trace);
      expect(run.stderr).toBe("");
      expect(run.status).toBe(0);
      expect(existsSync(trace)).toBe(true);
      const records = readFileSync(trace, "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as { t: number; function: string; operation: string; outcome: string });
      // Each call is traced when it is answered: its recorded time plus the API's latency (well under a second).
      let from = 0;
      for (const line of REPLAYED) {
        const [at, call, fn] = line.split(" ") as [string, string, string];
        const atS = Number(at.replace("s", ""));
        const k = records.findIndex((r, i) => i >= from && r.operation === call && r.function === fn);
        expect(k, line).toBeGreaterThanOrEqual(0);
        const r = records[k]!;
        expect(r.outcome, line).toBe("OK");
        expect(r.t, line).toBeGreaterThanOrEqual(atS);
        expect(r.t, line).toBeLessThan(atS + 1);
        from = k + 1;
      }
    },
  );

  it(
    "the source may come after the flags (fleet-sim import -o FILE cloudtrail ...)",
    { timeout: 60_000 },
    () => {
      const out = join(tmp, "flags-first.yaml");
      const r = cli("import", "-o", out, "cloudtrail", LINES);
      expect(r.stderr).toBe(
        "fleet-sim: 1 failed calls (errorCode) not replayed: DeleteFunction20150331 ResourceNotFoundException (1)\n",
      );
      expect(r.status).toBe(0);
      expect(readFileSync(out, "utf8")).toBe(text([LINES]));
    },
  );

  it("gzip in, gzip of any other name in: the same scenario", () => {
    const again = file("again.bin", gzipSync(readFileSync(PLAIN)));
    expect(brief(written([again]))).toEqual(brief(written([PLAIN])));
  });
});
