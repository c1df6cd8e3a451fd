#!/usr/bin/env node
// The importers at an account's scale. After `npm run build`:
//   node bench/import.mjs [--functions N] [--records R] [--files F] [--runs K]
// Writes, in a temporary directory, what the AWS CLI would print for an
// account of N functions (default 10,000; `list-functions` in 50-function
// pages appended to one file as `--max-items` paging does, 40 subnets,
// describe-network-interfaces with 2 Lambda ENIs a VPC function, reserved
// concurrency for a tenth of them) and a synced CloudTrail bucket of F
// gzipped log files (default 2,000) holding R records (default 500,000), one
// in ten a Lambda management call (creates, configuration updates, publishes,
// aliases, the rest other services' calls). Times `fleet-sim import aws` and
// `fleet-sim import cloudtrail` K times each (default 3): median wall time,
// and peak RSS; then validates each written scenario with `fleet-sim
// validate`.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const { values: args } = parseArgs({
  options: {
    functions: { type: "string", default: "10000" },
    records: { type: "string", default: "500000" },
    files: { type: "string", default: "2000" },
    runs: { type: "string", default: "3" },
  },
});
const N = Number(args.functions);
const R = Number(args.records);
const F = Number(args.files);
const runs = Number(args.runs);
const CLI = here("../dist/bin/fleet-sim.js");
const dir = mkdtempSync(join(tmpdir(), "import-bench-"));

// A small deterministic PRNG, so the inputs are the same every time.
let seed = 12345;
const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
const pick = (list) => list[Math.floor(rand() * list.length)];

// ---- the account
const subnets = Array.from({ length: 40 }, (_, i) => ({
  SubnetId: `subnet-${String(i).padStart(4, "0")}`,
  VpcId: `vpc-${i % 4}`,
  CidrBlock: `10.${i % 4}.${Math.floor(i / 4) * 4}.0/22`,
  AvailabilityZone: `us-east-1${"abcd"[i % 4]}`,
  AvailableIpAddressCount: 700 + Math.floor(rand() * 300),
  State: "available",
}));
const runtimes = ["nodejs20.x", "nodejs18.x", "python3.12", "python3.11", "java21", "go1.x", "dotnet8"];
const functions = [];
const enis = [];
for (let i = 0; i < N; i++) {
  const family = pick(["api", "worker", "etl", "auth", "report"]);
  const name = `${family}-${String(i).padStart(5, "0")}`;
  const vpc = rand() < 0.6;
  const subnetA = subnets[Math.floor(rand() * subnets.length)];
  const subnetB = subnets.find((s) => s.VpcId === subnetA.VpcId && s !== subnetA);
  functions.push({
    FunctionName: name,
    FunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${name}`,
    Runtime: pick(runtimes),
    Role: "arn:aws:iam::123456789012:role/fleet",
    Handler: "index.handler",
    CodeSize: 1000 + Math.floor(rand() * 5e6),
    Timeout: pick([3, 10, 30, 60, 900]),
    MemorySize: pick([128, 256, 512, 1024, 1769, 3008]),
    LastModified: "2026-11-02T10:11:12.000+0000",
    Version: "$LATEST",
    ...(vpc
      ? {
          VpcConfig: {
            SubnetIds: [subnetA.SubnetId, subnetB.SubnetId],
            SecurityGroupIds: [`sg-${subnetA.VpcId}`],
            VpcId: subnetA.VpcId,
          },
        }
      : {}),
    PackageType: "Zip",
    Architectures: [rand() < 0.3 ? "arm64" : "x86_64"],
  });
  if (vpc)
    for (const s of [subnetA, subnetB])
      enis.push({
        NetworkInterfaceId: `eni-${enis.length.toString(16).padStart(8, "0")}`,
        SubnetId: s.SubnetId,
        VpcId: s.VpcId,
        InterfaceType: "lambda",
        Status: "in-use",
        PrivateIpAddress: "10.0.0.1",
      });
}
const pages = [];
for (let i = 0; i < N; i += 50) {
  const page = { Functions: functions.slice(i, i + 50) };
  if (i + 50 < N) page.NextToken = `token-${i + 50}`;
  pages.push(JSON.stringify(page, null, 4));
}
writeFileSync(join(dir, "functions.json"), `${pages.join("\n")}\n`);
writeFileSync(join(dir, "subnets.json"), JSON.stringify({ Subnets: subnets }, null, 4));
writeFileSync(join(dir, "enis.json"), JSON.stringify({ NetworkInterfaces: enis }, null, 4));
const reserved = {};
for (let i = 0; i < N; i += 10) reserved[functions[i].FunctionName] = { ReservedConcurrentExecutions: 5 };
writeFileSync(join(dir, "concurrency.json"), JSON.stringify(reserved));
writeFileSync(
  join(dir, "account.json"),
  JSON.stringify({ AccountLimit: { ConcurrentExecutions: 10000, UnreservedConcurrentExecutions: 5000 } }),
);

// ---- the trail: F files of R / F records, every tenth a Lambda call
const trail = join(dir, "trail", "AWSLogs", "123456789012", "CloudTrail", "us-east-1", "2026", "12", "01");
mkdirSync(trail, { recursive: true });
const t0 = Date.parse("2026-12-01T00:00:00Z");
let record = 0;
let created = 0;
for (let f = 0; f < F; f++) {
  const records = [];
  for (let k = 0; k < R / F; k++, record++) {
    const eventTime = new Date(t0 + record * 100).toISOString().replace(/\.\d{3}Z$/, "Z");
    const base = {
      eventVersion: "1.08",
      userIdentity: {
        type: "AssumedRole",
        arn: "arn:aws:sts::123456789012:assumed-role/deployer/ci",
        accountId: "123456789012",
      },
      eventTime,
      awsRegion: "us-east-1",
      sourceIPAddress: "203.0.113.10",
      userAgent: "aws-cli/2.15.0",
      requestID: `req-${record}`,
      eventID: `evt-${record}`,
      eventType: "AwsApiCall",
      managementEvent: true,
      recipientAccountId: "123456789012",
    };
    if (record % 10 !== 0) {
      records.push({
        ...base,
        eventSource: "s3.amazonaws.com",
        eventName: "GetBucketAcl",
        requestParameters: { bucketName: "b" },
      });
      continue;
    }
    const kind = rand();
    if (kind < 0.2 || created === 0) {
      const name = `new-${created++}`;
      records.push({
        ...base,
        eventSource: "lambda.amazonaws.com",
        eventName: "CreateFunction20150331",
        requestParameters: {
          functionName: name,
          runtime: "nodejs20.x",
          memorySize: 512,
          timeout: 30,
          role: "arn:aws:iam::123456789012:role/fleet",
          handler: "index.handler",
          code: {},
        },
        responseElements: {
          functionName: name,
          state: "Pending",
          memorySize: 512,
          timeout: 30,
          runtime: "nodejs20.x",
        },
      });
    } else {
      const name = `new-${Math.floor(rand() * created)}`;
      const eventName = pick([
        "UpdateFunctionConfiguration20150331v2",
        "PublishVersion20150331",
        "UpdateFunctionCode20150331v2",
        "GetFunction20150331v2",
      ]);
      const requestParameters =
        eventName === "UpdateFunctionConfiguration20150331v2"
          ? { functionName: name, memorySize: pick([256, 1024]) }
          : { functionName: name };
      records.push({
        ...base,
        eventSource: "lambda.amazonaws.com",
        eventName,
        requestParameters,
        responseElements: null,
      });
    }
  }
  const stamp = new Date(t0 + f * 300_000).toISOString().replace(/[-:]/g, "").slice(0, 13);
  writeFileSync(
    join(trail, `123456789012_CloudTrail_us-east-1_${stamp}Z_${String(f).padStart(6, "0")}.json.gz`),
    gzipSync(JSON.stringify({ Records: records })),
  );
}

// ---- timing
const reporter = join(dir, "rss.mjs");
writeFileSync(
  reporter,
  'process.on("exit", () => process.stderr.write(`\\nBENCH_MAX_RSS_KB=${process.resourceUsage().maxRSS}\\n`));\n',
);
const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
function time(name, argv) {
  const seconds = [];
  const rss = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const out = spawnSync(process.execPath, ["--import", reporter, CLI, ...argv], { encoding: "utf8" });
    seconds.push((performance.now() - start) / 1000);
    if (out.status !== 0) {
      console.error(out.stdout, out.stderr);
      process.exit(1);
    }
    rss.push(Number(/BENCH_MAX_RSS_KB=(\d+)/.exec(out.stderr)?.[1] ?? NaN) / 1024);
  }
  const scenario = argv[argv.indexOf("-o") + 1];
  const valid = spawnSync(process.execPath, [CLI, "validate", scenario], { encoding: "utf8" });
  return {
    name,
    seconds: median(seconds),
    rssMb: median(rss),
    valid: valid.status === 0 ? "valid" : valid.stderr.split("\n")[0],
  };
}
const results = [
  time(`import aws, ${N.toLocaleString("en-US")} functions`, [
    "import",
    "aws",
    "--functions",
    join(dir, "functions.json"),
    "--subnets",
    join(dir, "subnets.json"),
    "--enis",
    join(dir, "enis.json"),
    "--concurrency",
    join(dir, "concurrency.json"),
    "--account-settings",
    join(dir, "account.json"),
    "-o",
    join(dir, "fleet.yaml"),
  ]),
  time(
    `import cloudtrail, ${R.toLocaleString("en-US")} records in ${F.toLocaleString("en-US")} gzipped files`,
    ["import", "cloudtrail", join(dir, "trail"), "-o", join(dir, "deploy.yaml")],
  ),
];
console.log("| import | median wall s | peak RSS MB | written scenario |");
console.log("| --- | ---: | ---: | --- |");
for (const r of results)
  console.log(`| ${r.name} | ${r.seconds.toFixed(2)} | ${r.rssMb.toFixed(0)} | ${r.valid} |`);
if (process.env.KEEP_IMPORT_BENCH) console.error(`inputs kept in ${dir}`);
else rmSync(dir, { recursive: true, force: true });
