/**
 * A served simulation's side of the API: requests come in on the wall
 * clock, enter the simulation at the simulated time of their arrival, and
 * are answered when the simulation reaches their outcome. It is the run's
 * LiveLink: before each epoch it holds the run until the wall clock has
 * reached the epoch's end (simulated time / speed), then hands the
 * simulation every request that arrived meanwhile, each at its own arrival
 * time. The partitions run on this thread, so everything here happens
 * between epochs, in order.
 */
import { ApiError, type InvocationTypeName, type OperationName } from "../model/aws-names.js";
import type { FunctionReading, LiveFunctionSettings } from "../model/function-reading.js";
import type { LiveControl } from "../model/live-control.js";
import type { InvocationDetail } from "../model/live-invocations.js";
import type { PlanCallParams, PlanConfigChange } from "../model/plan.js";
import type { LiveLink } from "../model/run.js";
import { type RecordedCreate, SessionRecording } from "./recording.js";
import type { ServePlan } from "./serve-plan.js";

/** A call the simulation answers (the model's operations). */
export interface ModelRequest {
  operation: OperationName;
  functionName: string;
  /** CreateFunction: the template key (`${runtimeFamily}/${packageType}`) and settings. */
  create?: { template: number; settings: LiveFunctionSettings };
  config?: PlanConfigChange;
  params?: PlanCallParams;
  invocationType?: InvocationTypeName;
}

export interface SessionAnswer {
  /** An ApiError code (0: success). */
  error: number;
  /** The function as it read when the answer was made. */
  reading: FunctionReading;
  /** Simulated time of the answer, and of the request's arrival. */
  atUs: number;
  arrivedUs: number;
  /** The request could not enter the simulation (no such function, no free slot): why, for the message. */
  refusal?: "noSuchFunction" | "noFreeSlot" | "stopped";
  /** An Invoke that ran: the version it ran (0: $LATEST). */
  executedVersion?: number;
  /** A configuration call the control plane refused: its message, in Lambda's words ("" otherwise). */
  message?: string;
  /** An Invoke's run (durations) or throttle cause, as the model told it. */
  invocation?: InvocationDetail;
}

/** What a pending read of the simulation rejects with when the session stops first. */
export class SessionStoppedError extends Error {
  constructor() {
    super("The simulation has stopped");
    this.name = "SessionStoppedError";
  }
}

/** A request the session has taken and the simulation has not answered yet. */
interface Waiting {
  request: ModelRequest | null;
  /** Reads between epochs: called with the control at the epoch boundary. */
  read: ((control: LiveControl, nowUs: number) => void) | null;
  arrivedMs: number;
  arrivedUs: number;
  resolve: (a: SessionAnswer) => void;
}

/** A function the API has named: its global index in the plan. */
export class ServeSession implements LiveLink {
  private control: LiveControl | null = null;
  private originMs: number | null = null;
  private incoming: Waiting[] = [];
  private readonly inFlight = new Map<number, Waiting>();
  private readonly byName = new Map<string, number>();
  private nextSlot: number;
  stopped = false;
  private wake: (() => void) | null = null;
  /** Simulated time the run has reached (the start of the coming epoch). */
  nowUs = 0;
  /** Calls the simulation answered, for the summary and --record. */
  answered = 0;
  /** What --record writes besides the plan's calls. */
  readonly recording: SessionRecording;

  constructor(
    readonly served: ServePlan,
    private readonly speed: number,
    private readonly clockMs: () => number = () => performance.now(),
  ) {
    this.nextSlot = served.firstSlot;
    this.recording = new SessionRecording(served.plan.calls.length);
    const names = served.plan.functions.names;
    for (let g = 0; g < served.firstSlot; g++) this.byName.set(names[g], g);
  }

  attach(control: LiveControl): void {
    this.control = control;
  }

  /** The global index of a function name the session knows, or -1. */
  indexOf(name: string): number {
    return this.byName.get(name) ?? -1;
  }

  /** Names of the functions the API can see (created, or the scenario's), in creation order. */
  names(): string[] {
    return [...this.byName.keys()];
  }

  /** Takes a call for the simulation; the promise settles with its answer. */
  submit(request: ModelRequest): Promise<SessionAnswer> {
    return new Promise((resolve) => this.take({ request, read: null, resolve }));
  }

  /** Reads the simulation at the next epoch boundary (what the API reads without a model call). */
  inspect<T>(read: (control: LiveControl, nowUs: number) => T): Promise<T> {
    return new Promise((resolve, reject) =>
      this.take({
        request: null,
        read: (control, nowUs) => {
          try {
            resolve(read(control, nowUs));
          } catch (e) {
            reject(e as Error);
          }
        },
        // Called only when the session refuses the read: it stopped first.
        resolve: () => reject(new SessionStoppedError()),
      }),
    );
  }

  /** Ends the session: holds end at once, and requests not yet in the simulation are refused. */
  stop(): void {
    this.stopped = true;
    this.wake?.();
    for (const w of this.incoming) this.refuse(w, "stopped");
    this.incoming = [];
    for (const w of this.inFlight.values()) this.refuse(w, "stopped");
    this.inFlight.clear();
  }

  /** Simulated time at wall-clock time `ms` (before the run starts: 0). */
  simulatedUsAt(ms: number): number {
    if (this.originMs === null) return 0;
    return Math.max(0, Math.round((ms - this.originMs) * 1000 * this.speed));
  }

  beforeEpoch(startUs: number, endUs: number): Promise<unknown> | null {
    this.nowUs = startUs;
    if (this.originMs === null) this.originMs = this.clockMs() - startUs / 1000 / this.speed;
    const dueMs = this.originMs + endUs / 1000 / this.speed;
    const leftMs = dueMs - this.clockMs();
    if (leftMs <= 0 || this.stopped) {
      this.admit(startUs);
      return null;
    }
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wake = null;
        this.admit(startUs);
        resolve();
      };
      const timer = setTimeout(done, leftMs);
      this.wake = done;
    });
  }

  onCallAnswer(
    call: number,
    error: number,
    _g: number,
    reading: FunctionReading,
    atUs: number,
    answer: { version: number; message: string },
    detail?: InvocationDetail | null,
  ): void {
    const w = this.inFlight.get(call);
    if (w === undefined) return; // a call of the scenario's own events
    this.inFlight.delete(call);
    this.answered++;
    this.recording.answered(atUs);
    const out: SessionAnswer = {
      error,
      reading,
      atUs,
      arrivedUs: w.arrivedUs,
      executedVersion: answer.version,
      message: answer.message,
    };
    if (detail != null) out.invocation = detail;
    w.resolve(out);
  }

  private take(w: Omit<Waiting, "arrivedMs" | "arrivedUs">): void {
    const arrivedMs = this.clockMs();
    const waiting: Waiting = { ...w, arrivedMs, arrivedUs: this.simulatedUsAt(arrivedMs) };
    if (this.stopped) this.refuse(waiting, "stopped");
    else this.incoming.push(waiting);
  }

  /** Hands the simulation what arrived, each request at its arrival time (never before startUs). */
  private admit(startUs: number): void {
    const control = this.control;
    if (control === null) return;
    const arrivals = this.incoming;
    this.incoming = [];
    for (const w of arrivals) {
      const atUs = Math.max(startUs, this.simulatedUsAt(w.arrivedMs));
      w.arrivedUs = atUs;
      if (w.read !== null) {
        w.read(control, startUs);
        continue;
      }
      this.enter(control, w, w.request!, atUs);
    }
  }

  private enter(control: LiveControl, w: Waiting, r: ModelRequest, atUs: number): void {
    let g = this.byName.get(r.functionName) ?? -1;
    let created: RecordedCreate | null = null;
    if (r.operation === "CreateFunction" && r.create !== undefined) {
      if (g < 0) {
        if (this.nextSlot >= this.served.plan.functions.names.length) return this.refuse(w, "noFreeSlot");
        g = this.nextSlot++;
        this.byName.set(r.functionName, g);
      }
      // A name deleted and created again takes the new settings; an existing one is refused by the model.
      if (control.read(g).state === "Absent") {
        control.prepareCreate(g, r.functionName, r.create.template, r.create.settings);
        created = { function: g, ...r.create };
      }
    }
    if (g < 0) return this.refuse(w, "noSuchFunction");
    const call = control.addCall({
      atUs,
      operation: r.operation,
      function: g,
      client: this.served.client,
      ...(r.config !== undefined ? { config: r.config } : {}),
      ...(r.params !== undefined ? { params: r.params } : {}),
      ...(r.invocationType !== undefined ? { invocationType: r.invocationType } : {}),
    });
    this.inFlight.set(call, w);
    this.recording.entered(call, atUs, created);
  }

  private refuse(w: Waiting, why: NonNullable<SessionAnswer["refusal"]>): void {
    const absent = ABSENT;
    const error = why === "noSuchFunction" ? ApiError.ResourceNotFoundException : ApiError.ServiceException;
    w.resolve({ error, reading: absent, atUs: w.arrivedUs, arrivedUs: w.arrivedUs, refusal: why });
  }
}

const ABSENT: FunctionReading = {
  state: "Absent",
  stateReasonCode: "",
  stateReason: "",
  lastUpdateStatus: "None",
  lastUpdateStatusReasonCode: "",
  lastUpdateStatusReason: "",
  memoryMb: 0,
  timeoutUs: 0,
  vpcConfig: -1,
  revision: 0,
  incarnation: 0,
  versions: 0,
  reservedConcurrency: -1,
};
