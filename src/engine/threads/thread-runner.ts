/**
 * The partitions' half of each round in a piscina pool. The coordinator and
 * the loop stay on this thread; each worker runs one long-lived task hosting
 * a fixed set of partitions (partition-host.ts), which loads the model by
 * module URL. Per round: the coordinator's deliveries go into each host's
 * shared inbox, one Atomics.notify starts every host, hosts run their
 * partitions to their horizons, write their outboxes and horizons to shared
 * memory and count down. Grants and gauges live in shared memory too.
 */
import { availableParallelism } from "node:os";
import { MessageChannel, type MessagePort, receiveMessageOnPort } from "node:worker_threads";
import { Piscina } from "piscina";
import { MessageBuffer } from "../message-buffer.js";
import type { ModelModule, RoundRunner, RunnerTiming } from "../round-runner.js";
import type { Pause } from "../steps.js";
import { Command, Ctl, F64, MAX_HOSTS, newControlBuffers } from "./control-block.js";
import { assignHosts } from "./host-assignment.js";
import { type HostInit, type HostPortMessage, type HostResult, HostStatus } from "./partition-host.js";
import { PartitionHostError } from "./partition-host-error.js";
import { grownCapacity, SharedMessages } from "./shared-messages.js";

export interface ThreadRunnerOptions {
  partitionCount: number;
  grantWidth: number;
  gaugeCount: number;
  /** Worker threads (at most the partitions, and MAX_HOSTS). */
  workers: number;
  /** Expected work of each partition: partitions are dealt out so hosts carry even shares. */
  weights: Float64Array;
  partitionOfEntity: Int32Array;
  model: ModelModule<unknown>;
  /** Where the partitions' records go (posted by the hosts after each round). */
  onRecord: ((r: unknown) => void) | null;
  /** Heap limit of each worker thread, in MB. */
  workerMemoryMb: number;
}

const INITIAL_CAPACITY = 16_384;
/**
 * Busy-waiting between rounds saves the futex wake-up (tens of µs here) but
 * only pays when every thread has a core: with more runnable threads than
 * cores, spinners steal the core of the thread they wait for.
 */
const SPIN_CHECKS = 1_000;
const BLOCK_MS = 20;
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The worker entry. Workers run compiled JavaScript, so when loaded from TypeScript source (tests), use the build. */
function hostModuleUrl(): string {
  if (import.meta.url.endsWith(".ts"))
    return new URL("../../../dist/engine/threads/partition-host.js", import.meta.url).href;
  return new URL("./partition-host.js", import.meta.url).href;
}

export class ThreadRunner implements RoundRunner {
  readonly partitionCount: number;
  readonly inboxes: MessageBuffer[];
  readonly horizons: Float64Array;
  readonly grants: Float64Array;
  readonly gauges: Float64Array;
  readonly timing: RunnerTiming = { criticalWorkMs: 0, decideMs: 0, hostWorkMs: 0 };
  private readonly hostCount: number;
  private readonly hosted: number[][];
  private readonly ctl: Int32Array;
  private readonly f64: Float64Array;
  private readonly hostInboxes: SharedMessages[];
  private readonly hostOutboxes: SharedMessages[];
  private readonly ports: MessagePort[] = [];
  private readonly staging = new MessageBuffer(1024);
  private readonly spinChecks: number;
  private readonly pool: Piscina;
  private readonly tasks: Promise<HostResult | null>[];
  private failure: PartitionHostError | null = null;
  private newEpoch = false;
  private finished: unknown[] | null = null;
  private closing: Promise<void> | null = null;

  constructor(private readonly opts: ThreadRunnerOptions) {
    const partitions = opts.partitionCount;
    this.partitionCount = partitions;
    this.hostCount = Math.min(opts.workers, partitions, MAX_HOSTS);
    this.hosted = assignHosts(opts.weights, this.hostCount);
    this.spinChecks = this.hostCount + 1 <= availableParallelism() ? SPIN_CHECKS : 0;
    const control = newControlBuffers();
    this.ctl = new Int32Array(control.ctl);
    this.f64 = new Float64Array(control.f64);
    const gaugesSab = new SharedArrayBuffer(8 * opts.gaugeCount * partitions);
    this.gauges = new Float64Array(gaugesSab);
    // Horizons (one per partition), then grants (grantWidth per partition).
    const cellsSab = new SharedArrayBuffer(8 * partitions * (1 + opts.grantWidth));
    const cells = new Float64Array(cellsSab);
    this.horizons = cells.subarray(0, partitions);
    this.grants = cells.subarray(partitions);
    this.inboxes = Array.from({ length: partitions }, () => new MessageBuffer(256));
    this.hostInboxes = this.hosted.map(() => new SharedMessages(INITIAL_CAPACITY));
    this.hostOutboxes = this.hosted.map(() => new SharedMessages(INITIAL_CAPACITY));
    const placement = new Int32Array(new SharedArrayBuffer(4 * opts.partitionOfEntity.length));
    placement.set(opts.partitionOfEntity);

    this.pool = new Piscina({
      filename: hostModuleUrl(),
      minThreads: this.hostCount,
      maxThreads: this.hostCount,
      concurrentTasksPerWorker: 1,
      idleTimeout: 60_000,
      resourceLimits: { maxOldGenerationSizeMb: opts.workerMemoryMb },
    });
    this.tasks = this.hosted.map((parts, h) => {
      const channel = new MessageChannel();
      this.ports.push(channel.port1);
      const init: HostInit = {
        host: h,
        partitions,
        hosted: parts,
        model: opts.model,
        partitionOfEntity: placement,
        control,
        inbox: this.hostInboxes[h].sab,
        outbox: this.hostOutboxes[h].sab,
        partitionCells: cellsSab,
        grantWidth: opts.grantWidth,
        gauges: gaugesSab,
        gaugeCount: opts.gaugeCount,
        port: channel.port2,
        spinChecks: this.spinChecks,
      };
      const task = this.pool.run(init, { transferList: [channel.port2] }) as Promise<HostResult>;
      return task.catch((e: unknown) => {
        // The worker died (exited, or its memory limit stopped it): nothing came back on its port.
        const cause = e instanceof Error ? e.message : String(e);
        const where = parts.length === 1 ? `partition ${parts[0]}` : `partitions ${parts.join(", ")}`;
        const simTimeUs = this.f64[F64.HostBase + h * F64.HostStride + 2];
        this.fail(h, new PartitionHostError(parts[0], simTimeUs, `worker hosting ${where} died: ${cause}`));
        return null;
      });
    });
  }

  beginEpoch(endUs: number, lookaheadUs: number): void {
    this.f64[F64.EndUs] = endUs;
    this.f64[F64.LookaheadUs] = lookaheadUs;
    this.newEpoch = true;
  }

  decidedBefore(decidedUs: number): void {
    this.f64[F64.DecidedUs] = decidedUs;
    this.newEpoch = false;
  }

  runRound(): Pause {
    this.writeInboxes();
    Atomics.store(this.ctl, Ctl.NewEpoch, this.newEpoch ? 1 : 0);
    return this.step(Command.RunRound);
  }

  collectRound(merged: MessageBuffer): void {
    let busiestMs = 0;
    for (let h = 0; h < this.hostCount; h++) {
      const workMs = this.f64[F64.HostBase + h * F64.HostStride + 4];
      this.timing.hostWorkMs += workMs;
      if (workMs > busiestMs) busiestMs = workMs;
      if (Atomics.load(this.ctl, Ctl.HostStatus + h) === HostStatus.OutboxReplaced)
        Atomics.store(this.ctl, Ctl.HostStatus + h, HostStatus.Ok);
      this.hostOutboxes[h].readInto(merged);
    }
    this.timing.criticalWorkMs += busiestMs;
  }

  writeGauges(): Pause {
    return this.step(Command.WriteGauges);
  }

  nextEventUs(): number {
    let t = Number.POSITIVE_INFINITY;
    for (let h = 0; h < this.hostCount; h++) {
      const next = this.f64[F64.HostBase + h * F64.HostStride];
      if (next < t) t = next;
    }
    for (const inbox of this.inboxes) {
      for (let i = 0; i < inbox.length; i++) if (inbox.timeUs[i] < t) t = inbox.timeUs[i];
    }
    return t;
  }

  pendingEvents(): number {
    let n = 0;
    for (let h = 0; h < this.hostCount; h++) n += this.f64[F64.HostBase + h * F64.HostStride + 3];
    return n;
  }

  eventsProcessed(): number {
    let n = 0;
    for (let h = 0; h < this.hostCount; h++) n += this.f64[F64.HostBase + h * F64.HostStride + 1];
    return n;
  }

  finish(endUs: number): Pause {
    this.f64[F64.EndUs] = endUs;
    this.start(Command.Finish);
    return Promise.all(this.tasks).then((hostResults) => {
      this.drainPorts();
      if (this.failure !== null) throw this.failure;
      const results: unknown[] = new Array(this.partitionCount);
      for (const r of hostResults) if (r !== null) for (const p of r.partitions) results[p.index] = p.result;
      this.finished = results;
    });
  }

  results(): unknown[] {
    if (this.finished === null) throw new Error("results() before finish()");
    return this.finished;
  }

  close(): Pause {
    if (this.closing === null) {
      if (Atomics.load(this.ctl, Ctl.Command) !== Command.Finish) this.start(Command.Finish);
      for (const port of this.ports) port.close();
      this.closing = this.pool.destroy();
    }
    return this.closing;
  }

  private fail(h: number, err: PartitionHostError): void {
    this.failure ??= err;
    Atomics.store(this.ctl, Ctl.HostStatus + h, HostStatus.Failed);
    Atomics.add(this.ctl, Ctl.Failed, 1);
    Atomics.add(this.ctl, Ctl.Done, 1);
    Atomics.notify(this.ctl, Ctl.Done);
  }

  private start(command: number): void {
    const ctl = this.ctl;
    Atomics.store(ctl, Ctl.Done, 0);
    Atomics.store(ctl, Ctl.Command, command);
    Atomics.add(ctl, Ctl.Seq, 1);
    Atomics.notify(ctl, Ctl.Seq);
  }

  /** Starts a step on every host and waits for all of them; a host's failure rejects. */
  private async step(command: number): Promise<void> {
    this.start(command);
    await this.waitForHosts();
    this.drainPorts();
    if (this.failure !== null || Atomics.load(this.ctl, Ctl.Failed) > 0) {
      throw (
        this.failure ??
        new PartitionHostError(-1, this.f64[F64.EndUs], "a partition host failed without saying why")
      );
    }
  }

  /**
   * Blocks on the Done cell (no event-loop turn per round); every so often,
   * yields to the event loop so a dead worker's rejected task is noticed.
   */
  private async waitForHosts(): Promise<void> {
    const ctl = this.ctl;
    const hosts = this.hostCount;
    for (let i = 0; i < this.spinChecks; i++) if (Atomics.load(ctl, Ctl.Done) >= hosts) return;
    for (;;) {
      const done = Atomics.load(ctl, Ctl.Done);
      if (done >= hosts) return;
      if (Atomics.wait(ctl, Ctl.Done, done, BLOCK_MS) === "timed-out") await yieldToEventLoop();
    }
  }

  private drainPorts(): void {
    for (let h = 0; h < this.hostCount; h++) {
      for (;;) {
        const m = receiveMessageOnPort(this.ports[h]);
        if (m === undefined) break;
        const msg = m.message as HostPortMessage;
        if (msg.type === "records") {
          const onRecord = this.opts.onRecord;
          if (onRecord !== null) for (const r of msg.records) onRecord(r);
        } else if (msg.type === "outbox") this.hostOutboxes[h] = new SharedMessages(msg.sab);
        else if (msg.type === "error")
          this.failure ??= new PartitionHostError(msg.partition, msg.simTimeUs, msg.message, msg.stack);
      }
    }
  }

  /** The coordinator's deliveries to each host's partitions, in partition order, into its shared inbox. */
  private writeInboxes(): void {
    const staging = this.staging;
    for (let h = 0; h < this.hostCount; h++) {
      staging.clear();
      for (const p of this.hosted[h]) {
        staging.append(this.inboxes[p]);
        this.inboxes[p].clear();
      }
      if (!this.hostInboxes[h].write(staging)) {
        const grown = new SharedMessages(grownCapacity(staging.length, this.hostInboxes[h].capacity));
        grown.write(staging);
        this.hostInboxes[h] = grown;
        this.ports[h].postMessage({ type: "inbox", sab: grown.sab } satisfies HostPortMessage);
        Atomics.store(this.ctl, Ctl.HostStatus + h, HostStatus.InboxReplaced);
      }
    }
  }
}
