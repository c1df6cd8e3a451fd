/**
 * What a live run (fleet-sim serve) tells the caller of an Invoke beyond its
 * error: how long the handler ran, the init duration of a cold start (the
 * REPORT line's Duration and Init Duration), and why a throttled request was
 * refused (TooManyRequestsException's Reason). Only a live run keeps this
 * (FleetContext.live is null otherwise): other runs pay a null check per
 * invocation, and nothing here changes what the simulation draws or does.
 */

/** An Invoke's answer, as the live caller hears it. */
export interface InvocationDetail {
  /** Init duration of the cold start the invocation paid, in µs; -1 when it started warm or did not run. */
  initUs: number;
  /** The handler's simulated duration, in µs; -1 when it did not run. */
  runUs: number;
  /** The ThrottleCause of a TooManyRequestsException; -1 otherwise. */
  throttleCause: number;
}

export class LiveInvocations {
  /** By client task slot: the invocation the task's call started, until its answer reads it. */
  private initUs = new Float64Array(64).fill(-1);
  private runUs = new Float64Array(64).fill(-1);
  /** The cause of the throttle being answered right now (set just before the answer, read by it). */
  throttleCause = -1;

  /** Task `slot`'s invocation starts: initUs -1 for a warm start. */
  started(slot: number, initUs: number, runUs: number): void {
    if (slot >= this.initUs.length) this.grow(slot + 1);
    this.initUs[slot] = initUs;
    this.runUs[slot] = runUs;
  }

  /** The answer to task `slot`'s call: what it ran and why it was throttled, read once. */
  take(slot: number): InvocationDetail {
    const inRange = slot < this.initUs.length;
    const detail: InvocationDetail = {
      initUs: inRange ? this.initUs[slot] : -1,
      runUs: inRange ? this.runUs[slot] : -1,
      throttleCause: this.throttleCause,
    };
    this.clear(slot);
    return detail;
  }

  /** Forgets task `slot`'s invocation and the throttle cause, for an answer nobody hears. */
  clear(slot: number): void {
    if (slot < this.initUs.length) this.initUs[slot] = this.runUs[slot] = -1;
    this.throttleCause = -1;
  }

  private grow(min: number): void {
    const n = Math.max(min, this.initUs.length * 2);
    const init = new Float64Array(n).fill(-1);
    const run = new Float64Array(n).fill(-1);
    init.set(this.initUs);
    run.set(this.runUs);
    this.initUs = init;
    this.runUs = run;
  }
}
