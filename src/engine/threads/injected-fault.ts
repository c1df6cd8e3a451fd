/**
 * Fault injection for testing the parallel runner, from the environment:
 * FLEET_SIM_INJECT_FAULT="KIND:PARTITION:SECONDS" makes that logical
 * partition, once simulated time passes SECONDS, throw (`throw`), end its
 * worker thread (`exit`), or allocate until the worker's memory limit stops
 * it (`oom`). Only honoured by partition hosts in worker threads.
 */
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
