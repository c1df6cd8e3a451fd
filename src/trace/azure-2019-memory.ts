/**
 * Azure Functions 2019, app_memory_percentiles.anon.dNN.csv: per application
 * (Azure allocates memory per app, not per function) and day, the allocated
 * memory's sample count, average and percentiles, in MB.
 */
import { countField, decimalField, idKey } from "./field-values.js";
import { LineReader, type LineReaderOptions } from "./line-reader.js";
import { AZURE_2019_MEMORY, fieldCountError, readHeader } from "./trace-formats.js";

const FIELDS = AZURE_2019_MEMORY.fields.length;
const MB = "megabytes (a decimal number, 0 or more)";

export interface Azure2019Memory {
  sampleCount: number;
  averageMb: number;
  percentilesMb: {
    p1: number;
    p5: number;
    p25: number;
    p50: number;
    p75: number;
    p95: number;
    p99: number;
    p100: number;
  };
}

/** The memory of one day file by app key (`${HashOwner}/${HashApp}`); the first row of a key counts. */
export function readAzure2019Memory(
  file: string,
  keep?: (appKey: string) => boolean,
  options?: LineReaderOptions,
): Map<string, Azure2019Memory> {
  const reader = new LineReader(file, options);
  const byApp = new Map<string, Azure2019Memory>();
  try {
    readHeader(reader, AZURE_2019_MEMORY);
    while (reader.nextLine()) {
      if (reader.start === reader.end || reader.isBlank()) continue;
      const fields = reader.split(FIELDS);
      if (fields !== FIELDS) throw fieldCountError(reader, fields, FIELDS, AZURE_2019_MEMORY.shown);
      const appKey = idKey(reader, 2);
      if ((keep !== undefined && !keep(appKey)) || byApp.has(appKey)) continue;
      const mb = (i: number) => decimalField(reader, i, AZURE_2019_MEMORY.fields[i], MB);
      byApp.set(appKey, {
        sampleCount: countField(reader, 2, "SampleCount"),
        averageMb: mb(3),
        percentilesMb: {
          p1: mb(4),
          p5: mb(5),
          p25: mb(6),
          p50: mb(7),
          p75: mb(8),
          p95: mb(9),
          p99: mb(10),
          p100: mb(11),
        },
      });
    }
  } finally {
    reader.close();
  }
  return byApp;
}
