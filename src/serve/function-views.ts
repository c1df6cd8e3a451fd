/**
 * A function's record and the simulation's reading, as the API shows them:
 * $LATEST, or a published version frozen at publish time (V1). The service
 * keeps what the simulation does not (role, handler, code, description) per
 * version here; memory, timeout and readiness come from the model's Version.
 */
import { createHash } from "node:crypto";
import type { FunctionReading, VersionReading } from "../model/function-reading.js";
import type { FunctionSnapshot } from "./api/shapes-function.js";
import { type FunctionRecord, snapshotOf, type VpcView } from "./function-records.js";
import type { ServePlan } from "./serve-plan.js";

/** What PublishVersion froze of the function beyond the model's Version. */
export interface VersionRecord {
  record: FunctionRecord;
  /** Index into Plan.vpcConfigs at publish time, or -1. */
  vpcConfig: number;
}

export class FunctionViews {
  /** Published versions' records by function name, version v at v - 1. */
  private readonly versions = new Map<string, VersionRecord[]>();

  constructor(
    private readonly served: ServePlan,
    /** Wall-clock epoch milliseconds of simulated time 0, for LastModified. */
    private readonly epochMsAtZero: number,
  ) {}

  /** PublishVersion answered version v: the function as it is now is that version's. */
  published(record: FunctionRecord, reading: FunctionReading, v: number): void {
    let list = this.versions.get(record.name);
    if (list === undefined) this.versions.set(record.name, (list = []));
    list[v - 1] = { record: structuredClone(record), vpcConfig: reading.vpcConfig };
  }

  /** The function is gone (or new): its versions with it. */
  forget(name: string): void {
    this.versions.delete(name);
  }

  /** $LATEST as the API shows it. */
  latest(record: FunctionRecord, reading: FunctionReading): FunctionSnapshot {
    return snapshotOf(record, reading, this.vpcView(reading.vpcConfig), (us) => this.epochMsAt(us));
  }

  /**
   * Published version `v` as the API shows it: its record from publish time
   * (the function's current one for a version the API did not publish, such
   * as a scenario's own), the model's memory, timeout and readiness.
   */
  version(current: FunctionRecord, reading: FunctionReading, v: VersionReading): FunctionSnapshot {
    const frozen = this.versions.get(current.name)?.[v.version - 1];
    const record = frozen?.record ?? current;
    const vpcConfig = frozen?.vpcConfig ?? reading.vpcConfig;
    const snapshot = snapshotOf(record, reading, this.vpcView(vpcConfig), (us) => this.epochMsAt(us));
    snapshot.version = String(v.version);
    snapshot.memoryMb = v.memoryMb;
    snapshot.timeoutS = Math.round(v.timeoutUs / 1e6);
    snapshot.state = v.active ? "Active" : "Pending";
    snapshot.lastUpdateStatus = "Successful";
    delete snapshot.stateReason;
    delete snapshot.stateReasonCode;
    delete snapshot.lastUpdateStatusReason;
    delete snapshot.lastUpdateStatusReasonCode;
    snapshot.revisionId = versionRevisionId(current.name, reading.incarnation, v.version);
    return snapshot;
  }

  epochMsAt(us: number): number {
    return this.epochMsAtZero + us / 1000;
  }

  private vpcView(index: number): VpcView | null {
    if (index < 0) return null;
    const plan = this.served.plan;
    const c = plan.vpcConfigs[index];
    return {
      subnetIds: c.subnets.map((s) => plan.subnets[s].id),
      securityGroupIds: [...c.securityGroups],
      vpcId: plan.vpcs[c.vpc].id,
    };
  }
}

/** A version never changes, so its RevisionId is fixed by the function's incarnation and the number. */
function versionRevisionId(name: string, incarnation: number, v: number): string {
  const h = createHash("sha256").update(`${name}\n${incarnation}\nversion ${v}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
