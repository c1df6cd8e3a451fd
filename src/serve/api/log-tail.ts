/**
 * Invoke's LogResult (LogType Tail): the base64 of the last 4 KB of the
 * invocation's log, which ends in the runtime's START, END and REPORT lines.
 * REPORT separates its fields with tabs and ends with one before the newline;
 * Init Duration appears only after a cold start:
 * `REPORT RequestId: <id>\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 68 MB\tInit Duration: 180.22 ms\t\n`
 */

export const LOG_TAIL_BYTES = 4096;

export interface InvocationReport {
  requestId: string;
  durationMs: number;
  billedDurationMs: number;
  memoryMb: number;
  maxMemoryUsedMb: number;
  initDurationMs?: number;
  /** The version that ran, "$LATEST" unless given. */
  version?: string;
  /** The function's own log lines, between START and END. */
  lines?: readonly string[];
}

/** The log text, START to REPORT. */
export function invocationLog(r: InvocationReport): string {
  const id = r.requestId;
  const own = (r.lines ?? []).map((line) => (line.endsWith("\n") ? line : `${line}\n`)).join("");
  const init = r.initDurationMs === undefined ? "" : `Init Duration: ${r.initDurationMs.toFixed(2)} ms\t`;
  return (
    `START RequestId: ${id} Version: ${r.version ?? "$LATEST"}\n` +
    own +
    `END RequestId: ${id}\n` +
    `REPORT RequestId: ${id}\tDuration: ${r.durationMs.toFixed(2)} ms\tBilled Duration: ${Math.round(r.billedDurationMs)} ms\t` +
    `Memory Size: ${r.memoryMb} MB\tMax Memory Used: ${Math.round(r.maxMemoryUsedMb)} MB\t${init}\n`
  );
}

/** The X-Amz-Log-Result header's value. */
export function invokeLogTail(r: InvocationReport): string {
  const log = Buffer.from(invocationLog(r), "utf8");
  return log.subarray(Math.max(0, log.length - LOG_TAIL_BYTES)).toString("base64");
}
