/**
 * `--speed X`: holds the run at each sample point until the wall clock has
 * caught up with simulated time / X, so a live Prometheus sees the run
 * unfold. It only ever waits between sample points, outside the kernel, and
 * reads nothing the simulation uses: a paced run gives the same results as
 * an unpaced one. It waits without blocking the thread (Atomics.waitAsync),
 * so the metrics server and Ctrl-C are served meanwhile; raising the stop
 * flag (with Atomics.notify) ends a wait at once.
 */
export class Pacer {
  private originMs: number | null = null;

  constructor(
    private readonly speed: number,
    private readonly stop: Int32Array,
    private readonly nowMs: () => number = () => performance.now(),
  ) {
    if (!(speed > 0)) throw new RangeError(`speed must be greater than 0, got ${speed}`);
  }

  /** Waits until simulated time `timeUs` is due; false when asked to stop meanwhile. */
  async waitFor(timeUs: number): Promise<boolean> {
    const scaledMs = timeUs / 1000 / this.speed;
    if (this.originMs === null) this.originMs = this.nowMs() - scaledMs;
    const dueMs = this.originMs + scaledMs;
    for (;;) {
      if (Atomics.load(this.stop, 0) !== 0) return false;
      const leftMs = dueMs - this.nowMs();
      if (leftMs <= 0) return true;
      const wait = Atomics.waitAsync(this.stop, 0, 0, leftMs);
      if (!wait.async) continue;
      // A pending waitAsync does not keep Node's event loop alive: once a signal's notify had ended
      // it, the process could exit (code 0, nothing written) before the wait's promise settled.
      // A timer holds the loop until then.
      const alive = setTimeout(() => {}, leftMs + 1000);
      try {
        await wait.value;
      } finally {
        clearTimeout(alive);
      }
    }
  }
}
