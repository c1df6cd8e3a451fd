/**
 * The trace readers (issue 14 item 2, src/trace/): each format read to the
 * right values (tests/fixtures/traces/, hand-written in the published
 * formats), every kind of bad input refused with its exact located message
 * ("FILE:LINE:COLUMN: what is wrong, what was expected"), and the same rows
 * whatever the buffer size, so lines across the 1 MiB buffer's edge read right.
 * Constant memory and speed are measured by bench/trace-reader.mjs, not here.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import {
  azure2019Files,
  readAzure2019Durations,
  readAzure2019Invocations,
  readAzure2019Memory,
} from "../src/trace/azure-2019.js";
import { KeyCache } from "../src/trace/key-cache.js";
import { LineReader } from "../src/trace/line-reader.js";
import { parseDecimal, parseScaled } from "../src/trace/numbers.js";
import { openAzure2021, openCsvTrace, type RowCursor } from "../src/trace/row-cursor.js";
import { TraceInputError } from "../src/trace/trace-input-error.js";
import { traceFunctionName } from "../src/trace/trace-names.js";

const ROOT = join(import.meta.dirname, "..");
const F = join(ROOT, "tests", "fixtures", "traces");
const A19 = join(F, "azure-2019");
const tmp = mkdtempSync(join(tmpdir(), "fleet-sim-traces-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Row {
  orderUs: number;
  atUs: number;
  key: string;
  durationUs: number;
  lineNumber: number;
}

function rows(cursor: RowCursor): Row[] {
  const out: Row[] = [];
  try {
    while (cursor.next()) {
      const { orderUs, atUs, key, durationUs, lineNumber } = cursor;
      out.push({ orderUs, atUs, key, durationUs, lineNumber });
    }
  } finally {
    cursor.close();
  }
  return out;
}

/** A file of `text` in the scratch directory. */
function file(name: string, text: string | Buffer): string {
  const path = join(tmp, name);
  writeFileSync(path, text);
  return path;
}

/** The message a read throws; fails if it throws anything but a TraceInputError. */
function failure(read: () => unknown): string {
  try {
    read();
  } catch (err) {
    expect(err).toBeInstanceOf(TraceInputError);
    return (err as Error).message;
  }
  throw new Error("expected a TraceInputError");
}

const readAll = (open: (f: string) => RowCursor) => (path: string) => rows(open(path));
const read2021 = readAll(openAzure2021);
const readCsv = readAll(openCsvTrace);
const minutes = (counts: Record<number, number>) =>
  Array.from({ length: 1440 }, (_, m) => counts[m + 1] ?? 0).join(",");
const INVOCATIONS_HEADER = `HashOwner,HashApp,HashFunction,Trigger,${Array.from({ length: 1440 }, (_, i) => i + 1).join(",")}`;

describe("azure-2021: app,func,end_timestamp,duration in seconds", () => {
  it("reads each invocation: key app/func, arrival = end - duration, order = end, µs exactly", () => {
    expect(read2021(join(F, "azure-2021.txt"))).toEqual([
      { orderUs: 500_000, atUs: 250_000, key: "aa01/f001", durationUs: 250_000, lineNumber: 2 },
      // 10.142570018768 s: the seventh decimal (0) rounds nothing; 0.134 s is 134,000 µs.
      { orderUs: 10_142_570, atUs: 10_008_570, key: "aa01/f002", durationUs: 134_000, lineNumber: 3 },
      // 10.1425705 s rounds half up to 10,142,571 µs.
      { orderUs: 10_142_571, atUs: 142_571, key: "bb02/f001", durationUs: 10_000_000, lineNumber: 4 },
      // Out of end-time order: read as it is; ordering is the engine's.
      { orderUs: 9_999_000, atUs: 9_999_000, key: "aa01/f001", durationUs: 0, lineNumber: 5 },
    ]);
  });

  it("interns keys: a function's rows share one string", () => {
    const cursor = openAzure2021(join(F, "azure-2021.txt"));
    const keys: string[] = [];
    while (cursor.next()) keys.push(cursor.key);
    cursor.close();
    expect(keys[3]).toBe(keys[0]);
  });
});

describe("csv: timestamp,function[,duration], fleet-sim's own trace", () => {
  it("reads seconds since the start, durations in ms (an empty one is none), skipping blank and # lines", () => {
    expect(readCsv(join(F, "seconds.csv"))).toEqual([
      { orderUs: 0, atUs: 0, key: "api", durationUs: 120_000, lineNumber: 4 },
      { orderUs: 2, atUs: 2, key: "api", durationUs: -1, lineNumber: 5 },
      { orderUs: 2_500_000, atUs: 2_500_000, key: "worker", durationUs: 1_500_250, lineNumber: 6 },
      { orderUs: 2_500_000, atUs: 2_500_000, key: "api", durationUs: 500, lineNumber: 8 },
    ]);
  });

  it("reads ISO-8601 instants relative to the first row's, whatever their zone; no duration column is none", () => {
    expect(readCsv(join(F, "instants.csv")).map((r) => [r.atUs, r.key, r.durationUs])).toEqual([
      [0, "api", -1],
      [250_000, "worker", -1],
      [1_500_000, "api", -1],
      [60_000_001, "api", -1],
    ]);
  });

  it("a complete last line without a newline is a row", () => {
    expect(readCsv(join(F, "no-final-newline.csv")).map((r) => [r.atUs, r.key])).toEqual([
      [1_000_000, "api"],
      [2_000_000, "worker"],
    ]);
  });

  it("accepts \\r\\n line endings and a UTF-8 byte-order mark", () => {
    const path = file("crlf.csv", "\uFEFFtimestamp,function,duration\r\n1.5,api,2\r\n");
    expect(readCsv(path).map((r) => [r.atUs, r.key, r.durationUs])).toEqual([[1_500_000, "api", 2000]]);
  });
});

describe("azure-2019: a day's three files", () => {
  it("invocations: key owner/app/func, trigger, the 1440 per-minute counts and their total", () => {
    const functions = [...readAzure2019Invocations(join(A19, "invocations_per_function_md.anon.d01.csv"))];
    expect(functions.map((f) => [f.key, f.owner, f.app, f.func, f.trigger, f.total])).toEqual([
      ["owner1/app1/func1", "owner1", "app1", "func1", "http", 11],
      ["owner1/app1/func2", "owner1", "app1", "func2", "timer", 24],
      ["owner2/app2/func1", "owner2", "app2", "func1", "queue", 1000],
    ]);
    const first = functions[0].countsPerMinute;
    expect(first.length).toBe(1440);
    expect([first[0], first[1], first[2], first[1439]]).toEqual([3, 1, 0, 7]);
    expect(functions[2].countsPerMinute[719]).toBe(1000);
  });

  it("invocations: only the rows keep says yes to", () => {
    const kept = [
      ...readAzure2019Invocations(join(A19, "invocations_per_function_md.anon.d01.csv"), (key) =>
        key.startsWith("owner2/"),
      ),
    ];
    expect(kept.map((f) => f.key)).toEqual(["owner2/app2/func1"]);
  });

  it("durations: average, count, minimum, maximum and percentiles in ms; an empty minimum/maximum is -1", () => {
    const durations = readAzure2019Durations(join(A19, "function_durations_percentiles.anon.d01.csv"));
    expect([...durations.keys()]).toEqual(["owner1/app1/func1", "owner1/app1/func2", "owner2/app2/func1"]);
    expect(durations.get("owner1/app1/func1")).toEqual({
      averageMs: 120.5,
      count: 11,
      minimumMs: 2,
      maximumMs: 900,
      percentilesMs: { p0: 3, p1: 5, p25: 40, p50: 100, p75: 150.25, p99: 800, p100: 899 },
    });
    expect(durations.get("owner1/app1/func2")).toMatchObject({ minimumMs: -1, maximumMs: -1, count: 24 });
    const kept = readAzure2019Durations(join(A19, "function_durations_percentiles.anon.d01.csv"), (k) =>
      k.endsWith("func2"),
    );
    expect([...kept.keys()]).toEqual(["owner1/app1/func2"]);
  });

  it("memory: per app (owner/app), sample count, average and percentiles in MB", () => {
    const memory = readAzure2019Memory(join(A19, "app_memory_percentiles.anon.d01.csv"));
    expect([...memory.keys()]).toEqual(["owner1/app1", "owner2/app2"]);
    expect(memory.get("owner1/app1")).toEqual({
      sampleCount: 5760,
      averageMb: 150,
      percentilesMb: { p1: 120, p5: 125, p25: 140, p50: 148, p75: 160, p95: 180, p99: 190, p100: 210.5 },
    });
    expect([
      ...readAzure2019Memory(
        join(A19, "app_memory_percentiles.anon.d01.csv"),
        (k) => k === "owner2/app2",
      ).keys(),
    ]).toEqual(["owner2/app2"]);
  });

  it("azure2019Files: the day's dNN names; missing files named; no memory after day 12, as published", () => {
    expect(azure2019Files(A19, 1)).toEqual({
      invocations: join(A19, "invocations_per_function_md.anon.d01.csv"),
      durations: join(A19, "function_durations_percentiles.anon.d01.csv"),
      memory: join(A19, "app_memory_percentiles.anon.d01.csv"),
    });
    expect(failure(() => azure2019Files(A19, 2))).toBe(
      `${A19}:1:1: day 2: invocations_per_function_md.anon.d02.csv, function_durations_percentiles.anon.d02.csv, app_memory_percentiles.anon.d02.csv missing, expected the day's three files (d02) of the Azure 2019 trace (uncompress the published archive here)`,
    );
    const day13 = join(tmp, "day13");
    mkdirSync(day13);
    writeFileSync(join(day13, "invocations_per_function_md.anon.d13.csv"), "");
    writeFileSync(join(day13, "function_durations_percentiles.anon.d13.csv"), "");
    expect(azure2019Files(day13, 13).memory).toBeUndefined();
    expect(failure(() => azure2019Files(join(tmp, "nowhere"), 1))).toBe(
      `${join(tmp, "nowhere")}:1:1: no such directory, expected the directory of the Azure 2019 trace's day files`,
    );
  });
});

describe("traceFunctionName: a valid Lambda name per trace key", () => {
  it("an Azure key is az- and the first 16 hex digits of its SHA-256; a csv key is kept", () => {
    const key = "owner1/app1/func1";
    const sha = createHash("sha256").update(key).digest("hex");
    expect(traceFunctionName(key)).toBe(`az-${sha.slice(0, 16)}`);
    expect(traceFunctionName(key)).toMatch(/^[a-zA-Z0-9-_]{1,64}$/);
    expect(traceFunctionName("aa01/f001")).not.toBe(traceFunctionName("aa01/f002"));
    expect(traceFunctionName("api")).toBe("api");
  });
});

describe("bad input: located messages, never a stack trace", () => {
  it("a missing file", () => {
    const path = join(tmp, "absent.csv");
    expect(failure(() => readCsv(path))).toBe(
      `${path}:1:1: cannot open: no such file, expected a readable trace file`,
    );
  });

  it("a directory", () => {
    expect(failure(() => read2021(tmp))).toBe(`${tmp}:1:1: is a directory, expected a trace file`);
  });

  it("an empty file, and one of blank lines only", () => {
    const empty = file("empty.txt", "");
    expect(failure(() => read2021(empty))).toBe(
      `${empty}:1:1: the file is empty, expected the header of the Azure 2021 invocation trace: "app,func,end_timestamp,duration"`,
    );
    const blank = file("blank.csv", "\n\n");
    expect(failure(() => readCsv(blank))).toBe(
      `${blank}:1:1: no header, only blank and # lines, expected the header of a fleet-sim trace CSV: "timestamp,function[,duration]"`,
    );
  });

  it("a wrong header: the expected one and what was found, at the first wrong field", () => {
    const path = file("wrong-header.txt", "app,function,end,duration\n");
    expect(failure(() => read2021(path))).toBe(
      `${path}:1:5: not the header of the Azure 2021 invocation trace: expected the header "app,func,end_timestamp,duration", found "app,function,end,duration"`,
    );
  });

  it("a file of another format is named", () => {
    const memory = join(A19, "app_memory_percentiles.anon.d01.csv");
    expect(failure(() => [...readAzure2019Invocations(memory)])).toBe(
      `${memory}:1:19: this is app_memory_percentiles, not invocations_per_function: expected the header "HashOwner,HashApp,HashFunction,Trigger,1,2,...,1440", found "HashOwner,HashApp,SampleCount,AverageAllocatedMb,AverageAllocatedMb_pct1,Aver..."`,
    );
    const a21 = join(F, "azure-2021.txt");
    expect(failure(() => readCsv(a21))).toBe(
      `${a21}:1:1: this is the Azure 2021 invocation trace, not a fleet-sim trace CSV: expected the header "timestamp,function[,duration]", found "app,func,end_timestamp,duration"`,
    );
    const durations = join(A19, "function_durations_percentiles.anon.d01.csv");
    expect(failure(() => readAzure2019Memory(durations))).toMatch(
      /:1:19: this is function_durations_percentiles, not app_memory_percentiles: /,
    );
    const instants = join(F, "instants.csv");
    expect(failure(() => readAzure2019Durations(instants))).toMatch(
      /:1:1: this is a fleet-sim trace CSV, not function_durations_percentiles: /,
    );
  });

  it("a wrong number of fields: at the first extra field, or the end of a short row", () => {
    const long = file("long.txt", "app,func,end_timestamp,duration\na,f,1,0.5,extra\n");
    expect(failure(() => read2021(long))).toBe(
      `${long}:2:11: 5 fields, expected 4 (app,func,end_timestamp,duration)`,
    );
    const short = file("short.csv", "timestamp,function,duration\n1,api,3\n2,api\n");
    expect(failure(() => readCsv(short))).toBe(
      `${short}:3:6: 2 fields, expected 3 (timestamp,function,duration)`,
    );
    const shortDay = file("short-day.csv", `${INVOCATIONS_HEADER}\no,a,f,http,${minutes({}).slice(2)}\n`);
    expect(failure(() => [...readAzure2019Invocations(shortDay)])).toMatch(
      /short-day\.csv:2:\d+: 1443 fields, expected 1444 \(HashOwner,HashApp,HashFunction,Trigger and 1440 per-minute counts\)$/,
    );
  });

  it("a cut-off last line is a short row, and says so", () => {
    const cut = file("cut.txt", "app,func,end_timestamp,duration\na,f,1,0.5\nb,g,2");
    expect(failure(() => read2021(cut))).toBe(
      `${cut}:3:6: 3 fields, expected 4 (app,func,end_timestamp,duration); the file ends in the middle of this line (cut off?)`,
    );
  });

  it("a value that is not a number, at its field's column", () => {
    const path = file("nan.txt", "app,func,end_timestamp,duration\na,f,12.5,NaN\n");
    expect(failure(() => read2021(path))).toBe(
      `${path}:2:10: duration "NaN" is not a number, expected seconds (a decimal number, 0 or more)`,
    );
    const csv = file("nan.csv", "timestamp,function\nsoon,api\n");
    expect(failure(() => readCsv(csv))).toBe(
      `${csv}:2:1: timestamp "soon" is not a number, expected seconds since the trace's start (a decimal number, 0 or more) or an ISO-8601 instant`,
    );
    const count = file("count.csv", `${INVOCATIONS_HEADER}\no,a,f,http,1,2,x${minutes({}).slice(5)}\n`);
    expect(failure(() => [...readAzure2019Invocations(count)])).toBe(
      `${count}:2:16: the count for minute 3 "x" is not a number, expected a whole number, 0 or more`,
    );
  });

  it("a negative duration and a negative count", () => {
    const path = file("negative.txt", "app,func,end_timestamp,duration\na,f,12.5,-0.1\n");
    expect(failure(() => read2021(path))).toBe(
      `${path}:2:10: duration "-0.1" is negative, expected seconds (a decimal number, 0 or more)`,
    );
    const csv = file("negative.csv", "timestamp,function,duration\n1,api,-5\n");
    expect(failure(() => readCsv(csv))).toBe(
      `${csv}:2:7: duration "-5" is negative, expected milliseconds (a decimal number, 0 or more), or nothing`,
    );
    const count = file("negative-count.csv", `${INVOCATIONS_HEADER}\no,a,f,http,-1${minutes({}).slice(1)}\n`);
    expect(failure(() => [...readAzure2019Invocations(count)])).toBe(
      `${count}:2:12: the count for minute 1 "-1" is negative, expected a whole number, 0 or more`,
    );
    const durations = file(
      "negative-durations.csv",
      "HashOwner,HashApp,HashFunction,Average,Count,Minimum,Maximum,percentile_Average_0,percentile_Average_1,percentile_Average_25,percentile_Average_50,percentile_Average_75,percentile_Average_99,percentile_Average_100\no,a,f,-3,1,1,1,1,1,1,1,1,1,1\n",
    );
    expect(failure(() => readAzure2019Durations(durations))).toBe(
      `${durations}:2:7: Average "-3" is negative, expected milliseconds (a decimal number, 0 or more)`,
    );
  });

  it("an empty function and a quoted one", () => {
    const empty = file("empty-function.csv", "timestamp,function\n1,\n");
    expect(failure(() => readCsv(empty))).toBe(`${empty}:2:3: function is empty, expected a function name`);
    const quoted = file("quoted.csv", 'timestamp,function\n1,"api"\n');
    expect(failure(() => readCsv(quoted))).toBe(
      `${quoted}:2:3: function is quoted, expected a bare function name (names hold no commas or quotes)`,
    );
  });

  it("a csv function that is not a Lambda function name", () => {
    const spaced = file("spaced.csv", "timestamp,function\n1, api\n");
    expect(failure(() => readCsv(spaced))).toBe(
      `${spaced}:2:3: function " api" is not a Lambda function name, expected 1 to 64 letters, digits, '-' or '_'`,
    );
  });

  it("a bad row closes the file; the cursor then reads nothing more", () => {
    const path = file("bad-then-good.txt", "app,func,end_timestamp,duration\na,f,x,1\na,f,1,1\n");
    const cursor = openAzure2021(path);
    expect(failure(() => cursor.next())).toMatch(/:2:5: end_timestamp "x" is not a number/);
    expect(cursor.next()).toBe(false);
    cursor.close();
  });

  it("csv timestamps: one form throughout; an instant needs its zone", () => {
    const mixed = file("mixed.csv", "timestamp,function\n2026-01-31T09:00:00Z,api\n5,api\n");
    expect(failure(() => readCsv(mixed))).toBe(
      `${mixed}:3:1: timestamp "5" is seconds, but the first row's is in instants: every row must use the same form`,
    );
    const local = file("local.csv", "timestamp,function\n2026-01-31T09:00:00,api\n");
    expect(failure(() => readCsv(local))).toBe(
      `${local}:2:1: timestamp "2026-01-31T09:00:00" is not an instant, expected an ISO-8601 instant with its zone, such as 2026-01-31T09:00:00.250Z`,
    );
  });

  it("gzip: said plainly", () => {
    const path = file("trace.txt.gz", gzipSync("app,func,end_timestamp,duration\n"));
    expect(failure(() => read2021(path))).toBe(
      `${path}:1:1: gzip-compressed; gunzip it first (traces are read as a stream)`,
    );
  });

  it("a line longer than the buffer is an error, never unbounded memory", () => {
    const path = file("long-line.csv", `timestamp,function\n1,${"x".repeat(300)}\n`);
    expect(failure(() => rows(openCsvTrace(path, { bufferBytes: 256 })))).toBe(
      `${path}:2:1: a line longer than 256 bytes, expected lines of at most that (is this a trace file?)`,
    );
  });

  it("the CLI-facing message has no stack: TraceInputError's message is the whole story", () => {
    const path = join(tmp, "absent.txt");
    const err = (() => {
      try {
        openAzure2021(path);
      } catch (e) {
        return e as TraceInputError;
      }
    })();
    expect(err).toMatchObject({ file: path, line: 1, column: 1, name: "TraceInputError" });
  });
});

describe("the 1 MiB buffer's edge: the same rows whatever the buffer size", () => {
  const synthetic = join(tmp, "synthetic");
  const make = (...args: string[]) => {
    const out = spawnSync(process.execPath, [
      join(ROOT, "scripts", "synthetic-trace.mjs"),
      ...args,
      "--out",
      synthetic,
    ]);
    expect(out.status, out.stderr?.toString()).toBe(0);
  };

  it("azure-2021 and csv files of several MiB read alike with a 1 MiB and a 300-byte buffer", () => {
    make("--format", "azure-2021", "--rows", "20000", "--functions", "5000", "--seed", "7");
    make("--format", "csv", "--rows", "60000", "--functions", "20000", "--seed", "7");
    for (const [open, name] of [
      [openAzure2021, "AzureFunctionsInvocationTraceForTwoWeeksJan2021.txt"],
      [openCsvTrace, "trace.csv"],
    ] as const) {
      const path = join(synthetic, name);
      const big = rows(open(path));
      const small = rows(open(path, { bufferBytes: 300 }));
      expect(big.length).toBeGreaterThan(10_000);
      expect(small).toEqual(big);
      // Many distinct keys (past the key cache's first table of 4096 slots, half full) still come back right.
      expect(new Set(big.map((r) => r.key)).size).toBeGreaterThan(2048);
      // Against a plain split of the text: the same keys and times (to the µs).
      const lines = readFileSync(path, "utf8").trimEnd().split("\n").slice(1);
      expect(lines.length).toBe(big.length);
      lines.forEach((line, i) => {
        const [a, b, c, d] = line.split(",");
        const [key, timeS] = name === "trace.csv" ? [b, Number(a)] : [`${a}/${b}`, Number(c)];
        expect(big[i].key).toBe(key);
        expect(Math.abs(big[i].orderUs - timeS * 1e6)).toBeLessThanOrEqual(1);
        if (name === "trace.csv")
          expect(Math.abs(big[i].durationUs - Number(c) * 1000)).toBeLessThanOrEqual(1);
        else expect(Math.abs(big[i].durationUs - Number(d) * 1e6)).toBeLessThanOrEqual(1);
      });
    }
  });

  it("an azure-2019 day reads alike with a 1 MiB and an 8 KiB buffer", () => {
    make("--format", "azure-2019", "--functions", "500", "--days", "1", "--seed", "7");
    const files = azure2019Files(synthetic, 1);
    const summary = (options?: { bufferBytes: number }) =>
      [...readAzure2019Invocations(files.invocations, undefined, options)].map((f) => [
        f.key,
        f.total,
        [...f.countsPerMinute],
      ]);
    expect(summary({ bufferBytes: 8192 })).toEqual(summary());
    expect(readAzure2019Durations(files.durations, undefined, { bufferBytes: 1024 })).toEqual(
      readAzure2019Durations(files.durations),
    );
    expect(readAzure2019Memory(files.memory!, undefined, { bufferBytes: 1024 })).toEqual(
      readAzure2019Memory(files.memory!),
    );
  });

  it("the line reader's lines and numbers do not depend on where reads end", () => {
    const text = Array.from({ length: 5000 }, (_, i) => `${i},${"k".repeat(i % 37)},${i * 1.25}`).join("\n");
    const path = file("lines.txt", text);
    const lines = (bufferBytes?: number) => {
      const reader = new LineReader(path, { bufferBytes });
      const out: string[] = [];
      while (reader.nextLine()) out.push(reader.text(reader.start, reader.end));
      reader.close();
      return out;
    };
    expect(lines(64)).toEqual(text.split("\n"));
    expect(lines()).toEqual(text.split("\n"));
  });
});

describe("numbers from bytes", () => {
  const bytes = (text: string) => Buffer.from(text, "latin1");
  const scaled = (text: string, digits: number) => parseScaled(bytes(text), 0, text.length, digits);
  const decimal = (text: string) => parseDecimal(bytes(text), 0, text.length);

  it("scaled decimals round half up from the digits, exactly", () => {
    expect(scaled("5160.142570018768", 6)).toBe(5_160_142_570);
    expect(scaled("0.0000005", 6)).toBe(1);
    expect(scaled("0.0000004999", 6)).toBe(0);
    expect(scaled("42", 3)).toBe(42_000);
    expect(scaled(".5", 3)).toBe(500);
    expect(scaled("1e-3", 6)).toBe(1000);
    expect(scaled("-2.5", 3)).toBe(-2500);
    for (const bad of ["", ".", "abc", "1.2.3", "NaN", "Infinity", "0x10", " 1"])
      expect(scaled(bad, 6)).toBeNaN();
  });

  it("decimals equal Number() of the same text", () => {
    for (const text of [
      "0",
      "120.5",
      "150.25",
      "0.1",
      "5160.142570018768",
      "123456789.123456789",
      "7e2",
      "1E-3",
      "-3",
    ]) {
      expect(decimal(text)).toBe(Number(text));
    }
    for (const bad of ["", "-", "1,5", "x", "1e"]) expect(decimal(bad)).toBeNaN();
  });
});

describe("the key cache", () => {
  it("gives back the same string for the same bytes, across growth, and distinct keys apart", () => {
    const cache = new KeyCache(16);
    const intern = (key: string) => {
      const buf = Buffer.from(`,${key},`);
      const view = new DataView(buf.buffer, buf.byteOffset, buf.length);
      const found = cache.get(view, 1, buf.length - 1);
      if (found !== undefined) return found;
      cache.add(view, 1, buf.length - 1, key);
      return key;
    };
    const keys = Array.from({ length: 3000 }, (_, i) =>
      i % 2 ? `fn-${i}` : `${"a".repeat(40)}/${i}/${"b".repeat(40)}`,
    );
    for (const key of keys) expect(intern(key)).toBe(key);
    for (const key of keys) expect(intern(key)).toBe(key);
    expect(intern("x")).toBe("x");
    expect(intern("y")).toBe("y");
  });
});

describe("scripts/synthetic-trace.mjs", () => {
  const write = (dir: string, ...args: string[]) => {
    const out = spawnSync(process.execPath, [
      join(ROOT, "scripts", "synthetic-trace.mjs"),
      ...args,
      "--out",
      dir,
    ]);
    expect(out.status, out.stderr?.toString()).toBe(0);
    return dir;
  };
  const contents = (dir: string, names: string[]) =>
    names.map((name) => readFileSync(join(dir, name), "utf8"));

  it("the same seed writes the same bytes; another seed, other bytes", () => {
    const names = [
      "invocations_per_function_md.anon.d02.csv",
      "function_durations_percentiles.anon.d02.csv",
      "app_memory_percentiles.anon.d02.csv",
    ];
    const args = ["--format", "azure-2019", "--functions", "50", "--days", "2"];
    const a = contents(write(join(tmp, "seed-a"), ...args, "--seed", "3"), names);
    const b = contents(write(join(tmp, "seed-b"), ...args, "--seed", "3"), names);
    const c = contents(write(join(tmp, "seed-c"), ...args, "--seed", "4"), names);
    expect(b).toEqual(a);
    expect(c[0]).not.toEqual(a[0]);
  });

  it("writes files the readers accept: azure-2021 sorted by end_timestamp, csv by timestamp", () => {
    const dir = join(tmp, "formats");
    write(dir, "--format", "azure-2021", "--rows", "2000", "--functions", "30");
    write(dir, "--format", "csv", "--rows", "2000", "--functions", "30");
    const a21 = rows(openAzure2021(join(dir, "AzureFunctionsInvocationTraceForTwoWeeksJan2021.txt")));
    const csv = rows(openCsvTrace(join(dir, "trace.csv")));
    for (const trace of [a21, csv]) {
      expect(trace.length).toBe(2000);
      expect(trace.every((r, i) => i === 0 || r.orderUs >= trace[i - 1].orderUs)).toBe(true);
    }
  });
});
