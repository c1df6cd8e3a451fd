/**
 * A field's value or a located error saying what was found and what was
 * expected: the checks every trace reader makes on its numbers.
 */
import type { LineReader } from "./line-reader.js";
import { parseCount, parseDecimal, parseScaled } from "./numbers.js";
import { shorten } from "./trace-formats.js";

/** Field i of the current line (after split) as an integer count of 10^-scaleDigits units, 0 or more. */
export function scaledField(
  reader: LineReader,
  i: number,
  scaleDigits: number,
  name: string,
  unit: string,
): number {
  const start = reader.fieldStarts[i];
  const end = reader.fieldEnds[i];
  const value = parseScaled(reader.buffer, start, end, scaleDigits);
  if (value >= 0) return value;
  throw valueError(reader, start, end, value, name, unit);
}

/** Field i as a number, 0 or more. */
export function decimalField(reader: LineReader, i: number, name: string, unit: string): number {
  const start = reader.fieldStarts[i];
  const end = reader.fieldEnds[i];
  const value = parseDecimal(reader.buffer, start, end);
  if (value >= 0) return value;
  throw valueError(reader, start, end, value, name, unit);
}

/** Field i as a whole number, 0 or more. */
export function countField(reader: LineReader, i: number, name: string): number {
  return countAt(reader, reader.fieldStarts[i], reader.fieldEnds[i], name);
}

/** buffer[start, end) of the current line as a whole number, 0 or more. */
export function countAt(reader: LineReader, start: number, end: number, name: string): number {
  const value = parseCount(reader.buffer, start, end);
  if (value >= 0) return value;
  const negative = reader.buffer[start] === 0x2d && parseDecimal(reader.buffer, start, end) < 0;
  throw valueError(reader, start, end, negative ? -1 : NaN, name, "a whole number, 0 or more");
}

function valueError(
  reader: LineReader,
  start: number,
  end: number,
  value: number,
  name: string,
  unit: string,
): Error {
  if (start === end) return reader.errorAt(start, `${name} is empty, expected ${unit}`);
  const found = shorten(reader.text(start, end));
  const what = value < 0 ? "is negative" : "is not a number";
  return reader.errorAt(start, `${name} "${found}" ${what}, expected ${unit}`);
}

/** The first `count` fields (hashed ids) joined by '/', each required. */
export function idKey(reader: LineReader, count: number): string {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const start = reader.fieldStarts[i];
    const end = reader.fieldEnds[i];
    if (start === end) throw reader.errorAt(start, "an id is empty, expected a hashed id");
    ids.push(reader.text(start, end));
  }
  return ids.join("/");
}
