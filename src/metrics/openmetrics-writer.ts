/**
 * `--openmetrics FILE`: the whole run as one OpenMetrics 1.0 text file, for
 * `promtool tsdb create-blocks-from openmetrics`. Every series has a point at
 * each sample, timestamped start time + simulated time.
 *
 * OpenMetrics wants each family's lines together and, inside a family, each
 * series' points together in increasing time order. Samples come in time
 * order, so the writer keeps them as rows of numbers (8 bytes a value, far
 * less than their text) and writes the file series by series at the end.
 * The labelled functions' series (--metrics-function-labels) come and go
 * with the set of labelled functions: each keeps its points (sample, value)
 * and is written after its family's other series, with points only where
 * the function was labelled.
 */
import { closeSync, writeSync } from "node:fs";
import type { Sample } from "../model/run.js";
import { familyBaseName } from "../measures/families.js";
import { escapeHelp, formatBound, formatLabels, formatTimestampMs, formatValue } from "./format.js";
import type { FamilySeries, SeriesLayout } from "./series.js";

/** Where the text goes. */
export interface TextSink {
  write(text: string): void;
  /** Flushes and closes. */
  close(): void;
}

export interface OpenMetricsStats {
  samples: number;
  series: number;
  lines: number;
}

const CHUNK_VALUES = 1 << 20;

/** A labelled function's series: its label values and its points. */
interface FunctionSeriesPoints {
  labels: string[];
  rows: number[];
  values: number[];
}

export class OpenMetricsWriter {
  private readonly chunks: Float64Array[] = [];
  private readonly rowsPerChunk: number;
  private readonly timesMs: number[] = [];
  /** Per family with labelled functions, its functions' series by label key, in order of appearance. */
  private readonly functionSeries = new Map<FamilySeries, Map<string, FunctionSeriesPoints>>();
  /** The function series that got a point at the last row (a later sample in the same ms replaces them). */
  private lastRowPoints: FunctionSeriesPoints[] = [];

  constructor(
    private readonly layout: SeriesLayout,
    private readonly sink: TextSink,
    /** Wall-clock time (ms since the epoch) that simulated time 0 is placed at. */
    private readonly startTimeMs: number,
  ) {
    this.rowsPerChunk = Math.max(1, Math.floor(CHUNK_VALUES / Math.max(layout.width, 1)));
  }

  /** Number of points each series has so far. */
  get samples(): number {
    return this.timesMs.length;
  }

  add(s: Sample): void {
    const timeMs = this.startTimeMs + Math.round(s.timeUs / 1000);
    let row = this.timesMs.length;
    // Two samples within one millisecond (a last sample just after a sample point): keep the later.
    if (row > 0 && timeMs <= this.timesMs[row - 1]) row--;
    else this.timesMs.push(timeMs);
    const chunk = Math.floor(row / this.rowsPerChunk);
    if (chunk === this.chunks.length)
      this.chunks.push(new Float64Array(this.rowsPerChunk * this.layout.width));
    const width = this.layout.width;
    const at = (row % this.rowsPerChunk) * width;
    this.layout.write(s, this.chunks[chunk].subarray(at, at + width));
    this.addFunctionSeries(s, row);
  }

  private addFunctionSeries(s: Sample, row: number): void {
    for (const p of this.lastRowPoints) {
      if (p.rows.at(-1) === row) {
        p.rows.pop();
        p.values.pop();
      }
    }
    this.lastRowPoints = [];
    for (const { fs, series, values } of this.layout.functionSeries(s)) {
      let byKey = this.functionSeries.get(fs);
      if (byKey === undefined) {
        byKey = new Map();
        this.functionSeries.set(fs, byKey);
      }
      series.forEach((labels, i) => {
        const key = labels.join("\u0000");
        let p = byKey.get(key);
        if (p === undefined) {
          p = { labels, rows: [], values: [] };
          byKey.set(key, p);
        }
        p.rows.push(row);
        p.values.push(values[i]);
        this.lastRowPoints.push(p);
      });
    }
  }

  /** Writes the file and closes the sink. */
  finish(): OpenMetricsStats {
    const width = this.layout.width;
    const times = this.timesMs.map(formatTimestampMs);
    let lines = 0;
    let series = this.layout.seriesCount;
    const value = (row: number, column: number) =>
      this.chunks[Math.floor(row / this.rowsPerChunk)][(row % this.rowsPerChunk) * width + column];
    try {
      for (const fs of this.layout.families) {
        const f = fs.family;
        const base = familyBaseName(f);
        let head = `# TYPE ${base} ${f.type}\n`;
        if (f.unit !== undefined) head += `# UNIT ${base} ${f.unit}\n`;
        head += `# HELP ${base} ${escapeHelp(f.help)}\n`;
        this.sink.write(head);
        lines += f.unit !== undefined ? 3 : 2;
        fs.series.forEach((labelValues, i) => {
          const col = fs.offset + i * fs.columns;
          if (f.type !== "histogram") {
            const prefix = `${f.name}${formatLabels(fs.labelNames, labelValues)} `;
            for (let r = 0; r < times.length; r++) {
              this.sink.write(`${prefix}${formatValue(value(r, col))} ${times[r]}\n`);
            }
            lines += times.length;
            return;
          }
          const withLe = (le: string) => formatLabels([...fs.labelNames, "le"], [...labelValues, le]);
          const bucketPrefixes = [...f.boundsS.map(formatBound), "+Inf"].map(
            (le) => `${f.name}_bucket${withLe(le)} `,
          );
          const labels = formatLabels(fs.labelNames, labelValues);
          const countPrefix = `${f.name}_count${labels} `;
          const sumPrefix = `${f.name}_sum${labels} `;
          const nb = f.boundsS.length;
          for (let r = 0; r < times.length; r++) {
            const t = times[r];
            let text = "";
            for (let b = 0; b < nb; b++)
              text += `${bucketPrefixes[b]}${formatValue(value(r, col + b))} ${t}\n`;
            const count = formatValue(value(r, col + nb));
            text += `${bucketPrefixes[nb]}${count} ${t}\n`;
            text += `${countPrefix}${count} ${t}\n`;
            text += `${sumPrefix}${formatValue(value(r, col + nb + 1))} ${t}\n`;
            this.sink.write(text);
          }
          lines += times.length * (nb + 3);
        });
        for (const p of this.functionSeries.get(fs)?.values() ?? []) {
          if (p.rows.length === 0) continue;
          const prefix = `${f.name}${formatLabels(fs.labelNames, p.labels)} `;
          let text = "";
          for (let j = 0; j < p.rows.length; j++)
            text += `${prefix}${formatValue(p.values[j])} ${times[p.rows[j]]}\n`;
          this.sink.write(text);
          lines += p.rows.length;
          series++;
        }
      }
      this.sink.write("# EOF\n");
      lines++;
    } finally {
      this.sink.close();
    }
    return { samples: times.length, series, lines };
  }
}

/**
 * A sink on an open file descriptor, written in blocks of about a megabyte;
 * closing closes the fd. A write that fails (a full disk) is kept in
 * `error()` and the rest of the text is dropped, so the caller can say so.
 */
export function fdSink(fd: number, closeFd = true): TextSink & { error(): Error | null } {
  let parts: string[] = [];
  let size = 0;
  let failed: Error | null = null;
  const flush = () => {
    if (size === 0) return;
    const buf = failed === null ? Buffer.from(parts.join(""), "utf8") : null;
    parts = [];
    size = 0;
    if (buf === null) return;
    try {
      let off = 0;
      while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    } catch (e) {
      failed = e instanceof Error ? e : new Error(String(e));
    }
  };
  return {
    error: () => failed,
    write(text: string) {
      if (failed !== null) return;
      parts.push(text);
      size += text.length;
      if (size >= 1 << 20) flush();
    },
    close() {
      try {
        flush();
      } finally {
        if (closeFd) closeSync(fd);
      }
    },
  };
}

/** A sink collecting the text in memory (tests). */
export function stringSink(): TextSink & { text(): string } {
  const parts: string[] = [];
  return {
    write: (t: string) => {
      parts.push(t);
    },
    close: () => {},
    text: () => parts.join(""),
  };
}
