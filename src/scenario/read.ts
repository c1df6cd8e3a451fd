/**
 * Reading a scenario's text: a regular file, or standard input for "-",
 * never more than a size limit, and only text. Devices, pipes and
 * directories are refused before they are opened (opening a FIFO blocks;
 * /dev/zero never ends), and a file over the limit before it is read.
 */
import { closeSync, fstatSync, openSync, readSync, type Stats, statSync } from "node:fs";

/** The file name `-`: the scenario comes from standard input. */
export const STDIN_FILE = "-";
/** How messages name standard input. */
export const STDIN_NAME = "<stdin>";

/**
 * The default limit on a scenario's size: 16 MiB, far above any real scenario
 * (the largest shipped is under 10 KB; a million functions is one template
 * with a count). Validating takes about 50 times the file's size in memory.
 */
export const DEFAULT_MAX_SCENARIO_BYTES = 16 * 1024 * 1024;
/** The environment variable that changes the limit (docs/cli.md). */
export const MAX_SCENARIO_BYTES_ENV = "FLEET_SIM_MAX_SCENARIO_BYTES";

/** Why a scenario cannot be read, in the user's terms ("it is a directory"). */
export class ScenarioReadError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = "ScenarioReadError";
  }
}

/** "64 MiB", "3.0 GiB", "512 bytes". */
export function formatBytes(n: number): string {
  const units = ["KiB", "MiB", "GiB", "TiB"];
  if (n < 1024) return `${n} byte${n === 1 ? "" : "s"}`;
  let value = n / 1024;
  let u = 0;
  while (value >= 1024 && u < units.length - 1) {
    value /= 1024;
    u++;
  }
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${units[u]}`;
}

/** A size limit as the environment variable gives it: bytes, or with a K, M or G suffix (powers of 1024). */
export function parseByteSize(text: string): number | null {
  const m = /^\s*(\d+)\s*([kmg])?(?:i?b)?\s*$/i.exec(text);
  if (m === null) return null;
  const factor = { k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[(m[2] ?? "").toLowerCase()] ?? 1;
  const n = Number(m[1]) * factor;
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}

const tooBig = (what: string, maxBytes: number) =>
  new ScenarioReadError(
    `${what} more than the ${formatBytes(maxBytes)} a scenario may have (set ${MAX_SCENARIO_BYTES_ENV} to raise the limit)`,
  );

/** The scenario's text: the file's, or standard input's for "-". Throws a ScenarioReadError. */
export function readScenarioText(file: string, maxBytes: number = DEFAULT_MAX_SCENARIO_BYTES): string {
  if (file === STDIN_FILE) return decode(readAll(0, maxBytes, "standard input has"));
  let stats: Stats;
  try {
    stats = statSync(file);
  } catch (e) {
    throw new ScenarioReadError(fsReason(e));
  }
  checkKind(stats);
  if (stats.size > maxBytes) throw tooBig(`it has ${formatBytes(stats.size)},`, maxBytes);
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch (e) {
    throw new ScenarioReadError(fsReason(e));
  }
  try {
    // The file may have changed between stat and open.
    checkKind(fstatSync(fd));
    return decode(readAll(fd, maxBytes, "it has"));
  } finally {
    closeSync(fd);
  }
}

function checkKind(stats: Stats): void {
  if (stats.isFile()) return;
  const kind = stats.isDirectory()
    ? "a directory"
    : stats.isFIFO()
      ? "a named pipe (FIFO)"
      : stats.isCharacterDevice()
        ? "a character device"
        : stats.isBlockDevice()
          ? "a block device"
          : stats.isSocket()
            ? "a socket"
            : "not a file";
  const hint = stats.isDirectory()
    ? "name a scenario file in it"
    : `a scenario is a regular file (to read one from a pipe, give - and send it to standard input)`;
  throw new ScenarioReadError(`it is ${kind}, not a regular file: ${hint}`);
}

/** Reads fd to its end, or throws once it has more than maxBytes. */
function readAll(fd: number, maxBytes: number, what: string): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  const chunkSize = 1 << 20;
  for (;;) {
    const chunk = Buffer.allocUnsafe(Math.min(chunkSize, maxBytes + 1 - total));
    let n: number;
    try {
      n = readSync(fd, chunk, 0, chunk.length, null);
    } catch (e) {
      // Standard input left non-blocking by whoever opened it: wait a little and try again.
      if ((e as NodeJS.ErrnoException).code === "EAGAIN") {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
        continue;
      }
      throw new ScenarioReadError(fsReason(e));
    }
    if (n === 0) break;
    chunks.push(n === chunk.length ? chunk : chunk.subarray(0, n));
    total += n;
    if (total > maxBytes) throw tooBig(what, maxBytes);
  }
  return Buffer.concat(chunks, total);
}

/** The bytes as UTF-8 text; a binary file is refused without echoing it. */
function decode(bytes: Buffer): string {
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    const { line, column } = lineColumn(bytes, nul);
    throw new ScenarioReadError(
      `it is not a text file: it has a NUL byte at line ${line}, column ${column} (a scenario is YAML or JSON text in UTF-8)`,
    );
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new ScenarioReadError("it is not UTF-8 text (a scenario is YAML or JSON text in UTF-8)");
  }
}

function lineColumn(bytes: Buffer, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = bytes.indexOf(10); i >= 0 && i < offset; i = bytes.indexOf(10, i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, column: offset - start + 1 };
}

function fsReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case "ENOENT":
      return "no such file";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EISDIR":
      return "it is a directory, not a regular file: name a scenario file in it";
    case "ENOTDIR":
      return "a parent is not a directory";
    case "ELOOP":
      return "too many levels of symbolic links (a symbolic link that leads back to itself?)";
    case "ENAMETOOLONG":
      return "the file name is too long";
    case "EIO":
      return "an input/output error";
    default:
      return code === undefined ? (e as Error).message : `${code} (${(e as Error).message.split(",")[0]})`;
  }
}
