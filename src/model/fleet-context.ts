/**
 * What the rooms of one partition's model share: the partition they run in,
 * the plan, the observations they count into, the per-function store, the
 * random streams and the few partition-wide counters. FleetPartition builds
 * one and hands it to each room.
 *
 * Rooms import the rooms they call; the two calls that go back up (a
 * self-triggering success invokes the function again, V7; every answer goes
 * back to the client task that asked) go through `links`, set once the rooms
 * exist.
 */
import type { Partition } from "../engine/partition.js";
import { RandomStreams } from "../engine/random-streams.js";
import type { AsyncInvocations } from "./async-events.js";
import type { Distribution } from "./duration-distribution.js";
import { EnvMeasures } from "./env-measures.js";
import { EnvironmentTable } from "./environment-table.js";
import { Routing, ROUTING_NAMES } from "./routing.js";
import { deployWindow } from "./deploy-window.js";
import type { LiveFunctionSettings } from "./function-reading.js";
import { FunctionStore } from "./function-store.js";
import { InvocationFaults } from "./invocation-faults.js";
import { type InvocationDetail, LiveInvocations } from "./live-invocations.js";
import type { Observations } from "./observations.js";
import type { Plan, PlanCallParams, PlanConfigChange } from "./plan.js";
import { LATEST } from "./qualifiers.js";
import type { Version } from "./versions.js";
import { TraceDurations } from "./trace-durations.js";

/** Calls that go back up to a room above the caller. */
export interface Links {
  /** invocations.ts: an Invoke request reaches a function. */
  invoke(f: number, ctx: number, hop: number, caller: number, qualifier: number): void;
  /** client-driver.ts: the answer to a client task's call. */
  taskAnswer(slot: number, error: number): void;
}

/**
 * Told the final answer to explicit call `call` (a Plan.calls index) of local
 * function f: for an Invoke that ran, the version it ran (0: $LATEST); for a
 * refused configuration call, the message the control plane refused it with;
 * in a live run, what the invocation ran or why it was throttled (detail).
 */
export type CallAnswerListener = (
  call: number,
  error: number,
  f: number,
  fn: FunctionStore,
  version: number,
  message: string,
  detail: InvocationDetail | null,
) => void;

/** The qualifier has not been resolved for this request yet (RequestContext.version). */
export const UNRESOLVED = -2;

/**
 * What a table lookup is about: the request, API call or invocation whose
 * guards and effects read it. One per partition, refilled before each lookup
 * (no object per request); an effect reads what it needs before it calls
 * anything that may start another request.
 */
export class RequestContext {
  // An Invoke request (invocations.ts invoke).
  ctx = 0;
  hop = 0;
  caller = -1;
  qualifier = LATEST;
  /** The version the qualifier resolved to (-1: none), UNRESOLVED until a guard asks. */
  version = UNRESOLVED;
  // An API call (client-driver.ts): its task slot, staged configuration and answer.
  slot = -1;
  params: PlanCallParams = {};
  change: PlanConfigChange | undefined = undefined;
  /** The caller's answer: the rule's, unless its effect answers otherwise (or later: -1). */
  answer = 0;
  // An invocation starting or ending (environments.ts).
  arrivalUs = 0;
  slowdown = 1;
  /** Qualifier slot and version of the invocation's route (V1). */
  routeSlot = 0;
  envVersion: Version | null = null;
  envKind = 0;
  envRevision = 0;
  envOutcome = 0;
  sameIncarnation = false;
  /** The on-demand environment it ran in (environment-table.ts), or -1 (provisioned). */
  envId = -1;
}

export class FleetContext {
  readonly request = new RequestContext();
  readonly fn: FunctionStore;
  readonly serviceRng: RandomStreams;
  readonly arrivalRng: RandomStreams;
  readonly clientRng: RandomStreams;
  /** Weighted alias routing draws (V1), only when the scenario has aliases. */
  readonly routeRng: RandomStreams | null;
  /** The on-demand execution environments (pool f: function f's $LATEST; versions add theirs). */
  readonly envs: EnvironmentTable;
  /** The warm pool's measures and sample gauges. */
  readonly envMeasures: EnvMeasures;
  /** model.routing, as a Routing code. */
  readonly routing: number;
  /** Draws of keep-alives, lifetimes and random routing; null when they draw nothing (constants, mru or lru). */
  readonly envRng: RandomStreams | null;
  /** Permissions, KMS keys and EFS mounts (V8-V10). */
  readonly invocationFaults: InvocationFaults;
  /** The run's deploy window (V11), or null. */
  readonly deploy: { startUs: number; endUs: number } | null;
  /** The functions' async queues (V6, V7); null when the plan never invokes asynchronously. */
  async: AsyncInvocations | null = null;
  links: Links = UNLINKED;

  /** Invocations accepted into the model but without an outcome yet. */
  openInvocations = 0;
  /** Provisioned environments of this partition's functions running a request, and initialised (V2; sampled). */
  provisionedBusy = 0;
  provisionedReady = 0;
  /** Transitions the table does not allow (must stay empty). */
  readonly badTransitions: string[] = [];
  /** The final answer to each explicit call: (Plan.calls index, error, time) triples, in answer order. */
  readonly callAnswers: number[] = [];
  /** A live run's settings of the functions its API creates, by local index (their templates' otherwise); null when not live. */
  readonly createSettings: Map<number, LiveFunctionSettings> | null;
  /** A live run's listener for the answers to explicit calls (fleet-sim serve); null otherwise. */
  onCallAnswer: CallAnswerListener | null = null;
  /**
   * What goes with the answer being given (ClientDriver.taskAnswer hands both
   * to onCallAnswer, then clears them): the version an invocation ran, and the
   * message the control plane refused a call with. Plain fields, set just
   * before the answer, so the hot path allocates nothing for them.
   */
  answerVersion = 0;
  answerMessage = "";
  /** A live run's invocation details for the answers (live-invocations.ts); null otherwise. */
  readonly live: LiveInvocations | null;
  /** Durations of trace arrivals in flight (trace-durations.ts). */
  readonly traceDurations = new TraceDurations();
  /** Every per-function stream made, by its prefix, so a function named while the run goes can be reseeded. */
  private readonly madeStreams: [string, RandomStreams][] = [];

  constructor(
    readonly p: Partition,
    readonly plan: Plan,
    readonly obs: Observations,
    globalIds: Int32Array,
    functionTable: Float64Array | null,
    /** The run's sample interval (0: no samples), for the environment gauges. */
    sampleIntervalUs = 0,
  ) {
    this.fn = new FunctionStore(globalIds, plan.templates.length, functionTable);
    const d = plan.defaults;
    const horizonUs = Math.min(d.keepAliveMaxUs, upperBoundUs(d.keepAlive));
    this.envMeasures = new EnvMeasures(obs, plan.templates.length, sampleIntervalUs, horizonUs);
    this.envs = new EnvironmentTable(globalIds.length, this.envMeasures);
    this.routing = ROUTING_NAMES.indexOf(d.routing);
    const draws = d.keepAlive.kind !== "constant" || d.maxLifetime.kind !== "constant";
    this.envRng = draws || this.routing === Routing.Random ? this.streams("env") : null;
    this.serviceRng = this.streams("svc");
    this.arrivalRng = this.streams("arr");
    this.clientRng = this.streams("cli");
    this.routeRng = plan.aliases.length === 0 ? null : this.streams("route");
    this.invocationFaults = new InvocationFaults(plan, globalIds);
    this.deploy = deployWindow(plan);
    this.createSettings = plan.live === true ? new Map() : null;
    this.live = plan.live === true ? new LiveInvocations() : null;
  }

  /** One random stream per local function, named `<prefix>:<function name>` (seeded by name, so partitioning does not matter). */
  streams(prefix: string): RandomStreams {
    const names = this.plan.functions.names;
    const streams = new RandomStreams(
      this.plan.seed,
      Array.from(this.fn.globalId, (g) => `${prefix}:${names[g]}`),
    );
    this.madeStreams.push([prefix, streams]);
    return streams;
  }

  /**
   * Local function f takes the name the plan now gives it (a live run names
   * functions as they are created): its streams restart as if the run had
   * begun with that name, so a replay of the session draws the same numbers.
   */
  renamed(f: number): void {
    const name = this.nameOf(f);
    for (const [prefix, streams] of this.madeStreams) streams.reseed(f, this.plan.seed, `${prefix}:${name}`);
  }

  nameOf(f: number): string {
    return this.plan.functions.names[this.fn.globalId[f]];
  }

  /** Every idle environment of function f's $LATEST goes: the next invocations start cold. */
  dropIdleEnvironments(f: number): void {
    this.envs.dropIdle(f, this.p.nowUs);
  }
}

/** The largest value `d` draws (+Infinity when unbounded). */
function upperBoundUs(d: Distribution): number {
  switch (d.kind) {
    case "constant":
      return d.valueUs;
    case "uniform":
      return d.maxUs;
    case "empirical":
      return d.points[d.points.length - 1].valueUs;
    default:
      return Number.POSITIVE_INFINITY;
  }
}

const unlinked = (): never => {
  throw new Error("the model's rooms are not linked yet");
};
const UNLINKED: Links = { invoke: unlinked, taskAnswer: unlinked };
