/**
 * fleet-sim's own trace CSV, for users' logs: a header `timestamp,function`
 * or `timestamp,function,duration`, then one row per invocation.
 * - timestamp: seconds since the trace's start (a decimal number), or an
 *   ISO-8601 instant with its zone, then relative to the first row's instant;
 *   every row uses the form of the first.
 * - function: the scenario function's name, as is (the key): 1 to 64
 *   letters, digits, '-' or '_'.
 * - duration: milliseconds; an empty field means none (durationUs -1).
 * Blank lines and lines starting with `#` are skipped. Rows should come in
 * timestamp order: the reader keeps the file's order (orderUs), and the
 * replay tolerates disorder only within its lookahead.
 */
import { CSV_TRACE, fieldCountError, readHeader, shorten } from "./trace-formats.js";
import { KeyCache } from "./key-cache.js";
import { LineReader, type LineReaderOptions } from "./line-reader.js";
import { scaledField } from "./field-values.js";
import { parseIsoInstantUs } from "./iso-instant.js";

const HASH = 0x23;
/** A function name as Lambda and the scenario file allow it (checked once per new name). */
const LAMBDA_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const QUOTE = 0x22;
const SECONDS = "seconds since the trace's start (a decimal number, 0 or more) or an ISO-8601 instant";
const INSTANT = "an ISO-8601 instant with its zone, such as 2026-01-31T09:00:00.250Z";

const enum Form {
  Unknown,
  Seconds,
  Instant,
}

export class CsvTraceCursor {
  orderUs = 0;
  atUs = 0;
  key = "";
  durationUs = -1;

  private readonly reader: LineReader;
  private readonly keys = new KeyCache();
  private readonly fieldCount: number;
  private form = Form.Unknown;
  /** The first row's instant, µs since the epoch: instants count from it. */
  private firstInstantUs = NaN;

  constructor(file: string, options: LineReaderOptions = {}) {
    this.reader = new LineReader(file, options);
    try {
      this.fieldCount = readHeader(this.reader, CSV_TRACE, true).length;
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
      if (reader.start === reader.end || buf[reader.start] === HASH || reader.isBlank()) continue;
      const count = reader.split(this.fieldCount);
      if (count !== this.fieldCount) {
        throw fieldCountError(
          reader,
          count,
          this.fieldCount,
          this.fieldCount === 2 ? "timestamp,function" : "timestamp,function,duration",
        );
      }
      const starts = reader.fieldStarts;
      const ends = reader.fieldEnds;
      this.atUs = this.timestampUs(starts[0], ends[0]);
      this.orderUs = this.atUs;
      this.key = this.functionName(starts[1], ends[1]);
      this.durationUs =
        this.fieldCount === 3 && starts[2] !== ends[2]
          ? scaledField(reader, 2, 3, "duration", "milliseconds (a decimal number, 0 or more), or nothing")
          : -1;
      return true;
    }
    return false;
  }

  close(): void {
    this.reader.close();
  }

  private timestampUs(start: number, end: number): number {
    const reader = this.reader;
    // An instant has a '-' after its four-digit year; seconds never do.
    const form = end - start > 4 && reader.buffer[start + 4] === 0x2d ? Form.Instant : Form.Seconds;
    if (this.form === Form.Unknown) this.form = form;
    else if (form !== this.form) {
      const [was, is] = this.form === Form.Seconds ? ["seconds", "an instant"] : ["instants", "seconds"];
      throw reader.errorAt(
        start,
        `timestamp "${shorten(reader.text(start, end))}" is ${is}, but the first row's is in ${was}: every row must use the same form`,
      );
    }
    if (form === Form.Seconds) return scaledField(reader, 0, 6, "timestamp", SECONDS);
    const instantUs = parseIsoInstantUs(reader.buffer, start, end);
    if (Number.isNaN(instantUs)) {
      throw reader.errorAt(
        start,
        `timestamp "${shorten(reader.text(start, end))}" is not an instant, expected ${INSTANT}`,
      );
    }
    if (Number.isNaN(this.firstInstantUs)) this.firstInstantUs = instantUs;
    return instantUs - this.firstInstantUs;
  }

  private functionName(start: number, end: number): string {
    const reader = this.reader;
    if (start === end) throw reader.errorAt(start, "function is empty, expected a function name");
    if (reader.buffer[start] === QUOTE) {
      throw reader.errorAt(
        start,
        "function is quoted, expected a bare function name (names hold no commas or quotes)",
      );
    }
    const key = this.keys.get(reader.view, start, end);
    if (key !== undefined) return key;
    const made = reader.text(start, end);
    if (!LAMBDA_NAME.test(made)) {
      throw reader.errorAt(
        start,
        `function "${shorten(made)}" is not a Lambda function name, expected 1 to 64 letters, digits, '-' or '_'`,
      );
    }
    this.keys.add(reader.view, start, end, made);
    return made;
  }
}
