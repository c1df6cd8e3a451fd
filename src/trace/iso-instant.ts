/**
 * An ISO-8601 instant from bytes, as µs since the Unix epoch:
 * YYYY-MM-DDThh:mm:ss[.fraction](Z|±hh:mm|±hhmm), a space allowed for the T.
 * The zone is required: an instant without one would depend on the machine's
 * time zone, and a run must not.
 */

const ZERO = 0x30;

/** µs since the epoch, or NaN when the bytes are not such an instant. */
export function parseIsoInstantUs(buf: Uint8Array, start: number, end: number): number {
  if (end - start < 20) return NaN;
  const year = digits(buf, start, 4);
  const month = digits(buf, start + 5, 2);
  const day = digits(buf, start + 8, 2);
  const hour = digits(buf, start + 11, 2);
  const minute = digits(buf, start + 14, 2);
  const second = digits(buf, start + 17, 2);
  const separator = buf[start + 10];
  if (
    buf[start + 4] !== 0x2d ||
    buf[start + 7] !== 0x2d ||
    (separator !== 0x54 && separator !== 0x74 && separator !== 0x20) ||
    buf[start + 13] !== 0x3a ||
    buf[start + 16] !== 0x3a ||
    !(month >= 1 && month <= 12 && day >= 1 && day <= daysIn(year, month)) ||
    !(hour <= 23 && minute <= 59 && second <= 59)
  ) {
    return NaN;
  }
  let i = start + 19;
  let fractionUs = 0;
  if (buf[i] === 0x2e) {
    i++;
    let n = 0;
    let roundUp = 0;
    while (i < end && buf[i] >= ZERO && buf[i] <= ZERO + 9) {
      if (n < 6) fractionUs = fractionUs * 10 + (buf[i] - ZERO);
      else if (n === 6) roundUp = buf[i] >= ZERO + 5 ? 1 : 0;
      n++;
      i++;
    }
    if (n === 0) return NaN;
    for (let k = n; k < 6; k++) fractionUs *= 10;
    fractionUs += roundUp;
  }
  let offsetMinutes: number;
  const zone = buf[i];
  if ((zone === 0x5a || zone === 0x7a) && i + 1 === end) {
    offsetMinutes = 0;
  } else if (zone === 0x2b || zone === 0x2d) {
    const colon = buf[i + 3] === 0x3a ? 1 : 0;
    if (i + 5 + colon !== end) return NaN;
    const zoneHours = digits(buf, i + 1, 2);
    const zoneMinutes = digits(buf, i + 3 + colon, 2);
    if (!(zoneHours <= 23 && zoneMinutes <= 59)) return NaN;
    offsetMinutes = (zone === 0x2d ? -1 : 1) * (zoneHours * 60 + zoneMinutes);
  } else {
    return NaN;
  }
  const ms = Date.UTC(year, month - 1, day, hour, minute, second) - offsetMinutes * 60_000;
  return ms * 1000 + fractionUs;
}

/** The value of `count` decimal digits at `at`, or NaN. */
function digits(buf: Uint8Array, at: number, count: number): number {
  let value = 0;
  for (let i = at; i < at + count; i++) {
    const d = buf[i] - ZERO;
    if (!(d >= 0 && d <= 9)) return NaN;
    value = value * 10 + d;
  }
  return value;
}

function daysIn(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}
