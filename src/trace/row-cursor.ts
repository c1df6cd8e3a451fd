/**
 * The per-invocation trace formats as one cursor: the engine pulls rows with
 * next() and reads the current row's fields, which next() overwrites (no
 * object per row). Close it when done, also after an error.
 */
import { Azure2021Cursor } from "./azure-2021.js";
import { CsvTraceCursor } from "./csv-trace.js";
import type { LineReaderOptions } from "./line-reader.js";

export interface RowCursor {
  /** Advances to the next row; false at the end of the input. */
  next(): boolean;
  /** The time the file is sorted by, µs from the trace's start (azure-2021: the end time; csv: the arrival time). */
  orderUs: number;
  /** The arrival (start) time, µs from the trace's start, an integer. */
  atUs: number;
  /** The trace's function key: azure-2021 `${app}/${func}`, csv the function name. */
  key: string;
  /** The row's duration in µs (an integer), or -1 when the row has none. */
  durationUs: number;
  /** Where the current row is, for messages. */
  readonly file: string;
  readonly lineNumber: number;
  close(): void;
}

export function openAzure2021(file: string, options?: LineReaderOptions): RowCursor {
  return new Azure2021Cursor(file, options);
}

export function openCsvTrace(file: string, options?: LineReaderOptions): RowCursor {
  return new CsvTraceCursor(file, options);
}
