/**
 * The Azure Functions 2021 invocation trace
 * (AzureFunctionsInvocationTraceForTwoWeeksJan2021.txt): one row per
 * invocation, `app,func,end_timestamp,duration`, both times in seconds from
 * the trace's start, the file in end-time order. Arrival = end - duration.
 */
import { fieldCountError, readHeader, AZURE_2021 } from "./trace-formats.js";
import { KeyCache } from "./key-cache.js";
import { LineReader, type LineReaderOptions } from "./line-reader.js";
import { scaledField } from "./field-values.js";

const SECONDS = "seconds since the trace's start (a decimal number, 0 or more)";
const FIELDS = "app,func,end_timestamp,duration";

export class Azure2021Cursor {
  /** End time, µs: the order of the file. */
  orderUs = 0;
  /** Arrival time, µs: end - duration, each rounded to the µs first (so atUs + durationUs = orderUs). */
  atUs = 0;
  /** `${app}/${func}`: func ids are unique only within their app. */
  key = "";
  durationUs = -1;

  private readonly reader: LineReader;
  private readonly keys = new KeyCache();

  constructor(file: string, options: LineReaderOptions = {}) {
    this.reader = new LineReader(file, options);
    try {
      readHeader(this.reader, AZURE_2021);
    } catch (err) {
      this.reader.close();
      throw err;
    }
  }

  get file(): string {
    return this.reader.file;
  }

  get lineNumber(): number {
    return this.reader.lineNumber;
  }

  next(): boolean {
    try {
      return this.read();
    } catch (err) {
      // A bad row ends the read: the file is closed even if the caller forgets to.
      this.reader.close();
      throw err;
    }
  }

  private read(): boolean {
    const reader = this.reader;
    while (reader.nextLine()) {
      if (reader.start === reader.end || reader.isBlank()) continue;
      const count = reader.split(4);
      if (count !== 4) throw fieldCountError(reader, count, 4, FIELDS);
      const starts = reader.fieldStarts;
      const ends = reader.fieldEnds;
      if (starts[0] === ends[0]) throw reader.errorAt(starts[0], "app is empty, expected an app id");
      if (starts[1] === ends[1]) throw reader.errorAt(starts[1], "func is empty, expected a function id");
      const endUs = scaledField(reader, 2, 6, "end_timestamp", SECONDS);
      const durationUs = scaledField(reader, 3, 6, "duration", "seconds (a decimal number, 0 or more)");
      const key = this.keys.get(reader.view, starts[0], ends[1]);
      if (key === undefined) {
        const made = `${reader.text(starts[0], ends[0])}/${reader.text(starts[1], ends[1])}`;
        this.keys.add(reader.view, starts[0], ends[1], made);
        this.key = made;
      } else {
        this.key = key;
      }
      this.orderUs = endUs;
      this.atUs = endUs - durationUs;
      this.durationUs = durationUs;
      return true;
    }
    return false;
  }

  close(): void {
    this.reader.close();
  }
}
