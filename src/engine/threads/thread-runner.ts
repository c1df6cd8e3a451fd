/**
 * The partitions' half of each round on worker threads (a piscina pool)
 * and on this thread. The coordinator and the loop stay on this thread,
 * which also hosts a share of the partitions, so N workers keep N + 1
 * threads busy and this one never idles through a round. Each worker runs
 * one long-lived task hosting a fixed set of partitions (partition-host.ts),
 * which loads the model by module URL. Per round: the coordinator's
 * deliveries go into each worker's shared inbox, one Atomics.notify starts
 * every worker, this thread runs its own share, then waits for the workers
 * to write their outboxes and horizons to shared memory and count down.
 * Grants and gauges live in shared memory too.
 */
import { availableParallelism } from "node:os";
import { MessageChannel, type MessagePort, receiveMessageOnPort } from "node:worker_threads";
import { Piscina } from "piscina";
import { LocalRunner } from "../local-runner.js";
import { MessageBuffer } from "../message-buffer.js";
import type { ModelModule, PartitionFactory, RoundRunner, RunnerTiming } from "../round-runner.js";
import type { Pause } from "../steps.js";
import { Command, Ctl, F64, MAX_HOSTS, newControlBuffers } from "./control-block.js";
import { assignHosts } from "./host-assignment.js";
import { type InjectedFault, injectFault, parseInjectedFault } from "./injected-fault.js";
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
  /** The same model's partitions, made on this thread for its own share. */
  localFactory: PartitionFactory;
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
  /** This thread's share of the partitions. */
  private readonly local: LocalRunner;
  /** The coordinator's deliveries to partitions on worker threads (those on this thread go straight to them). */
  private readonly remoteInboxes: MessageBuffer[] = [];
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
  private decidedUs = 0;
  /** Hosts started in the current step (1) or sitting it out (0), and how many were started. */
  private readonly woken: Uint8Array;
  private wokenCount = 0;
  private localWorkMs = 0;
  private readonly fault: InjectedFault | null = parseInjectedFault(process.env.FLEET_SIM_INJECT_FAULT);
  private finished: unknown[] | null = null;
  private closing: Promise<void> | null = null;

  constructor(private readonly opts: ThreadRunnerOptions) {
    const partitions = opts.partitionCount;
    this.partitionCount = partitions;
    this.hostCount = Math.max(1, Math.min(opts.workers, partitions - 1, MAX_HOSTS));
    // The last share is this thread's: it also decides, and its share comes last when loads tie.
    const shares = assignHosts(opts.weights, this.hostCount + 1);
    this.hosted = shares.slice(0, this.hostCount);
    this.woken = new Uint8Array(this.hostCount);
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
    this.local = new LocalRunner(partitions, opts.grantWidth, opts.gaugeCount, {
      indices: shares[this.hostCount],
      horizons: this.horizons,
      grants: this.grants,
      gauges: this.gauges,
    });
    this.inboxes = Array.from({ length: partitions }, () => new MessageBuffer(256));
    this.local.partitions.forEach((p, k) => {
      this.inboxes[p.index] = this.local.inboxes[k];
    });
    for (const parts of this.hosted) for (const p of parts) this.remoteInboxes.push(this.inboxes[p]);
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

  /**
   * Waits until every worker has its task (piscina hands a task over on this
   * thread's event loop, once the worker is up), then makes this thread's
   * partitions while the workers load the model and make theirs.
   */
  start(): Pause {
    return this.waitForStarts().then(() => {
      this.local.host(this.opts.localFactory, this.opts.onRecord);
    });
  }

  private async waitForStarts(): Promise<void> {
    while (Atomics.load(this.ctl, Ctl.Started) < this.hostCount && this.failure === null)
      await new Promise((resolve) => setTimeout(resolve, 1));
    if (this.failure !== null) throw this.failure;
  }

  beginEpoch(endUs: number, lookaheadUs: number): void {
    this.local.beginEpoch(endUs, lookaheadUs);
    this.f64[F64.EndUs] = endUs;
    this.f64[F64.LookaheadUs] = lookaheadUs;
    this.newEpoch = true;
  }

  decidedBefore(decidedUs: number): void {
    this.local.decidedBefore(decidedUs);
    this.f64[F64.DecidedUs] = decidedUs;
    this.decidedUs = decidedUs;
    this.newEpoch = false;
  }

  /**
   * Starts the hosts whose partitions can move in this round (all, at an
   * epoch start) and runs this thread's share meanwhile. A partition moves
   * only when it has deliveries or its horizon moves on (its first open
   * request was decided); a host with neither would run nothing, so it is
   * not woken: while creates are under way most rounds move one partition.
   */
  runRound(): Pause {
    this.writeInboxes();
    Atomics.store(this.ctl, Ctl.NewEpoch, this.newEpoch ? 1 : 0);
    for (let h = 0; h < this.hostCount; h++) this.woken[h] = this.newEpoch || this.canMove(h) ? 1 : 0;
    this.startStep(Command.RunRound);
    const startMs = performance.now();
    this.onThisThread(() => {
      const fault = this.fault;
      if (fault !== null) for (const p of this.local.partitions) injectFault(fault, p, false);
      this.local.runRound();
    });
    this.localWorkMs = performance.now() - startMs;
    return this.wokenCount > 0 ? this.waitForStep() : null;
  }

  /** Whether any partition host h runs has deliveries waiting or a request decided in the last round. */
  private canMove(h: number): boolean {
    if (this.hostInboxes[h].length > 0) return true;
    for (const p of this.hosted[h]) if (this.horizons[p] <= this.decidedUs) return true;
    return false;
  }

  collectRound(merged: MessageBuffer): void {
    this.local.collectRound(merged);
    this.timing.hostWorkMs += this.localWorkMs;
    let busiestMs = this.localWorkMs;
    for (let h = 0; h < this.hostCount; h++) {
      if (this.woken[h] === 0) continue;
      const workMs = this.f64[F64.HostBase + h * F64.HostStride + 4];
      this.timing.hostWorkMs += workMs;
      if (workMs > busiestMs) busiestMs = workMs;
      if (Atomics.load(this.ctl, Ctl.HostStatus + h) === HostStatus.OutboxReplaced)
        Atomics.store(this.ctl, Ctl.HostStatus + h, HostStatus.Ok);
      this.hostOutboxes[h].readInto(merged);
    }
    this.timing.criticalWorkMs += busiestMs;
  }

  writeGauges(atUs: number): Pause {
    this.woken.fill(1);
    // The hosts read the sample point where an epoch's end goes; the next epoch or finish sets it again.
    this.f64[F64.EndUs] = atUs;
    this.startStep(Command.WriteGauges);
    this.local.writeGauges(atUs);
    return this.waitForStep();
  }

  nextEventUs(): number {
    let t = this.local.nextEventUs();
    for (let h = 0; h < this.hostCount; h++) {
      const next = this.f64[F64.HostBase + h * F64.HostStride];
      if (next < t) t = next;
    }
    for (const inbox of this.remoteInboxes) {
      for (let i = 0; i < inbox.length; i++) if (inbox.timeUs[i] < t) t = inbox.timeUs[i];
    }
    return t;
  }

  pendingEvents(): number {
    let n = this.local.pendingEvents();
    for (let h = 0; h < this.hostCount; h++) n += this.f64[F64.HostBase + h * F64.HostStride + 3];
    return n;
  }

  eventsProcessed(): number {
    let n = this.local.eventsProcessed();
    for (let h = 0; h < this.hostCount; h++) n += this.f64[F64.HostBase + h * F64.HostStride + 1];
    return n;
  }

  finish(endUs: number): Pause {
    this.f64[F64.EndUs] = endUs;
    this.woken.fill(1);
    this.startStep(Command.Finish);
    this.local.finish(endUs);
    return Promise.all(this.tasks).then((hostResults) => {
      this.drainPorts();
      if (this.failure !== null) throw this.failure;
      const results: unknown[] = new Array(this.partitionCount);
      const local = this.local.results();
      this.local.partitions.forEach((p, k) => {
        results[p.index] = local[k];
      });
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
      if (Atomics.load(this.ctl, Ctl.Command) !== Command.Finish) {
        this.woken.fill(1);
        this.startStep(Command.Finish);
      }
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

  /** Starts `command` on the hosts marked in `woken`. */
  private startStep(command: number): void {
    const ctl = this.ctl;
    Atomics.store(ctl, Ctl.Done, 0);
    Atomics.store(ctl, Ctl.Command, command);
    let n = 0;
    for (let h = 0; h < this.hostCount; h++) {
      if (this.woken[h] === 0) continue;
      Atomics.add(ctl, Ctl.HostSeq + h, 1);
      Atomics.notify(ctl, Ctl.HostSeq + h);
      n++;
    }
    this.wokenCount = n;
  }

  /** Runs this thread's share; a failure there is reported like a worker's, naming the partition. */
  private onThisThread(work: () => void): void {
    try {
      work();
    } catch (e) {
      const fault = this.fault;
      const p = this.local.current ?? this.local.partitions.find((q) => q.index === fault?.partition) ?? null;
      const err = e instanceof Error ? e : new Error(String(e));
      throw new PartitionHostError(
        p?.index ?? -1,
        p?.nowUs ?? this.f64[F64.EndUs],
        err.message,
        err.stack,
        err.name,
      );
    }
  }

  /** Waits for every worker to finish the step started; a worker's failure rejects. */
  private async waitForStep(): Promise<void> {
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
    const hosts = this.wokenCount;
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
          this.failure ??= new PartitionHostError(
            msg.partition,
            msg.simTimeUs,
            msg.message,
            msg.stack,
            msg.name,
          );
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
