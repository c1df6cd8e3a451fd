/**
 * The series of a run, laid out once: every family's label sets (run_id and
 * scenario first) and where each series' values sit in a row of numbers. A
 * Sample becomes one row; the exporters read rows. A counter or gauge series
 * takes one column; a histogram series takes its cumulative bucket counts,
 * then its count, then its sum in seconds (the +Inf bucket is the count).
 */
import type { Sample } from "../model/run.js";
import type { MetricsContext } from "./context.js";
import { COMMON_LABELS, FAMILIES, type MetricFamily } from "./families.js";

export interface FamilySeries {
  family: MetricFamily;
  /** COMMON_LABELS, then the family's own labels. */
  labelNames: string[];
  /** Label values of each series, in the order of labelNames. */
  series: string[][];
  /** Columns per series: 1, or for a histogram its bounds + 2. */
  columns: number;
  /** Column of the family's first series in a row. */
  offset: number;
}

export class SeriesLayout {
  readonly families: FamilySeries[] = [];
  /** Columns in a row. */
  readonly width: number;

  constructor(
    readonly ctx: MetricsContext,
    families: readonly MetricFamily[] = FAMILIES,
  ) {
    let offset = 0;
    for (const family of families) {
      const own = family.series(ctx);
      const columns = family.type === "histogram" ? family.boundsS.length + 2 : 1;
      this.families.push({
        family,
        labelNames: [...COMMON_LABELS, ...family.labels],
        series: own.map((values) => [ctx.runId, ctx.scenario, ...values]),
        columns,
        offset,
      });
      offset += own.length * columns;
    }
    this.width = offset;
  }

  /** Number of series (label sets) over all families. */
  get seriesCount(): number {
    return this.families.reduce((n, f) => n + f.series.length, 0);
  }

  /** Writes the sample's values into `row` (width columns). */
  write(s: Sample, row: Float64Array): void {
    for (const fs of this.families) {
      const f = fs.family;
      const n = fs.series.length;
      if (f.type === "histogram") {
        const hs = f.histograms(s);
        for (let i = 0; i < n; i++) {
          const h = hs[i];
          let k = fs.offset + i * fs.columns;
          for (const b of h.buckets) row[k++] = b;
          row[k++] = h.count;
          row[k] = h.sumUs / 1e6;
        }
      } else {
        const v = f.values(s, this.ctx);
        if (v.length !== n) throw new Error(`${f.name}: ${v.length} values for ${n} series`);
        for (let i = 0; i < n; i++) row[fs.offset + i] = v[i];
      }
    }
  }
}
