/**
 * The series of a run, laid out once: every family's label sets (run_id and
 * scenario first) and where each series' values sit in a row of numbers. A
 * Sample becomes one row; the exporters read rows. A counter or gauge series
 * takes one column; a histogram series takes its cumulative bucket counts,
 * then its count, then its sum in seconds (the +Inf bucket is the count).
 *
 * With function labels (ctx.functionLabels > 0) the families that take one
 * gain a `function` label: their laid-out series are function="other", and
 * the labelled functions' series, which change from sample to sample, come
 * from `functionSeries`.
 */
import { OTHER_FUNCTION } from "../model/function-labels.js";
import type { Sample } from "../model/run.js";
import type { MetricsContext } from "../measures/context.js";
import {
  COMMON_LABELS,
  FAMILIES,
  FUNCTION_LABEL,
  type FunctionLabelled,
  type MetricFamily,
} from "../measures/families.js";

export interface FamilySeries {
  family: MetricFamily;
  /** COMMON_LABELS, then the family's own labels (then `function` when byFunction is set). */
  labelNames: string[];
  /** The family's own labels: labelNames without COMMON_LABELS. */
  ownLabels: string[];
  /** Label values of each laid-out series, in the order of labelNames. */
  series: string[][];
  /** How the family reads by function, when functions are labelled; else null. */
  byFunction: FunctionLabelled | null;
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
      const byFunction =
        ctx.functionLabels > 0 && family.type !== "histogram" ? (family.byFunction ?? null) : null;
      const ownLabels = byFunction === null ? [...family.labels] : [...family.labels, FUNCTION_LABEL];
      const tail = byFunction === null ? [] : [OTHER_FUNCTION];
      this.families.push({
        family,
        labelNames: [...COMMON_LABELS, ...ownLabels],
        ownLabels,
        series: own.map((values) => [ctx.runId, ctx.scenario, ...values, ...tail]),
        byFunction,
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
        const hs = f.histograms(s, this.ctx);
        for (let i = 0; i < n; i++) {
          const h = hs[i];
          let k = fs.offset + i * fs.columns;
          for (const b of h.buckets) row[k++] = b;
          row[k++] = h.count;
          row[k] = h.sumUs / 1e6;
        }
      } else {
        const v = fs.byFunction !== null ? fs.byFunction.other(s, this.ctx) : f.values(s, this.ctx);
        if (v.length !== n) throw new Error(`${f.name}: ${v.length} values for ${n} series`);
        for (let i = 0; i < n; i++) row[fs.offset + i] = v[i];
      }
    }
  }

  /**
   * The labelled functions' series at this sample, for each family that has
   * them: label values (in the order of labelNames) and values. Empty when
   * functions are not labelled.
   */
  functionSeries(s: Sample): { fs: FamilySeries; series: string[][]; values: number[] }[] {
    const out: { fs: FamilySeries; series: string[][]; values: number[] }[] = [];
    for (const fs of this.families) {
      if (fs.byFunction === null) continue;
      const { series, values } = fs.byFunction.functions(s, this.ctx);
      out.push({ fs, series: series.map((v) => [this.ctx.runId, this.ctx.scenario, ...v]), values });
    }
    return out;
  }
}
