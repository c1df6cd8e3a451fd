/**
 * The shared control block of a parallel run: how the coordinator's thread
 * tells partition hosts to run a round and how they answer. Int32 cells for
 * Atomics (wait/notify), Float64 cells for times and counts.
 */

/** Int32 cells. */
export const Ctl = {
  /** Hosts done with the current step. */
  Done: 1,
  /** What the step is: Command.*. */
  Command: 2,
  /** 1 when the RunRound step starts a new epoch, else 0. */
  NewEpoch: 3,
  /** Hosts that failed (their error follows on their port). */
  Failed: 4,
  /** Hosts whose task has started (they then load the model and make their partitions). */
  Started: 5,
  /** First per-host status cell: 0 ok, 1 failed, 2 outbox replaced (new buffer on the port). */
  HostStatus: 8,
  /**
   * First per-host step counter: the coordinator's thread increments host h's
   * cell to start a step there. Each host waits on its own cell, so a round
   * wakes only the hosts whose partitions can move in it.
   */
  HostSeq: 8 + 64,
} as const;

/**
 * RunRound: run every partition to its horizon in the epoch ending at
 * F64.EndUs (first, at a new epoch, reset the horizons; otherwise move them
 * on past F64.DecidedUs). WriteGauges: write the partitions' gauges at the
 * sample point in F64.EndUs. Finish: hand back results.
 */
export const Command = { RunRound: 1, Finish: 2, WriteGauges: 3 } as const;

/** Float64 cells. */
export const F64 = {
  /** End of the epoch (exclusive). */
  EndUs: 0,
  /** Every request sent before this time has been decided (rounds after an epoch's first). */
  DecidedUs: 1,
  /** The lookahead, µs. */
  LookaheadUs: 2,
  /**
   * Per host h: base + h * stride + {0: next event time, 1: events processed, 2: least horizon
   * (simulated time reached), 3: pending events, 4: wall-clock ms of its last round's work}.
   */
  HostBase: 8,
  HostStride: 5,
} as const;

export const MAX_HOSTS = 64;

export interface ControlBuffers {
  ctl: SharedArrayBuffer;
  f64: SharedArrayBuffer;
}

export function newControlBuffers(): ControlBuffers {
  return {
    ctl: new SharedArrayBuffer(4 * (Ctl.HostSeq + MAX_HOSTS)),
    f64: new SharedArrayBuffer(8 * (F64.HostBase + F64.HostStride * MAX_HOSTS)),
  };
}
