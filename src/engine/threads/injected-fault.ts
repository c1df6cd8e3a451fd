/**
 * Fault injection for testing the parallel runner, from the environment:
 * FLEET_SIM_INJECT_FAULT="KIND:PARTITION:SECONDS" makes that logical
 * partition, once simulated time passes SECONDS, throw (`throw`), end its
 * worker thread (`exit`), or allocate until the worker's memory limit stops
 * it (`oom`). Only honoured in threaded runs; a partition on the
 * coordinator's thread honours only `throw`.
 */
import type { Partition } from "../partition.js";

export interface InjectedFault {
  kind: "throw" | "exit" | "oom";
  partition: number;
  atUs: number;
}

export function parseInjectedFault(spec: string | undefined): InjectedFault | null {
  if (spec === undefined || spec === "") return null;
  const m = /^(throw|exit|oom):(\d+):(\d+(?:\.\d+)?)$/.exec(spec);
  if (m === null) throw new Error(`FLEET_SIM_INJECT_FAULT must look like throw:3:60, got "${spec}"`);
  return {
    kind: m[1] as InjectedFault["kind"],
    partition: Number(m[2]),
    atUs: Math.round(Number(m[3]) * 1e6),
  };
}

/** Makes `p` fail as `fault` says once its horizon passes the fault's time (exit and oom only in a worker). */
export function injectFault(fault: InjectedFault, p: Partition, inWorker: boolean): void {
  if (fault.partition !== p.index || p.horizonUs <= fault.atUs) return;
  if (!inWorker && fault.kind !== "throw") return;
  p.nowUs = Math.max(p.nowUs, fault.atUs); // the fault happens at its time, not at the partition's last event
  if (fault.kind === "throw") throw new Error(`injected fault in partition ${p.index}`);
  if (fault.kind === "exit") process.exit(3);
  const hog: number[][] = [];
  for (;;) hog.push(new Array(1_000_000).fill(hog.length));
}
