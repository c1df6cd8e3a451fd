/**
 * A function as the Lambda API reads it (GetFunctionConfiguration), taken
 * from the per-function store at one instant: plain values in AWS's words,
 * for a live run's answers (fleet-sim serve). Off the hot path: one object
 * per reading.
 */
import {
  LAST_UPDATE_STATUS_NAMES,
  type LastUpdateStatusName,
  PROVISIONED_STATUS_NAMES,
  REASON_CODE_NAMES,
  STATE_REASON_TEXT,
} from "./aws-names.js";
import type { FunctionStore } from "./function-store.js";
import { stateNameOf } from "./function-view.js";
import type { PhaseCode } from "./lifecycle-table.js";
import type { FunctionVersions } from "./versions.js";

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

/** A published version as the API reads it (V1). */
export interface VersionReading {
  /** 1, 2, ... */
  version: number;
  memoryMb: number;
  timeoutUs: number;
  /** Pending until it is ready (R17). */
  active: boolean;
}

/** An alias of the function (V1): by its slot in Plan.aliases. */
export interface AliasReading {
  alias: number;
  /** The version it points to (0: $LATEST). */
  version: number;
  /** The second version its routing sends a share to (0: none), and that share (0-1). */
  routedVersion: number;
  routedWeight: number;
}

/** A provisioned concurrency configuration (V2) and the environments it has now. */
export interface ProvisionedReading {
  /** A version (>= 1) or an alias (qualifiers.ts). */
  qualifier: number;
  requested: number;
  /** Environments initialised for it, and of those not running a request. */
  allocated: number;
  available: number;
  /** aws-names PROVISIONED_STATUS_NAMES. */
  status: (typeof PROVISIONED_STATUS_NAMES)[number];
}

/** Versions, aliases and concurrency settings of one function (V1-V4), as plain values. */
export interface VersionsReading {
  versions: VersionReading[];
  aliases: AliasReading[];
  provisioned: ProvisionedReading[];
  /** Reserved concurrency (-1: none). */
  reserved: number;
  /** Provisioned concurrency of all configurations together. */
  provisionedTotal: number;
}

export function readVersions(vs: FunctionVersions): VersionsReading {
  const aliases: AliasReading[] = [];
  for (let a = 0; a < vs.aliasVersion.length; a++)
    if (vs.aliasVersion[a] >= 0)
      aliases.push({
        alias: a,
        version: vs.aliasVersion[a],
        routedVersion: vs.aliasRoutedVersion[a],
        routedWeight: vs.aliasRoutedWeight[a],
      });
  return {
    versions: vs.versions.map((v, i) => ({
      version: i + 1,
      memoryMb: v.memoryMb,
      timeoutUs: v.timeoutUs,
      active: v.active,
    })),
    aliases,
    provisioned: vs.configs.map((c) => {
      // A configuration's environments are its shares of its versions' pools.
      let allocated = 0;
      let available = 0;
      for (const [v, n] of vs.shares(c)) {
        const pool = vs.version(v)?.pool;
        if (pool === undefined) continue;
        allocated += Math.min(n, pool.ready);
        available += Math.min(n, pool.free);
      }
      return {
        qualifier: c.qualifier,
        requested: c.requested,
        allocated,
        available,
        status: PROVISIONED_STATUS_NAMES[c.status],
      };
    }),
    reserved: vs.reserved,
    provisionedTotal: vs.provisionedTotal(),
  };
}
