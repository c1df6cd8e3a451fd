/**
 * The per-function columns of one partition: every room of the model reads
 * and writes a function's state here, by the function's local index. Numbers
 * live in typed arrays (one column per field, no object per function); only
 * the versions of versioned functions are objects, and only for the
 * functions that need them. Execution environments have their own table
 * (environment-table.ts), in FleetContext.
 *
 * The State counts (by State, by LastUpdateStatus, by template) follow the
 * phase column: change a phase only through setPhase, so they stay in step.
 */
import { LAST_UPDATE_STATUS_NAMES, type LastUpdateStatusCode, STATE_NAMES } from "./aws-names.js";
import { FUNCTION_COLUMNS, STATE_COLUMN } from "./function-table.js";
import { PHASE_STATE, reportedLastUpdateStatus } from "./function-view.js";
import type { PhaseCode } from "./lifecycle-table.js";
import type { PlanConfigChange, PlanTemplate } from "./plan.js";
import type { FunctionVersions } from "./versions.js";

export const STATE_COUNT = STATE_NAMES.length;
/** No VPC configuration (vpcConfig, claimedConfig, provisioning without ENIs). */
export const NO_CONFIG = -1;

export class FunctionStore {
  readonly count: number;
  /** Global function index of each local function. */
  readonly globalId: Int32Array;
  readonly templateOf: Int32Array;

  // Lifecycle: the phase and the reason codes GetFunctionConfiguration reports.
  readonly phase: Uint8Array;
  readonly settledLus: Uint8Array;
  readonly stateReason: Uint8Array;
  readonly lusReason: Uint8Array;
  /** Bumped whenever a pending operation is abandoned: a late answer with an older epoch is stale. */
  readonly epoch: Int32Array;
  readonly pendingSinceUs: Float64Array;
  readonly updateStartUs: Float64Array;
  readonly lastInvokeUs: Float64Array;
  /** When the armed idle check fires, or -1 when none is armed. */
  readonly idleCheckAtUs: Float64Array;
  readonly restoreBlockedUntilUs: Float64Array;
  readonly liveRevision: Int32Array;
  readonly nextRevision: Int32Array;
  /** Counts CreateFunction calls that succeeded on this name (mod 256); see packInvocation. */
  readonly incarnation: Uint8Array;

  // Configuration, live and staged by an update in progress.
  readonly vpcConfig: Int32Array;
  readonly pendingVpcConfig: Int32Array;
  readonly memoryMb: Int32Array;
  readonly pendingMemoryMb: Int32Array;
  readonly timeoutUs: Float64Array;
  readonly pendingTimeoutUs: Float64Array;
  /** VPC configuration whose ENIs the function holds a claim on, or NO_CONFIG. */
  readonly claimedConfig: Int32Array;

  // Execution environments: running, of any kind (the idle ones are in FleetContext.envs).
  readonly busyEnvironments: Int32Array;
  /**
   * 1 where the function may be admitted under the partition's grant: it
   * draws on the account's unreserved pool (no reserved concurrency) and
   * mounts no file system (EFS admissions always ask: the coordinator tells
   * them their IO slowdown, V10).
   */
  readonly unreserved: Uint8Array;

  // Published versions.
  readonly versions: Int32Array;
  /** Latest published version: 0 Pending, 1 Active. */
  readonly latestVersionActive: Uint8Array;
  /** Versions, aliases and concurrency settings (versions.ts), for the functions that use them; else null. */
  readonly versionsOf: (FunctionVersions | null)[];

  // Functions by State, as the samples and the report count them.
  readonly stateCount = new Float64Array(STATE_NAMES.length);
  readonly lusCount = new Float64Array(LAST_UPDATE_STATUS_NAMES.length);
  /** Functions by (template, State): index template * STATE_COUNT + State. */
  readonly stateByTemplate: Float64Array;

  constructor(
    globalIds: Int32Array,
    templates: number,
    /** Per-function invocation outcomes and State by global index (function-table.ts), or null. */
    private readonly functionTable: Float64Array | null,
  ) {
    const n = globalIds.length;
    this.count = n;
    this.globalId = globalIds;
    this.templateOf = new Int32Array(n);
    this.phase = new Uint8Array(n);
    this.settledLus = new Uint8Array(n);
    this.stateReason = new Uint8Array(n);
    this.lusReason = new Uint8Array(n);
    this.epoch = new Int32Array(n);
    this.pendingSinceUs = new Float64Array(n);
    this.updateStartUs = new Float64Array(n);
    this.lastInvokeUs = new Float64Array(n);
    this.idleCheckAtUs = new Float64Array(n).fill(-1);
    this.restoreBlockedUntilUs = new Float64Array(n);
    this.liveRevision = new Int32Array(n);
    this.nextRevision = new Int32Array(n);
    this.incarnation = new Uint8Array(n);
    this.vpcConfig = new Int32Array(n);
    this.pendingVpcConfig = new Int32Array(n);
    this.memoryMb = new Int32Array(n);
    this.pendingMemoryMb = new Int32Array(n);
    this.timeoutUs = new Float64Array(n);
    this.pendingTimeoutUs = new Float64Array(n);
    this.claimedConfig = new Int32Array(n).fill(NO_CONFIG);
    this.busyEnvironments = new Int32Array(n);
    this.unreserved = new Uint8Array(n);
    this.versions = new Int32Array(n);
    this.latestVersionActive = new Uint8Array(n);
    this.versionsOf = new Array<FunctionVersions | null>(n).fill(null);
    this.stateByTemplate = new Float64Array(templates * STATE_COUNT);
  }

  /** Moves a function to another phase, keeping the State counts in step. */
  setPhase(f: number, to: PhaseCode): void {
    const from = this.phase[f] as PhaseCode;
    if (from === to) return;
    const s0 = PHASE_STATE[from];
    const s1 = PHASE_STATE[to];
    const t = this.templateOf[f] * STATE_COUNT;
    if (s0 >= 0) {
      this.stateCount[s0]--;
      this.stateByTemplate[t + s0]--;
      this.lusCount[this.reportedLus(f, from)]--;
    }
    this.phase[f] = to;
    if (s1 >= 0) {
      this.stateCount[s1]++;
      this.stateByTemplate[t + s1]++;
      this.lusCount[this.reportedLus(f, to)]++;
    }
    if (this.functionTable !== null)
      this.functionTable[this.globalId[f] * FUNCTION_COLUMNS + STATE_COLUMN] = s1;
  }

  /** Settles LastUpdateStatus (Successful, Failed), keeping the counts in step. */
  setSettledLus(f: number, lus: LastUpdateStatusCode): void {
    const ph = this.phase[f] as PhaseCode;
    if (PHASE_STATE[ph] >= 0) {
      this.lusCount[this.reportedLus(f, ph)]--;
      this.lusCount[reportedLastUpdateStatus(ph, lus)]++;
    }
    this.settledLus[f] = lus;
  }

  /** LastUpdateStatus as GetFunctionConfiguration would report it in `phase`. */
  reportedLus(f: number, phase: PhaseCode = this.phase[f] as PhaseCode): LastUpdateStatusCode {
    return reportedLastUpdateStatus(phase, this.settledLus[f] as LastUpdateStatusCode);
  }

  /** The template's configuration, live and staged (a new function). */
  resetConfig(f: number, tpl: Pick<PlanTemplate, "vpcConfig" | "memoryMb" | "timeoutUs">): void {
    this.vpcConfig[f] = tpl.vpcConfig;
    this.pendingVpcConfig[f] = tpl.vpcConfig;
    this.memoryMb[f] = tpl.memoryMb;
    this.pendingMemoryMb[f] = tpl.memoryMb;
    this.timeoutUs[f] = tpl.timeoutUs;
    this.pendingTimeoutUs[f] = tpl.timeoutUs;
  }

  /** Stages an update's configuration change (none for a code update). */
  stageConfig(f: number, change: PlanConfigChange | undefined): void {
    this.pendingVpcConfig[f] = change?.vpcConfig !== undefined ? change.vpcConfig : this.vpcConfig[f];
    this.pendingMemoryMb[f] = change?.memoryMb ?? this.memoryMb[f];
    this.pendingTimeoutUs[f] = change?.timeoutUs ?? this.timeoutUs[f];
  }

  /** Makes the staged configuration live (R8). */
  commitConfig(f: number): void {
    this.vpcConfig[f] = this.pendingVpcConfig[f];
    this.memoryMb[f] = this.pendingMemoryMb[f];
    this.timeoutUs[f] = this.pendingTimeoutUs[f];
  }
}
