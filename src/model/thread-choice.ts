/**
 * Whether a run's partitions go to worker threads, and how many. Threads
 * pay only when there is work to share and enough of it per epoch to pay
 * for synchronising them: one function cannot be split, and a small or
 * sparse run spends more on starting threads and waking them every epoch
 * than they save (docs/parallel.md has the measurements behind the limits).
 */
import type { Plan } from "./plan.js";
import { partitionWeights, streamConcentration } from "./workload-rates.js";

export interface ThreadChoice {
  /** Worker threads hosting partitions beside the coordinator's thread (which hosts a share too); 0: none. */
  workers: number;
  /** Why, in a few words, for the summary's RUN section. */
  reason: string;
}

/** Below this many expected invocations, threads cost more to start than they save. */
export const MIN_THREADED_INVOCATIONS = 1_000_000;
/** Below this many expected invocations per epoch, waking threads every epoch costs more than they save. */
export const MIN_INVOCATIONS_PER_EPOCH = 5_000;
/**
 * A trace's invocations guessed from its size, before it is read: bytes a
 * row of the per-invocation formats (Azure 2021's two 64-digit hashes and
 * two times; a CSV's name and times). The per-minute format writes a count
 * in a byte or two and the busy functions' counts run to thousands, so a
 * byte is taken for at least an invocation.
 */
export const TRACE_BYTES_PER_ROW = { "azure-2021": 150, csv: 30 } as const;
/** Above this share of the traffic in one partition at a time, there is little left to share. */
export const MAX_CONCENTRATION = 0.6;

export function chooseThreads(
  plan: Plan,
  placement: { partitionOf: Int32Array; partitions: number },
  requested: number | "auto",
  epochUs: number,
  cores: number,
): ThreadChoice {
  const partitions = placement.partitions;
  if (requested !== "auto") {
    const workers = Math.min(requested, partitions);
    return { workers, reason: workers === 0 ? "--workers 0" : `--workers ${requested}` };
  }
  // The coordinator's thread hosts a share of the partitions too: one worker per further core.
  const most = Math.min(cores - 1, partitions - 1);
  if (most < 1)
    return { workers: 0, reason: partitions < 2 ? "one partition" : "one core: nothing to share" };
  // A trace's invocations are known only as it is read: its size stands for them.
  let traceInvocations = 0;
  for (const r of plan.replays ?? [])
    traceInvocations +=
      r.source.format === "azure-2019" ? r.traceBytes : r.traceBytes / TRACE_BYTES_PER_ROW[r.source.format];
  if (traceInvocations >= MIN_THREADED_INVOCATIONS)
    return {
      workers: most,
      reason: `a trace of about ${Math.round(traceInvocations)} invocations or more to replay`,
    };
  const weights = partitionWeights(plan, placement.partitionOf, partitions);
  let total = 0;
  for (const w of weights) total += w;
  const invocations = Math.round(total - plan.functions.names.length);
  const epochs = Math.max(1, Math.ceil(plan.untilUs / epochUs));
  const perEpoch = Math.round(invocations / epochs);
  const share = streamConcentration(plan, placement.partitionOf, partitions);
  if (invocations < MIN_THREADED_INVOCATIONS)
    return { workers: 0, reason: `${invocations} expected invocations: too few to pay for threads` };
  if (share > MAX_CONCENTRATION)
    return {
      workers: 0,
      reason: `one partition carries ${Math.round(share * 100)}% of the traffic at a time: little to share`,
    };
  if (perEpoch < MIN_INVOCATIONS_PER_EPOCH)
    return {
      workers: 0,
      reason: `${perEpoch} expected invocations per epoch: too few to pay for synchronising threads`,
    };
  return { workers: most, reason: `${invocations} expected invocations, ${perEpoch} per epoch` };
}
