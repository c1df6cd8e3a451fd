/**
 * Durations and rates as scenario files write them ("1m30s", "50/s"), and
 * back. The simulator counts time in integer microseconds.
 */
import { formatDurationUs } from "../engine/duration-format.js";

export { formatDurationUs };

const US_PER_UNIT: Readonly<Record<string, number>> = {
  us: 1,
  µs: 1,
  ms: 1_000,
  s: 1_000_000,
  m: 60_000_000,
  h: 3_600_000_000,
  d: 86_400_000_000,
  w: 604_800_000_000,
};

/** One or more number+unit parts ("250ms", "1.5s", "1m30s"), or a bare 0. */
export const DURATION_PATTERN = /^(?:0|(?:\d+(?:\.\d+)?(?:us|µs|ms|s|m|h|d|w))+)$/;
const DURATION_PART = /(\d+(?:\.\d+)?)(us|µs|ms|s|m|h|d|w)/g;

export const DURATION_HINT = 'a number with a unit (us, ms, s, m, h, d, w), like "250ms", "1.5s" or "1m30s"';

/** Parses a duration into integer microseconds (rounded); throws on anything else. */
export function parseDurationUs(s: string): number {
  if (!DURATION_PATTERN.test(s)) throw new Error(`invalid duration "${s}": expected ${DURATION_HINT}`);
  const us = Math.round(toUsUnchecked(s));
  if (!Number.isSafeInteger(us)) throw new Error(`invalid duration "${s}": too long`);
  return us;
}

/** The microseconds a string of DURATION_PATTERN adds up to, unrounded and unbounded. */
export function toUsUnchecked(s: string): number {
  let us = 0;
  for (const [, amount, unit] of s.matchAll(DURATION_PART)) us += Number(amount) * US_PER_UNIT[unit];
  return us;
}

/** A validated duration field (a string, or the bare 0) in microseconds. */
export const toUs = (d: string | number): number => parseDurationUs(String(d));

const SECONDS_PER_UNIT: Readonly<Record<string, number>> = { s: 1, m: 60, min: 60, h: 3600, d: 86400 };

/** A number of events per time unit: "50/s", "3000/min", "10/h", "2/d". */
export const RATE_PATTERN = /^\d+(?:\.\d+)?\/(?:s|min|m|h|d)$/;

export const RATE_HINT = 'a number per time unit (s, min, h, d), like "50/s" or "3000/min"';

/** Parses a rate into events per second; throws on anything else. */
export function parseRatePerSec(s: string): number {
  if (!RATE_PATTERN.test(s)) throw new Error(`invalid rate "${s}": expected ${RATE_HINT}`);
  const slash = s.indexOf("/");
  return Number(s.slice(0, slash)) / SECONDS_PER_UNIT[s.slice(slash + 1)];
}
