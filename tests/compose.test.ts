/** The docker-compose stack users start beside the simulator (issue 11, item 14). */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

interface Service {
  ports?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
}

const compose = parse(readFileSync("docker-compose.yml", "utf8")) as { services: Record<string, Service> };

describe("docker-compose.yml (11.14)", () => {
  it("11.14: publishes every port on 127.0.0.1 only", () => {
    const ports = Object.values(compose.services).flatMap((s) => s.ports ?? []);
    expect(ports.length).toBeGreaterThan(0);
    for (const p of ports) expect(p).toMatch(/^127\.0\.0\.1:\d+:\d+$/);
  });

  it("11.14: does not make anonymous Grafana visitors Admin (or Editor)", () => {
    const env = compose.services.grafana.environment ?? {};
    if (env.GF_AUTH_ANONYMOUS_ENABLED === "true") expect(env.GF_AUTH_ANONYMOUS_ORG_ROLE).toBe("Viewer");
  });

  it("11.14: the backfill folder the README's command writes to ships with the repository", () => {
    const mounted = compose.services.prometheus.volumes?.find((v) => v.endsWith(":/backfill:ro"));
    expect(mounted).toBe("./backfill:/backfill:ro");
    const tracked = execFileSync("git", ["ls-files", "backfill"], { encoding: "utf8" });
    expect(tracked.split("\n")).toContain("backfill/README.md");
    const readme = readFileSync("README.md", "utf8");
    expect(readme).toContain("--openmetrics backfill/wakeup.om");
  });
});
