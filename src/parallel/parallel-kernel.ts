/**
 * The epoch and round protocol of src/engine/kernel.ts with the partitions
 * hosted in a piscina pool. The coordinator and the epoch grid stay on this
 * thread; each worker runs one long-lived task hosting a fixed set of
 * partitions. Per round: the coordinator's deliveries go into each host's
 * shared inbox, one Atomics.notify starts every host, hosts run their
 * partitions to their horizons, write their outboxes and horizons to shared
 * memory and count down; this thread merges and decides. Grants live in
 * shared memory too. Same epochs, same rounds, same decisions: results are
 * identical to the one-thread run.
 */
import { availableParallelism } from "node:os";
import { MessageChannel, type MessagePort, receiveMessageOnPort } from "node:worker_threads";
import { Piscina } from "piscina";
import { Coordinator } from "../engine/coordinator.js";
import { MessageBuffer } from "../engine/message-buffer.js";
import { RoundDecision } from "../engine/round-decision.js";
import { WindowGrid } from "../engine/window-grid.js";
import type { Progress } from "../engine/kernel.js";
import type { TraceRecord } from "../model/fleet-partition.js";
import { gaugeCount, type PartitionResult } from "../model/partition-result.js";
import type { Plan } from "../model/plan.js";
import { formatDurationUs } from "../scenario/units.js";
import { assignHosts } from "./host-assignment.js";
import { partitionWeights } from "../model/workload-rates.js";
import { Command, Ctl, F64, MAX_HOSTS, newControlBuffers } from "./control-block.js";
import { type HostInit, type HostPortMessage, type HostResult, HostStatus } from "./partition-host.js";
import { grownCapacity, SharedMessages } from "./shared-messages.js";

export interface ParallelRunOptions {
  plan: Plan;
  workers: number;
  /** The lookahead. */
  windowUs: number;
  /** Epoch length: how far partitions run between synchronisations when they send no request. */
  epochUs: number;
  untilUs: number;
  sampleIntervalUs: number;
  /** Traced functions (1 = traced), or null. */
  traced: Uint8Array | null;
  onTrace?: (r: TraceRecord) => void;
  /** Called at each sample point with every partition's gauges (gaugeCount(plan) each, by partition). */
  onSample?: (timeUs: number, gauges: Float64Array) => void;
  /** Called when an epoch is complete: everything before `endUs` has run and been decided. */
  onEpochEnd?: (endUs: number) => void;
  /** The function table in shared memory (model/function-table.ts) the partitions write to, or null. */
  functionTable: Float64Array | null;
  onProgress?: (p: Progress) => void;
  /** Heap limit of each worker thread, in MB. */
  workerMemoryMb: number;
}

export interface ParallelStats {
  endUs: number;
  events: number;
  windows: number;
  messages: number;
  meanPendingEvents: number;
  /**
   * Where the wall time went (for the bench; wall clock, never part of a result): the busiest
   * host's work summed over rounds, the coordinator's deciding (no host works meanwhile), and
   * all hosts' work.
   */
  timing: { criticalWorkMs: number; decideMs: number; hostWorkMs: number };
}

/** A failure in a partition host: which partition, at what simulated time, and why. */
export class PartitionHostError extends Error {
  override name = "PartitionHostError";
  constructor(
    readonly partition: number,
    readonly simTimeUs: number,
    readonly causeText: string,
    readonly stackText?: string,
  ) {
    const where = partition >= 0 ? `partition ${partition}` : "a partition host";
    super(
      `${where} failed at simulated time ${formatDurationUs(Math.max(0, Math.round(simTimeUs)))}: ${causeText}`,
    );
  }
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

/**
 * The worker entry. Workers run compiled JavaScript, so when this module is
 * itself loaded from TypeScript source (the test runner), use the build.
 */
function hostModuleUrl(): string {
  if (import.meta.url.endsWith(".ts"))
    return new URL("../../dist/parallel/partition-host.js", import.meta.url).href;
  return new URL("./partition-host.js", import.meta.url).href;
}

export class ParallelKernel {
  readonly coordinator: Coordinator;
  private readonly inboxes: MessageBuffer[];
  stopped = false;

  constructor(
    readonly partitions: number,
    private readonly partitionOfEntity: Int32Array,
    readonly grantWidth = 0,
  ) {
    this.inboxes = Array.from({ length: partitions }, () => new MessageBuffer(256));
    this.coordinator = new Coordinator(this.inboxes, partitionOfEntity);
  }

  stop(): void {
    this.stopped = true;
  }

  async run(opts: ParallelRunOptions): Promise<{ stats: ParallelStats; results: PartitionResult[] }> {
    const hostCount = Math.min(opts.workers, this.partitions, MAX_HOSTS);
    const hosted = assignHosts(
      partitionWeights(opts.plan, this.partitionOfEntity, this.partitions),
      hostCount,
    );

    const spinChecks = hostCount + 1 <= availableParallelism() ? SPIN_CHECKS : 0;
    const control = newControlBuffers();
    const ctl = new Int32Array(control.ctl);
    const f64 = new Float64Array(control.f64);
    const gaugesSab = new SharedArrayBuffer(8 * gaugeCount(opts.plan) * this.partitions);
    const gauges = new Float64Array(gaugesSab);
    // Horizons (one per partition), then grants (grantWidth per partition).
    const cellsSab = new SharedArrayBuffer(8 * this.partitions * (1 + this.grantWidth));
    const cells = new Float64Array(cellsSab);
    const horizons = cells.subarray(0, this.partitions);
    const grants = cells.subarray(this.partitions);
    this.coordinator.horizons = horizons;
    const inboxes = hosted.map(() => new SharedMessages(INITIAL_CAPACITY));
    const outboxes = hosted.map(() => new SharedMessages(INITIAL_CAPACITY));
    const ports: MessagePort[] = [];

    const pool = new Piscina({
      filename: hostModuleUrl(),
      minThreads: hostCount,
      maxThreads: hostCount,
      concurrentTasksPerWorker: 1,
      idleTimeout: 60_000,
      resourceLimits: { maxOldGenerationSizeMb: opts.workerMemoryMb },
    });
    let failure: PartitionHostError | null = null;
    const fail = (h: number, err: PartitionHostError) => {
      failure ??= err;
      Atomics.store(ctl, Ctl.HostStatus + h, HostStatus.Failed);
      Atomics.add(ctl, Ctl.Failed, 1);
      Atomics.add(ctl, Ctl.Done, 1);
      Atomics.notify(ctl, Ctl.Done);
    };
    const tasks: Promise<HostResult | null>[] = hosted.map((parts, h) => {
      const channel = new MessageChannel();
      ports.push(channel.port1);
      const init: HostInit = {
        host: h,
        plan: opts.plan,
        partitions: this.partitions,
        hosted: parts,
        control,
        inbox: inboxes[h].sab,
        outbox: outboxes[h].sab,
        partitionCells: cellsSab,
        grantWidth: this.grantWidth,
        gauges: gaugesSab,
        functionTable: (opts.functionTable?.buffer as SharedArrayBuffer | undefined) ?? null,
        port: channel.port2,
        traced: opts.traced,
        spinChecks,
      };
      return (pool.run(init, { transferList: [channel.port2] }) as Promise<HostResult>).catch(
        (e: unknown) => {
          // The worker died (exited, or its memory limit stopped it): nothing came back on its port.
          const cause = e instanceof Error ? e.message : String(e);
          const where = parts.length === 1 ? `partition ${parts[0]}` : `partitions ${parts.join(", ")}`;
          fail(
            h,
            new PartitionHostError(
              parts[0],
              f64[F64.HostBase + h * F64.HostStride + 2],
              `worker hosting ${where} died: ${cause}`,
            ),
          );
          return null;
        },
      );
    });

    const grid = new WindowGrid(opts.epochUs, opts.untilUs, opts.sampleIntervalUs);
    const decision = new RoundDecision(this.coordinator);
    const staging = new MessageBuffer(1024);
    f64[F64.LookaheadUs] = opts.windowUs;
    let windows = 0;
    let epochs = 0;
    const timing = { criticalWorkMs: 0, decideMs: 0, hostWorkMs: 0 };
    let messages = 0;
    let pendingSum = 0;
    let lastProgressEvents = 0;

    const startStep = (command: number) => {
      Atomics.store(ctl, Ctl.Done, 0);
      Atomics.store(ctl, Ctl.Command, command);
      Atomics.add(ctl, Ctl.Seq, 1);
      Atomics.notify(ctl, Ctl.Seq);
    };
    // Block on the Done cell (no event-loop turn per round); every so often,
    // yield to the event loop so a dead worker's rejected task is noticed.
    const waitForHosts = async () => {
      for (let i = 0; i < spinChecks; i++) if (Atomics.load(ctl, Ctl.Done) >= hostCount) return;
      for (;;) {
        const done = Atomics.load(ctl, Ctl.Done);
        if (done >= hostCount) return;
        if (Atomics.wait(ctl, Ctl.Done, done, BLOCK_MS) === "timed-out") await yieldToEventLoop();
      }
    };
    // At a sample point, hosts write their partitions' gauges (once for the points due together).
    const sample = async (t: number, fresh: boolean) => {
      if (opts.onSample === undefined) return;
      if (!fresh) {
        startStep(Command.WriteGauges);
        await waitForHosts();
        for (let h = 0; h < hostCount; h++) drainPort(h);
        if (failure !== null || Atomics.load(ctl, Ctl.Failed) > 0) throw failure ?? unknownFailure();
      }
      opts.onSample(t, gauges);
    };
    const drainPort = (h: number) => {
      for (;;) {
        const m = receiveMessageOnPort(ports[h]);
        if (m === undefined) return;
        const msg = m.message as HostPortMessage;
        if (msg.type === "trace") for (const r of msg.records) opts.onTrace?.(r);
        else if (msg.type === "outbox") outboxes[h] = new SharedMessages(msg.sab);
        else if (msg.type === "error")
          failure ??= new PartitionHostError(msg.partition, msg.simTimeUs, msg.message, msg.stack);
      }
    };

    try {
      while (!this.stopped) {
        for (let t = grid.takeDueSample(), fresh = false; t >= 0; t = grid.takeDueSample(), fresh = true)
          await sample(t, fresh);
        if (grid.finished) break;
        const endUs = grid.windowEndUs();
        this.coordinator.beginEpoch(grid.startUs, endUs, grants, this.grantWidth);
        f64[F64.EndUs] = endUs;
        Atomics.store(ctl, Ctl.NewEpoch, 1);
        let nextUs = Number.POSITIVE_INFINITY;
        for (;;) {
          this.writeInboxes(hosted, inboxes, staging, ports, ctl);
          startStep(Command.RunRound);
          await waitForHosts();
          for (let h = 0; h < hostCount; h++) drainPort(h);
          if (failure !== null || Atomics.load(ctl, Ctl.Failed) > 0) throw failure ?? unknownFailure();
          let safeUs = endUs;
          let busiestMs = 0;
          for (let h = 0; h < hostCount; h++) {
            const workMs = f64[F64.HostBase + h * F64.HostStride + 4];
            timing.hostWorkMs += workMs;
            if (workMs > busiestMs) busiestMs = workMs;
            if (Atomics.load(ctl, Ctl.HostStatus + h) === HostStatus.OutboxReplaced) {
              Atomics.store(ctl, Ctl.HostStatus + h, HostStatus.Ok);
            }
            outboxes[h].readInto(decision.merged);
            const reached = f64[F64.HostBase + h * F64.HostStride + 2];
            if (reached < safeUs) safeUs = reached;
          }
          timing.criticalWorkMs += busiestMs;
          const decideStartMs = performance.now();
          messages += decision.decide(safeUs);
          timing.decideMs += performance.now() - decideStartMs;
          windows++;
          if (safeUs >= endUs) break;
          f64[F64.DecidedUs] = safeUs;
          Atomics.store(ctl, Ctl.NewEpoch, 0);
        }
        epochs++;
        opts.onEpochEnd?.(endUs);
        for (let h = 0; h < hostCount; h++) {
          const base = F64.HostBase + h * F64.HostStride;
          if (f64[base] < nextUs) nextUs = f64[base];
          pendingSum += f64[base + 3];
        }
        for (const inbox of this.inboxes) {
          for (let i = 0; i < inbox.length; i++) if (inbox.timeUs[i] < nextUs) nextUs = inbox.timeUs[i];
        }
        if (opts.onProgress !== undefined) {
          const total = this.totalEvents(f64, hostCount);
          if (total - lastProgressEvents >= 200_000 || epochs % 4096 === 0) {
            lastProgressEvents = total;
            opts.onProgress({ simTimeUs: endUs, untilUs: opts.untilUs, events: total });
          }
        }
        grid.advance(endUs, Math.min(nextUs, this.coordinator.timers.peekTimeUs()));
      }
      if (!this.stopped) {
        for (
          let t = grid.takeRemainingSample(), fresh = false;
          t >= 0;
          t = grid.takeRemainingSample(), fresh = true
        )
          await sample(t, fresh);
      }
      startStep(Command.Finish);
      const hostResults = await Promise.all(tasks);
      if (failure !== null) throw failure;
      const results: PartitionResult[] = new Array(this.partitions);
      for (const r of hostResults) if (r !== null) for (const p of r.partitions) results[p.index] = p.result;
      const endUs = this.stopped ? Math.min(grid.startUs, opts.untilUs) : opts.untilUs;
      return {
        stats: {
          endUs,
          events: this.totalEvents(f64, hostCount),
          windows,
          messages,
          meanPendingEvents: epochs > 0 ? pendingSum / epochs : 0,
          timing,
        },
        results,
      };
    } finally {
      if (Atomics.load(ctl, Ctl.Command) !== Command.Finish) startStep(Command.Finish);
      for (const port of ports) port.close();
      await pool.destroy();
    }

    function unknownFailure(): PartitionHostError {
      return new PartitionHostError(-1, f64[F64.EndUs], "a partition host failed without saying why");
    }
  }

  /** The coordinator's deliveries to each host's partitions, in partition order, into its shared inbox. */
  private writeInboxes(
    hosted: number[][],
    inboxes: SharedMessages[],
    staging: MessageBuffer,
    ports: MessagePort[],
    ctl: Int32Array,
  ): void {
    for (let h = 0; h < hosted.length; h++) {
      staging.clear();
      for (const p of hosted[h]) {
        staging.append(this.inboxes[p]);
        this.inboxes[p].clear();
      }
      if (!inboxes[h].write(staging)) {
        inboxes[h] = new SharedMessages(grownCapacity(staging.length, inboxes[h].capacity));
        inboxes[h].write(staging);
        ports[h].postMessage({ type: "inbox", sab: inboxes[h].sab } satisfies HostPortMessage);
        Atomics.store(ctl, Ctl.HostStatus + h, HostStatus.InboxReplaced);
      }
    }
  }

  private totalEvents(f64: Float64Array, hostCount: number): number {
    let n = this.coordinator.eventsProcessed;
    for (let h = 0; h < hostCount; h++) n += f64[F64.HostBase + h * F64.HostStride + 1];
    return n;
  }
}
