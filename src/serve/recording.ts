/**
 * What a session's --record needs beyond the plan itself: the calls the
 * session added are already in Plan.calls (from `firstCall` on, in the order
 * added), so this keeps only what the plan forgets: the settings each
 * CreateFunction gave its slot, and how far the answers went.
 */
import type { LiveFunctionSettings } from "../model/function-reading.js";

export interface RecordedCreate {
  /** Global function index (the slot). */
  function: number;
  /** Template index in the served plan (a runtime family and package type). */
  template: number;
  settings: LiveFunctionSettings;
}

export class SessionRecording {
  /** Each CreateFunction that named and configured its slot, by Plan.calls index. */
  readonly creates = new Map<number, RecordedCreate>();
  /** Simulated time past every call added and every answer given. */
  endUs = 0;

  constructor(
    /** The first Plan.calls index the session adds: the scenario's own events come before. */
    readonly firstCall: number,
  ) {}

  entered(call: number, atUs: number, create: RecordedCreate | null): void {
    if (create !== null) this.creates.set(call, create);
    this.endUs = Math.max(this.endUs, atUs + 1);
  }

  answered(atUs: number): void {
    this.endUs = Math.max(this.endUs, atUs + 1);
  }
}
