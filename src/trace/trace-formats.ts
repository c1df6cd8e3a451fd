/**
 * The trace formats' headers: what each file must start with, and which
 * format a wrong header belongs to, so a message can say "this is
 * app_memory_percentiles, not invocations_per_function".
 */
import type { LineReader } from "./line-reader.js";

export interface TraceFormat {
  /** How messages name the format. */
  readonly name: string;
  /** The header's fields, exactly (a trailing optional field is listed in `optional`). */
  readonly fields: readonly string[];
  readonly optional?: readonly string[];
  /** The header as messages show it. */
  readonly shown: string;
}

const MINUTES = Array.from({ length: 1440 }, (_, i) => String(i + 1));

export const AZURE_2019_INVOCATIONS: TraceFormat = {
  name: "invocations_per_function",
  fields: ["HashOwner", "HashApp", "HashFunction", "Trigger", ...MINUTES],
  shown: "HashOwner,HashApp,HashFunction,Trigger,1,2,...,1440",
};

const DURATION_FIELDS = [
  "HashOwner",
  "HashApp",
  "HashFunction",
  "Average",
  "Count",
  "Minimum",
  "Maximum",
  ...[0, 1, 25, 50, 75, 99, 100].map((p) => `percentile_Average_${p}`),
];
export const AZURE_2019_DURATIONS: TraceFormat = {
  name: "function_durations_percentiles",
  fields: DURATION_FIELDS,
  shown: DURATION_FIELDS.join(","),
};

const MEMORY_FIELDS = [
  "HashOwner",
  "HashApp",
  "SampleCount",
  "AverageAllocatedMb",
  ...[1, 5, 25, 50, 75, 95, 99, 100].map((p) => `AverageAllocatedMb_pct${p}`),
];
export const AZURE_2019_MEMORY: TraceFormat = {
  name: "app_memory_percentiles",
  fields: MEMORY_FIELDS,
  shown: MEMORY_FIELDS.join(","),
};

export const AZURE_2021: TraceFormat = {
  name: "the Azure 2021 invocation trace",
  fields: ["app", "func", "end_timestamp", "duration"],
  shown: "app,func,end_timestamp,duration",
};

export const CSV_TRACE: TraceFormat = {
  name: "a fleet-sim trace CSV",
  fields: ["timestamp", "function"],
  optional: ["duration"],
  shown: "timestamp,function[,duration]",
};

/** More than any format's header has, so a longer header still fails to match. */
const HEADER_FIELDS_READ = AZURE_2019_INVOCATIONS.fields.length + 1;

const FORMATS = [AZURE_2019_INVOCATIONS, AZURE_2019_DURATIONS, AZURE_2019_MEMORY, AZURE_2021, CSV_TRACE];

/** Whether header fields are this format's. */
export function matches(format: TraceFormat, fields: readonly string[]): boolean {
  const all = [...format.fields, ...(format.optional ?? [])];
  if (fields.length < format.fields.length || fields.length > all.length) return false;
  return fields.every((field, i) => field === all[i]);
}

/**
 * Reads the header line (the first line that is not blank, nor a `#` comment
 * when `comments`) and checks it is `format`'s; returns its fields.
 */
export function readHeader(reader: LineReader, format: TraceFormat, comments = false): string[] {
  for (;;) {
    if (!reader.nextLine()) {
      throw reader.fileError(
        `${reader.lineNumber === 0 ? "the file is empty" : comments ? "no header, only blank and # lines" : "no header, only blank lines"}, expected the header of ${format.name}: "${format.shown}"`,
      );
    }
    if (reader.isBlank()) continue;
    if (comments && reader.buffer[reader.start] === 0x23) continue;
    break;
  }
  const count = reader.split(HEADER_FIELDS_READ);
  const fields: string[] = [];
  for (let i = 0; i < Math.min(count, HEADER_FIELDS_READ); i++) {
    fields.push(reader.text(reader.fieldStarts[i], reader.fieldEnds[i]).trim());
  }
  if (matches(format, fields)) return fields;
  const other = FORMATS.find((f) => f !== format && matches(f, fields));
  const all = [...format.fields, ...(format.optional ?? [])];
  let wrong = fields.findIndex((field, i) => field !== all[i]);
  if (wrong === -1) wrong = fields.length;
  const at = wrong < fields.length ? reader.fieldStarts[wrong] : reader.end;
  const found = shorten(reader.text(reader.start, reader.end));
  const what = other ? `this is ${other.name}, not ${format.name}` : `not the header of ${format.name}`;
  throw reader.errorAt(at, `${what}: expected the header "${format.shown}", found "${found}"`);
}

/**
 * The error for a row of `count` fields where `expected` are due: located at
 * the first extra field, or at the end of a short row.
 */
export function fieldCountError(reader: LineReader, count: number, expected: number, what: string): Error {
  const at =
    count > expected && reader.split(expected + 1) > expected ? reader.fieldStarts[expected] : reader.end;
  const cut = reader.unterminated ? "; the file ends in the middle of this line (cut off?)" : "";
  return reader.errorAt(at, `${count} field${count === 1 ? "" : "s"}, expected ${expected} (${what})${cut}`);
}

/** A line as a message quotes it: at most 80 characters. */
export function shorten(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
