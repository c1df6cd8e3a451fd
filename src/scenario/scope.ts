/**
 * What the parts of the scenario compiler share. compile.ts builds it; the
 * workload and fault compilers read it. It lives apart from compile.ts so
 * that they need not import the compiler that imports them.
 */
import type { Callers } from "./callers.js";
import type { Fleet } from "./fleet.js";
import type { Path, PathIssue } from "./issues.js";
import type { KmsKeys } from "./kms-keys.js";
import type { Network } from "./network.js";
import type { QualifierInput } from "./schema.js";

export interface Scope {
  readonly fleet: Fleet;
  readonly network: Network;
  readonly callers: Callers;
  readonly kmsKeys: KmsKeys;
  readonly issues: PathIssue[];
  /** The file's duration: nothing may start after it. */
  readonly durationUs: number;
  /** End of the run: the file's duration unless the caller overrides it. */
  readonly untilUs: number;
  /** The scenario file's directory (the working directory for standard input): relative trace files are found there. */
  readonly baseDir: string;
  /** The engine's lookahead under the file's model (model/defaults.ts lookaheadOfDefaults). */
  readonly lookaheadUs: number;
  client(name: string, path: Path): number;
  /** Alias names seen so far (Plan.aliases). */
  readonly aliases: string[];
  /** A qualifier as the plan numbers it (model/qualifiers.ts); alias names are added to `aliases`. */
  qualifier(input: QualifierInput, path: Path): number;
}
