/**
 * A function as the Lambda API reads it (GetFunctionConfiguration), taken
 * from the per-function store at one instant: plain values in AWS's words,
 * for a live run's answers (fleet-sim serve). Off the hot path: one object
 * per reading.
 */
import {
  LAST_UPDATE_STATUS_NAMES,
  type LastUpdateStatusName,
  REASON_CODE_NAMES,
  STATE_REASON_TEXT,
} from "./aws-names.js";
import type { FunctionStore } from "./function-store.js";
import { stateNameOf } from "./function-view.js";
import type { PhaseCode } from "./lifecycle-table.js";

/** The settings a CreateFunction gives a function beyond its template's. */
export interface LiveFunctionSettings {
  memoryMb: number;
  timeoutUs: number;
  /** Index into Plan.vpcConfigs, or -1: no VPC. */
  vpcConfig: number;
}

export interface FunctionReading {
  /** Pending, Active, Inactive, Failed; "Absent" when no function of the name exists. */
  state: string;
  stateReasonCode: string;
  stateReason: string;
  /** "None" while nothing has settled it yet (the API leaves the field out then). */
  lastUpdateStatus: LastUpdateStatusName;
  lastUpdateStatusReasonCode: string;
  lastUpdateStatusReason: string;
  memoryMb: number;
  timeoutUs: number;
  /** Index into Plan.vpcConfigs, or -1. */
  vpcConfig: number;
  /** Counts every configuration or code change: the API's RevisionId is made from it. */
  revision: number;
  /** How many times a function of this name was created (a name deleted and created again is a new function). */
  incarnation: number;
  /** Published versions (1, 2, ...). */
  versions: number;
  /** Reserved concurrency, or -1 when none is set. */
  reservedConcurrency: number;
}

export function readFunction(fn: FunctionStore, f: number): FunctionReading {
  const phase = fn.phase[f] as PhaseCode;
  const stateReason = fn.stateReason[f];
  const lusReason = fn.lusReason[f];
  return {
    state: stateNameOf(phase),
    stateReasonCode: REASON_CODE_NAMES[stateReason],
    stateReason: STATE_REASON_TEXT[stateReason] ?? "",
    lastUpdateStatus: LAST_UPDATE_STATUS_NAMES[fn.reportedLus(f, phase)],
    lastUpdateStatusReasonCode: REASON_CODE_NAMES[lusReason],
    lastUpdateStatusReason: STATE_REASON_TEXT[lusReason] ?? "",
    memoryMb: fn.memoryMb[f],
    timeoutUs: fn.timeoutUs[f],
    vpcConfig: fn.vpcConfig[f],
    revision: fn.liveRevision[f],
    incarnation: fn.incarnation[f],
    versions: fn.versions[f],
    reservedConcurrency: fn.versionsOf[f]?.reserved ?? -1,
  };
}
