/**
 * The time series the HTML report draws, gathered from the run's samples in
 * the thread that runs the simulation (simulate.ts). Samples carry cumulative
 * counters; this keeps gauges as they are and turns counters into rates per
 * second over each sample interval, so the page only draws. It runs once per
 * sample (every --sample-interval of simulated time), never per event.
 */
import { API_ERROR_NAMES, STATE_NAMES, type StateName, THROTTLE_CAUSE_NAMES } from "../model/aws-names.js";
import { ERROR_COUNT, OPERATION_COUNT } from "../model/observations.js";
import type { Sample } from "../model/run.js";

/** Plain arrays, one value per sample, so the object crosses threads and goes into the page as JSON. */
export interface HtmlSeries {
  /** Sample times, in simulated seconds from the start. */
  t: number[];
  byState: Record<StateName, number[]>;
  /** On-demand executions in flight (provisioned environments are not in it). */
  concurrency: number[];
  /** Concurrency left to functions without reserved concurrency. */
  unreservedPool: number[];
  provisionedAllocated: number[];
  provisionedInUse: number[];
  /** On-demand execution environments, all templates: running a request, and idle and warm. */
  environmentsBusy: number[];
  environmentsIdle: number[];
  /** Per subnet (in the report's `subnets` order): IPs used by our ENIs, and by others. */
  subnetUsedIps: number[][];
  subnetOthersIps: number[][];
  /** API calls answered per second, all operations together: "success" and each AWS error code seen. */
  apiRatePerSec: Record<string, number[]>;
  /** Throttled invocations per second by cause (only causes seen). */
  throttleRatePerSec: Record<string, number[]>;
  coldStartRatePerSec: number[];
  warmStartRatePerSec: number[];
}

/** Codes an API outcome rate is kept for: success (0) and the AWS errors; FunctionError and Timeout answer 200. */
const SUCCESS_CODES = new Set(["", "FunctionError", "Timeout"]);

export class HtmlSeriesCollector {
  private readonly s: HtmlSeries = {
    t: [],
    byState: Object.fromEntries(STATE_NAMES.map((n) => [n, []])) as unknown as Record<StateName, number[]>,
    concurrency: [],
    unreservedPool: [],
    provisionedAllocated: [],
    provisionedInUse: [],
    environmentsBusy: [],
    environmentsIdle: [],
    subnetUsedIps: [],
    subnetOthersIps: [],
    apiRatePerSec: {},
    throttleRatePerSec: {},
    coldStartRatePerSec: [],
    warmStartRatePerSec: [],
  };
  private prevUs = 0;
  private prevApi: number[] = [];
  private prevThrottles: number[] = [];
  private prevCold = 0;
  private prevWarm = 0;

  readonly add = (sample: Sample): void => {
    const s = this.s;
    const i = s.t.length;
    const dtS = (sample.timeUs - this.prevUs) / 1e6;
    const rate = (now: number, before: number) => (dtS > 0 ? round3((now - before) / dtS) : 0);
    s.t.push(sample.timeUs / 1e6);
    STATE_NAMES.forEach((name, k) => s.byState[name].push(sample.states[k]));
    s.concurrency.push(sample.concurrency);
    s.unreservedPool.push(sample.shared.unreservedPool);
    s.provisionedAllocated.push(sample.provisionedAllocated);
    s.provisionedInUse.push(sample.provisionedInUse);
    s.environmentsBusy.push(sample.environments.busy.reduce((n, x) => n + x, 0));
    s.environmentsIdle.push(sample.environments.idle.reduce((n, x) => n + x, 0));
    sample.subnetUsedIps.forEach((used, k) => {
      (s.subnetUsedIps[k] ??= []).push(used);
      (s.subnetOthersIps[k] ??= []).push(sample.shared.subnetOthersIps[k] ?? 0);
    });

    const api = sample.counters.api;
    for (let code = 0; code < ERROR_COUNT; code++) {
      let now = 0;
      let before = 0;
      for (let op = 0; op < OPERATION_COUNT; op++) {
        now += api[op * ERROR_COUNT + code];
        before += this.prevApi[op * ERROR_COUNT + code] ?? 0;
      }
      const name = SUCCESS_CODES.has(API_ERROR_NAMES[code]) ? "success" : API_ERROR_NAMES[code];
      const series = seriesFor(s.apiRatePerSec, name, i, now > 0 || name === "success");
      if (series !== null) series[i] = round3((series[i] ?? 0) + rate(now, before));
    }
    const throttles = sample.counters.throttles;
    THROTTLE_CAUSE_NAMES.forEach((name, k) => {
      const series = seriesFor(s.throttleRatePerSec, name, i, throttles[k] > 0);
      if (series !== null) series[i] = rate(throttles[k], this.prevThrottles[k] ?? 0);
    });
    s.coldStartRatePerSec.push(rate(sample.counters.coldStarts, this.prevCold));
    s.warmStartRatePerSec.push(rate(sample.counters.warmStarts, this.prevWarm));

    this.prevUs = sample.timeUs;
    this.prevApi = api;
    this.prevThrottles = throttles;
    this.prevCold = sample.counters.coldStarts;
    this.prevWarm = sample.counters.warmStarts;
  };

  /** The series so far; a series that first appears late is zero before (its counter was). */
  finish(): HtmlSeries {
    return this.s;
  }
}

/** The series `name` (created zero-filled to `length` when `create`), or null if it does not exist yet. */
function seriesFor(
  all: Record<string, number[]>,
  name: string,
  length: number,
  create: boolean,
): number[] | null {
  let series = all[name];
  if (series === undefined) {
    if (!create) return null;
    series = new Array<number>(length).fill(0);
    all[name] = series;
  }
  if (series.length === length) series.push(0);
  return series;
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

/** The series of a run that took no samples (the page then shows only its header). */
export function emptyHtmlSeries(): HtmlSeries {
  return new HtmlSeriesCollector().finish();
}
