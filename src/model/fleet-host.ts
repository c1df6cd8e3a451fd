/**
 * The model as the engine hosts it: `hostModel(init)` makes each logical
 * partition's function actors. Worker threads load this module by URL
 * (FLEET_HOST_URL), so it is all a host needs of the model.
 */
import type { Partition } from "../engine/partition.js";
import type { PartitionFactory } from "../engine/round-runner.js";
import { FleetPartition, type Tracer } from "./fleet-partition.js";
import { partitionResultOf, writeGauges } from "./partition-result.js";
import { placeFunctions } from "./placement.js";
import type { Plan } from "./plan.js";
import { TraceReads } from "./trace-reads.js";

export interface FleetHostInit {
  plan: Plan;
  partitions: number;
  /** Traced functions (1 = traced), or null: nothing is traced. */
  traced: Uint8Array | null;
  /** The function table (function-table.ts) partitions write their functions' rows into, or null. */
  functionTable: Float64Array | null;
  /** The run's sample interval (0: no samples). */
  sampleIntervalUs: number;
}

/** This module as worker threads load it: compiled JavaScript, also when the caller runs from source (tests). */
export const FLEET_HOST_URL = import.meta.url.endsWith(".ts")
  ? new URL("../../dist/model/fleet-host.js", import.meta.url).href
  : import.meta.url;

export function hostModel(init: FleetHostInit): PartitionFactory {
  const placement = placeFunctions(init.plan, init.partitions);
  // One reading of each trace for the partitions of this host (this thread).
  const traceReads = new TraceReads(init.plan);
  return (partition: Partition, records: ((r: unknown) => void) | null) => {
    const tracer = init.traced !== null ? (records as Tracer | null) : null;
    const fleet = new FleetPartition(
      partition,
      init.plan,
      placement.members[partition.index],
      placement.localOf,
      tracer,
      init.traced,
      init.functionTable,
      init.sampleIntervalUs,
      traceReads,
    );
    return {
      handler: fleet,
      start: () => fleet.start(),
      writeGauges: (out, offset, atUs) => writeGauges(fleet, out, offset, atUs),
      result: (crossesThreads) => partitionResultOf(fleet, crossesThreads),
    };
  };
}
