/**
 * How a function phase reads in AWS's fields: State, StateReasonCode and
 * LastUpdateStatus, as GetFunctionConfiguration would report them.
 */
import {
  LastUpdateStatus,
  type LastUpdateStatusCode,
  STATE_NAMES,
  State,
  type StateCode,
} from "./aws-names.js";
import { Phase, type PhaseCode } from "./lifecycle-table.js";

/** State of each phase; -1 for Absent. */
export const PHASE_STATE: readonly (StateCode | -1)[] = [
  -1,
  State.Pending,
  State.Pending,
  State.Active,
  State.Active,
  State.Inactive,
  State.Inactive,
  State.Failed,
  State.Failed,
];

/** Phases whose LastUpdateStatus is InProgress whatever the stored value. */
export function isInProgress(phase: PhaseCode): boolean {
  return (
    phase === Phase.PendingCreating ||
    phase === Phase.ActiveUpdating ||
    phase === Phase.InactiveUpdating ||
    phase === Phase.FailedUpdating
  );
}

/** LastUpdateStatus as reported, from the phase and the last settled value. */
export function reportedLastUpdateStatus(
  phase: PhaseCode,
  settled: LastUpdateStatusCode,
): LastUpdateStatusCode {
  return isInProgress(phase) ? LastUpdateStatus.InProgress : settled;
}

/** AWS's State name of a phase, or "Absent" when no function exists. */
export function stateNameOf(phase: PhaseCode): string {
  const s = PHASE_STATE[phase];
  return s === -1 ? "Absent" : STATE_NAME_LIST[s];
}

const STATE_NAME_LIST: readonly string[] = STATE_NAMES;
