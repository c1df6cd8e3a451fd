/**
 * `--metrics-port`: serves the registry on `/metrics` for Prometheus to
 * scrape while the run goes (and after it, with --hold). It runs on the main
 * thread; the simulation thread posts samples to it.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { MetricsRegistry } from "./registry.js";

export class MetricsServer {
  private constructor(
    private readonly server: Server,
    /** The address actually bound (the port is the real one when 0 was asked for). */
    readonly host: string,
    readonly port: number,
  ) {}

  /** Listens on host:port; rejects with the system's reason (EADDRINUSE, EACCES...). */
  static listen(registry: MetricsRegistry, host: string, port: number): Promise<MetricsServer> {
    const server = createServer((req, res) => {
      const path = (req.url ?? "/").split("?")[0];
      if (req.method !== "GET" && req.method !== "HEAD") {
        res.writeHead(405, { Allow: "GET, HEAD" }).end();
        return;
      }
      if (path === "/metrics") {
        registry.metrics().then(
          (text) => {
            res.writeHead(200, { "Content-Type": registry.contentType });
            res.end(req.method === "HEAD" ? undefined : text);
          },
          (e: unknown) => {
            res.writeHead(500, { "Content-Type": "text/plain" }).end(String(e));
          },
        );
        return;
      }
      if (path === "/") {
        res.writeHead(200, { "Content-Type": "text/plain; charset=utf-8" });
        res.end("fleet-sim: Prometheus metrics at /metrics\n");
        return;
      }
      res.writeHead(404, { "Content-Type": "text/plain" }).end("not found\n");
    });
    // Scrapes are short; a scraper's idle keep-alive connection must not hold the process open.
    server.keepAliveTimeout = 1000;
    return new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => {
        server.off("error", reject);
        const addr = server.address() as AddressInfo;
        resolve(new MetricsServer(server, host, addr.port));
      });
    });
  }

  get url(): string {
    const host = this.host.includes(":") ? `[${this.host}]` : this.host;
    return `http://${host}:${this.port}/metrics`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}
