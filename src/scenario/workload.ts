/**
 * The workload timeline: steps run one after another unless they say when
 * (`at`). Control steps become Plan.steps, invoke steps Plan.invokeStreams.
 */
import type { PlanConfigChange, PlanInvokeStream, PlanReplay, PlanStep, RateProfile } from "../model/plan.js";
import { LATEST } from "../model/qualifiers.js";
import { ACTION_OPERATIONS } from "./actions.js";
import type { Path } from "./issues.js";
import type { ConfigChangeInput, StepInput } from "./schema.js";
import { compileReplay } from "./replay.js";
import type { Scope } from "./scope.js";
import { formatDurationUs, parseRatePerSec, toUs } from "./units.js";
import {
  clockResolutionUs,
  MAX_ARRIVALS_PER_LOOKAHEAD,
  maxRatePerFunctionPerSec,
  planPeakArrivalsPerSec,
  streamPeakPerFunctionPerSec,
  streamPeakPerSec,
} from "../model/workload-rates.js";

type InvokeStepInput = Extract<StepInput, { action: "invoke" }>;

/**
 * Each step starts at its `at`, or else where the previous one ended (the
 * cursor). A step spans: an invoke stream or idle its `for`; a control step
 * with a rate count/rate; one without a rate nothing.
 */
export function compileWorkload(
  input: StepInput[],
  scope: Scope,
): { steps: PlanStep[]; invokeStreams: PlanInvokeStream[]; replays: PlanReplay[] } {
  const steps: PlanStep[] = [];
  const replays: PlanReplay[] = [];
  const invokeStreams: PlanInvokeStream[] = [];
  const streamPaths: Path[] = [];
  let cursorUs = 0;
  input.forEach((step, i) => {
    const path = ["workload", i];
    const startUs = step.at === undefined ? cursorUs : toUs(step.at);
    checkStart(startUs, step.at === undefined ? path : [...path, "at"], "step", scope);
    if (step.action === "idle") {
      cursorUs = startUs + toUs(step.for);
      return;
    }
    if (step.action === "replay") {
      const replay = compileReplay(step, startUs, path, scope);
      if (replay !== null) replays.push(replay);
      cursorUs = replay?.endUs ?? (step.for === undefined ? scope.durationUs : startUs + toUs(step.for));
      return;
    }
    if (step.action === "invoke") {
      const stream = compileStream(step, startUs, path, scope);
      if (stream !== null) {
        invokeStreams.push(stream);
        streamPaths.push([...path, "arrival"]);
      }
      cursorUs = stream?.endUs ?? startUs + toUs(step.for);
      return;
    }
    const targets = scope.fleet.select(step.functions, [...path, "functions"]);
    const client = scope.client(step.client, [...path, "client"]);
    const ratePerSec = step.rate === undefined ? 0 : parseRatePerSec(step.rate);
    const count = targets?.length ?? 0;
    cursorUs = startUs + (ratePerSec > 0 ? Math.round((count / ratePerSec) * 1e6) : 0);
    if (targets === null) return;
    const compiled: PlanStep = {
      atUs: startUs,
      operation: ACTION_OPERATIONS[step.action],
      targets,
      ratePerSec,
      client,
      then: step.then.map((action) => ACTION_OPERATIONS[action]),
    };
    const caller = scope.callers.ref(step.caller, [...path, "caller"]);
    if (caller >= 0) compiled.caller = caller;
    if (step.config !== undefined)
      compiled.config = compileConfigChange(step.config, [...path, "config"], scope);
    if (step.config?.vpc === null) checkKeepsVpc(targets, [...path, "config", "vpc"], scope);
    steps.push(compiled);
  });
  checkArrivalRates(invokeStreams, streamPaths, scope);
  return { steps, invokeStreams, replays };
}

const count = (n: number) => Math.round(n).toLocaleString("en-US");

/**
 * What the engine cannot simulate (model/workload-rates.ts): arrivals at one
 * function closer than the clock can carry by the stream's end, and more
 * arrivals within one lookahead than an epoch may hold and stay responsive.
 * Any other rate is simulated exactly, however many arrivals share a microsecond.
 */
function checkArrivalRates(streams: PlanInvokeStream[], paths: Path[], scope: Scope): void {
  let busiest = -1;
  streams.forEach((st, s) => {
    if (busiest < 0 || streamPeakPerSec(st) > streamPeakPerSec(streams[busiest])) busiest = s;
    const perFunction = streamPeakPerFunctionPerSec(st);
    const limit = maxRatePerFunctionPerSec(st.endUs);
    if (perFunction > limit) {
      scope.issues.push({
        path: paths[s],
        message:
          `brings up to ${count(perFunction)}/s to one function, arrivals ${(1e6 / perFunction).toPrecision(2)}us apart: ` +
          `too close for the simulated clock (float64 microseconds, ${clockResolutionUs(st.endUs)}us apart ` +
          `by the stream's end at ${formatDurationUs(st.endUs)}) to carry their count exactly; ` +
          `at most ${count(limit)}/s per function for a stream ending then`,
      });
    }
  });
  const perLookahead = (planPeakArrivalsPerSec({ invokeStreams: streams }) * scope.lookaheadUs) / 1e6;
  if (busiest >= 0 && perLookahead > MAX_ARRIVALS_PER_LOOKAHEAD) {
    scope.issues.push({
      path: paths[busiest],
      message:
        `the invoke streams together may bring ${count(perLookahead)} arrivals within the engine's lookahead of ` +
        `${formatDurationUs(scope.lookaheadUs)} (the least of model.apiLatency and model.invokeLatency), the shortest ` +
        `stretch it runs before it can report progress or stop; at most ${count(MAX_ARRIVALS_PER_LOOKAHEAD)}: ` +
        `lower the rates or the latencies`,
    });
  }
}

function compileStream(
  step: InvokeStepInput,
  startUs: number,
  path: Path,
  scope: Scope,
): PlanInvokeStream | null {
  const targets = scope.fleet.select(step.functions, [...path, "functions"]);
  const client = scope.client(step.client, [...path, "client"]);
  const caller = scope.callers.ref(step.caller, [...path, "caller"]);
  if (targets === null) return null;
  const stream: PlanInvokeStream = {
    ...(caller >= 0 ? { caller } : {}),
    startUs,
    endUs: startUs + toUs(step.for),
    targets,
    rate: rateProfile(step.arrival, startUs),
    process: step.arrival.process,
    popularity:
      step.popularity === "uniform" ? { kind: "uniform" } : { kind: "zipf", exponent: step.popularity.zipf },
    client,
    qualifier:
      step.qualifier === undefined ? LATEST : scope.qualifier(step.qualifier, [...path, "qualifier"]),
  };
  if (step.invocationType === "Event") stream.invocationType = "Event";
  return stream;
}

/** A constant rate is one point; a ramp is a point at the start and one at the end of each stage. */
function rateProfile(arrival: InvokeStepInput["arrival"], startUs: number): RateProfile {
  if (arrival.stages === undefined)
    return { points: [{ atUs: startUs, ratePerSec: parseRatePerSec(arrival.rate!) }] };
  let atUs = startUs;
  const points = [{ atUs, ratePerSec: arrival.from === undefined ? 0 : parseRatePerSec(arrival.from) }];
  for (const stage of arrival.stages) {
    atUs += toUs(stage.over);
    points.push({ atUs, ratePerSec: parseRatePerSec(stage.to) });
  }
  return { points };
}

export function compileConfigChange(config: ConfigChangeInput, path: Path, scope: Scope): PlanConfigChange {
  const change: PlanConfigChange = {};
  if (config.vpc === null) change.vpcConfig = -1;
  else if (config.vpc !== undefined) change.vpcConfig = scope.network.vpcConfig(config.vpc, [...path, "vpc"]);
  if (config.memory !== undefined) change.memoryMb = config.memory;
  if (config.timeout !== undefined) change.timeoutUs = toUs(config.timeout);
  if (config.kmsKey === null) change.kmsKey = -1;
  else if (config.kmsKey !== undefined)
    change.kmsKey = scope.kmsKeys.index(config.kmsKey, [...path, "kmsKey"]);
  return change;
}

/** Nothing may start after the scenario's duration. */
export function checkStart(startUs: number, path: Path, what: string, scope: Scope): void {
  if (startUs > scope.durationUs) {
    scope.issues.push({
      path,
      message: `${what} starts at ${formatDurationUs(startUs)}, after the scenario's duration ${formatDurationUs(scope.durationUs)}`,
    });
  }
}

/** Lambda keeps a function that mounts a file system in its VPC: detaching it is refused. */
export function checkKeepsVpc(targets: ArrayLike<number>, path: Path, scope: Scope): void {
  const fleet = scope.fleet;
  for (let k = 0; k < targets.length; k++) {
    const g = targets[k];
    if (fleet.templates[fleet.templateOf[g]].fileSystem >= 0) {
      scope.issues.push({
        path,
        message: `function '${fleet.names[g]}' mounts a file system, so it cannot be detached from its VPC`,
      });
      return;
    }
  }
}
