/**
 * DeleteAlias (V1): the lifecycle table's DeleteAlias rows, accepted in every
 * State as CreateAlias and UpdateAlias are, and what the control plane does
 * with them: the alias goes, a missing one is no error (Lambda answers 204),
 * and the alias's provisioned concurrency configuration goes with it (V2).
 */
import { describe, expect, it } from "vitest";
import { Messages, qualifiedArn } from "../../src/model/aws-names.js";
import { lookupRule, Phase, PHASE_NAMES, Trigger } from "../../src/model/lifecycle-table.js";
import type { PlanCallParams } from "../../src/model/plan.js";
import { aliasQualifier } from "../../src/model/qualifiers.js";
import { buildReport } from "../../src/report/json-report.js";
import { constant, PlanBuilder } from "../helpers/plan-builder.js";
import { apiCount, expectInvariantsHold, recordsOf, runTraced } from "../helpers/run-traced.js";

const fast = { publishDuration: constant(1), provisioningDuration: constant(0.5) };

const call = (
  b: PlanBuilder,
  atS: number,
  op: Parameters<PlanBuilder["call"]>[1],
  fn: string,
  p: PlanCallParams = {},
) => b.call(atS, op, fn, "once", undefined, undefined, p);

describe("V1: DeleteAlias", () => {
  it("V1: DeleteAlias is accepted in every State, as UpdateAlias is, and answers 404 for a function that does not exist (R16)", () => {
    for (let ph = Phase.PendingCreating; ph <= Phase.FailedUpdating; ph++) {
      const del = lookupRule(ph, Trigger.DeleteAlias, () => false)!;
      const update = lookupRule(ph, Trigger.UpdateAlias, () => false)!;
      expect(del.ids, PHASE_NAMES[ph]).toEqual(["V1"]);
      expect(del.effect).toBe("configureAlias");
      expect(del.answer).toEqual(update.answer);
      expect(del.to).toBe(update.to);
    }
    expect(lookupRule(Phase.Absent, Trigger.DeleteAlias, () => false)!.ids).toEqual(["R16"]);
  });

  it("V1: after DeleteAlias an invoke naming the alias answers ResourceNotFoundException; deleting a missing alias succeeds", () => {
    const b = new PlanBuilder(60, fast).template("fn", { existing: true }).client("once", null, 1);
    const live = b.alias("live");
    const never = b.alias("never");
    b.call(0, "PublishVersion", "fn", "once");
    call(b, 5, "CreateAlias", "fn", { alias: live, functionVersion: 1 });
    call(b, 10, "Invoke", "fn", { qualifier: aliasQualifier(live) });
    call(b, 15, "DeleteAlias", "fn", { alias: live });
    call(b, 20, "Invoke", "fn", { qualifier: aliasQualifier(live) });
    call(b, 25, "DeleteAlias", "fn", { alias: never });
    call(b, 30, "UpdateAlias", "fn", { alias: live, functionVersion: 1 });
    call(b, 35, "CreateAlias", "fn", { alias: live, functionVersion: 1 });
    const { out, trace } = runTraced(b.build());
    expectInvariantsHold(out);
    const invokes = recordsOf(trace, "fn", "Invoke");
    expect(invokes.map((r) => r.outcome)).toEqual(["OK", "ResourceNotFoundException"]);
    expect(invokes[1].message).toBe(Messages.qualifierNotFound(qualifiedArn("fn", "live")));
    expect(recordsOf(trace, "fn", "DeleteAlias").map((r) => r.outcome)).toEqual(["OK", "OK"]);
    expect(apiCount(out, "DeleteAlias", "OK")).toBe(2);
    // Gone means gone: UpdateAlias finds nothing, and the name can be created again.
    const update = recordsOf(trace, "fn", "UpdateAlias")[0];
    expect(update.outcome).toBe("ResourceNotFoundException");
    expect(update.message).toBe(Messages.aliasNotFound(qualifiedArn("fn", "live")));
    expect(recordsOf(trace, "fn", "CreateAlias").map((r) => r.outcome)).toEqual(["OK", "OK"]);
  });

  it("V1: DeleteAlias takes the alias's provisioned concurrency configuration with it: environments released, concurrency back to the account", () => {
    const b = new PlanBuilder(60, { ...fast, provisionedAllocationPerMinute: 6000 })
      .account({ concurrencyLimit: 1000, unreservedMinimum: 100 })
      .template("fn", { existing: true, initDuration: constant(1) })
      .client("once", null, 1);
    const live = b.alias("live");
    b.call(0, "PublishVersion", "fn", "once");
    call(b, 5, "CreateAlias", "fn", { alias: live, functionVersion: 1 });
    call(b, 6, "PutProvisionedConcurrencyConfig", "fn", {
      qualifier: aliasQualifier(live),
      provisionedConcurrentExecutions: 20,
    });
    call(b, 20, "DeleteAlias", "fn", { alias: live });
    // The configuration went with the alias: there is none left to delete.
    call(b, 30, "DeleteProvisionedConcurrencyConfig", "fn", { qualifier: aliasQualifier(live) });
    const { out, trace } = runTraced(b.build());
    expectInvariantsHold(out);
    const pc = buildReport(out, { file: null, seed: 7, partitions: 2 }).invocations.provisioned;
    expect(pc.environmentsInitialized).toBe(20);
    expect(pc.environmentsReleased).toBe(20);
    expect(pc.requestedAtEnd).toBe(0);
    expect(pc.allocatedAtEnd).toBe(0);
    expect(out.shared.unreservedPool).toBe(1000);
    expect(recordsOf(trace, "fn", "DeleteProvisionedConcurrencyConfig")[0].outcome).toBe(
      "ResourceNotFoundException",
    );
  });

  it("V1: DeleteAlias while a concurrency change of the alias waits for the account answers ResourceConflictException", () => {
    const b = new PlanBuilder(30, fast).template("fn", { existing: true }).client("once", null, 1);
    const live = b.alias("live");
    b.call(0, "PublishVersion", "fn", "once");
    call(b, 5, "CreateAlias", "fn", { alias: live, functionVersion: 1 });
    call(b, 6, "PutProvisionedConcurrencyConfig", "fn", {
      qualifier: aliasQualifier(live),
      provisionedConcurrentExecutions: 2,
    });
    call(b, 6, "DeleteAlias", "fn", { alias: live });
    const { out, trace } = runTraced(b.build());
    expectInvariantsHold(out);
    const r = recordsOf(trace, "fn", "DeleteAlias")[0];
    expect(r.outcome).toBe("ResourceConflictException");
    expect(r.message).toBe(Messages.updateInProgress("arn:aws:lambda:us-east-1:123456789012:function:fn"));
    expect(apiCount(out, "PutProvisionedConcurrencyConfig", "OK")).toBe(1);
  });
});
