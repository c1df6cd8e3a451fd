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
import { deployWindow } from "./deploy-window.js";
import { FunctionStore } from "./function-store.js";
import { InvocationFaults } from "./invocation-faults.js";
import type { Observations } from "./observations.js";
import type { Plan } from "./plan.js";

/** Calls that go back up to a room above the caller. */
export interface Links {
  /** invocations.ts: an Invoke request reaches a function. */
  invoke(f: number, ctx: number, hop: number, caller: number, qualifier: number): void;
  /** client-driver.ts: the answer to a client task's call. */
  taskAnswer(slot: number, error: number): void;
}

export class FleetContext {
  readonly fn: FunctionStore;
  readonly serviceRng: RandomStreams;
  readonly arrivalRng: RandomStreams;
  readonly clientRng: RandomStreams;
  /** Weighted alias routing draws (V1), only when the scenario has aliases. */
  readonly routeRng: RandomStreams | null;
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

  constructor(
    readonly p: Partition,
    readonly plan: Plan,
    readonly obs: Observations,
    globalIds: Int32Array,
    functionTable: Float64Array | null,
  ) {
    this.fn = new FunctionStore(globalIds, plan.templates.length, functionTable);
    this.serviceRng = this.streams("svc");
    this.arrivalRng = this.streams("arr");
    this.clientRng = this.streams("cli");
    this.routeRng = plan.aliases.length === 0 ? null : this.streams("route");
    this.invocationFaults = new InvocationFaults(plan, globalIds);
    this.deploy = deployWindow(plan);
  }

  /** One random stream per local function, named `<prefix>:<function name>` (seeded by name, so partitioning does not matter). */
  streams(prefix: string): RandomStreams {
    const names = this.plan.functions.names;
    return new RandomStreams(
      this.plan.seed,
      Array.from(this.fn.globalId, (g) => `${prefix}:${names[g]}`),
    );
  }

  nameOf(f: number): string {
    return this.plan.functions.names[this.fn.globalId[f]];
  }
}

const unlinked = (): never => {
  throw new Error("the model's rooms are not linked yet");
};
const UNLINKED: Links = { invoke: unlinked, taskAnswer: unlinked };
