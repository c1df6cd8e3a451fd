/**
 * Faults the scenario injects into the service's own work (R3, R5, R9, R12,
 * V2, V9): which window and targets a fault covers, and whether it hits this
 * time (a draw from the function's service stream, only when the fault's
 * probability is below 1).
 */
import { ReasonCode, type ReasonCodeValue, reasonCodeOf } from "./aws-names.js";
import type { FleetContext } from "./fleet-context.js";
import { InvocationFaults } from "./invocation-faults.js";
import type { PlanFault } from "./plan.js";
import { Ev } from "./protocol.js";
import { containsSorted } from "./sorted-ids.js";

export class ServiceFaults {
  constructor(private readonly c: FleetContext) {}

  /** V9: each kmsGrantRevoked fault reaches every function it may concern, as that function's own event. */
  scheduleGrantRevocations(): void {
    const { plan, fn, p } = this.c;
    const keysChange = InvocationFaults.keysChange(plan);
    plan.faults.forEach((fault, i) => {
      if (fault.kind !== "kmsGrantRevoked") return;
      for (let f = 0; f < fn.count; f++) {
        const g = fn.globalId[f];
        if (fault.targets !== null && !containsSorted(fault.targets, g)) continue;
        if (!keysChange && plan.templates[fn.templateOf[f]].kmsKey < 0) continue;
        p.at(fault.fromUs, Ev.KmsGrantRevoked, f, i, 0);
      }
    });
  }

  /** R5: CreateFunction hangs in Pending and never settles on its own. */
  createHangs(f: number): boolean {
    return this.hits(f, "createHang");
  }

  /** V2: a provisionedConcurrencyFailure fault fails this environment's init. */
  provisionedInitFails(f: number): boolean {
    return this.hits(f, "provisionedConcurrencyFailure");
  }

  /** R3/R9/R12 causes injected by faults: the role losing permissions (VPC functions) or a provisioning failure. */
  injectedFailure(f: number, vpc: boolean): ReasonCodeValue {
    for (const fault of this.c.plan.faults) {
      if (fault.kind === "rolePermissions" && vpc && this.applies(fault, f))
        return ReasonCode.InsufficientRolePermissions;
      if (fault.kind === "provisioningFailure" && this.applies(fault, f)) {
        if (fault.probability >= 1 || this.c.serviceRng.next(f) < fault.probability)
          return reasonCodeOf(fault.code);
      }
    }
    return ReasonCode.None;
  }

  private hits(f: number, kind: "createHang" | "provisionedConcurrencyFailure"): boolean {
    for (const fault of this.c.plan.faults) {
      if (fault.kind !== kind || !this.applies(fault, f)) continue;
      if (fault.probability >= 1 || this.c.serviceRng.next(f) < fault.probability) return true;
    }
    return false;
  }

  private applies(fault: PlanFault, f: number): boolean {
    const now = this.c.p.nowUs;
    if (now < fault.fromUs || now >= fault.untilUs) return false;
    if ("targets" in fault && fault.targets !== null)
      return containsSorted(fault.targets, this.c.fn.globalId[f]);
    return true;
  }
}
