/**
 * The files a command writes for the user (`--out`, `--html`, `--csv`,
 * `--trace`, `--openmetrics`): told apart before anything is written,
 * checked before the run, and written atomically after it.
 *
 * - Two flags naming one file (under any spelling: `r.json` and `./r.json`,
 *   a symlink and its target, two hard links) are refused, naming both flags.
 * - Each file is opened before the run as a temporary file beside it
 *   (`.NAME.fleet-sim-PID-RANDOM.tmp`), which also checks that it can be
 *   written; the target is left untouched. Streaming outputs (the trace) are
 *   written there as the run goes.
 * - After the run, `commit()` syncs the temporary file and renames it over the
 *   target, so the old file is replaced only by a whole new one; `discard()`
 *   removes it, leaving the old file as it was (a run that failed).
 * - A path that is not a regular file (`/dev/stdout`, `/dev/full`, a pipe)
 *   is written directly: a device cannot be replaced by renaming.
 * - Errors are said in the user's terms: which flag, which path, what went
 *   wrong ("no space left on device"), as an OutputError (exit code 1).
 */
import { randomBytes } from "node:crypto";
import {
  accessSync,
  closeSync,
  constants,
  fchmodSync,
  fsyncSync,
  openSync,
  realpathSync,
  renameSync,
  statSync,
  type Stats,
  unlinkSync,
  writeSync,
} from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { UserError } from "./exit-codes.js";

/** A file that cannot be written: bad input (exit code 1), said with the flag and the path. */
export class OutputError extends UserError {
  constructor(
    readonly flag: string,
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${flag}: cannot write ${path}: ${reason}`);
    this.name = "OutputError";
  }
}

/** What a file system error means, in words. */
export function fsErrorReason(e: unknown, notFound = "no such directory"): string {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  switch (code) {
    case "ENOENT":
      return notFound;
    case "ENOTDIR":
      return "a parent is not a directory";
    case "EISDIR":
      return "it is a directory";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "ENOSPC":
      return "no space left on device";
    case "EDQUOT":
      return "disk quota exceeded";
    case "EROFS":
      return "read-only file system";
    case "EFBIG":
      return "file too large";
    case "EIO":
      return "input/output error";
    case "ENAMETOOLONG":
      return "file name too long";
    case "ELOOP":
      return "too many levels of symbolic links";
    case "EPIPE":
      return "the reading end of the pipe was closed";
    case "ENXIO":
      return "no such device, or a pipe with no reader";
    case "EBUSY":
      return "device or resource busy";
    case "EMFILE":
    case "ENFILE":
      return "too many open files";
    default:
      return e instanceof Error ? e.message : String(e);
  }
}

/** One output flag and the path it names (null: not given). */
export interface OutputSpec {
  flag: string;
  path: string | null;
}

/** The keys a path is known by: its absolute spelling, its real path, and (existing) its device and inode. */
function fileKeys(path: string): string[] {
  const abs = resolve(path);
  const keys = [`path:${abs}`];
  let st: Stats | undefined;
  try {
    st = statSync(abs, { throwIfNoEntry: false });
  } catch {
    st = undefined;
  }
  if (st !== undefined) {
    // /dev/null takes any number of writers.
    if (st.isCharacterDevice() && abs === "/dev/null") return [];
    keys.push(`inode:${st.dev}:${st.ino}`);
    try {
      keys.push(`path:${realpathSync(abs)}`);
    } catch {
      // unreadable: the other keys stand
    }
  } else {
    try {
      keys.push(`path:${join(realpathSync(dirname(abs)), basename(abs))}`);
    } catch {
      // no such directory: said when the file is opened
    }
  }
  return keys;
}

/**
 * Refuses two flags naming the same file, under any spelling: equal absolute
 * paths, equal real paths (symlinks) or, for an existing file, the same
 * device and inode (hard links).
 */
export function checkDistinctOutputs(specs: readonly OutputSpec[]): void {
  const seen = new Map<string, { flag: string; path: string }>();
  for (const { flag, path } of specs) {
    if (path === null) continue;
    for (const key of fileKeys(path)) {
      const first = seen.get(key);
      if (first !== undefined && first.flag !== flag) {
        const names = first.path === path ? `"${path}"` : `"${first.path}" and "${path}"`;
        throw new UserError(`${first.flag} and ${flag} name the same file: ${names}; give each its own file`);
      }
    }
    for (const key of fileKeys(path)) seen.set(key, { flag, path });
  }
}

/**
 * One output file, opened before the run (as a temporary file beside it, or
 * directly for a device or pipe) and committed or discarded after it.
 */
export class OutputFile {
  private fd: number | null;
  private state: "open" | "committed" | "discarded" = "open";
  private failure: OutputError | null = null;

  private constructor(
    readonly flag: string,
    /** The path as the user gave it. */
    readonly path: string,
    /** The file renamed over (the real path, so a symlink stays a symlink); null: written directly. */
    private readonly target: string | null,
    /** The temporary file, or null when written directly. */
    private readonly temp: string | null,
    fd: number,
  ) {
    this.fd = fd;
  }

  /** Opens the output; an OutputError (exit code 1) says why it cannot be written. The target is not touched. */
  static open(flag: string, path: string): OutputFile {
    const abs = resolve(path);
    let st: Stats | undefined;
    try {
      st = statSync(abs, { throwIfNoEntry: false });
    } catch (e) {
      throw new OutputError(flag, path, fsErrorReason(e));
    }
    if (st?.isDirectory()) throw new OutputError(flag, path, "it is a directory");
    if (st !== undefined && !st.isFile()) {
      // A device or a pipe: written in place.
      try {
        return new OutputFile(flag, path, null, null, openSync(abs, "w"));
      } catch (e) {
        throw new OutputError(flag, path, fsErrorReason(e));
      }
    }
    let target: string;
    try {
      target = st !== undefined ? realpathSync(abs) : join(realpathSync(dirname(abs)), basename(abs));
      // A read-only file is not replaced behind the user's back.
      if (st !== undefined) accessSync(target, constants.W_OK);
    } catch (e) {
      throw new OutputError(flag, path, fsErrorReason(e));
    }
    const temp = join(
      dirname(target),
      `.${basename(target)}.fleet-sim-${process.pid}-${randomBytes(4).toString("hex")}.tmp`,
    );
    let fd: number;
    try {
      fd = openSync(temp, "wx", 0o666);
    } catch (e) {
      throw new OutputError(flag, path, fsErrorReason(e));
    }
    if (st !== undefined) {
      try {
        fchmodSync(fd, st.mode & 0o777); // the new file keeps the old one's permissions
      } catch {
        // not ours to change: the default mode stands
      }
    }
    return new OutputFile(flag, path, target, temp, fd);
  }

  /** The open descriptor, for a writer that streams (the trace); null once committed or discarded. */
  get descriptor(): number | null {
    return this.fd;
  }

  /** Writes the whole text; an OutputError says why it could not (the file is then discarded). */
  write(text: string): void {
    if (this.failure !== null) throw this.failure;
    if (this.fd === null) throw new Error(`${this.flag} is already closed`);
    const buf = Buffer.from(text, "utf8");
    try {
      let off = 0;
      while (off < buf.length) off += writeSync(this.fd, buf, off, buf.length - off);
    } catch (e) {
      this.fail(e);
    }
  }

  /** Writes the whole text, then commits. */
  writeAll(text: string): void {
    this.write(text);
    this.commit();
  }

  /**
   * Makes the new content the file's: syncs the temporary file and renames it
   * over the target. An OutputError says why it could not; the old file is then left as it was.
   */
  commit(): void {
    if (this.failure !== null) throw this.failure;
    if (this.state !== "open" || this.fd === null) return;
    const fd = this.fd;
    try {
      if (this.temp !== null) fsyncSync(fd);
      this.fd = null;
      closeSync(fd);
      if (this.temp !== null && this.target !== null) renameSync(this.temp, this.target);
      this.state = "committed";
    } catch (e) {
      this.fail(e);
    }
  }

  /** Removes the temporary file, leaving the old file (if any) as it was. Never throws. */
  discard(): void {
    if (this.state !== "open") return;
    this.state = "discarded";
    if (this.fd !== null) {
      try {
        closeSync(this.fd);
      } catch {
        // already gone
      }
      this.fd = null;
    }
    if (this.temp !== null) {
      try {
        unlinkSync(this.temp);
      } catch {
        // already gone
      }
    }
  }

  /** Records a write error, discards the file and throws it as an OutputError. */
  fail(e: unknown): never {
    this.failure ??= e instanceof OutputError ? e : new OutputError(this.flag, this.path, fsErrorReason(e));
    this.discard();
    throw this.failure;
  }

  /** Whether the new content is the file's. */
  get committed(): boolean {
    return this.state === "committed";
  }
}

/**
 * The outputs of one command: opened together before the run (all or
 * none), and every one not committed discarded at the end, whatever happened.
 */
export class OutputFiles {
  private readonly files: OutputFile[] = [];

  /** Checks the paths are distinct, then opens each; on an error, discards those opened and throws. */
  static open(specs: readonly OutputSpec[]): OutputFiles {
    checkDistinctOutputs(specs);
    const set = new OutputFiles();
    try {
      for (const { flag, path } of specs) if (path !== null) set.files.push(OutputFile.open(flag, path));
    } catch (e) {
      set.discardAll();
      throw e;
    }
    return set;
  }

  /** The file of a flag, or null when the flag was not given. */
  get(flag: string): OutputFile | null {
    return this.files.find((f) => f.flag === flag) ?? null;
  }

  /** Discards every file not committed (the old files stay as they were). */
  discardAll(): void {
    for (const f of this.files) f.discard();
  }
}
