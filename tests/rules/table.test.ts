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
  LIFECYCLE_RULES,
  lookupRule,
  PHASE_COUNT,
  PHASE_NAMES,
  Phase,
  type PhaseCode,
  rulesFor,
  TRIGGER_COUNT,
  TRIGGER_NAMES,
  Trigger,
  type TriggerCode,
} from "../../src/model/lifecycle-table.js";
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
    expect(PHASES.length * OPERATIONS.length).toBe(9 * 14);
  });

  it("every rule names known rule ids, and the guarded rules are R5 and R13", () => {
    for (const rule of LIFECYCLE_RULES) {
      expect(rule.ids.length).toBeGreaterThan(0);
      for (const id of rule.ids) expect(RULE_IDS).toContain(id);
    }
    const guarded = LIFECYCLE_RULES.filter((r) => r.guard !== undefined).map((r) => `${r.ids}:${r.guard}`);
    expect(new Set(guarded)).toEqual(new Set(["R5:pendingTooLong", "R13:restoreBlocked"]));
  });

  it("no (phase, trigger, guard) has two rules: the table is deterministic", () => {
    const seen = new Set<string>();
    for (const r of LIFECYCLE_RULES) {
      const key = `${r.from}|${r.on}|${r.guard ?? ""}`;
      expect(seen.has(key), key).toBe(false);
      seen.add(key);
    }
  });

  it("only CreateFunction brings a function into existence, and only DeleteFunction removes one", () => {
    for (const r of LIFECYCLE_RULES) {
      if (r.from === Phase.Absent && r.to !== Phase.Absent) expect(r.on).toBe(Trigger.CreateFunction);
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
    expect(md).toContain(GUARD_TEXT.pendingTooLong);
    expect(md).toContain(GUARD_TEXT.restoreBlocked);
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
