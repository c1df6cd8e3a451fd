/**
 * Azure Functions 2019, function_durations_percentiles.anon.dNN.csv: per
 * function and day, the execution time's average, count, minimum, maximum and
 * weighted percentiles of its 30-second averages, in milliseconds (cold
 * starts not included).
 */
import { countField, decimalField, idKey } from "./field-values.js";
import { LineReader, type LineReaderOptions } from "./line-reader.js";
import { AZURE_2019_DURATIONS, fieldCountError, readHeader } from "./trace-formats.js";

const FIELDS = AZURE_2019_DURATIONS.fields.length;
const MS = "milliseconds (a decimal number, 0 or more)";

export interface Azure2019Durations {
  averageMs: number;
  count: number;
  /** The true minimum and maximum; -1 where the file leaves them empty (Azure did not record them for a few runtimes). */
  minimumMs: number;
  maximumMs: number;
  percentilesMs: { p0: number; p1: number; p25: number; p50: number; p75: number; p99: number; p100: number };
}

/** The durations of one day file by function key (`${HashOwner}/${HashApp}/${HashFunction}`); the first row of a key counts. */
export function readAzure2019Durations(
  file: string,
  keep?: (key: string) => boolean,
  options?: LineReaderOptions,
): Map<string, Azure2019Durations> {
  const reader = new LineReader(file, options);
  const byKey = new Map<string, Azure2019Durations>();
  try {
    readHeader(reader, AZURE_2019_DURATIONS);
    while (reader.nextLine()) {
      if (reader.start === reader.end || reader.isBlank()) continue;
      const fields = reader.split(FIELDS);
      if (fields !== FIELDS) throw fieldCountError(reader, fields, FIELDS, AZURE_2019_DURATIONS.shown);
      const key = idKey(reader, 3);
      if ((keep !== undefined && !keep(key)) || byKey.has(key)) continue;
      const ms = (i: number) => decimalField(reader, i, AZURE_2019_DURATIONS.fields[i], MS);
      const optionalMs = (i: number) => (reader.fieldStarts[i] === reader.fieldEnds[i] ? -1 : ms(i));
      byKey.set(key, {
        averageMs: ms(3),
        count: countField(reader, 4, "Count"),
        minimumMs: optionalMs(5),
        maximumMs: optionalMs(6),
        percentilesMs: {
          p0: ms(7),
          p1: ms(8),
          p25: ms(9),
          p50: ms(10),
          p75: ms(11),
          p99: ms(12),
          p100: ms(13),
        },
      });
    }
  } finally {
    reader.close();
  }
  return byKey;
}
