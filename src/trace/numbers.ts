/**
 * Numbers parsed straight from a line's bytes, with no string made: the hot
 * part of reading a trace. Each returns NaN for anything that is not a plain
 * decimal number; the caller says where and why.
 */

const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
/** Up to this many digits a decimal is an exact integer over an exact power of ten. */
const EXACT_DIGITS = 15;

/**
 * A decimal number times 10^scaleDigits, rounded half up to an integer, from its
 * digits (so "5160.1425700" seconds is 5160142570 µs exactly, with no binary
 * rounding on the way). Exponents ("1e-3") take a slower exact-enough path.
 */
export function parseScaled(buf: Uint8Array, start: number, end: number, scaleDigits: number): number {
  let i = start;
  let negative = false;
  if (i < end && (buf[i] === MINUS || buf[i] === PLUS)) {
    negative = buf[i] === MINUS;
    i++;
  }
  let whole = 0;
  let wholeDigits = 0;
  while (i < end) {
    const d = buf[i] - ZERO;
    if (d < 0 || d > 9) break;
    whole = whole * 10 + d;
    wholeDigits++;
    i++;
  }
  let fraction = 0;
  let fractionDigits = 0;
  let roundUp = 0;
  if (i < end && buf[i] === DOT) {
    i++;
    while (i < end) {
      const d = buf[i] - ZERO;
      if (d < 0 || d > 9) break;
      if (fractionDigits < scaleDigits) fraction = fraction * 10 + d;
      else if (fractionDigits === scaleDigits) roundUp = d >= 5 ? 1 : 0;
      fractionDigits++;
      i++;
    }
  }
  if (wholeDigits + fractionDigits === 0) return NaN;
  if (i !== end || wholeDigits + scaleDigits > EXACT_DIGITS) {
    return isExponent(buf, i, end) || i === end ? slowScaled(buf, start, end, scaleDigits) : NaN;
  }
  const kept = fractionDigits < scaleDigits ? fractionDigits : scaleDigits;
  const value = whole * POW10[scaleDigits] + fraction * POW10[scaleDigits - kept] + roundUp;
  return negative ? -value : value;
}

/** A decimal number as the nearest double, like Number(text) but from bytes. */
export function parseDecimal(buf: Uint8Array, start: number, end: number): number {
  let i = start;
  let negative = false;
  if (i < end && (buf[i] === MINUS || buf[i] === PLUS)) {
    negative = buf[i] === MINUS;
    i++;
  }
  let mantissa = 0;
  let digits = 0;
  let fractionDigits = 0;
  while (i < end) {
    const d = buf[i] - ZERO;
    if (d < 0 || d > 9) break;
    mantissa = mantissa * 10 + d;
    digits++;
    i++;
  }
  if (i < end && buf[i] === DOT) {
    i++;
    while (i < end) {
      const d = buf[i] - ZERO;
      if (d < 0 || d > 9) break;
      mantissa = mantissa * 10 + d;
      digits++;
      fractionDigits++;
      i++;
    }
  }
  if (digits === 0) return NaN;
  if (i !== end || digits > EXACT_DIGITS) {
    return isExponent(buf, i, end) || i === end ? slowDecimal(buf, start, end) : NaN;
  }
  // Both exact, so the one division rounds correctly.
  const value = fractionDigits === 0 ? mantissa : mantissa / POW10[fractionDigits];
  return negative ? -value : value;
}

/** A count: digits only (no sign, no point), below 2^32; NaN otherwise. */
export function parseCount(buf: Uint8Array, start: number, end: number): number {
  if (start === end || end - start > 10) return NaN;
  let value = 0;
  for (let i = start; i < end; i++) {
    const d = buf[i] - ZERO;
    if (d < 0 || d > 9) return NaN;
    value = value * 10 + d;
  }
  return value <= 0xffffffff ? value : NaN;
}

function isExponent(buf: Uint8Array, i: number, end: number): boolean {
  return i < end && (buf[i] === 0x65 || buf[i] === 0x45);
}

function slowDecimal(buf: Uint8Array, start: number, end: number): number {
  const text = Buffer.from(buf.buffer, buf.byteOffset + start, end - start).toString("latin1");
  // Number() accepts more than decimals ("0x1f", "Infinity", " 1"): only digits, sign, point, exponent pass.
  return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text) ? Number(text) : NaN;
}

function slowScaled(buf: Uint8Array, start: number, end: number, scaleDigits: number): number {
  const value = slowDecimal(buf, start, end);
  return Math.round(value * POW10[scaleDigits]);
}
