/**
 * Timestamps as Lambda prints them: ISO 8601 in UTC with `+0000` for the zone,
 * with milliseconds in a function's LastModified (`2026-12-05T17:04:01.000+0000`)
 * and without them in a provisioned concurrency config's
 * (`2026-12-05T17:04:01+0000`).
 */

export function lambdaTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace("Z", "+0000");
}

export function lambdaTimestampSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "+0000");
}
