/**
 * The lifecycle rules, in one table: (phase, operation or service event) ->
 * answer, next phase and effect. The function actor dispatches on it, the
 * README prints it and the tests enumerate it; no rule is written anywhere
 * else.
 *
 * A phase is a function's (State, LastUpdateStatus = InProgress?) pair, plus
 * Absent for a name with no function behind it.
 */
import {
  ApiError,
  type ApiErrorCode,
  functionArn,
  Messages,
  Operation,
  OPERATION_NAMES,
  type OperationName,
  type StateName,
} from "./aws-names.js";

export const Phase = {
  Absent: 0,
  PendingCreating: 1,
  PendingRestoring: 2,
  Active: 3,
  ActiveUpdating: 4,
  Inactive: 5,
  InactiveUpdating: 6,
  Failed: 7,
  FailedUpdating: 8,
} as const;
export type PhaseCode = (typeof Phase)[keyof typeof Phase];
export const PHASE_NAMES = [
  "Absent",
  "Pending (Creating)",
  "Pending (Restoring)",
  "Active",
  "Active, update InProgress",
  "Inactive",
  "Inactive, update InProgress",
  "Failed",
  "Failed, update InProgress",
] as const;
export const PHASE_COUNT = PHASE_NAMES.length;

/** Things the service does on its own, which move a function between phases. */
export const SERVICE_EVENT_NAMES = [
  "ProvisioningSucceeded",
  "ProvisioningFailed",
  "UpdateSucceeded",
  "UpdateFailed",
  "IdleTimeout",
  "RestoreSucceeded",
  "RestoreFailed",
] as const;
export type ServiceEventName = (typeof SERVICE_EVENT_NAMES)[number];

/** Operations are 0..13 (aws-names Operation); service events follow them. */
export const Trigger = {
  ...Operation,
  ProvisioningSucceeded: 14,
  ProvisioningFailed: 15,
  UpdateSucceeded: 16,
  UpdateFailed: 17,
  IdleTimeout: 18,
  RestoreSucceeded: 19,
  RestoreFailed: 20,
} as const;
export type TriggerCode = (typeof Trigger)[keyof typeof Trigger];
export const TRIGGER_NAMES = [...OPERATION_NAMES, ...SERVICE_EVENT_NAMES] as const;
export type TriggerName = OperationName | ServiceEventName;
export const TRIGGER_COUNT = TRIGGER_NAMES.length;

/** Conditions a rule can depend on, evaluated by the actor. */
export type Guard =
  /** R5: the function has been Pending longer than the stuck threshold. */
  | "pendingTooLong"
  /** R13: a restore failed with a cause that blocks new attempts for a while. */
  | "restoreBlocked";

/** What the actor does when a rule fires. */
export type Effect =
  | "none"
  | "startCreate"
  | "activate"
  | "fail"
  | "cancelPending"
  | "startUpdate"
  | "completeUpdate"
  | "failUpdate"
  | "publishVersion"
  | "runInvocation"
  | "goInactive"
  /** V1: CreateAlias / UpdateAlias (versions/aliases module checks the parameters). */
  | "configureAlias"
  /** V2, V4: reserved or provisioned concurrency (the coordinator checks the account's pool). */
  | "configureConcurrency"
  | "startRestore"
  | "completeRestore"
  | "failRestore"
  | "delete";

/** The answer the caller gets; message names a template in aws-names Messages. */
export type Answer =
  | { error: typeof ApiError.None }
  | {
      error: typeof ApiError.ResourceConflictException;
      message: "pendingConflict" | "updateInProgress" | "alreadyExists";
    }
  | { error: typeof ApiError.ResourceNotReadyException; message: "notReady" }
  | { error: typeof ApiError.ResourceNotFoundException; message: "notFound" };

export interface Rule {
  /** The rule ids this row implements. */
  ids: string[];
  from: PhaseCode;
  on: TriggerCode;
  guard?: Guard;
  answer: Answer;
  to: PhaseCode;
  effect: Effect;
}

const OK: Answer = { error: ApiError.None };
const PENDING: Answer = { error: ApiError.ResourceConflictException, message: "pendingConflict" };
const IN_PROGRESS: Answer = { error: ApiError.ResourceConflictException, message: "updateInProgress" };
const EXISTS: Answer = { error: ApiError.ResourceConflictException, message: "alreadyExists" };
const NOT_READY: Answer = { error: ApiError.ResourceNotReadyException, message: "notReady" };
const NOT_FOUND: Answer = { error: ApiError.ResourceNotFoundException, message: "notFound" };

const P = Phase;
const T = Trigger;
const UPDATES = [T.UpdateFunctionCode, T.UpdateFunctionConfiguration] as const;
const READS = [T.GetFunction, T.GetFunctionConfiguration] as const;
const EXISTING: PhaseCode[] = [
  P.PendingCreating,
  P.PendingRestoring,
  P.Active,
  P.ActiveUpdating,
  P.Inactive,
  P.InactiveUpdating,
  P.Failed,
  P.FailedUpdating,
];

function rows(): Rule[] {
  const r: Rule[] = [];
  const add = (
    ids: string[],
    from: PhaseCode,
    on: TriggerCode,
    answer: Answer,
    to: PhaseCode,
    effect: Effect,
    guard?: Guard,
  ) =>
    r.push(
      guard === undefined
        ? { ids, from, on, answer, to, effect }
        : { ids, from, on, guard, answer, to, effect },
    );

  // R16: names with no function; CreateFunction on a taken name.
  add(["R1"], P.Absent, T.CreateFunction, OK, P.PendingCreating, "startCreate");
  for (let op = T.Invoke; op < OPERATION_NAMES.length; op++)
    add(["R16"], P.Absent, op as TriggerCode, NOT_FOUND, P.Absent, "none");
  for (const ph of EXISTING) add(["R16"], ph, T.CreateFunction, EXISTS, ph, "none");

  // Reads and deletes work in every state (R4, R18).
  for (const ph of EXISTING) {
    for (const op of READS) add(["R4"], ph, op, OK, ph, "none");
    add(["R18"], ph, T.DeleteFunction, OK, P.Absent, "delete");
  }

  // Aliases and concurrency settings are function configuration outside the
  // State lifecycle: accepted in every State (V1, V2, V4); their parameters
  // are checked by the effect.
  for (const ph of EXISTING) {
    add(["V1"], ph, T.CreateAlias, OK, ph, "configureAlias");
    add(["V1", "V3"], ph, T.UpdateAlias, OK, ph, "configureAlias");
    add(["V4"], ph, T.PutFunctionConcurrency, OK, ph, "configureConcurrency");
    add(["V4"], ph, T.DeleteFunctionConcurrency, OK, ph, "configureConcurrency");
    add(["V2"], ph, T.PutProvisionedConcurrencyConfig, OK, ph, "configureConcurrency");
    add(["V2"], ph, T.DeleteProvisionedConcurrencyConfig, OK, ph, "configureConcurrency");
  }

  // Pending, whether creating or restoring (R2-R5, R12, R13).
  for (const ph of [P.PendingCreating, P.PendingRestoring] as const) {
    for (const op of [...UPDATES, T.PublishVersion]) {
      add(["R5"], ph, op, PENDING, P.Failed, "cancelPending", "pendingTooLong");
      add(["R4"], ph, op, PENDING, ph, "none");
    }
  }
  add(["R4"], P.PendingCreating, T.Invoke, PENDING, P.PendingCreating, "none");
  add(["R2"], P.PendingCreating, T.ProvisioningSucceeded, OK, P.Active, "activate");
  add(["R3"], P.PendingCreating, T.ProvisioningFailed, OK, P.Failed, "fail");
  add(["R12"], P.PendingRestoring, T.Invoke, NOT_READY, P.PendingRestoring, "none");
  add(["R12"], P.PendingRestoring, T.RestoreSucceeded, OK, P.Active, "completeRestore");
  add(["R12", "R13"], P.PendingRestoring, T.RestoreFailed, OK, P.Inactive, "failRestore");

  // Active (R6, R11, R17, D1-D4).
  add(["D1"], P.Active, T.Invoke, OK, P.Active, "runInvocation");
  for (const op of UPDATES) add(["R6"], P.Active, op, OK, P.ActiveUpdating, "startUpdate");
  add(["R17"], P.Active, T.PublishVersion, OK, P.Active, "publishVersion");
  add(["R11"], P.Active, T.IdleTimeout, OK, P.Inactive, "goInactive");

  // Inactive (R6, R12, R13, R17).
  add(["R13"], P.Inactive, T.Invoke, NOT_READY, P.Inactive, "none", "restoreBlocked");
  add(["R12"], P.Inactive, T.Invoke, NOT_READY, P.PendingRestoring, "startRestore");
  for (const op of UPDATES) add(["R6"], P.Inactive, op, OK, P.InactiveUpdating, "startUpdate");
  add(["R17"], P.Inactive, T.PublishVersion, OK, P.Inactive, "publishVersion");

  // Failed (R6 and the troubleshooting seed: "attempt another update").
  add(["R4"], P.Failed, T.Invoke, PENDING, P.Failed, "none");
  for (const op of UPDATES) add(["R6"], P.Failed, op, OK, P.FailedUpdating, "startUpdate");
  add(["R4"], P.Failed, T.PublishVersion, PENDING, P.Failed, "none");

  // Update in progress (R7-R9): invocations run the previous revision; other changes conflict.
  const updating = [
    [P.ActiveUpdating, P.Active, P.Active],
    [P.InactiveUpdating, P.Active, P.Inactive],
    [P.FailedUpdating, P.Active, P.Failed],
  ] as const;
  for (const [ph, onSuccess, onFailure] of updating) {
    for (const op of [...UPDATES, T.PublishVersion]) add(["R7"], ph, op, IN_PROGRESS, ph, "none");
    add(["R8"], ph, T.UpdateSucceeded, OK, onSuccess, "completeUpdate");
    add(["R9"], ph, T.UpdateFailed, OK, onFailure, "failUpdate");
  }
  add(["R7"], P.ActiveUpdating, T.Invoke, OK, P.ActiveUpdating, "runInvocation");
  add(["R12"], P.InactiveUpdating, T.Invoke, NOT_READY, P.InactiveUpdating, "none");
  add(["R4"], P.FailedUpdating, T.Invoke, PENDING, P.FailedUpdating, "none");
  return r;
}

export const LIFECYCLE_RULES: readonly Rule[] = rows();

/**
 * Dispatch index: for each (phase, trigger), the rules in table order. The
 * first rule whose guard holds (or that has none) applies; none means the
 * trigger does not apply in that phase (a stale service event).
 */
const INDEX: Rule[][] = (() => {
  const idx: Rule[][] = [];
  for (let i = 0; i < PHASE_COUNT * TRIGGER_COUNT; i++) idx.push([]);
  for (const rule of LIFECYCLE_RULES) idx[rule.from * TRIGGER_COUNT + rule.on].push(rule);
  return idx;
})();

export function rulesFor(phase: PhaseCode, trigger: TriggerCode): readonly Rule[] {
  return INDEX[phase * TRIGGER_COUNT + trigger];
}

/** The rule that applies, given which guards hold; null when the trigger does not apply. */
export function lookupRule(
  phase: PhaseCode,
  trigger: TriggerCode,
  guardHolds: (g: Guard) => boolean,
): Rule | null {
  const candidates = INDEX[phase * TRIGGER_COUNT + trigger];
  for (let i = 0; i < candidates.length; i++) {
    const rule = candidates[i];
    if (rule.guard === undefined || guardHolds(rule.guard)) return rule;
  }
  return null;
}

/** Every (from, to) pair some rule allows; the run's transition invariant checks against it. */
export const ALLOWED_TRANSITIONS: ReadonlySet<number> = new Set(
  LIFECYCLE_RULES.map((r) => r.from * PHASE_COUNT + r.to),
);

export function answerErrorOf(rule: Rule): ApiErrorCode {
  return rule.answer.error;
}

/**
 * The message the caller reads with a rule's answer, in AWS's words ("" for
 * success). `stateName` is the function's State when the call arrived.
 */
export function answerMessage(answer: Answer, functionName: string, stateName: string): string {
  if (answer.error === ApiError.None) return "";
  switch (answer.message) {
    case "pendingConflict":
      return Messages.pendingConflict(stateName as StateName);
    case "updateInProgress":
      return Messages.updateInProgress(functionArn(functionName));
    case "alreadyExists":
      return Messages.alreadyExists(functionName);
    case "notFound":
      return Messages.notFound(functionArn(functionName));
    case "notReady":
      return Messages.notReady;
  }
}
