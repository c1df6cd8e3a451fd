/**
 * Reads CloudTrail records from the forms they come in: log files as
 * CloudTrail delivers them to S3 (`{"Records": [...]}`, gzipped or not; a
 * directory of them as `aws s3 sync` lays them out), `aws cloudtrail
 * lookup-events` output (each record a JSON string in CloudTrailEvent), and
 * one record per line. Records are handed on one at a time, so a caller keeps
 * only what it extracts, never a whole directory's records.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { commandOf, ImportInputError, itemsOf, pagesOf, required, typeName } from "./json-input.js";

/** One CloudTrail record, with where it was read for messages ("file: $.Records[3]"). */
export interface TrailRecord {
  record: Record<string, unknown>;
  file: string;
  path: string;
  eventTime: string;
  eventName: string;
  eventSource: string;
}

export interface TrailReading {
  files: number;
  records: number;
  /** Digest files (CloudTrail-Digest/, log file integrity): not records, skipped. */
  digests: number;
}

/** The two bytes every gzip stream starts with. */
const GZIP_MAGIC = [0x1f, 0x8b];
/** Where `aws s3 sync` of a trail bucket puts the integrity digests beside the logs. */
const DIGEST_DIR = "CloudTrail-Digest";

const ioReason = (e: unknown): string => (e as NodeJS.ErrnoException).code ?? (e as Error).message;

/** Every file the paths name, directories walked in name order, hidden files and digests left out. */
export function trailFiles(paths: readonly string[]): { files: string[]; digestDirs: number } {
  const files: string[] = [];
  let digestDirs = 0;
  const walk = (dir: string): void => {
    let entries: string[];
    try {
      entries = readdirSync(dir).sort();
    } catch (e) {
      throw new ImportInputError(`${dir}: cannot read: ${ioReason(e)}`);
    }
    for (const entry of entries) {
      if (entry.startsWith(".")) continue;
      const path = join(dir, entry);
      let isDir: boolean;
      try {
        isDir = statSync(path).isDirectory();
      } catch (e) {
        throw new ImportInputError(`${path}: cannot read: ${ioReason(e)}`); // a dangling link, say
      }
      if (isDir) {
        if (entry === DIGEST_DIR) digestDirs++;
        else walk(path);
      } else files.push(path);
    }
  };
  for (const path of paths) {
    let isDir: boolean;
    try {
      isDir = statSync(path).isDirectory();
    } catch (e) {
      throw new ImportInputError(`${path}: cannot read: ${ioReason(e)}`);
    }
    if (!isDir) {
      files.push(path);
      continue;
    }
    const before = files.length;
    walk(path);
    if (files.length === before)
      throw new ImportInputError(`${path}: no files in this directory: expected CloudTrail log files`);
  }
  return { files, digestDirs };
}

/** A file's text, gunzipped when it starts with gzip's magic bytes (whatever its name). */
function fileText(file: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new ImportInputError(`${file}: cannot read: ${ioReason(e)}`);
  }
  if (bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1]) {
    try {
      bytes = gunzipSync(bytes);
    } catch (e) {
      throw new ImportInputError(`${file}: not a valid gzip file: ${(e as Error).message}`);
    }
  }
  return bytes.toString("utf8");
}

const EXPECTED =
  'expected CloudTrail records: a log file ({"Records": [...]}), aws cloudtrail lookup-events output ({"Events": [...]}) or one record per line';

/** Reads every record of the files, in order, handing each to `onRecord`. */
export function readTrail(files: readonly string[], onRecord: (r: TrailRecord) => void): TrailReading {
  const reading: TrailReading = { files: files.length, records: 0, digests: 0 };
  const take = (record: Record<string, unknown>, file: string, path: string): void => {
    reading.records++;
    onRecord({
      record,
      file,
      path,
      eventTime: required(record, "eventTime", "string", path, file),
      eventName: required(record, "eventName", "string", path, file),
      eventSource: required(record, "eventSource", "string", path, file),
    });
  };
  for (const file of files) {
    const text = fileText(file);
    if (text.trim() === "") throw new ImportInputError(`${file}: empty file: ${EXPECTED}`);
    for (const page of pagesOf(text, file)) {
      const v = page.value;
      if ("Records" in v) {
        for (const { item, path } of itemsOf(page, "Records", file)) take(item, file, path);
      } else if ("Events" in v) {
        for (const { item, path } of itemsOf(page, "Events", file)) {
          const json = required(item, "CloudTrailEvent", "string", path, file);
          let record: unknown;
          try {
            record = JSON.parse(json);
          } catch (e) {
            throw new ImportInputError(
              `${file}: ${path}.CloudTrailEvent: malformed JSON in the string: ${(e as Error).message.split("\n")[0]}`,
            );
          }
          if (record === null || typeof record !== "object" || Array.isArray(record))
            throw new ImportInputError(
              `${file}: ${path}.CloudTrailEvent: expected a record as a JSON object, got ${typeName(record)}`,
            );
          take(record as Record<string, unknown>, file, `${path}.CloudTrailEvent`);
        }
      } else if ("eventName" in v || "eventTime" in v || "eventVersion" in v) {
        take(v, file, page.path);
      } else if ("digestStartTime" in v) {
        reading.digests++;
      } else {
        const other = commandOf(v);
        const got = other
          ? `${other.command} output (${other.key})`
          : `keys ${Object.keys(v).slice(0, 5).join(", ") || "none"}`;
        throw new ImportInputError(`${file}: ${page.path}: ${EXPECTED}, got ${got}`);
      }
    }
  }
  return reading;
}
