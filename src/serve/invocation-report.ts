/**
 * The REPORT line of an Invoke's log tail from what the simulation ran:
 * Duration is the handler's simulated duration; Init Duration appears after
 * a cold start; Billed Duration is Duration plus Init Duration rounded up to
 * the millisecond. Since August 1, 2025 Lambda bills the INIT phase of every
 * on-demand function (Zip packages with managed runtimes included, whose
 * init was free before), as it already did for container images, custom
 * runtimes and provisioned concurrency.
 */
import type { InvocationDetail } from "../model/live-invocations.js";
import type { InvocationReport } from "./api/log-tail.js";

/** Memory an invocation reports as used (Max Memory Used): not simulated, a fixed share. */
const MAX_MEMORY_USED_SHARE = 0.5;

/**
 * The report of an invocation. Without the model's durations (an answer
 * that did not run a handler), Duration falls back to `elapsedUs`, the
 * simulated time from request to answer.
 */
export function invocationReport(
  requestId: string,
  detail: InvocationDetail | undefined,
  elapsedUs: number,
  memoryMb: number,
): InvocationReport {
  const runUs = detail !== undefined && detail.runUs >= 0 ? detail.runUs : elapsedUs;
  const initUs = detail !== undefined && detail.initUs >= 0 ? detail.initUs : -1;
  const report: InvocationReport = {
    requestId,
    durationMs: runUs / 1000,
    billedDurationMs: Math.max(1, Math.ceil((runUs + Math.max(0, initUs)) / 1000)),
    memoryMb,
    maxMemoryUsedMb: Math.round(memoryMb * MAX_MEMORY_USED_SHARE),
  };
  if (initUs >= 0) report.initDurationMs = initUs / 1000;
  return report;
}
