/**
 * The partition's side of the troubleshooting seed's invocation errors
 * (V8-V10): who may invoke each local function, the state of its KMS key and
 * grant, and the EFS mount faults its cold starts meet. Everything is
 * precomputed into typed arrays at partition start, so the per-invocation
 * checks read a byte; a plan without callers, keys or file systems pays one
 * comparison per check.
 */
import type { RandomStreams } from "../engine/random-streams.js";
import { ApiError } from "./aws-names.js";
import { containsSorted } from "./sorted-ids.js";
import {
  EFS_MOUNT_FAULT_KINDS,
  type Plan,
  type PlanCaller,
  type PlanConfigChange,
  type PlanFault,
  type PlanResourcePolicy,
  type PlanTemplate,
} from "./plan.js";

/** The ApiError of each EFS mount fault kind, in EFS_MOUNT_FAULT_KINDS order. */
export const EFS_MOUNT_ERRORS = [
  ApiError.EFSMountFailureException,
  ApiError.EFSMountConnectivityException,
  ApiError.EFSMountTimeoutException,
] as const;

type MountFault = Extract<PlanFault, { kind: (typeof EFS_MOUNT_FAULT_KINDS)[number] }>;
type KeyDisabled = Extract<PlanFault, { kind: "kmsKeyDisabled" }>;

/** The scenario's own account: callers of it are same-account callers. */
export const SCENARIO_ACCOUNT = "123456789012";

/**
 * AWS's rule for lambda:InvokeFunction. Same account: the caller's identity
 * policy or the function's resource policy (naming the caller or "*") allows
 * it; an account principal in a resource policy delegates to that account's
 * identity policies, so it adds nothing within the account. Cross-account:
 * both must allow it (the resource policy by "*", the caller's account or its ARN).
 */
export function mayInvoke(caller: PlanCaller, g: number, policy: PlanResourcePolicy): boolean {
  const identity = caller.allow === null || containsSorted(caller.allow, g);
  const named = policy.anyone || policy.arns.includes(caller.arn);
  if (caller.account === SCENARIO_ACCOUNT) return identity || named;
  return identity && (named || policy.accounts.includes(caller.account));
}

export class InvocationFaults {
  /** 1 where caller c may not invoke local function f: index c * n + f; empty without callers. */
  private readonly denied: Uint8Array;
  /** Whether the plan names KMS keys / file systems; without, the arrays below are empty (and V9 never refuses). */
  readonly usesKms: boolean;
  private readonly usesEfs: boolean;
  /** Whether some caller may not invoke some local function (V8 can refuse only then). */
  readonly deniesAny: boolean;
  /** KMS key of each local function's environment, or -1 for the AWS managed key. */
  readonly kmsKey: Int32Array;
  private readonly pendingKmsKey: Int32Array;
  /** 1 while Lambda's grant on the function's key is revoked. */
  readonly grantRevoked: Uint8Array;
  /** File system each local function mounts, or -1 (see fileSystemOf). */
  private readonly fileSystem: Int32Array;
  private readonly keyDisabled: KeyDisabled[];
  private readonly mountFaults: MountFault[];

  constructor(
    private readonly plan: Plan,
    private readonly globalId: Int32Array,
  ) {
    const n = globalId.length;
    const callers = plan.callers;
    this.denied = new Uint8Array(callers.length * n);
    for (let f = 0; f < n; f++) {
      const g = globalId[f];
      const policy = plan.templates[plan.functions.template[g]].policy;
      for (let c = 0; c < callers.length; c++)
        this.denied[c * n + f] = mayInvoke(callers[c], g, policy) ? 0 : 1;
    }
    this.deniesAny = this.denied.includes(1);
    this.usesKms = plan.kmsKeys.length > 0;
    this.usesEfs = plan.fileSystems.length > 0;
    const kms = this.usesKms ? n : 0;
    this.kmsKey = new Int32Array(kms);
    this.pendingKmsKey = new Int32Array(kms);
    this.grantRevoked = new Uint8Array(kms);
    this.fileSystem = new Int32Array(this.usesEfs ? n : 0);
    for (let f = 0; f < n; f++) {
      const tpl = plan.templates[plan.functions.template[globalId[f]]];
      this.reset(f, tpl);
      if (this.usesEfs) this.fileSystem[f] = tpl.fileSystem;
    }
    this.keyDisabled = plan.faults.filter((x): x is KeyDisabled => x.kind === "kmsKeyDisabled");
    this.mountFaults = plan.faults.filter((x): x is MountFault =>
      (EFS_MOUNT_FAULT_KINDS as readonly string[]).includes(x.kind),
    );
  }

  /** V8: caller c (a Plan.callers index; -1 for the account's administrator) may not invoke f. */
  isDenied(caller: number, f: number): boolean {
    return caller >= 0 && this.denied[caller * this.globalId.length + f] === 1;
  }

  /** V9: the function's key is disabled now, or Lambda's grant on it was revoked. */
  kmsBlocked(f: number, nowUs: number): boolean {
    if (!this.usesKms) return false;
    const key = this.kmsKey[f];
    if (key < 0) return false;
    if (this.grantRevoked[f] === 1) return true;
    for (const d of this.keyDisabled)
      if (d.key === key && nowUs >= d.fromUs && nowUs < d.untilUs) return true;
    return false;
  }

  /** A new function (CreateFunction): the template's key, with a fresh grant. */
  reset(f: number, tpl: PlanTemplate): void {
    if (!this.usesKms) return;
    this.kmsKey[f] = tpl.kmsKey;
    this.pendingKmsKey[f] = tpl.kmsKey;
    this.grantRevoked[f] = 0;
  }

  /** An UpdateFunctionConfiguration starts: the key it will set. */
  stage(f: number, change: PlanConfigChange | undefined): void {
    if (!this.usesKms) return;
    this.pendingKmsKey[f] = change?.kmsKey ?? this.kmsKey[f];
  }

  /** The update completed: assigning a different key makes Lambda create a grant on it (the seed's cure). */
  complete(f: number): void {
    if (!this.usesKms || this.pendingKmsKey[f] === this.kmsKey[f]) return;
    this.kmsKey[f] = this.pendingKmsKey[f];
    this.grantRevoked[f] = 0;
  }

  /** A kmsGrantRevoked fault reaches f: revoked if f uses a customer key (the fault's key, when it names one). */
  revokeGrant(f: number, fault: Extract<PlanFault, { kind: "kmsGrantRevoked" }>): boolean {
    const key = this.usesKms ? this.kmsKey[f] : -1;
    if (key < 0 || (fault.key >= 0 && fault.key !== key)) return false;
    this.grantRevoked[f] = 1;
    return true;
  }

  /**
   * V10: the mount of a cold start of f fails: the EFS_MOUNT_FAULT_KINDS index
   * of the first fault that hits, or -1. Only functions that mount a file
   * system draw (from their own service stream).
   */
  mountFault(f: number, nowUs: number, rng: RandomStreams): number {
    if (!this.usesEfs) return -1;
    const fs = this.fileSystem[f];
    if (fs < 0) return -1;
    for (const m of this.mountFaults) {
      if (nowUs < m.fromUs || nowUs >= m.untilUs) continue;
      if (m.fileSystem >= 0 && m.fileSystem !== fs) continue;
      if (m.targets !== null && !containsSorted(m.targets, this.globalId[f])) continue;
      if (m.probability >= 1 || rng.next(f) < m.probability) return EFS_MOUNT_FAULT_KINDS.indexOf(m.kind);
    }
    return -1;
  }

  /** The file system local function f mounts, or -1. */
  fileSystemOf(f: number): number {
    return this.usesEfs ? this.fileSystem[f] : -1;
  }

  /** Whether any function's key can be changed by a configuration update (so any may come to use a key). */
  static keysChange(plan: Plan): boolean {
    return (
      plan.live === true ||
      plan.steps.some((s) => s.config?.kmsKey !== undefined) ||
      plan.calls.some((c) => c.config?.kmsKey !== undefined)
    );
  }
}
