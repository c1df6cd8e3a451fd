/**
 * Azure Functions 2019, invocations_per_function_md.anon.dNN.csv: one row per
 * function and day, `HashOwner,HashApp,HashFunction,Trigger` then the
 * invocations counted in each of the day's 1440 minutes. Streamed: one row
 * is held at a time, and only rows `keep` wants become objects.
 */
import { countAt } from "./field-values.js";
import { LineReader, type LineReaderOptions } from "./line-reader.js";
import { AZURE_2019_INVOCATIONS, fieldCountError, readHeader } from "./trace-formats.js";

export const MINUTES_PER_DAY = 1440;
const FIELDS = AZURE_2019_INVOCATIONS.fields.length;
const WHAT = "HashOwner,HashApp,HashFunction,Trigger and 1440 per-minute counts";
const COMMA = 0x2c;
const ZERO = 0x30;
const NAMES = ["HashOwner", "HashApp", "HashFunction", "Trigger"];

export interface Azure2019Function {
  /** `${HashOwner}/${HashApp}/${HashFunction}`: unique, and the same key in the durations file. */
  key: string;
  owner: string;
  app: string;
  func: string;
  /** http, timer, event, queue, storage, orchestration or others (Azure's trigger groups), as the file says. */
  trigger: string;
  /** Invocations in each minute of the day, minute 1 first. */
  countsPerMinute: Uint32Array;
  /** The day's invocations: the sum of countsPerMinute. */
  total: number;
}

/** The functions of one day file, one row at a time; a row is yielded only when `keep(key)` says so. */
export function* readAzure2019Invocations(
  file: string,
  keep?: (key: string) => boolean,
  options?: LineReaderOptions,
): Generator<Azure2019Function> {
  const reader = new LineReader(file, options);
  // Rows not kept are still checked, so a file's errors do not depend on the selection.
  const scratch = new Uint32Array(MINUTES_PER_DAY);
  try {
    readHeader(reader, AZURE_2019_INVOCATIONS);
    while (reader.nextLine()) {
      if (reader.start === reader.end || reader.isBlank()) continue;
      if (reader.split(4, true) < 4) throw fieldCountError(reader, reader.split(0), FIELDS, WHAT);
      const names = NAMES.map((name, i) => {
        const start = reader.fieldStarts[i];
        const end = reader.fieldEnds[i];
        if (start === end)
          throw reader.errorAt(
            start,
            `${name} is empty, expected ${name === "Trigger" ? "a trigger group" : "an id"}`,
          );
        return reader.text(start, end);
      });
      const [owner, app, func, trigger] = names;
      const key = `${owner}/${app}/${func}`;
      const kept = keep === undefined || keep(key);
      const counts = kept ? new Uint32Array(MINUTES_PER_DAY) : scratch;
      const total = parseCounts(reader, reader.fieldEnds[3] + 1, counts);
      if (kept) yield { key, owner, app, func, trigger, countsPerMinute: counts, total };
    }
  } finally {
    reader.close();
  }
}

/** Parses the 1440 counts starting at `pos` into `counts`; returns their sum. */
function parseCounts(reader: LineReader, pos: number, counts: Uint32Array): number {
  const buf = reader.buffer;
  const end = reader.end;
  let total = 0;
  for (let minute = 0; minute < MINUTES_PER_DAY; minute++) {
    const start = pos;
    let value = 0;
    while (pos < end) {
      const d = buf[pos] - ZERO;
      if (d < 0 || d > 9) break;
      value = value * 10 + d;
      pos++;
    }
    const last = minute === MINUTES_PER_DAY - 1;
    if (
      pos === start ||
      pos - start > 10 ||
      value > 0xffffffff ||
      (pos < end ? buf[pos] !== COMMA || last : !last)
    ) {
      const fields = reader.split(0);
      if (fields !== FIELDS) throw fieldCountError(reader, fields, FIELDS, WHAT);
      let fieldEnd = buf.indexOf(COMMA, start);
      if (fieldEnd === -1 || fieldEnd > end) fieldEnd = end;
      countAt(reader, start, fieldEnd, `the count for minute ${minute + 1}`);
    }
    counts[minute] = value;
    total += value;
    pos++; // past the comma
  }
  return total;
}
