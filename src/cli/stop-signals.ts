/**
 * SIGINT (Ctrl-C), SIGTERM and SIGHUP stop a run or a sweep the same way:
 * the first asks it to stop where it can and still write what it has
 * (marked partial); a second gives that up. The exit code is 128 + the
 * first signal's number (exit-codes.ts). A signal within a second of the
 * first is taken as the same one delivered twice (a supervisor, or `timeout`,
 * that signals the process and then its process group), not as a second.
 */
import { STOP_SIGNALS, type StopSignal, stoppedExitCode } from "./exit-codes.js";

const NAMES = Object.keys(STOP_SIGNALS) as StopSignal[];
/** Signals this soon after the first count as the first delivered again. */
const REPEAT_MS = 1000;

export class StopSignals {
  /** The first signal received, or null. */
  first: StopSignal | null = null;
  /** Signals received so far. */
  count = 0;
  private readonly listeners = new Map<StopSignal, () => void>();
  private firstAtMs = 0;

  constructor(
    private readonly source: NodeJS.EventEmitter | undefined,
    /** Called on each signal, with how many came so far. */
    onSignal: (signal: StopSignal, count: number) => void,
  ) {
    for (const name of NAMES) {
      const listener = () => {
        const now = Date.now();
        if (this.count === 0) this.firstAtMs = now;
        else if (now - this.firstAtMs < REPEAT_MS) return;
        this.count++;
        this.first ??= name;
        onSignal(name, this.count);
      };
      this.listeners.set(name, listener);
      source?.on(name, listener);
    }
  }

  /** The exit code for a stop caused by the first signal (130 for Ctrl-C, 143 for SIGTERM, 129 for SIGHUP). */
  get exitCode(): number {
    return stoppedExitCode(this.first);
  }

  /** Stops listening (the signals' default action is back). */
  dispose(): void {
    for (const [name, listener] of this.listeners) this.source?.off(name, listener);
    this.listeners.clear();
  }
}

/** The note printed at the first signal. */
export function stoppingNote(signal: StopSignal, what: string): string {
  return signal === "SIGINT"
    ? `fleet-sim: stopping ${what} (Ctrl-C again to abort without a report)`
    : `fleet-sim: ${signal}: stopping ${what} (a second signal aborts without a report)`;
}
