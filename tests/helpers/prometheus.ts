/**
 * Real Prometheus servers for tests: finding the binaries (Debian's
 * prometheus and prometheus-pushgateway packages, which .ci/run installs),
 * starting them on 127.0.0.1 on free ports with temporary data directories,
 * querying them, and stopping them.
 *
 * A missing binary fails the tests under CI (the CI environment variable is
 * set) and skips them, loudly, on a developer's machine.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";

/** The first executable called one of `names` on PATH (or in /usr/bin), or null. */
export function findBinary(...names: string[]): string | null {
  const dirs = [...(process.env.PATH ?? "").split(delimiter), "/usr/bin", "/usr/local/bin"];
  for (const name of names) {
    for (const dir of dirs) {
      if (dir === "") continue;
      const path = join(dir, name);
      try {
        accessSync(path, constants.X_OK);
        return path;
      } catch {
        // not here
      }
    }
  }
  return null;
}

export interface Binaries {
  found: Record<string, string>;
  missing: string[];
  /** Run the tests: everything is there, or we are under CI (where a missing binary must fail). */
  run: boolean;
  packages: string;
}

/**
 * Looks for the binaries (each entry: the names it may have). On a machine
 * without them and outside CI, warns loudly so the skip is seen.
 */
export function requireBinaries(
  what: string,
  wanted: Record<string, string[]>,
  /** The Debian packages that have them, as .ci/run installs them. */
  packages = "prometheus prometheus-pushgateway",
): Binaries {
  const found: Record<string, string> = {};
  const missing: string[] = [];
  for (const [key, names] of Object.entries(wanted)) {
    const path = findBinary(...names);
    if (path === null) missing.push(names.join(" or "));
    else found[key] = path;
  }
  const ci = process.env.CI !== undefined && process.env.CI !== "" && process.env.CI !== "false";
  if (missing.length > 0 && !ci) {
    const line = "!".repeat(78);
    console.warn(
      `\n${line}\n!! SKIPPING ${what}: ${missing.join(", ")} not found on PATH.\n` +
        `!! Install Debian's packages (what .ci/run does):\n` +
        `!!   apt-get install -y --no-install-recommends ${packages}\n${line}\n`,
    );
  }
  return { found, missing, run: missing.length === 0 || ci, packages };
}

/** Fails (under CI) when binaries are missing. */
export function assertBinaries(b: Binaries): void {
  if (b.missing.length > 0)
    throw new Error(`missing ${b.missing.join(", ")}: .ci/run installs Debian's ${b.packages}`);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface Server {
  url: string;
  process: ChildProcess;
  /** What the server printed, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

/** Spawns a server and waits until `readyPath` answers 200; `tmpDir` is removed when it stops. */
async function startServer(
  bin: string,
  args: string[],
  url: string,
  readyPath: string,
  tmpDir: string,
): Promise<Server> {
  const child = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const server: Server = {
    url,
    process: child,
    output: () => out,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(tmpDir, { recursive: true, force: true });
    },
  };
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${bin} exited with ${child.exitCode}:\n${out}`);
    try {
      const r = await fetch(`${url}${readyPath}`);
      if (r.status === 200) return server;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  await server.stop();
  throw new Error(`${bin} did not become ready in 30 s:\n${out}`);
}

export interface PrometheusOptions {
  prometheus: string;
  /** Data directory (may hold backfilled blocks); a temporary one when absent. */
  dataDir?: string;
  /** scrape_configs entries, as YAML text indented for the list. */
  scrapeConfigs?: string;
  scrapeInterval?: string;
}

export async function startPrometheus(o: PrometheusOptions): Promise<Server> {
  const dir = mkdtempSync(join(tmpdir(), "fleet-sim-prometheus-"));
  const config = join(dir, "prometheus.yml");
  const interval = o.scrapeInterval ?? "1s";
  writeFileSync(
    config,
    `global:\n  scrape_interval: ${interval}\n  evaluation_interval: ${interval}\n` +
      `scrape_configs:\n${o.scrapeConfigs ?? "  []"}\n`,
  );
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  return startServer(
    o.prometheus,
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${o.dataDir ?? join(dir, "data")}`,
      // Backfilled blocks are old: keep them all.
      "--storage.tsdb.retention.time=100y",
      `--web.listen-address=127.0.0.1:${port}`,
      "--web.enable-lifecycle",
      "--log.level=warn",
    ],
    url,
    "/-/ready",
    dir,
  );
}

export async function startPushgateway(bin: string): Promise<Server> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // Debian's build persists to /var/lib/prometheus by default: keep to a temporary file.
  const dir = mkdtempSync(join(tmpdir(), "fleet-sim-pushgateway-"));
  return startServer(
    bin,
    [
      `--web.listen-address=127.0.0.1:${port}`,
      `--persistence.file=${join(dir, "pushgateway.data")}`,
      "--log.level=warn",
    ],
    url,
    "/-/ready",
    dir,
  );
}

export interface PromSeries {
  metric: Record<string, string>;
  value?: [number, string];
  values?: [number, string][];
}

async function api(url: string, path: string, params: Record<string, string>): Promise<unknown> {
  const r = await fetch(`${url}${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(params).toString(),
  });
  const body = (await r.json()) as { status: string; data?: unknown; error?: string };
  if (body.status !== "success") throw new Error(`${path} ${JSON.stringify(params)}: ${body.error}`);
  return body.data;
}

export async function queryRange(
  url: string,
  expr: string,
  startS: number,
  endS: number,
  stepS: number,
): Promise<PromSeries[]> {
  const data = (await api(url, "/api/v1/query_range", {
    query: expr,
    start: String(startS),
    end: String(endS),
    step: String(stepS),
  })) as { result: PromSeries[] };
  return data.result;
}

export async function queryInstant(url: string, expr: string, timeS?: number): Promise<PromSeries[]> {
  const params: Record<string, string> = { query: expr };
  if (timeS !== undefined) params.time = String(timeS);
  const data = (await api(url, "/api/v1/query", params)) as { result: PromSeries[] };
  return data.result;
}

export async function labelValues(url: string, label: string, match: string): Promise<string[]> {
  const r = await fetch(`${url}/api/v1/label/${label}/values?${new URLSearchParams({ "match[]": match })}`);
  const body = (await r.json()) as { data: string[] };
  return body.data;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
