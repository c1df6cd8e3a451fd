/** Faults to inject: time windows, targets and failure codes resolved to indices. */
import type { PlanFault } from "../model/plan.js";
import type { FaultInput } from "./schema-faults.js";
import type { SelectorInput } from "./schema.js";
import type { Scope } from "./scope.js";
import { toUs } from "./units.js";
import { checkStart } from "./workload.js";

export function compileFaults(input: FaultInput[], scope: Scope): PlanFault[] {
  const faults: PlanFault[] = [];
  input.forEach((f, i) => {
    const path = ["faults", i];
    const fromUs = toUs(f.from);
    const until = "until" in f ? f.until : undefined;
    const untilUs = until === undefined ? scope.untilUs : toUs(until);
    checkStart(fromUs, [...path, "from"], "fault", scope);
    const before = scope.issues.length;
    const targets = (selector: SelectorInput | undefined) =>
      selector === undefined ? null : scope.fleet.select(selector, [...path, "functions"]);
    const subnets = (ids: string[] | undefined) =>
      ids === undefined ? null : ids.map((id, s) => scope.network.subnet(id, [...path, "subnets", s]));
    let fault: PlanFault;
    switch (f.kind) {
      case "createHang":
        fault = { kind: f.kind, fromUs, untilUs, probability: f.probability, targets: targets(f.functions) };
        break;
      case "eniCreationFailure":
        fault = {
          kind: f.kind,
          fromUs,
          untilUs,
          probability: f.probability,
          subnets: subnets(f.subnets),
          code: f.code,
        };
        break;
      case "subnetExhausted":
        fault = { kind: f.kind, fromUs, untilUs, subnets: subnets(f.subnets)! };
        break;
      case "rolePermissions":
        fault = { kind: f.kind, fromUs, untilUs, targets: targets(f.functions) };
        break;
      case "provisioningFailure":
        fault = {
          kind: f.kind,
          fromUs,
          untilUs,
          probability: f.probability,
          targets: targets(f.functions),
          code: f.code,
        };
        break;
      case "provisionedConcurrencyFailure":
        fault = { kind: f.kind, fromUs, untilUs, probability: f.probability, targets: targets(f.functions) };
        break;
      case "kmsKeyDisabled":
        fault = { kind: f.kind, fromUs, untilUs, key: scope.kmsKeys.index(f.key, [...path, "key"]) };
        break;
      case "kmsGrantRevoked":
        fault = {
          kind: f.kind,
          fromUs,
          untilUs,
          key: f.key === undefined ? -1 : scope.kmsKeys.index(f.key, [...path, "key"]),
          targets: targets(f.functions),
        };
        break;
      case "efsMountFailure":
      case "efsMountConnectivity":
      case "efsMountTimeout":
        fault = {
          kind: f.kind,
          fromUs,
          untilUs,
          probability: f.probability,
          fileSystem:
            f.fileSystem === undefined ? -1 : scope.network.fileSystem(f.fileSystem, [...path, "fileSystem"]),
          targets: targets(f.functions),
        };
        break;
    }
    if (scope.issues.length === before) faults.push(fault);
  });
  return faults;
}
