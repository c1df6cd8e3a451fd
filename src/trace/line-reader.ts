/**
 * Reads a text file line by line, synchronously and in constant memory: one
 * reused buffer (1 MiB by default) filled by readSync. The current line is
 * buffer[start, end) without its line ending, so a caller parses bytes in place
 * and makes a string only when it needs one.
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { TraceInputError } from "./trace-input-error.js";

export const DEFAULT_BUFFER_BYTES = 1 << 20;

const NEWLINE = 0x0a;
const RETURN = 0x0d;
const COMMA = 0x2c;

export interface LineReaderOptions {
  /** The buffer's size, so the longest line allowed; smaller only in tests. */
  bufferBytes?: number;
}

export class LineReader {
  readonly file: string;
  readonly buffer: Buffer;
  /** The same bytes, for reading several at a time (KeyCache). */
  readonly view: DataView;
  /** The current line is buffer[start, end), without "\n" or "\r\n". */
  start = 0;
  end = 0;
  /** 1-based, of the current line. */
  lineNumber = 0;
  /** The current line is the file's last and has no newline (a cut-off file looks like this). */
  unterminated = false;
  /** Where split() found the current line's fields: [fieldStarts[i], fieldEnds[i]). */
  fieldStarts = new Int32Array(8);
  fieldEnds = new Int32Array(8);

  private fd: number;
  private filled = 0;
  private next = 0;
  private atEof = false;

  constructor(file: string, options: LineReaderOptions = {}) {
    this.file = file;
    this.buffer = Buffer.allocUnsafe(Math.max(16, options.bufferBytes ?? DEFAULT_BUFFER_BYTES));
    this.view = new DataView(this.buffer.buffer, this.buffer.byteOffset, this.buffer.byteLength);
    this.fd = openReadable(file);
    try {
      this.refill();
      if (this.filled >= 2 && this.buffer[0] === 0x1f && this.buffer[1] === 0x8b) {
        throw this.fileError("gzip-compressed; gunzip it first (traces are read as a stream)");
      }
      // A UTF-8 byte-order mark (spreadsheets write one) is not part of the header.
      if (this.filled >= 3 && this.buffer[0] === 0xef && this.buffer[1] === 0xbb && this.buffer[2] === 0xbf) {
        this.next = 3;
      }
    } catch (err) {
      this.close();
      throw err;
    }
  }

  /** Moves to the next line; false at the end of the file, or once closed. */
  nextLine(): boolean {
    if (this.fd < 0) return false;
    const buf = this.buffer;
    for (;;) {
      // indexOf may look past `filled` into stale bytes: only a hit before it counts.
      const newline = buf.indexOf(NEWLINE, this.next);
      if (newline !== -1 && newline < this.filled) {
        this.setLine(this.next, newline);
        this.next = newline + 1;
        this.unterminated = false;
        return true;
      }
      if (this.atEof) {
        if (this.next >= this.filled) return false;
        this.setLine(this.next, this.filled);
        this.next = this.filled;
        this.unterminated = true;
        return true;
      }
      this.refill();
    }
  }

  /** The current line is empty or only white space. */
  isBlank(): boolean {
    const buf = this.buffer;
    for (let i = this.start; i < this.end; i++) {
      const b = buf[i];
      if (b !== 0x20 && b !== 0x09) return false;
    }
    return true;
  }

  /**
   * Splits the current line at commas, recording at most `limit` fields in
   * fieldStarts/fieldEnds; returns how many fields the line has in all, or
   * with `onlyFirst`, stops after `limit` fields and returns how many it found.
   */
  split(limit: number, onlyFirst = false): number {
    if (this.fieldStarts.length < limit) {
      this.fieldStarts = new Int32Array(limit);
      this.fieldEnds = new Int32Array(limit);
    }
    const buf = this.buffer;
    const end = this.end;
    const starts = this.fieldStarts;
    const ends = this.fieldEnds;
    let count = 0;
    let from = this.start;
    for (;;) {
      let comma = buf.indexOf(COMMA, from);
      if (comma === -1 || comma > end) comma = end;
      if (count < limit) {
        starts[count] = from;
        ends[count] = comma;
      }
      count++;
      if (comma === end || (onlyFirst && count === limit)) return count;
      from = comma + 1;
    }
  }

  /** The text of buffer[start, end). */
  text(start: number, end: number): string {
    return this.buffer.toString("utf8", start, end);
  }

  /** The 1-based character column of a byte offset in the current line (UTF-8 aware). */
  column(offset: number): number {
    let column = 1;
    for (let i = this.start; i < offset && i < this.end; i++) {
      if ((this.buffer[i] & 0xc0) !== 0x80) column++;
    }
    return column;
  }

  /** An error located at a byte offset of the current line. */
  errorAt(offset: number, problem: string): TraceInputError {
    return new TraceInputError(this.file, Math.max(1, this.lineNumber), this.column(offset), problem);
  }

  /** An error about the file as a whole. */
  fileError(problem: string): TraceInputError {
    return new TraceInputError(this.file, 1, 1, problem);
  }

  close(): void {
    if (this.fd >= 0) {
      closeSync(this.fd);
      this.fd = -1;
    }
  }

  private setLine(start: number, end: number): void {
    this.lineNumber++;
    this.start = start;
    this.end = end > start && this.buffer[end - 1] === RETURN ? end - 1 : end;
  }

  /** Moves the unfinished line to the front of the buffer and reads after it. */
  private refill(): void {
    const buf = this.buffer;
    const kept = this.filled - this.next;
    if (kept === buf.length) {
      throw new TraceInputError(
        this.file,
        this.lineNumber + 1,
        1,
        `a line longer than ${buf.length} bytes, expected lines of at most that (is this a trace file?)`,
      );
    }
    if (this.next > 0 && kept > 0) buf.copyWithin(0, this.next, this.filled);
    this.next = 0;
    this.filled = kept;
    const read = readSync(this.fd, buf, kept, buf.length - kept, null);
    if (read === 0) this.atEof = true;
    else this.filled += read;
  }
}

function openReadable(file: string): number {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : String(code);
    throw new TraceInputError(file, 1, 1, `cannot open: ${why}, expected a readable trace file`);
  }
  if (fstatSync(fd).isDirectory()) {
    closeSync(fd);
    throw new TraceInputError(file, 1, 1, "is a directory, expected a trace file");
  }
  return fd;
}
