/**
 * `--start-time`: where the simulated run is placed on the wall clock in an
 * OpenMetrics file. The only wall-clock figure in the metrics: the series'
 * values are a function of simulated state, their timestamps are start time
 * plus simulated time.
 */

/** promtool creates blocks only from data older than the head block: the run ends more than this before now. */
export const BACKFILL_MARGIN_MS = 3 * 3_600_000;

export const START_TIME_HINT =
  'an ISO 8601 date and time like "2024-05-01T12:00:00Z", or unix seconds like 1714564800';

/** Milliseconds since the epoch from an ISO 8601 date-time or unix seconds; null when neither. */
export function parseStartTime(text: string): number | null {
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t)) {
    const ms = Math.round(Number(t) * 1000);
    return Number.isSafeInteger(ms) ? ms : null;
  }
  // A date alone would be read as UTC midnight and a time without zone as local time: ask for both.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.test(t)) return null;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? null : ms;
}

/**
 * The default start: a whole hour, chosen so the run ends more than three
 * hours before `nowMs` (promtool leaves the last hours to the head block).
 */
export function defaultStartTimeMs(nowMs: number, runUs: number): number {
  const latestStartMs = nowMs - BACKFILL_MARGIN_MS - 60_000 - Math.ceil(runUs / 1000);
  return Math.floor(latestStartMs / 3_600_000) * 3_600_000;
}
