/**
 * `fleet-sim serve` as a user starts it, for tests that drive it over real
 * HTTP: spawned on 127.0.0.1 with a free port (the start line names the URL),
 * stopped with Ctrl-C (SIGINT). Build the CLI first with buildCli().
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { LambdaClient, type LambdaClientConfig } from "@aws-sdk/client-lambda";

// The SDK warns once that it will soon need Node 22; the warning is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

export interface Served {
  child: ChildProcess;
  url: string;
  /** The Prometheus endpoint, when started with --metrics-port. */
  metricsUrl: string | null;
  stderr: () => string;
  stdout: () => string;
  /** True once the process has exited (crashed, if before stop()). */
  exited: () => boolean;
  /** Ctrl-C, then the exit code. */
  stop: () => Promise<number | null>;
}

export async function serve(main: string, args: string[]): Promise<Served> {
  if (args.includes("--quiet")) throw new Error("--quiet hides the start line that names the URL");
  const child = spawn(process.execPath, [main, "serve", "--port", "0", ...args], { stdio: "pipe" });
  let stderr = "";
  let stdout = "";
  let exited = false;
  child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
  const exit = new Promise<number | null>((resolve) =>
    child.on("exit", (code) => {
      exited = true;
      resolve(code);
    }),
  );
  const wantMetrics = args.includes("--metrics-port");
  const urls = await new Promise<[string, string | null]>((resolve, reject) => {
    child.stderr!.on("data", (d: Buffer) => {
      stderr += d.toString();
      const api = /serving the Lambda API on (http:\/\/\S+)/.exec(stderr);
      const metrics = /serving Prometheus metrics on (http:\/\/\S+)\/metrics/.exec(stderr);
      if (api !== null && (!wantMetrics || metrics !== null)) resolve([api[1], metrics?.[1] ?? null]);
    });
    void exit.then((code) => reject(new Error(`serve exited ${code}: ${stderr}`)));
  });
  return {
    child,
    url: urls[0],
    metricsUrl: urls[1],
    stderr: () => stderr,
    stdout: () => stdout,
    exited: () => exited,
    stop: () => {
      if (!exited) child.kill("SIGINT");
      return exit;
    },
  };
}

/** An SDK client of the served endpoint, with any credentials. */
export function lambdaClient(url: string, config: Partial<LambdaClientConfig> = {}): LambdaClient {
  return new LambdaClient({
    endpoint: url,
    region: "us-east-1",
    credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" },
    ...config,
  });
}

/** Resident memory of a process in kB (Linux /proc), or null once it is gone. */
export function residentKb(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m === null ? null : Number(m[1]);
  } catch {
    return null;
  }
}

/** A zip the SDK can send as Code.ZipFile (the simulator only hashes it). */
export const ZIP = Buffer.from("PK\x03\x04 a zip file");

/** CreateFunction's input for a Node.js function, in a VPC of the default account when `vpc`. */
export function createInput(name: string, vpc = false) {
  return {
    FunctionName: name,
    Runtime: "nodejs20.x" as const,
    Role: "arn:aws:iam::123456789012:role/deployer",
    Handler: "index.handler",
    Code: { ZipFile: ZIP },
    ...(vpc ? { VpcConfig: { SubnetIds: ["subnet-a", "subnet-b"], SecurityGroupIds: ["sg-default"] } } : {}),
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
