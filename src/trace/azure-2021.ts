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
import { parseScaled } from "./numbers.js";

const COMMA = 0x2c;
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
    const buf = reader.buffer;
    while (reader.nextLine()) {
      const start = reader.start;
      const end = reader.end;
      if (start === end || reader.isBlank()) continue;
      // The two numbers are short and last: their commas are found from the end.
      let durationComma = end - 1;
      while (durationComma >= start && buf[durationComma] !== COMMA) durationComma--;
      let endComma = durationComma - 1;
      while (endComma >= start && buf[endComma] !== COMMA) endComma--;
      if (endComma < start) throw fieldCountError(reader, reader.split(0), 4, FIELDS);
      // The rest is `app,func`: bytes interned before hold exactly one comma, so
      // a hit proves the row has four fields; new bytes are checked in full.
      const key = this.keys.get(reader.view, start, endComma) ?? this.newKey(start, endComma);
      const endUs = parseScaled(buf, endComma + 1, durationComma, 6);
      const durationUs = parseScaled(buf, durationComma + 1, end, 6);
      if (!(endUs >= 0 && durationUs >= 0)) this.throwValueError();
      this.key = key;
      this.orderUs = endUs;
      this.atUs = endUs - durationUs;
      this.durationUs = durationUs;
      return true;
    }
    return false;
  }

  /** The key of a row whose `app,func` bytes are new: checked field by field, then interned. */
  private newKey(start: number, endComma: number): string {
    const reader = this.reader;
    const count = reader.split(4);
    if (count !== 4) throw fieldCountError(reader, count, 4, FIELDS);
    const starts = reader.fieldStarts;
    const ends = reader.fieldEnds;
    if (starts[0] === ends[0]) throw reader.errorAt(starts[0], "app is empty, expected an app id");
    if (starts[1] === ends[1]) throw reader.errorAt(starts[1], "func is empty, expected a function id");
    const key = `${reader.text(starts[0], ends[0])}/${reader.text(starts[1], ends[1])}`;
    this.keys.add(reader.view, start, endComma, key);
    return key;
  }

  /** Throws the located error for the row's end_timestamp or duration, whichever is bad. */
  private throwValueError(): never {
    const reader = this.reader;
    reader.split(4);
    scaledField(reader, 2, 6, "end_timestamp", SECONDS);
    scaledField(reader, 3, 6, "duration", "seconds (a decimal number, 0 or more)");
    throw new Error("unreachable: a value failed to parse but no field is bad");
  }

  close(): void {
    this.reader.close();
  }
}
