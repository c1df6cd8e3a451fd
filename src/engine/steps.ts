/**
 * A run is written once, as a generator of steps, and driven in one of two
 * ways. Where it must wait (worker threads working on a round, a paced run
 * holding at a sample point) it yields a promise; where the event loop may
 * take a turn (so Ctrl-C, timers and a metrics server are served during a
 * long run) it yields null. Whatever it yields, the simulation does not
 * change: yields only decide when the host process gets to do other work.
 */
import { setImmediate as nextTurn } from "node:timers/promises";
import { InvariantError } from "./invariant-error.js";

export type Pause = Promise<unknown> | null;
export type Steps<T> = Generator<Pause, T, void>;

/** Runs steps that never wait (every partition on this thread, unpaced) to their end at once. */
export function driveSync<T>(steps: Steps<T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    if (r.value !== null) {
      steps.return(undefined as T);
      throw new InvariantError("this run waits (worker threads or pacing): drive it with driveAsync");
    }
  }
}

/** Runs steps, waiting where they wait and giving the event loop a turn where they allow it. */
export async function driveAsync<T>(steps: Steps<T>): Promise<T> {
  let r = steps.next();
  while (!r.done) {
    try {
      await (r.value ?? nextTurn());
    } catch (e) {
      r = steps.throw(e);
      continue;
    }
    r = steps.next();
  }
  return r.value;
}
