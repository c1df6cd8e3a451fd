#!/usr/bin/env node
// How many requests `fleet-sim serve` answers per second of wall time, and
// its peak resident memory, under N concurrent AWS SDK clients. Each run
// starts a fresh `fleet-sim serve --port 0 --speed S` (the built bundle,
// dist/bin/fleet-sim.js) and, with all clients at once:
//   1. deploy: each client creates a function (every fourth in a VPC) and
//      waits for it with waitUntilFunctionActiveV2;
//   2. invoke: each client invokes its function back to back for --seconds;
//   3. read: each client calls GetFunction back to back for --seconds.
// Requests/s is requests answered / wall time of the phase; the figures are
// medians over --runs runs. The clients run in this process, on the same
// machine: when the server's CPU share (from /proc/PID/stat) stays well under
// one core, the clients are the limit, and requests per server CPU-second
// estimates what the server alone could answer.
//
//   npm run build && node bench/serve-load.mjs              200 clients, speed 600, 5 runs of 5 s
//   node bench/serve-load.mjs --clients 50 --speed 60 --runs 3 --seconds 10
import { spawn } from "node:child_process";
import { Buffer } from "node:buffer";
import { readFileSync } from "node:fs";
import { clearInterval, setInterval } from "node:timers";
import {
  CreateFunctionCommand,
  GetFunctionCommand,
  InvokeCommand,
  LambdaClient,
  waitUntilFunctionActiveV2,
} from "@aws-sdk/client-lambda";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const clients = option("--clients", 200);
const speed = option("--speed", 600);
const runs = option("--runs", 5);
const seconds = option("--seconds", 5);

const ZIP = Buffer.from("PK\x03\x04 a zip file");

function start() {
  const child = spawn(
    process.execPath,
    ["dist/bin/fleet-sim.js", "serve", "--port", "0", "--speed", String(speed)],
    {
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  return new Promise((resolve, reject) => {
    let err = "";
    child.stderr.on("data", (d) => {
      err += d;
      const m = /serving the Lambda API on (http:\/\/\S+)/.exec(err);
      if (m !== null) resolve({ child, url: m[1] });
    });
    child.on("exit", (code) => reject(new Error(`serve exited ${code}: ${err}`)));
  });
}

const rssKb = (pid) => {
  try {
    return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))[1]);
  } catch {
    return 0;
  }
};

/** CPU time the process has used, in seconds (Linux /proc, 100 ticks a second). */
const cpuSeconds = (pid) => {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
};

/** Calls `call` back to back until the deadline; the number answered. */
async function loop(call, untilMs) {
  let n = 0;
  while (Date.now() < untilMs) {
    await call();
    n++;
  }
  return n;
}

async function oneRun() {
  const { child, url } = await start();
  let peakKb = rssKb(child.pid);
  const sampler = setInterval(() => (peakKb = Math.max(peakKb, rssKb(child.pid))), 100);
  const lambdas = Array.from(
    { length: clients },
    () =>
      new LambdaClient({
        endpoint: url,
        region: "us-east-1",
        credentials: { accessKeyId: "x", secretAccessKey: "y" },
        maxAttempts: 1,
      }),
  );
  const names = lambdas.map((_, i) => `bench-${i}`);
  try {
    let t0 = performance.now();
    let polls = 0;
    await Promise.all(
      lambdas.map(async (lambda, i) => {
        await lambda.send(
          new CreateFunctionCommand({
            FunctionName: names[i],
            Runtime: "nodejs20.x",
            Role: "arn:aws:iam::123456789012:role/bench",
            Handler: "index.handler",
            Code: { ZipFile: ZIP },
            ...(i % 4 === 0
              ? { VpcConfig: { SubnetIds: ["subnet-a"], SecurityGroupIds: ["sg-default"] } }
              : {}),
          }),
        );
        const w = await waitUntilFunctionActiveV2(
          { client: lambda, maxWaitTime: 120, minDelay: 0.05, maxDelay: 0.5 },
          { FunctionName: names[i] },
        );
        if (w.state !== "SUCCESS") throw new Error(`${names[i]}: ${w.state}`);
        polls += Object.values(w.observedResponses ?? {}).reduce((a, b) => a + b, 0);
      }),
    );
    const deploy = { seconds: (performance.now() - t0) / 1000, requests: clients + polls };
    const phase = async (make) => {
      t0 = performance.now();
      const cpu0 = cpuSeconds(child.pid);
      const until = Date.now() + seconds * 1000;
      const counts = await Promise.all(lambdas.map((lambda, i) => loop(() => lambda.send(make(i)), until)));
      const wall = (performance.now() - t0) / 1000;
      return [counts.reduce((a, b) => a + b, 0) / wall, (cpuSeconds(child.pid) - cpu0) / wall];
    };
    const [invoke, invokeCpu] = await phase(
      (i) => new InvokeCommand({ FunctionName: names[i], Payload: Buffer.from("{}") }),
    );
    const [read, readCpu] = await phase((i) => new GetFunctionCommand({ FunctionName: names[i] }));
    return {
      deploy: deploy.requests / deploy.seconds,
      deploySeconds: deploy.seconds,
      invoke,
      invokeCpu,
      read,
      readCpu,
      peakMb: peakKb / 1024,
    };
  } finally {
    clearInterval(sampler);
    for (const l of lambdas) l.destroy();
    child.kill("SIGINT");
    await new Promise((resolve) => child.on("exit", resolve));
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const results = [];
for (let r = 0; r < runs; r++) {
  const result = await oneRun();
  results.push(result);
  process.stderr.write(
    `run ${r + 1}/${runs}: deploy ${result.deploySeconds.toFixed(2)} s (${result.deploy.toFixed(0)} req/s), ` +
      `invoke ${result.invoke.toFixed(0)} req/s (server CPU ${(100 * result.invokeCpu).toFixed(0)}%), ` +
      `GetFunction ${result.read.toFixed(0)} req/s (server CPU ${(100 * result.readCpu).toFixed(0)}%), peak RSS ${result.peakMb.toFixed(0)} MB\n`,
  );
}
const col = (k) => median(results.map((x) => x[k]));
console.log(
  `fleet-sim serve, ${clients} SDK clients, --speed ${speed}, median of ${runs} runs (${seconds} s phases):\n`,
);
const pct = (k) => `${(100 * col(k)).toFixed(0)}%`;
const perCpu = (k) => median(results.map((x) => x[k] / x[`${k}Cpu`])).toFixed(0);
console.log("| phase | requests/s | server CPU (of one core) | requests per server CPU-second |");
console.log("| --- | ---: | ---: | ---: |");
console.log(
  `| deploy (create, wait Active: ${col("deploySeconds").toFixed(2)} s for all ${clients}) | ${col("deploy").toFixed(0)} | | |`,
);
console.log(
  `| Invoke, back to back | ${col("invoke").toFixed(0)} | ${pct("invokeCpu")} | ${perCpu("invoke")} |`,
);
console.log(
  `| GetFunction, back to back | ${col("read").toFixed(0)} | ${pct("readCpu")} | ${perCpu("read")} |`,
);
console.log(
  `\npeak RSS of the server: ${col("peakMb").toFixed(0)} MB (median; max ${Math.max(...results.map((x) => x.peakMb)).toFixed(0)} MB)`,
);
