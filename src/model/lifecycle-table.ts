/**
 * The lifecycle rules, in one table: (phase, operation or service event) ->
 * answer, next phase and effect, with the guards that choose between rules.
 * The model dispatches on it (fleet-partition.ts runs each effect), the
 * README prints it and the tests enumerate it; no rule is written anywhere
 * else. That includes the checks an invocation passes (V6, V8, V9, V1, R17),
 * an admitted invocation's start (R18), an environment kept warm or retired
 * (R8), and the idle clock (R11).
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
  qualifiedArn,
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

/**
 * Things the service does on its own: they move a function between phases,
 * or run its invocations. Existing is the scenario's: a function that exists,
 * Active, when the run starts.
 */
export const SERVICE_EVENT_NAMES = [
  "ProvisioningSucceeded",
  "ProvisioningFailed",
  "UpdateSucceeded",
  "UpdateFailed",
  "IdleTimeout",
  "RestoreSucceeded",
  "RestoreFailed",
  "Existing",
  "InvocationStart",
  "InvocationEnd",
] as const;
export type ServiceEventName = (typeof SERVICE_EVENT_NAMES)[number];

/** Operations are 0..14 (aws-names Operation); service events follow them. */
export const Trigger = {
  ...Operation,
  ProvisioningSucceeded: 15,
  ProvisioningFailed: 16,
  UpdateSucceeded: 17,
  UpdateFailed: 18,
  IdleTimeout: 19,
  RestoreSucceeded: 20,
  RestoreFailed: 21,
  Existing: 22,
  /** An admitted invocation reaches an execution environment. */
  InvocationStart: 23,
  /** An invocation ended: its environment is kept warm or retired. */
  InvocationEnd: 24,
} as const;
export type TriggerCode = (typeof Trigger)[keyof typeof Trigger];
export const TRIGGER_NAMES = [...OPERATION_NAMES, ...SERVICE_EVENT_NAMES] as const;
export type TriggerName = OperationName | ServiceEventName;
export const TRIGGER_COUNT = TRIGGER_NAMES.length;

/** Conditions a rule can depend on, evaluated by the lifecycle (lifecycle.ts guardHolds). */
export type Guard =
  /** R5: the function has been Pending longer than the stuck threshold. */
  | "pendingTooLong"
  /** R13: a restore failed with a cause that blocks new attempts for a while. */
  | "restoreBlocked"
  /** V8: the caller may not invoke the function (identity or resource-based policy). */
  | "callerDenied"
  /** V6: InvocationType Event. */
  | "eventInvocation"
  /** V9: the function's KMS key is disabled, or Lambda's grant on it revoked. */
  | "kmsBlocked"
  /** V1: the qualifier names no version or alias of the function (resolving an alias draws its routing). */
  | "qualifierNotFound"
  /** R17: the version the request resolves to is still Pending. */
  | "versionPending"
  /** R8, R18: the environment ran a revision no longer live, its function is gone, or Lambda stopped it. */
  | "environmentRetired"
  /** R11: invoked since the check was armed: the idle deadline moved on. */
  | "invokedSinceCheck"
  /** R11: an invocation is running. */
  | "environmentsBusy"
  /** R11: provisioned concurrency keeps environments in use (V2). */
  | "provisionedInUse";

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
  /** V1: CreateAlias / UpdateAlias / DeleteAlias (versions/aliases module checks the parameters). */
  | "configureAlias"
  /** V2, V4: reserved or provisioned concurrency (the coordinator checks the account's pool). */
  | "configureConcurrency"
  | "startRestore"
  | "completeRestore"
  | "failRestore"
  | "delete"
  /** The scenario's existing function: Active, revision 1, holding its VPC's ENIs. */
  | "adoptExisting"
  /** V8: refused before the State rules, taking no concurrency. */
  | "denyAccess"
  /** V6: the event joins the function's queue; the caller is answered 202. */
  | "queueEvent"
  /** V9: no invocation, no concurrency, and no warm environment kept. */
  | "refuseKms"
  /** V1, R17: refused for its qualifier (the request still counts as activity for the idle clock). */
  | "refuseQualifier"
  /** D1: the admitted invocation starts on a warm environment or a cold one. */
  | "startInvocation"
  /** R18: the function was deleted between admission and start: its concurrency goes back. */
  | "abandonInvocation"
  /** D2: the environment stays warm for the next request. */
  | "keepEnvironment"
  /** R8, R18: the environment is not kept. */
  | "retireEnvironment"
  /** R11: the idle check re-arms at the deadline of the latest invocation. */
  | "rearmIdleCheck";

/**
 * Guards and effects as small integers, for the hot path's switches (a
 * string switch compares case by case); the table and its docs keep the
 * names. Every name has a code, and no code is taken twice (table.test.ts).
 */
export const GuardCode = {
  pendingTooLong: 1,
  restoreBlocked: 2,
  callerDenied: 3,
  eventInvocation: 4,
  kmsBlocked: 5,
  qualifierNotFound: 6,
  versionPending: 7,
  environmentRetired: 8,
  invokedSinceCheck: 9,
  environmentsBusy: 10,
  provisionedInUse: 11,
} as const satisfies Record<Guard, number>;
export type GuardCodeValue = (typeof GuardCode)[Guard];
/** The guard code of a rule that applies whatever holds. */
export const NO_GUARD = 0;

export const EffectCode = {
  none: 0,
  startCreate: 1,
  activate: 2,
  fail: 3,
  cancelPending: 4,
  startUpdate: 5,
  completeUpdate: 6,
  failUpdate: 7,
  publishVersion: 8,
  runInvocation: 9,
  goInactive: 10,
  configureAlias: 11,
  configureConcurrency: 12,
  startRestore: 13,
  completeRestore: 14,
  failRestore: 15,
  delete: 16,
  adoptExisting: 17,
  denyAccess: 18,
  queueEvent: 19,
  refuseKms: 20,
  refuseQualifier: 21,
  startInvocation: 22,
  abandonInvocation: 23,
  keepEnvironment: 24,
  retireEnvironment: 25,
  rearmIdleCheck: 26,
} as const satisfies Record<Effect, number>;
export type EffectCodeValue = (typeof EffectCode)[Effect];

/** The answer the caller gets; message names a template in aws-names Messages. */
export type Answer =
  | { error: typeof ApiError.None }
  | {
      error: typeof ApiError.ResourceConflictException;
      message: "pendingConflict" | "updateInProgress" | "alreadyExists" | "versionPending";
    }
  | { error: typeof ApiError.ResourceNotReadyException; message: "notReady" }
  | { error: typeof ApiError.ResourceNotFoundException; message: "notFound" | "qualifierNotFound" }
  | { error: typeof ApiError.AccessDeniedException; message: "accessDenied" }
  | { error: typeof ApiError.KMSDisabledException; message: "kmsDisabled" };

export interface Rule {
  /** The rule ids this row implements. */
  ids: string[];
  from: PhaseCode;
  on: TriggerCode;
  /** Undefined when the rule applies whatever holds. */
  guard: Guard | undefined;
  /** The guard's code (NO_GUARD when undefined). */
  guardCode: GuardCodeValue | typeof NO_GUARD;
  answer: Answer;
  to: PhaseCode;
  effect: Effect;
  effectCode: EffectCodeValue;
  /**
   * A check on a request or a timer, not a step of the lifecycle: it is not
   * counted among the transitions taken nor traced as a record of its own
   * (what it answers is traced with the invocation's outcome).
   */
  quiet: boolean;
}

const OK: Answer = { error: ApiError.None };
const PENDING: Answer = { error: ApiError.ResourceConflictException, message: "pendingConflict" };
const IN_PROGRESS: Answer = { error: ApiError.ResourceConflictException, message: "updateInProgress" };
const EXISTS: Answer = { error: ApiError.ResourceConflictException, message: "alreadyExists" };
const NOT_READY: Answer = { error: ApiError.ResourceNotReadyException, message: "notReady" };
const NOT_FOUND: Answer = { error: ApiError.ResourceNotFoundException, message: "notFound" };
const DENIED: Answer = { error: ApiError.AccessDeniedException, message: "accessDenied" };
const KMS_DISABLED: Answer = { error: ApiError.KMSDisabledException, message: "kmsDisabled" };
const NO_QUALIFIER: Answer = { error: ApiError.ResourceNotFoundException, message: "qualifierNotFound" };
const VERSION_PENDING: Answer = { error: ApiError.ResourceConflictException, message: "versionPending" };

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
  // Every rule has the same fields in the same order: one object shape, so the
  // dispatch's property reads stay monomorphic.
  const push = (
    ids: string[],
    from: PhaseCode,
    on: TriggerCode,
    guard: Guard | undefined,
    answer: Answer,
    to: PhaseCode,
    effect: Effect,
    quiet: boolean,
  ) =>
    r.push({
      ids,
      from,
      on,
      guard,
      guardCode: guard === undefined ? NO_GUARD : GuardCode[guard],
      answer,
      to,
      effect,
      effectCode: EffectCode[effect],
      quiet,
    });
  const add = (
    ids: string[],
    from: PhaseCode,
    on: TriggerCode,
    answer: Answer,
    to: PhaseCode,
    effect: Effect,
    guard?: Guard,
  ) => push(ids, from, on, guard, answer, to, effect, false);
  // A check that leaves the phase as it is (Rule.quiet).
  const check = (
    ids: string[],
    from: PhaseCode,
    on: TriggerCode,
    answer: Answer,
    effect: Effect,
    guard?: Guard,
  ) => push(ids, from, on, guard, answer, from, effect, true);

  // V8: authorisation comes before the State rules, for every name.
  for (const ph of [P.Absent, ...EXISTING]) check(["V8"], ph, T.Invoke, DENIED, "denyAccess", "callerDenied");

  // R16: names with no function; CreateFunction on a taken name.
  add(["R1"], P.Absent, T.CreateFunction, OK, P.PendingCreating, "startCreate");
  // The scenario's existing functions: created and provisioned before the run (R2).
  push(["R2"], P.Absent, T.Existing, undefined, OK, P.Active, "adoptExisting", true);

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
    check(["V1"], ph, T.CreateAlias, OK, "configureAlias");
    check(["V1", "V3"], ph, T.UpdateAlias, OK, "configureAlias");
    check(["V1"], ph, T.DeleteAlias, OK, "configureAlias");
    check(["V4"], ph, T.PutFunctionConcurrency, OK, "configureConcurrency");
    check(["V4"], ph, T.DeleteFunctionConcurrency, OK, "configureConcurrency");
    check(["V2"], ph, T.PutProvisionedConcurrencyConfig, OK, "configureConcurrency");
    check(["V2"], ph, T.DeleteProvisionedConcurrencyConfig, OK, "configureConcurrency");
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

  // Active (R6, R11, R17, D1-D4). An invocation that may run is an Event queued
  // (V6), refused for the function's key (V9) or for its qualifier (V1, R17), or run.
  for (const ph of [P.Active, P.ActiveUpdating] as const) {
    const ids = ph === P.Active ? ["D1"] : ["R7"];
    check(["V6"], ph, T.Invoke, OK, "queueEvent", "eventInvocation");
    check(["V9"], ph, T.Invoke, KMS_DISABLED, "refuseKms", "kmsBlocked");
    check(["V1"], ph, T.Invoke, NO_QUALIFIER, "refuseQualifier", "qualifierNotFound");
    check(["R17"], ph, T.Invoke, VERSION_PENDING, "refuseQualifier", "versionPending");
    check(ids, ph, T.Invoke, OK, "runInvocation");
  }
  for (const op of UPDATES) add(["R6"], P.Active, op, OK, P.ActiveUpdating, "startUpdate");
  add(["R17"], P.Active, T.PublishVersion, OK, P.Active, "publishVersion");
  // R11: at the idle deadline, a function invoked meanwhile, busy, or holding provisioned
  // environments is not idle: the check re-arms or lapses (the next invocation's end arms it).
  check(["R11"], P.Active, T.IdleTimeout, OK, "rearmIdleCheck", "invokedSinceCheck");
  check(["R11"], P.Active, T.IdleTimeout, OK, "none", "environmentsBusy");
  check(["R11", "V2"], P.Active, T.IdleTimeout, OK, "none", "provisionedInUse");
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
  add(["R12"], P.InactiveUpdating, T.Invoke, NOT_READY, P.InactiveUpdating, "none");
  add(["R4"], P.FailedUpdating, T.Invoke, PENDING, P.FailedUpdating, "none");

  // Execution environments. An admitted invocation starts whatever the phase
  // now (R7: during an update it runs the previous revision), unless its
  // function was deleted meanwhile (R18). At its end the environment stays
  // warm only if it runs the live revision of the same function (R8, R18).
  check(["R18"], P.Absent, T.InvocationStart, NOT_FOUND, "abandonInvocation");
  check(["R18"], P.Absent, T.InvocationEnd, OK, "retireEnvironment");
  for (const ph of EXISTING) {
    check(["D1"], ph, T.InvocationStart, OK, "startInvocation");
    check(["R8", "R18"], ph, T.InvocationEnd, OK, "retireEnvironment", "environmentRetired");
    check(["D2"], ph, T.InvocationEnd, OK, "keepEnvironment");
  }
  return r;
}

export const LIFECYCLE_RULES: readonly Rule[] = rows();

/**
 * The service events a pending operation's answer raises, by phase: on
 * success, on failure; null where nothing is pending (a late answer).
 */
export const SETTLED_BY: readonly (readonly [TriggerCode, TriggerCode] | null)[] = [
  null,
  [T.ProvisioningSucceeded, T.ProvisioningFailed],
  [T.RestoreSucceeded, T.RestoreFailed],
  null,
  [T.UpdateSucceeded, T.UpdateFailed],
  null,
  [T.UpdateSucceeded, T.UpdateFailed],
  null,
  [T.UpdateSucceeded, T.UpdateFailed],
];

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
  guardHolds: (guard: Guard, code: GuardCodeValue) => boolean,
  index: readonly (readonly Rule[])[] = INDEX,
): Rule | null {
  const candidates = index[phase * TRIGGER_COUNT + trigger];
  for (let i = 0; i < candidates.length; i++) {
    const rule = candidates[i];
    if (rule.guardCode === NO_GUARD || guardHolds(rule.guard!, rule.guardCode)) return rule;
  }
  return null;
}

/**
 * The table's index without the rules whose guard can never hold in a run
 * (a plan with no callers never denies one, say): the same rules apply in
 * the same order, and the hot path checks fewer guards.
 */
export function indexWithout(neverHolds: ReadonlySet<GuardCodeValue>): readonly (readonly Rule[])[] {
  return INDEX.map((rules) => rules.filter((r) => r.guardCode === NO_GUARD || !neverHolds.has(r.guardCode)));
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
    case "qualifierNotFound":
      return Messages.qualifierNotFound(qualifiedArn(functionName, "<qualifier>"));
    case "versionPending":
      return Messages.pendingConflict("Pending");
    case "accessDenied":
      return Messages.accessDenied("<caller>", functionName);
    case "kmsDisabled":
      return Messages.kmsDisabled;
  }
}
