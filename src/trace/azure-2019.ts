/**
 * The Azure Functions 2019 trace: a day is three files, named by its number
 * (d01 to d14). Memory was published for days 1 to 12 only.
 */
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { TraceInputError } from "./trace-input-error.js";

export {
  readAzure2019Invocations,
  MINUTES_PER_DAY,
  type Azure2019Function,
} from "./azure-2019-invocations.js";
export { readAzure2019Durations, type Azure2019Durations } from "./azure-2019-durations.js";
export { readAzure2019Memory, type Azure2019Memory } from "./azure-2019-memory.js";

/** Azure published app_memory_percentiles for days 1 to 12; days 13 and 14 have none. */
export const LAST_DAY_WITH_MEMORY = 12;

export interface Azure2019DayFiles {
  invocations: string;
  durations: string;
  /** undefined only for a day after 12 whose memory file is absent, as in the published trace. */
  memory: string | undefined;
}

/** The paths of day `day`'s files in `dir`; a located error names every one missing. */
export function azure2019Files(dir: string, day: number): Azure2019DayFiles {
  if (!Number.isInteger(day) || day < 1 || day > 99) {
    throw new TraceInputError(
      dir,
      1,
      1,
      `day ${day} is not a day of the trace, expected a whole number from 1 (d01)`,
    );
  }
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new TraceInputError(
      dir,
      1,
      1,
      "no such directory, expected the directory of the Azure 2019 trace's day files",
    );
  }
  const dd = `d${String(day).padStart(2, "0")}`;
  const files = {
    invocations: join(dir, `invocations_per_function_md.anon.${dd}.csv`),
    durations: join(dir, `function_durations_percentiles.anon.${dd}.csv`),
    memory: join(dir, `app_memory_percentiles.anon.${dd}.csv`),
  };
  const memoryOptional = day > LAST_DAY_WITH_MEMORY;
  const missing = Object.entries(files)
    .filter(([what, path]) => !existsSync(path) && !(what === "memory" && memoryOptional))
    .map(([, path]) => path);
  if (missing.length > 0) {
    const names = missing.map((path) => path.slice(dir.length).replace(/^[\\/]/, ""));
    throw new TraceInputError(
      dir,
      1,
      1,
      `day ${day}: ${names.join(", ")} missing, expected the day's three files (${dd}) of the Azure 2019 trace (uncompress the published archive here)`,
    );
  }
  return { ...files, memory: existsSync(files.memory) ? files.memory : undefined };
}
