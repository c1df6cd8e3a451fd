/**
 * `--calls FILE`: the final answer to each of the scenario's explicit calls
 * (its `events:`, or a served session's requests), one NDJSON line per call
 * answered before the run ended, in the order of the calls. A session
 * recorded with `serve --record` and its replay with `run` give the same
 * lines, which is how a replay is checked call by call (docs/serve.md).
 */
import { API_ERROR_NAMES } from "../model/aws-names.js";
import type { Plan } from "../model/plan.js";
import type { CallAnswer } from "../model/run.js";

export interface CallAnswerLine {
  /** Index of the call in the scenario's events (Plan.calls). */
  call: number;
  operation: string;
  function: string;
  /** Simulated time the call was made, and answered, in µs. */
  atUs: number;
  answeredUs: number;
  /** "OK" or the error code (ResourceConflictException, ...). */
  outcome: string;
}

export function callAnswerLines(plan: Plan, answers: readonly CallAnswer[]): CallAnswerLine[] {
  return answers.map((a) => {
    const call = plan.calls[a.call];
    return {
      call: a.call,
      operation: call.operation,
      function: plan.functions.names[call.function],
      atUs: call.atUs,
      answeredUs: a.atUs,
      outcome: a.error === 0 ? "OK" : API_ERROR_NAMES[a.error],
    };
  });
}

export function callAnswersNdjson(plan: Plan, answers: readonly CallAnswer[]): string {
  return callAnswerLines(plan, answers)
    .map((l) => `${JSON.stringify(l)}\n`)
    .join("");
}
