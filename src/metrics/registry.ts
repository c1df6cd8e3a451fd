/**
 * The prom-client registry behind `/metrics` and the Pushgateway. It is set
 * from a whole Sample at each sample point (`update`), never per simulation
 * event: gauges are set, counters are set to their cumulative totals, and
 * histograms expose the bucket counts the sample read from the run's HDR
 * histograms. `run_id` and `scenario` are the registry's default labels.
 * The labelled functions' series (--metrics-function-labels) are those of
 * the latest sample only: a function that leaves the set leaves /metrics.
 */
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { Sample } from "../model/run.js";
import type { MetricFamily } from "../measures/families.js";
import { formatBound } from "./format.js";
import type { FamilySeries, SeriesLayout } from "./series.js";

type Labels = Record<string, string>;

interface HistogramPoint {
  labels: Labels;
  buckets: number[];
  count: number;
  sum: number;
}

/**
 * A prom-client Histogram whose values are a sample's cumulative counts
 * instead of observations: `observe` is never called.
 */
class SampledHistogram extends Histogram<string> {
  private points: HistogramPoint[] = [];
  private readonly les: string[];
  private readonly family: MetricFamily;

  constructor(f: MetricFamily & { type: "histogram" }, registry: Registry) {
    super({
      name: f.name,
      help: f.help,
      labelNames: [...f.labels],
      buckets: [...f.boundsS],
      registers: [registry],
    });
    this.family = f;
    this.les = [...f.boundsS.map(formatBound), "+Inf"];
  }

  setPoints(points: HistogramPoint[]): void {
    this.points = points;
  }

  /** prom-client's registry reads a histogram's text through this method when it has one. */
  getForPromString(): Promise<HistogramObject> {
    return this.get();
  }

  override async get(): Promise<HistogramObject> {
    const name = this.family.name;
    const values = this.points.flatMap((p) => [
      ...this.les.map((le, b) => ({
        labels: { ...p.labels, le },
        value: b < p.buckets.length ? p.buckets[b] : p.count,
        metricName: `${name}_bucket`,
      })),
      { labels: p.labels, value: p.sum, metricName: `${name}_sum` },
      { labels: p.labels, value: p.count, metricName: `${name}_count` },
    ]);
    const collect = () => {};
    return {
      name,
      help: this.family.help,
      type: "histogram" as unknown as HistogramObject["type"],
      values,
      aggregator: "sum",
      collect,
    };
  }
}

type HistogramObject = Awaited<ReturnType<Histogram<string>["get"]>>;

interface Bound {
  fs: FamilySeries;
  labels: Labels[];
  metric: Counter<string> | Gauge<string> | SampledHistogram;
}

/** The family's own labels of a series, from its label values (COMMON_LABELS first). */
function ownLabelsOf(own: readonly string[], values: readonly string[]): Labels {
  const l: Labels = {};
  const skip = values.length - own.length;
  own.forEach((name, i) => {
    l[name] = values[skip + i];
  });
  return l;
}

export class MetricsRegistry {
  readonly registry = new Registry();
  private readonly bound: Bound[];
  private readonly row: Float64Array;

  constructor(readonly layout: SeriesLayout) {
    this.registry.setDefaultLabels({ run_id: layout.ctx.runId, scenario: layout.ctx.scenario });
    this.row = new Float64Array(layout.width);
    this.bound = layout.families.map((fs) => {
      const f = fs.family;
      const own = fs.ownLabels;
      const labels = fs.series.map((values) => ownLabelsOf(own, values));
      const config = { name: f.name, help: f.help, labelNames: own, registers: [this.registry] };
      let metric: Bound["metric"];
      if (f.type === "histogram") metric = new SampledHistogram(f, this.registry);
      else if (f.type === "counter") metric = new Counter(config);
      else metric = new Gauge(config);
      return { fs, labels, metric };
    });
  }

  /** Sets every series from the sample. */
  update(s: Sample): void {
    const row = this.row;
    this.layout.write(s, row);
    const byFunction = new Map(this.layout.functionSeries(s).map((x) => [x.fs, x]));
    for (const { fs, labels, metric } of this.bound) {
      if (metric instanceof SampledHistogram) {
        const nb = fs.columns - 2;
        metric.setPoints(
          labels.map((l, i) => {
            const at = fs.offset + i * fs.columns;
            return {
              labels: l,
              buckets: Array.from(row.subarray(at, at + nb)),
              count: row[at + nb],
              sum: row[at + nb + 1],
            };
          }),
        );
      } else if (metric instanceof Counter) {
        metric.reset();
        labels.forEach((l, i) => metric.inc(l, row[fs.offset + i]));
      } else {
        // A gauge keeps its series; one with labelled functions only has the latest sample's.
        if (byFunction.has(fs)) metric.reset();
        labels.forEach((l, i) => metric.set(l, row[fs.offset + i]));
      }
      const functions = byFunction.get(fs);
      if (functions === undefined || metric instanceof SampledHistogram) continue;
      functions.series.forEach((values, i) => {
        const l = ownLabelsOf(fs.ownLabels, values);
        if (metric instanceof Counter) metric.inc(l, functions.values[i]);
        else metric.set(l, functions.values[i]);
      });
    }
  }

  /** The exposition in the Prometheus text format (0.0.4). */
  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
