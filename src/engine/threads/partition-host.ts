/**
 * A piscina task that hosts some of a run's logical partitions for the whole
 * run (one long-lived task per worker thread, so a partition never moves).
 * It runs rounds when the coordinator's thread says so, through a shared
 * control block, and hands back its partitions' results at the end.
 */
import { type MessagePort, receiveMessageOnPort } from "node:worker_threads";
import { InvariantError } from "../invariant-error.js";
import { MessageBuffer } from "../message-buffer.js";
import { Partition } from "../partition.js";
import type { HostedPartition, ModelModule, PartitionFactory } from "../round-runner.js";
import { Command, type ControlBuffers, Ctl, F64 } from "./control-block.js";
import { injectFault, parseInjectedFault } from "./injected-fault.js";
import { grownCapacity, SharedMessages } from "./shared-messages.js";

export interface HostInit {
  host: number;
  partitions: number;
  /** The logical partitions this host runs. */
  hosted: number[];
  /** The model: its module's `hostModel(init)` makes the partitions. */
  model: ModelModule<unknown>;
  /** Partition of every entity (shared memory): where a delivery goes. */
  partitionOfEntity: Int32Array;
  control: ControlBuffers;
  inbox: SharedArrayBuffer;
  outbox: SharedArrayBuffer;
  /**
   * Per partition: its horizon (cells 0..P-1, written by the host after each
   * round) and its grant (grantWidth cells each from P, written by the
   * coordinator's thread at each epoch start, spent by the partition).
   */
  partitionCells: SharedArrayBuffer;
  grantWidth: number;
  /** Per-partition gauge block (gaugeCount values each), written at sample points. */
  gauges: SharedArrayBuffer;
  gaugeCount: number;
  /** Carries replaced buffers, records and errors; read synchronously on both sides. */
  port: MessagePort;
  /** Busy-wait checks before sleeping between rounds (0 when threads outnumber cores). */
  spinChecks: number;
}

export interface HostResult {
  host: number;
  partitions: { index: number; result: unknown }[];
}

/** Messages on the host's port. */
export type HostPortMessage =
  | { type: "inbox"; sab: SharedArrayBuffer }
  | { type: "outbox"; sab: SharedArrayBuffer }
  | { type: "records"; records: unknown[] }
  | {
      type: "error";
      partition: number;
      simTimeUs: number;
      name: string;
      message: string;
      stack: string | undefined;
    };

export default async function hostPartitions(init: HostInit): Promise<HostResult> {
  // Tell the coordinator's thread, which makes its own partitions meanwhile.
  const ctl = new Int32Array(init.control.ctl);
  Atomics.add(ctl, Ctl.Started, 1);
  Atomics.notify(ctl, Ctl.Started);
  const { hostModel } = (await import(init.model.moduleUrl)) as {
    hostModel: (init: unknown) => PartitionFactory;
  };
  return runHost(init, hostModel(init.model.init));
}

function runHost(init: HostInit, factory: PartitionFactory): HostResult {
  const { host, control, port } = init;
  const ctl = new Int32Array(control.ctl);
  const f64 = new Float64Array(control.f64);
  const gauges = new Float64Array(init.gauges);
  const stride = init.gaugeCount;
  const cells = new Float64Array(init.partitionCells);
  const width = init.grantWidth;
  const partitionOf = init.partitionOfEntity;
  const fault = parseInjectedFault(process.env.FLEET_SIM_INJECT_FAULT);

  const recordBatch: unknown[] = [];
  const records = (r: unknown) => recordBatch.push(r);
  const parts: Partition[] = [];
  const models: HostedPartition[] = [];
  const slotOf = new Int32Array(init.partitions).fill(-1);
  for (const index of init.hosted) {
    const p = new Partition(index);
    const grantAt = init.partitions + index * width;
    p.grant = cells.subarray(grantAt, grantAt + width);
    const model = factory(p, records);
    p.attach(model.handler);
    slotOf[index] = parts.length;
    parts.push(p);
    models.push(model);
  }
  for (const m of models) m.start();

  let inbox = new SharedMessages(init.inbox);
  let outbox = new SharedMessages(init.outbox);
  const incoming = new MessageBuffer(1024);
  const outgoing = new MessageBuffer(1024);
  const base = F64.HostBase + host * F64.HostStride;
  let running = -1;
  let seen = 0;

  const seqCell = Ctl.HostSeq + host;
  for (;;) {
    // Spin briefly (the coordinator's half of a round is short), then sleep until the next step.
    for (let i = 0; i < init.spinChecks && Atomics.load(ctl, seqCell) === seen; i++);
    while (Atomics.load(ctl, seqCell) === seen) Atomics.wait(ctl, seqCell, seen, 1000);
    seen = Atomics.load(ctl, seqCell);
    const command = Atomics.load(ctl, Ctl.Command);
    const endUs = f64[F64.EndUs];
    if (command === Command.Finish) {
      for (const p of parts) if (p.nowUs < endUs) p.nowUs = endUs;
      break;
    }
    const roundStartMs = performance.now();
    try {
      if (command === Command.WriteGauges) {
        // A sample point: the partitions are between epochs, so their state is the sample's.
        for (let k = 0; k < models.length; k++) models[k].writeGauges(gauges, parts[k].index * stride, endUs);
        Atomics.add(ctl, Ctl.Done, 1);
        Atomics.notify(ctl, Ctl.Done);
        continue;
      }
      if (Atomics.load(ctl, Ctl.NewEpoch) === 1) {
        const lookaheadUs = f64[F64.LookaheadUs];
        for (const p of parts) p.beginEpoch(endUs, lookaheadUs);
      } else {
        // Rounds this host sat out moved nothing here; decidedBefore catches up on them (it is monotone).
        const decidedUs = f64[F64.DecidedUs];
        for (const p of parts) p.decidedBefore(decidedUs);
      }
      if (Atomics.load(ctl, Ctl.HostStatus + host) === HostStatus.InboxReplaced) {
        inbox = new SharedMessages(takeBuffer(port, "inbox"));
        Atomics.store(ctl, Ctl.HostStatus + host, HostStatus.Ok);
      }
      incoming.clear();
      inbox.readInto(incoming);
      for (let i = 0; i < incoming.length; i++) {
        const part = parts[slotOf[partitionOf[incoming.entity[i]]]];
        part.queue.pushAt(
          incoming.timeUs[i],
          incoming.seq[i],
          incoming.kind[i],
          incoming.entity[i],
          incoming.a[i],
          incoming.b[i],
        );
      }
      let next = Number.POSITIVE_INFINITY;
      let events = 0;
      let pending = 0;
      outgoing.clear();
      for (let k = 0; k < parts.length; k++) {
        const p = parts[k];
        running = p.index;
        if (fault !== null) injectFault(fault, p, true);
        p.runToHorizon();
        outgoing.append(p.outbox);
        p.outbox.clear();
        cells[p.index] = p.horizonUs;
        const t = p.queue.peekTimeUs();
        if (t < next) next = t;
        events += p.eventsProcessed;
        pending += p.queue.length;
      }
      running = -1;
      if (!outbox.write(outgoing)) {
        outbox = new SharedMessages(grownCapacity(outgoing.length, outbox.capacity));
        outbox.write(outgoing);
        port.postMessage({ type: "outbox", sab: outbox.sab } satisfies HostPortMessage);
        Atomics.store(ctl, Ctl.HostStatus + host, HostStatus.OutboxReplaced);
      }
      if (recordBatch.length > 0) {
        port.postMessage({ type: "records", records: recordBatch.splice(0) } satisfies HostPortMessage);
      }
      f64[base] = next;
      f64[base + 1] = events;
      f64[base + 2] = minHorizon(parts);
      f64[base + 3] = pending;
      f64[base + 4] = performance.now() - roundStartMs; // for the bench: the round's critical path
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      const failed = running >= 0 ? parts[slotOf[running]] : null;
      port.postMessage({
        type: "error",
        partition: running,
        simTimeUs: failed !== null ? failed.nowUs : endUs,
        name: err.name,
        message: err.message,
        stack: err.stack,
      } satisfies HostPortMessage);
      Atomics.store(ctl, Ctl.HostStatus + host, HostStatus.Failed);
      Atomics.add(ctl, Ctl.Failed, 1);
    }
    Atomics.add(ctl, Ctl.Done, 1);
    Atomics.notify(ctl, Ctl.Done);
    if (Atomics.load(ctl, Ctl.HostStatus + host) === HostStatus.Failed) return { host, partitions: [] };
  }
  return {
    host,
    partitions: models.map((m, k) => ({ index: parts[k].index, result: m.result(true) })),
  };
}

function minHorizon(parts: Partition[]): number {
  let h = Number.POSITIVE_INFINITY;
  for (const p of parts) if (p.horizonUs < h) h = p.horizonUs;
  return h;
}

export const HostStatus = { Ok: 0, Failed: 1, OutboxReplaced: 2, InboxReplaced: 3 } as const;

function takeBuffer(port: MessagePort, type: "inbox" | "outbox"): SharedArrayBuffer {
  for (;;) {
    const m = receiveMessageOnPort(port);
    if (m === undefined) throw new InvariantError(`expected a replaced ${type} buffer on the host port`);
    const msg = m.message as HostPortMessage;
    if (msg.type === type) return msg.sab;
  }
}
