/**
 * Steady state (issue 6): the scenario's optional `warmup` leaves the
 * initial transient out. The run takes a sample at the first sample point
 * at or after the warm-up and one at its end. Every cumulative metric of the
 * registry (invocations, API calls, durations, clients, async) is read again
 * on their difference, and the report gives those values as `steadyState`.
 * Thresholds and sweeps name them `steady.<metric>`.
 */
import type { Plan } from "../model/plan.js";
import type { RunEvents, Sample } from "../model/run.js";
import type { SampledHistogram } from "../model/sampling.js";
import type { EventEmitter } from "eventemitter3";
import { sampleLimitsOf } from "../measures/reading.js";
import { isCumulative, METRICS } from "../measures/report-metrics.js";
import type { SteadyStateReport } from "../measures/report-shape.js";

export class SteadyStateCollector {
  private first: Sample | null = null;
  private last: Sample | null = null;

  constructor(private readonly warmupUs: number) {}

  attach(emitter: EventEmitter<RunEvents>): void {
    emitter.on("sample", (s) => {
      if (this.first === null && s.timeUs >= this.warmupUs) this.first = s;
      this.last = s;
    });
  }

  /** The steady-state values, or null when the run ended before the warm-up did. */
  report(plan: Plan): SteadyStateReport | null {
    if (this.first === null || this.last === null || this.last.timeUs <= this.first.timeUs) return null;
    const diff = differenceSample(this.last, this.first);
    const limits = sampleLimitsOf(plan);
    const values: Record<string, number> = {};
    for (const m of METRICS) if (isCumulative(m)) values[m.name] = m.fromSample!(diff, limits);
    return { fromUs: this.first.timeUs, toUs: this.last.timeUs, values };
  }
}

/** `to` with its counters and histograms less `from`'s; the gauges are `to`'s. */
export function differenceSample(to: Sample, from: Sample): Sample {
  const counters = { ...to.counters } as Record<string, unknown>;
  for (const [k, v] of Object.entries(to.counters)) {
    const f = (from.counters as unknown as Record<string, unknown>)[k];
    counters[k] = Array.isArray(v)
      ? v.map((x: number, i: number) => x - (f as number[])[i])
      : (v as number) - (f as number);
  }
  const hist = (a: SampledHistogram, b: SampledHistogram): SampledHistogram => ({
    buckets: a.buckets.map((x, i) => x - b.buckets[i]),
    count: a.count - b.count,
    sumUs: a.sumUs - b.sumUs,
  });
  return {
    ...to,
    counters: counters as unknown as Sample["counters"],
    histograms: to.histograms.map((h, i) => hist(h, from.histograms[i])),
    templateHistograms: to.templateHistograms.map((h, i) => hist(h, from.templateHistograms[i])),
  };
}

/** With a warmup and no other sampling: one sample point at the warmup (and the run's start and end). */
export const steadyStateSampleIntervalUs = (plan: Plan): number => plan.warmupUs ?? 0;
