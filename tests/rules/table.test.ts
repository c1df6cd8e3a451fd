/**
 * The lifecycle table itself: complete over (phase, operation), consistent,
 * printable, and obeyed by the running model cell by cell.
 */
import { describe, expect, it } from "vitest";
import { API_ERROR_NAMES, OPERATION_NAMES, type OperationName } from "../../src/model/aws-names.js";
import { isInProgress, stateNameOf } from "../../src/model/function-view.js";
import { GUARD_TEXT, lifecycleTableMarkdown } from "../../src/model/lifecycle-doc.js";
import {
  ALLOWED_TRANSITIONS,
  answerMessage,
  EffectCode,
  GuardCode,
  type GuardCodeValue,
  indexWithout,
  LIFECYCLE_RULES,
  NO_GUARD,
  lookupRule,
  PHASE_COUNT,
  PHASE_NAMES,
  Phase,
  type PhaseCode,
  rulesFor,
  SETTLED_BY,
  TRIGGER_COUNT,
  TRIGGER_NAMES,
  Trigger,
  type TriggerCode,
} from "../../src/model/lifecycle-table.js";
import { aliasQualifier } from "../../src/model/qualifiers.js";
import { constant, PlanBuilder, sec } from "../helpers/plan-builder.js";
import { expectInvariantsHold, runTraced } from "../helpers/run-traced.js";

const PHASES = Array.from({ length: PHASE_COUNT }, (_, i) => i as PhaseCode);
const OPERATIONS = OPERATION_NAMES.map((_, i) => i as TriggerCode);
const SERVICE_EVENTS = Array.from(
  { length: TRIGGER_COUNT - OPERATIONS.length },
  (_, i) => (OPERATIONS.length + i) as TriggerCode,
);
const RULE_IDS = [
  ...Array.from({ length: 19 }, (_, i) => `R${i + 1}`),
  "D1",
  "D2",
  "D3",
  "D4",
  "V1",
  "V2",
  "V3",
  "V4",
  "V6",
  "V8",
  "V9",
];

describe("the lifecycle table", () => {
  it("every (phase, operation) pair has a rule, and its last candidate has no guard", () => {
    const missing: string[] = [];
    for (const ph of PHASES) {
      for (const op of OPERATIONS) {
        const candidates = rulesFor(ph, op);
        if (candidates.length === 0 || candidates[candidates.length - 1].guard !== undefined) {
          missing.push(`${PHASE_NAMES[ph]} x ${TRIGGER_NAMES[op]}`);
        }
        expect(lookupRule(ph, op, () => false)).not.toBeNull();
        expect(lookupRule(ph, op, () => true)).not.toBeNull();
      }
    }
    expect(missing).toEqual([]);
    expect(PHASES.length * OPERATIONS.length).toBe(9 * 15);
  });

  it("every guard and effect has its own code, and each rule carries the codes of its names", () => {
    const guardCodes = Object.values(GuardCode);
    const effectCodes = Object.values(EffectCode);
    expect(new Set(guardCodes).size).toBe(guardCodes.length);
    expect(guardCodes).not.toContain(NO_GUARD);
    expect(new Set(effectCodes).size).toBe(effectCodes.length);
    for (const rule of LIFECYCLE_RULES) {
      expect(rule.guardCode).toBe(rule.guard === undefined ? NO_GUARD : GuardCode[rule.guard]);
      expect(rule.effectCode).toBe(EffectCode[rule.effect]);
    }
  });

  it("a run's index without guards that never hold picks the same rule as the whole table, for every combination of the other guards", () => {
    const codes = Object.values(GuardCode) as GuardCodeValue[];
    const never = new Set<GuardCodeValue>([
      GuardCode.callerDenied,
      GuardCode.kmsBlocked,
      GuardCode.qualifierNotFound,
    ]);
    const index = indexWithout(never);
    expect(index.flat().length).toBeLessThan(LIFECYCLE_RULES.length);
    for (let mask = 0; mask < 1 << codes.length; mask++) {
      const holds = (_g: unknown, code: GuardCodeValue): boolean =>
        !never.has(code) && (mask & (1 << codes.indexOf(code))) !== 0;
      for (let ph = 0; ph < PHASE_COUNT; ph++)
        for (let t = 0; t < TRIGGER_COUNT; t++)
          expect(lookupRule(ph as PhaseCode, t as TriggerCode, holds, index)).toBe(
            lookupRule(ph as PhaseCode, t as TriggerCode, holds),
          );
    }
  });

  it("every rule names known rule ids, and every guard belongs to the rules that name it", () => {
    for (const rule of LIFECYCLE_RULES) {
      expect(rule.ids.length).toBeGreaterThan(0);
      for (const id of rule.ids) expect(RULE_IDS).toContain(id);
    }
    const guarded = LIFECYCLE_RULES.filter((r) => r.guard !== undefined).map((r) => `${r.ids}:${r.guard}`);
    expect(new Set(guarded)).toEqual(
      new Set([
        "R5:pendingTooLong",
        "R13:restoreBlocked",
        "V8:callerDenied",
        "V6:eventInvocation",
        "V9:kmsBlocked",
        "V1:qualifierNotFound",
        "R17:versionPending",
        "R8,R18:environmentRetired",
        "R11:invokedSinceCheck",
        "R11:environmentsBusy",
        "R11,V2:provisionedInUse",
      ]),
    );
  });

  it("V8 comes before every State rule of Invoke; where an invocation may run, V6, V9, V1 and R17 come first, in that order", () => {
    for (const ph of PHASES) {
      const guards = rulesFor(ph, Trigger.Invoke).map((r) => r.guard ?? "-");
      expect(guards[0], PHASE_NAMES[ph]).toBe("callerDenied");
      const runs = rulesFor(ph, Trigger.Invoke).some((r) => r.effect === "runInvocation");
      if (runs)
        expect(guards).toEqual([
          "callerDenied",
          "eventInvocation",
          "kmsBlocked",
          "qualifierNotFound",
          "versionPending",
          "-",
        ]);
    }
    const runsIn = PHASES.filter((ph) =>
      rulesFor(ph, Trigger.Invoke).some((r) => r.effect === "runInvocation"),
    );
    expect(runsIn).toEqual([Phase.Active, Phase.ActiveUpdating]);
  });

  it("quiet rules are checks: none moves the phase but the scenario's Existing, none is an API operation's State step", () => {
    for (const r of LIFECYCLE_RULES.filter((x) => x.quiet)) {
      if (r.on === Trigger.Existing) expect([r.from, r.to]).toEqual([Phase.Absent, Phase.Active]);
      else expect(r.to, `${r.ids} ${TRIGGER_NAMES[r.on]}`).toBe(r.from);
    }
    // The rules that count as transitions are the ones that did before the table held the checks.
    const quietEffects = new Set(LIFECYCLE_RULES.filter((r) => r.quiet).map((r) => r.effect));
    expect(quietEffects).toEqual(
      new Set([
        "adoptExisting",
        "denyAccess",
        "queueEvent",
        "refuseKms",
        "refuseQualifier",
        "runInvocation",
        "startInvocation",
        "abandonInvocation",
        "keepEnvironment",
        "retireEnvironment",
        "rearmIdleCheck",
        "none",
        "configureAlias",
        "configureConcurrency",
      ]),
    );
    for (const r of LIFECYCLE_RULES.filter((x) => !x.quiet))
      expect(quietEffects.has(r.effect) && r.effect !== "none", r.effect).toBe(false);
  });

  it("an admitted invocation starts in every phase but Absent (R18), and its environment is kept only unless retired (R8)", () => {
    for (const ph of PHASES) {
      const start = rulesFor(ph, Trigger.InvocationStart);
      expect(start.map((r) => r.effect)).toEqual([
        ph === Phase.Absent ? "abandonInvocation" : "startInvocation",
      ]);
      const end = lookupRule(ph, Trigger.InvocationEnd, () => false)!;
      expect(end.effect).toBe(ph === Phase.Absent ? "retireEnvironment" : "keepEnvironment");
      expect(lookupRule(ph, Trigger.InvocationEnd, () => true)!.effect).toBe("retireEnvironment");
    }
  });

  it("R11: at the idle deadline only an Active function not invoked meanwhile, not busy and without provisioned concurrency goes Inactive", () => {
    const effectWhen = (guard: string | null) =>
      lookupRule(Phase.Active, Trigger.IdleTimeout, (g) => g === guard)!.effect;
    expect(effectWhen("invokedSinceCheck")).toBe("rearmIdleCheck");
    expect(effectWhen("environmentsBusy")).toBe("none");
    expect(effectWhen("provisionedInUse")).toBe("none");
    expect(effectWhen(null)).toBe("goInactive");
  });

  it("SETTLED_BY names, for each phase with an operation pending, the service events that have a rule there", () => {
    for (const ph of PHASES) {
      const pending = SERVICE_EVENTS.filter(
        (t) => /(Succeeded|Failed)$/.test(TRIGGER_NAMES[t]) && rulesFor(ph, t).length > 0,
      );
      const pair = SETTLED_BY[ph];
      expect(pair === null ? [] : [...pair].sort(), PHASE_NAMES[ph]).toEqual(pending.sort());
    }
  });

  it("no (phase, trigger, guard) has two rules: the table is deterministic", () => {
    const seen = new Set<string>();
    for (const r of LIFECYCLE_RULES) {
      const key = `${r.from}|${r.on}|${r.guard ?? ""}`;
      expect(seen.has(key), key).toBe(false);
      seen.add(key);
    }
  });

  it("only CreateFunction (or the scenario's Existing) brings a function into existence, and only DeleteFunction removes one", () => {
    for (const r of LIFECYCLE_RULES) {
      if (r.from === Phase.Absent && r.to !== Phase.Absent)
        expect([Trigger.CreateFunction, Trigger.Existing]).toContain(r.on);
      if (r.from !== Phase.Absent && r.to === Phase.Absent) expect(r.on).toBe(Trigger.DeleteFunction);
    }
  });

  it("service events apply only in the phases where the service can raise them", () => {
    const where = (t: TriggerCode) =>
      PHASES.filter((ph) => rulesFor(ph, t).length > 0).map((ph) => PHASE_NAMES[ph]);
    expect(Object.fromEntries(SERVICE_EVENTS.map((t) => [TRIGGER_NAMES[t], where(t)]))).toEqual({
      ProvisioningSucceeded: ["Pending (Creating)"],
      ProvisioningFailed: ["Pending (Creating)"],
      UpdateSucceeded: [
        "Active, update InProgress",
        "Inactive, update InProgress",
        "Failed, update InProgress",
      ],
      UpdateFailed: ["Active, update InProgress", "Inactive, update InProgress", "Failed, update InProgress"],
      IdleTimeout: ["Active"],
      RestoreSucceeded: ["Pending (Restoring)"],
      RestoreFailed: ["Pending (Restoring)"],
      Existing: ["Absent"],
      InvocationStart: [...PHASE_NAMES],
      InvocationEnd: [...PHASE_NAMES],
    });
  });

  it("reads never change a function; a refused call never changes the phase except by R5's cancellation", () => {
    for (const r of LIFECYCLE_RULES) {
      if (r.on === Trigger.GetFunction || r.on === Trigger.GetFunctionConfiguration) {
        expect(r.to).toBe(r.from);
        expect(r.effect).toBe("none");
      }
      const refused = r.answer.error !== 0;
      const moves = r.to !== r.from;
      if (refused && moves)
        expect([...r.ids, r.effect].join()).toMatch(/^(R5,cancelPending|R12,startRestore)$/);
    }
  });

  it("ALLOWED_TRANSITIONS holds exactly the (from, to) pairs of the rules", () => {
    const pairs = new Set(LIFECYCLE_RULES.map((r) => r.from * PHASE_COUNT + r.to));
    expect(new Set(ALLOWED_TRANSITIONS)).toEqual(pairs);
  });
});

describe("the lifecycle table as Markdown (README, docs)", () => {
  const md = lifecycleTableMarkdown();
  const lines = md.split("\n");
  const body = lines.slice(2).map((l) =>
    l
      .slice(2, -2)
      .split(" | ")
      .map((c) => c.trim()),
  );

  it("renders a header and one well-formed row per group of rules", () => {
    expect(lines[0]).toBe("| Rule | Phase | On | When | Answer | Next phase | Effect |");
    expect(lines[1]).toBe("| --- | --- | --- | --- | --- | --- | --- |");
    for (const cells of body) expect(cells).toHaveLength(7);
  });

  it("includes every rule id of the table, every phase and every trigger", () => {
    const ids = new Set(LIFECYCLE_RULES.flatMap((r) => r.ids));
    for (const id of ids)
      expect(
        body.some((c) => c[0].split(", ").includes(id)),
        id,
      ).toBe(true);
    for (const phase of PHASE_NAMES)
      expect(
        body.some((c) => c[1] === phase),
        phase,
      ).toBe(true);
    for (const t of TRIGGER_NAMES) expect(md).toContain(t);
  });

  it("lists every (phase, trigger) rule exactly once", () => {
    const cells = body.flatMap((c) => c[2].split(", ").map((t) => `${c[1]}|${t}|${c[3]}`));
    expect(cells).toHaveLength(LIFECYCLE_RULES.length);
    expect(new Set(cells).size).toBe(LIFECYCLE_RULES.length);
  });

  it("prints AWS's error codes, HTTP statuses and messages, and the guards in words", () => {
    expect(md).toContain(
      'ResourceConflictException (409): "The operation cannot be performed at this time. The function is currently in the following state: Pending"',
    );
    expect(md).toContain("ResourceNotReadyException (502)");
    expect(md).toContain(
      'ResourceNotFoundException (404): "Function not found: arn:aws:lambda:us-east-1:123456789012:function:<name>"',
    );
    expect(md).toContain(
      "An update is in progress for resource: arn:aws:lambda:us-east-1:123456789012:function:<name>",
    );
    for (const text of Object.values(GUARD_TEXT)) expect(md).toContain(text);
    expect(md).toContain('AccessDeniedException (403): "User: <caller> is not authorized');
    expect(md).toContain("KMSDisabledException");
  });
});

/**
 * Drives one function into each phase and makes each operation on it, then
 * checks the running model answered and moved exactly as the table says.
 */
describe("the running model obeys the table in every (phase, operation) cell", () => {
  interface Cell {
    fn: string;
    phase: PhaseCode;
    op: TriggerCode;
    atS: number;
  }

  const cells: Cell[] = [];
  const b = new PlanBuilder(1200, {
    inactiveAfterUs: sec(1000),
    provisioningDuration: constant(0.5),
    updateDuration: constant(30),
    updateDurationVpcOrImage: constant(30),
    eniCreateDuration: constant(80),
    eniDeletionDelay: constant(5),
    publishDuration: constant(1),
  })
    .account({
      controlPlaneRatePerSec: 10_000,
      controlPlaneBurst: 10_000,
      getFunctionRatePerSec: 10_000,
      getFunctionBurst: 10_000,
    })
    .vpc("vpc-a")
    .subnet("subnet-a", 10)
    .client("once", null, 1);
  const failing: string[] = [];
  // Alias and concurrency calls answer from their parameters as well as the
  // table (tests/rules/versions.test.ts drives them); here only Absent's 404.
  const configuration = (phase: PhaseCode, op: TriggerCode) =>
    phase !== Phase.Absent && op >= Trigger.PutFunctionConcurrency;
  for (const phase of PHASES) {
    for (const op of OPERATIONS) {
      if (configuration(phase, op)) continue;
      const fn = `p${phase}-op${op}`;
      const call = (atS: number, operation: OperationName) => b.call(atS, operation, fn, "once");
      let atS = 10;
      switch (phase) {
        case Phase.Absent:
          b.template(fn);
          break;
        case Phase.PendingCreating:
          b.template(fn, { vpc: { subnets: ["subnet-a"], securityGroups: ["sg-create"] } });
          call(0, "CreateFunction");
          atS = 20;
          break;
        case Phase.PendingRestoring:
          b.template(fn, { existing: true, vpc: { subnets: ["subnet-a"], securityGroups: ["sg-restore"] } });
          call(1010, "Invoke");
          atS = 1020;
          break;
        case Phase.Active:
          b.template(fn, { existing: true });
          break;
        case Phase.ActiveUpdating:
          b.template(fn, { existing: true });
          call(10, "UpdateFunctionCode");
          atS = 20;
          break;
        case Phase.Inactive:
          b.template(fn, { existing: true });
          atS = 1010;
          break;
        case Phase.InactiveUpdating:
          b.template(fn, { existing: true });
          call(1010, "UpdateFunctionCode");
          atS = 1020;
          break;
        case Phase.Failed:
        case Phase.FailedUpdating:
          b.template(fn);
          failing.push(fn);
          call(0, "CreateFunction");
          if (phase === Phase.FailedUpdating) call(10, "UpdateFunctionCode");
          atS = phase === Phase.Failed ? 10 : 20;
          break;
      }
      call(atS, TRIGGER_NAMES[op] as OperationName);
      cells.push({ fn, phase, op, atS });
    }
  }
  b.failure("InternalError", 0, 5, failing);
  const { out, trace } = runTraced(b.build(), 3);

  it("the run that drives every cell keeps its books", () => {
    expectInvariantsHold(out);
  });

  for (const c of cells) {
    const rule = lookupRule(c.phase, c.op, () => false)!;
    const answer = rule.answer.error === 0 ? "OK" : API_ERROR_NAMES[rule.answer.error];
    const name = `${rule.ids.join("/")}: ${TRIGGER_NAMES[c.op]} on a function in ${PHASE_NAMES[c.phase]} answers ${answer} and leads to ${PHASE_NAMES[rule.to]}`;
    it(name, () => {
      const r = trace.find(
        (x) => x.function === c.fn && x.operation === TRIGGER_NAMES[c.op] && x.timeUs >= sec(c.atS),
      );
      expect(r, `no ${TRIGGER_NAMES[c.op]} traced for ${c.fn}`).toBeDefined();
      expect(r!.outcome).toBe(answer);
      expect(r!.message).toBe(answerMessage(rule.answer, c.fn, stateNameOf(c.phase)));
      expect(r!.stateBefore).toBe(stateNameOf(c.phase));
      expect(r!.stateAfter).toBe(stateNameOf(rule.to));
      if (rule.to !== Phase.Absent) {
        expect(r!.lastUpdateStatus === "InProgress").toBe(isInProgress(rule.to));
      }
    });
  }
});

/**
 * The guarded rows, run: one function per row, driven so that its guard
 * holds, and checked against the row's answer and phase as above.
 */
describe("the running model obeys the table's guarded rows", () => {
  interface GuardedCell {
    fn: string;
    phase: PhaseCode;
    guard: string;
    atS: number;
    /** The traced outcome when it is not the answer's code (V6's 202). */
    outcome?: string;
  }
  const b = new PlanBuilder(3000, { inactiveAfterUs: sec(1000), publishDuration: constant(1) })
    .client("once", null, 1)
    .caller("nobody");
  const cells: GuardedCell[] = [];
  const invoke = (fn: string, atS: number, caller?: string, qualifier?: number) =>
    b.call(atS, "Invoke", fn, "once", undefined, caller, qualifier === undefined ? undefined : { qualifier });

  b.template("v8-absent");
  invoke("v8-absent", 10, "nobody");
  cells.push({ fn: "v8-absent", phase: Phase.Absent, guard: "callerDenied", atS: 10 });
  b.template("v8-active", { existing: true });
  invoke("v8-active", 10, "nobody");
  cells.push({ fn: "v8-active", phase: Phase.Active, guard: "callerDenied", atS: 10 });
  b.template("v6", { existing: true });
  b.event(10, "v6", "once");
  cells.push({ fn: "v6", phase: Phase.Active, guard: "eventInvocation", atS: 10, outcome: "Accepted" });
  b.template("v9", { existing: true, kmsKey: "key-a" });
  b.fault({ kind: "kmsKeyDisabled", fromUs: 0, untilUs: sec(100), key: b.kmsKey("key-a") });
  invoke("v9", 10);
  cells.push({ fn: "v9", phase: Phase.Active, guard: "kmsBlocked", atS: 10 });
  b.template("v1", { existing: true });
  invoke("v1", 10, undefined, aliasQualifier(b.alias("live")));
  cells.push({ fn: "v1", phase: Phase.Active, guard: "qualifierNotFound", atS: 10 });
  b.template("r17", { existing: true });
  b.call(10, "PublishVersion", "r17", "once");
  invoke("r17", 10.5, undefined, 1);
  cells.push({ fn: "r17", phase: Phase.Active, guard: "versionPending", atS: 10.5 });
  const { out, trace } = runTraced(b.build(), 1);

  it("the run keeps its books", () => {
    expectInvariantsHold(out);
  });

  for (const c of cells) {
    const rule = lookupRule(c.phase, Trigger.Invoke, (g) => g === c.guard)!;
    const answer = c.outcome ?? (rule.answer.error === 0 ? "OK" : API_ERROR_NAMES[rule.answer.error]);
    it(`${rule.ids.join("/")}: Invoke on a function in ${PHASE_NAMES[c.phase]} when ${c.guard} answers ${answer}, phase unchanged`, () => {
      const r = trace.find((x) => x.function === c.fn && x.operation === "Invoke" && x.timeUs >= sec(c.atS));
      expect(r, `no Invoke traced for ${c.fn}`).toBeDefined();
      expect(rule.guard).toBe(c.guard);
      expect(r!.outcome).toBe(answer);
      expect(r!.stateBefore).toBe(stateNameOf(c.phase));
      expect(r!.stateAfter).toBe(stateNameOf(rule.to));
    });
  }

  it("R11: invoked since the check was armed, the check re-arms; busy at the deadline, it lapses until the invocation ends", () => {
    const idle = new PlanBuilder(4000, { inactiveAfterUs: sec(1000) }).client("once", null, 1);
    idle.template("rearm", { existing: true });
    idle.call(500, "Invoke", "rearm", "once");
    idle.template("busy", { existing: true, duration: constant(1200), timeoutS: 1500 });
    idle.call(0.5, "Invoke", "busy", "once");
    const { trace: t } = runTraced(idle.build(), 1);
    const inactiveAtS = (fn: string) =>
      t.find((x) => x.function === fn && x.operation === "IdleTimeout")!.timeUs / 1e6;
    expect(inactiveAtS("rearm")).toBeCloseTo(1500, 0);
    expect(inactiveAtS("busy")).toBeGreaterThan(1200);
    expect(inactiveAtS("busy")).toBeLessThan(1201);
  });
});
