/**
 * The metrics side of `fleet-sim run`, on the main thread: the `/metrics`
 * server (--metrics-port), the Pushgateway (--pushgateway), the OpenMetrics
 * file's descriptor (--openmetrics, written by the simulation thread), and
 * what the simulation thread is asked to sample. Samples arrive from the
 * simulation thread and update the registry; nothing here touches the run.
 */
import { type MetricsContext, metricsContext } from "../metrics/context.js";
import type { MetricsServer } from "../metrics/http-exporter.js";
import type { MetricsPusher } from "../metrics/pushgateway.js";
import type { MetricsRegistry } from "../metrics/registry.js";
import { SeriesLayout } from "../metrics/series.js";
import { defaultStartTimeMs } from "../metrics/start-time.js";
import type { Plan } from "../model/plan.js";
import type { Sample } from "../model/run.js";
import { UserError } from "./exit-codes.js";
import type { MetricsRequest } from "./simulate.js";

export interface MetricsSettings {
  metricsPort: number | null;
  metricsHost: string;
  speed: number | null;
  hold: boolean;
  pushgateway: string | null;
  openMetrics: string | null;
  sampleIntervalUs: number;
  startTimeMs: number | null;
  runId: string | null;
  /** --metrics-function-labels: the busiest functions labelled by name (0: none). */
  functionLabels: number;
  quiet: boolean;
}

export class MetricsOutputs {
  private constructor(
    private readonly s: MetricsSettings,
    readonly context: MetricsContext,
    private readonly omFd: number | null,
    private readonly startTimeMs: number,
    readonly registry: MetricsRegistry | null,
    readonly server: MetricsServer | null,
    private readonly pusher: MetricsPusher | null,
  ) {}

  /**
   * Starts what the flags ask for: listens on the metrics port (a port that
   * cannot be had is bad input) and takes the OpenMetrics file's descriptor.
   */
  static async open(
    plan: Plan,
    s: MetricsSettings,
    omFd: number | null,
    stderr: { write(t: string): unknown },
  ): Promise<MetricsOutputs> {
    const context = metricsContext(plan, s.runId ?? undefined, s.functionLabels);
    const live = s.metricsPort !== null || s.pushgateway !== null;
    // prom-client and the HTTP server load only for a run that serves or pushes metrics.
    const registry = live
      ? new (await import("../metrics/registry.js")).MetricsRegistry(new SeriesLayout(context))
      : null;
    let server: MetricsServer | null = null;
    if (registry !== null && s.metricsPort !== null) {
      const { MetricsServer } = await import("../metrics/http-exporter.js");
      try {
        server = await MetricsServer.listen(registry, s.metricsHost, s.metricsPort);
      } catch (e) {
        throw new UserError(
          `--metrics-port: cannot listen on ${s.metricsHost}:${s.metricsPort}: ${listenReason(e)}`,
        );
      }
      if (!s.quiet) stderr.write(`fleet-sim: serving Prometheus metrics on ${server.url}\n`);
    }
    const pusher =
      registry !== null && s.pushgateway !== null
        ? new (await import("../metrics/pushgateway.js")).MetricsPusher(
            s.pushgateway,
            registry,
            context.runId,
          )
        : null;
    // The one wall-clock reading of the metrics: where the OpenMetrics file places the run.
    const startTimeMs = s.startTimeMs ?? defaultStartTimeMs(Date.now(), plan.untilUs);
    return new MetricsOutputs(s, context, omFd, startTimeMs, registry, server, pusher);
  }

  /** What the simulation thread samples, or null when nothing needs samples. */
  request(): MetricsRequest | null {
    if (this.registry === null && this.omFd === null && this.s.speed === null) return null;
    return {
      context: this.context,
      sampleIntervalUs: this.s.sampleIntervalUs,
      speed: this.s.speed,
      openMetrics: this.omFd === null ? null : { fd: this.omFd, startTimeMs: this.startTimeMs },
      forwardSamples: this.registry !== null,
    };
  }

  /** A sample from the simulation thread: the registry takes it; a paced run pushes it. */
  readonly onSample = (sample: Sample): void => {
    if (this.registry === null) return;
    this.registry.update(sample);
    if (this.pusher !== null && this.s.speed !== null) this.pusher.pushSoon();
  };

  /** After the run: the final push. Returns a problem to report, or null. */
  async finishPush(): Promise<string | null> {
    if (this.pusher === null) return null;
    try {
      await this.pusher.finish();
      return null;
    } catch (e) {
      return `--pushgateway: cannot push to ${this.pusher.url}: ${(e as Error).message ?? String(e)}`;
    }
  }

  /** Where the OpenMetrics file starts, for the note after the run. */
  get openMetricsStart(): string {
    return new Date(this.startTimeMs).toISOString();
  }

  /** --hold: serves until SIGINT, SIGTERM or SIGHUP (or forever without a signal source). */
  async hold(signals: NodeJS.EventEmitter | undefined, stderr: { write(t: string): unknown }): Promise<void> {
    if (!this.s.hold || this.server === null) return;
    stderr.write(`fleet-sim: run over; still serving ${this.server.url} until Ctrl-C\n`);
    await new Promise<void>((resolve) => {
      const names = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
      const done = () => {
        for (const n of names) signals?.off(n, done);
        resolve();
      };
      for (const n of names) signals?.once(n, done);
    });
  }

  /** Stops the server (the OpenMetrics file is its opener's to commit or discard). */
  async close(): Promise<void> {
    await this.server?.close();
  }
}

function listenReason(e: unknown): string {
  switch ((e as NodeJS.ErrnoException).code) {
    case "EADDRINUSE":
      return "address already in use";
    case "EACCES":
      return "permission denied";
    case "EADDRNOTAVAIL":
      return "no such address on this machine";
    case "ENOTFOUND":
      return "unknown host";
    default:
      return (e as Error).message;
  }
}
