/**
 * How a handler's run time follows its memory (opt-in per template): Lambda
 * allocates CPU in proportion to memory, one vCPU's worth at 1,769 MB, up to
 * 6 vCPUs at 10,240 MB (AWS, "Configure Lambda function memory"). The CPU-bound
 * share of the duration, measured at one memory size, scales with the CPU
 * the code can use; the rest (waiting on the network, on other services)
 * does not. Code using `threads` threads can use at most that many vCPUs.
 */

/** Memory that buys one vCPU-second of credits per second (AWS). */
export const MB_PER_VCPU = 1769;
/** vCPUs at the largest memory size, 10,240 MB (AWS). */
export const MAX_VCPUS = 6;

export interface CpuScaling {
  /** Share of the template's duration that is CPU work, 0-1. */
  cpuShare: number;
  /** Memory the template's duration was measured at, MB. */
  measuredAtMb: number;
  /** Threads the CPU work runs on: it uses at most this many vCPUs. */
  threads: number;
}

/** vCPUs' worth of CPU at `memoryMb`: memory / 1,769 MB, at most 6. */
export const vcpusAt = (memoryMb: number): number => Math.min(MAX_VCPUS, memoryMb / MB_PER_VCPU);

/** How much longer (>1) or shorter a run is at `memoryMb` than at the memory it was measured at. */
export function durationFactor(s: CpuScaling, memoryMb: number): number {
  const usable = (mb: number) => Math.min(s.threads, vcpusAt(mb));
  return 1 - s.cpuShare + (s.cpuShare * usable(s.measuredAtMb)) / usable(memoryMb);
}

/** A sampled run time at `memoryMb`, in whole µs; unchanged without scaling. */
export function scaledRunUs(s: CpuScaling | undefined, memoryMb: number, runUs: number): number {
  return s === undefined ? runUs : Math.round(runUs * durationFactor(s, memoryMb));
}
