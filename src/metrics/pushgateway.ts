/**
 * `--pushgateway URL`: pushes the registry to a Prometheus Pushgateway,
 * grouped by job and run_id (the convention for batch jobs): at the end of
 * the run, and at every sample point when the run is paced with --speed.
 * Each push replaces the group (HTTP PUT), so the group always holds the
 * latest sample of the run. Pushes never overlap: while one is under way,
 * later samples only mark the group as out of date, and the next push sends
 * the registry as it is then.
 */
import { Pushgateway } from "prom-client";
import type { MetricsRegistry } from "./registry.js";

export const PUSH_JOB = "fleet-sim";
const TIMEOUT_MS = 10_000;

export class MetricsPusher {
  private readonly gateway: Pushgateway<"text/plain; version=0.0.4; charset=utf-8">;
  private inFlight: Promise<void> | null = null;
  private stale = false;
  /** The first error of a push made while the run went, if any. */
  error: unknown = null;
  pushes = 0;

  constructor(
    readonly url: string,
    registry: MetricsRegistry,
    private readonly runId: string,
  ) {
    this.gateway = new Pushgateway(url, { timeout: TIMEOUT_MS }, registry.registry);
  }

  /** Asks for a push of the registry as it is; returns at once (a failure is kept for `finish`). */
  pushSoon(): void {
    if (this.inFlight !== null) {
      this.stale = true;
      return;
    }
    this.inFlight = this.pushNow()
      .catch((e: unknown) => {
        this.error ??= e;
      })
      .finally(() => {
        this.inFlight = null;
        if (this.stale) {
          this.stale = false;
          this.pushSoon();
        }
      });
  }

  /** Waits for pushes under way, then pushes the final state; rejects when it fails. */
  async finish(): Promise<void> {
    while (this.inFlight !== null) await this.inFlight;
    this.stale = false;
    await this.pushNow();
  }

  private async pushNow(): Promise<void> {
    await this.gateway.push({ jobName: PUSH_JOB, groupings: { run_id: this.runId } });
    this.pushes++;
  }
}
