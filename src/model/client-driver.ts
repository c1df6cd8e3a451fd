/**
 * The clients that drive the functions (R14, R15): each task makes its call,
 * retries as the SDK's retry policy says, runs a waiter, then makes the
 * step's further calls. Tasks live in client-tasks.ts; this room moves them.
 */
import {
  API_ERROR_HTTP_STATUS,
  ApiError,
  LAST_UPDATE_STATUS_NAMES,
  Messages,
  Operation,
  type OperationCode,
} from "./aws-names.js";
import { ClientTasks } from "./client-tasks.js";
import { ANSWER_LATER } from "./control-plane.js";
import type { FleetContext } from "./fleet-context.js";
import type { FunctionTrace } from "./function-trace.js";
import { stateNameOf } from "./function-view.js";
import type { Invocations } from "./invocations.js";
import type { Lifecycle } from "./lifecycle.js";
import { Phase, type PhaseCode } from "./lifecycle-table.js";
import { ERROR_COUNT, Hist, WaiterOutcome } from "./observations.js";
import type { PlanCallParams, PlanConfigChange } from "./plan.js";
import { Ev, Msg } from "./protocol.js";
import { LATEST } from "./qualifiers.js";
import { judge, Verdict, waiterAfter } from "./waiters.js";

const NO_PARAMS: PlanCallParams = {};

export class ClientDriver {
  readonly tasks = new ClientTasks();
  constructor(
    private readonly c: FleetContext,
    private readonly trace: FunctionTrace,
    private readonly lifecycle: Lifecycle,
    private readonly invocations: Invocations,
  ) {}

  /** A workload step reaches one of its targets: a task starts with the step's call. */
  onStepTarget(f: number, s: number): void {
    const step = this.c.plan.steps[s];
    this.issue(this.tasks.alloc(f, s, -1, Operation[step.operation], step.client, this.c.p.nowUs));
  }

  /** An explicit call's time came: a task starts with it. */
  onExplicitCall(f: number, index: number): void {
    const call = this.c.plan.calls[index];
    this.issue(this.tasks.alloc(f, -1, index, Operation[call.operation], call.client, this.c.p.nowUs));
  }

  /** The task makes its current call (or, while waiting, its next poll). */
  issue(slot: number): void {
    const { plan, p, fn } = this.c;
    const t = this.tasks;
    const f = t.fn[slot];
    if (t.polls[slot] >= 0) {
      p.request(Msg.ApiRequest, fn.globalId[f], t.waiter[slot]!.operation, slot);
      return;
    }
    const op = t.op[slot] as OperationCode;
    if (op !== Operation.Invoke) {
      p.request(Msg.ApiRequest, fn.globalId[f], op, slot);
      return;
    }
    const call = t.call[slot] >= 0 ? plan.calls[t.call[slot]] : null;
    const caller = (t.step[slot] >= 0 ? plan.steps[t.step[slot]] : call!).caller;
    // Explicit calls are few, and a live run adds them as it goes: read each one's type as it is made.
    const hop = call !== null && call.invocationType === "Event" ? 1 : 0;
    this.invocations.invoke(f, slot + 1, hop, caller ?? -1, call?.params?.qualifier ?? LATEST);
  }

  /** The coordinator let a task's call through the account's API rate: it reaches the function. */
  onApiApply(f: number, op: OperationCode, slot: number): void {
    const t = this.tasks;
    if (t.polls[slot] >= 0) {
      this.onPoll(f, op, slot);
      return;
    }
    const { plan, request } = this.c;
    const call = t.call[slot] >= 0 ? plan.calls[t.call[slot]] : null;
    request.slot = slot;
    request.params = call?.params ?? NO_PARAMS;
    // A code update stages no configuration change.
    request.change = op === Operation.UpdateFunctionConfiguration ? this.configOfTask(slot) : undefined;
    const error = this.lifecycle.applyOperation(f, op);
    if (error !== ANSWER_LATER) this.taskAnswer(slot, error); // else the coordinator answers (control-plane.ts)
  }

  /** The account's API rate refused a task's call (R14). */
  onApiThrottled(f: number, op: OperationCode, slot: number): void {
    const obs = this.c.obs;
    obs.api[op * ERROR_COUNT + ApiError.TooManyRequestsException]++;
    obs.apiThrottles[op]++;
    this.trace.traceNow(f, op, ApiError.TooManyRequestsException, Messages.rateExceeded);
    this.taskAnswer(slot, ApiError.TooManyRequestsException);
  }

  /** The answer to a task's call (or poll). Retries as the SDK's retry policy says, then moves on. */
  taskAnswer(slot: number, error: number): void {
    const { obs, plan } = this.c;
    // What goes with this answer (FleetContext.answerVersion): taken now, so no later answer sees it.
    const version = this.c.answerVersion;
    const message = this.c.answerMessage;
    this.c.answerVersion = 0;
    this.c.answerMessage = "";
    const t = this.tasks;
    const client = plan.clients[t.client[slot]];
    const retryable = error === ApiError.TooManyRequestsException || API_ERROR_HTTP_STATUS[error] >= 500;
    if (retryable && t.attempt[slot] < client.retry.maxAttempts) {
      const attempt = t.attempt[slot]++;
      obs.clientRetries++;
      const base =
        error === ApiError.TooManyRequestsException
          ? client.retry.throttleBaseDelayUs
          : client.retry.baseDelayUs;
      const capUs = Math.min(client.retry.maxBackoffUs, base * 2 ** (attempt - 1));
      this.c.p.after(Math.round(this.c.clientRng.next(t.fn[slot]) * capUs), Ev.Task, slot, 0, 0);
      return;
    }
    t.attempt[slot] = 1;
    if (retryable) obs.clientGaveUp++;
    const explicit = t.call[slot] >= 0 && t.polls[slot] < 0;
    // Explicit calls are few: each one's answer is kept, so a replay of a session can be compared call by call.
    if (explicit) this.c.callAnswers.push(t.call[slot], error, this.c.p.nowUs);
    const listener = this.c.onCallAnswer;
    const live = this.c.live;
    if (listener !== null && explicit)
      listener(
        t.call[slot],
        error,
        t.fn[slot],
        this.c.fn,
        version,
        message,
        live === null ? null : live.take(slot),
      );
    else if (live !== null) live.clear(slot); // a live run's own workload: nobody to tell
    if (t.polls[slot] >= 0) {
      // An error no acceptor matches ends the wait.
      obs.waiters[WaiterOutcome.Failed]++;
      t.release(slot);
      return;
    }
    const succeeded =
      error === ApiError.None || error === ApiError.FunctionError || error === ApiError.Timeout;
    if (!succeeded) {
      t.release(slot);
      return;
    }
    const spec = waiterAfter(t.op[slot] as OperationCode, client.waiter);
    if (spec !== null) {
      obs.waiters[WaiterOutcome.Started]++;
      t.waiter[slot] = spec;
      t.polls[slot] = 0;
      this.issue(slot);
      return;
    }
    this.advance(slot);
  }

  private onPoll(f: number, op: OperationCode, slot: number): void {
    const obs = this.c.obs;
    const t = this.tasks;
    const spec = t.waiter[slot]!;
    const request = this.c.request;
    request.slot = slot;
    request.params = NO_PARAMS;
    request.change = undefined;
    const error = this.lifecycle.applyOperation(f, op);
    if (error !== ApiError.None) {
      this.taskAnswer(slot, error);
      return;
    }
    t.attempt[slot] = 1;
    const polls = ++t.polls[slot];
    const verdict = judge(spec, this.observe(f, spec.path));
    if (verdict === Verdict.Success) {
      obs.waiters[WaiterOutcome.Succeeded]++;
      if (t.op[slot] === Operation.CreateFunction)
        obs.record(Hist.CreateToActiveClient, this.c.p.nowUs - t.startUs[slot]);
      t.polls[slot] = -1;
      t.waiter[slot] = null;
      this.advance(slot);
    } else if (verdict === Verdict.Failure) {
      obs.waiters[WaiterOutcome.Failed]++;
      t.release(slot);
    } else if (polls >= spec.maxAttempts) {
      obs.waiters[WaiterOutcome.TimedOut]++;
      t.release(slot);
    } else {
      this.c.p.after(spec.delayUs, Ev.Task, slot, 0, 0);
    }
  }

  /** What a waiter's read observes. */
  private observe(f: number, path: "State" | "LastUpdateStatus" | "VersionState"): string {
    const fn = this.c.fn;
    const ph = fn.phase[f] as PhaseCode;
    if (path === "State") return ph === Phase.Absent ? "" : stateNameOf(ph);
    if (path === "LastUpdateStatus") return LAST_UPDATE_STATUS_NAMES[fn.reportedLus(f, ph)];
    if (fn.versions[f] === 0) return "";
    return fn.latestVersionActive[f] === 1 ? "Active" : "Pending";
  }

  /** Moves a task to its next `then` call, or ends it. */
  private advance(slot: number): void {
    const t = this.tasks;
    const step = t.step[slot] >= 0 ? this.c.plan.steps[t.step[slot]] : null;
    const next = t.thenPos[slot] + 1;
    if (step === null || next >= step.then.length) {
      t.release(slot);
      return;
    }
    t.thenPos[slot] = next;
    t.op[slot] = Operation[step.then[next]];
    t.attempt[slot] = 1;
    t.startUs[slot] = this.c.p.nowUs;
    this.issue(slot);
  }

  private configOfTask(slot: number): PlanConfigChange | undefined {
    const t = this.tasks;
    if (t.step[slot] >= 0) return this.c.plan.steps[t.step[slot]].config;
    return this.c.plan.calls[t.call[slot]].config;
  }
}
