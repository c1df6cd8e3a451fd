/**
 * What a live run (fleet-sim serve) may do to its partitions between
 * epochs: name and configure a function the API is about to create, add an
 * explicit call at a simulated time, name an alias slot, and read a
 * function (and its versions) as the API reads it. Everything it touches lives on this thread (a live run hosts its
 * partitions here), and it only acts between epochs, so the epoch that
 * follows sees its changes as if the plan had held them from the start.
 */
import type { FleetPartition } from "./fleet-partition.js";
import type { FunctionReading, LiveFunctionSettings, VersionsReading } from "./function-reading.js";
import type { Placement } from "./placement.js";
import type { Plan, PlanCall } from "./plan.js";

export class LiveControl {
  constructor(
    private readonly plan: Plan,
    private readonly placement: Placement,
    private readonly fleets: readonly FleetPartition[],
  ) {}

  /**
   * Global function g, never created yet, takes `name`, template `template`
   * and a CreateFunction's settings, ready for the call that creates it.
   */
  prepareCreate(g: number, name: string, template: number, settings: LiveFunctionSettings): void {
    const renamed = this.plan.functions.names[g] !== name;
    this.plan.functions.names[g] = name;
    this.plan.functions.template[g] = template;
    this.fleets[this.placement.partitionOf[g]].prepareCreate(this.placement.localOf[g], settings, renamed);
  }

  /** Adds an explicit call, run at call.atUs (never before the coming epoch); returns its index in Plan.calls. */
  addCall(call: PlanCall): number {
    const index = this.plan.calls.length;
    this.plan.calls.push(call);
    const g = call.function;
    this.fleets[this.placement.partitionOf[g]].scheduleLiveCall(this.placement.localOf[g], call.atUs, index);
    return index;
  }

  /**
   * Alias slot `alias` of Plan.aliases takes `name` (a served plan holds
   * placeholder slots: the API names them as it creates aliases). Only the
   * name changes: messages and the report read it from the plan.
   */
  bindAlias(alias: number, name: string): void {
    this.plan.aliases[alias] = name;
  }

  /** Global function g's versions, aliases and concurrency settings now (null: it keeps none). */
  readVersions(g: number): VersionsReading | null {
    const fleet = this.fleets[this.placement.partitionOf[g]];
    return fleet.versionsOf(this.placement.localOf[g]);
  }

  /** Global function g as the API reads it now. */
  read(g: number): FunctionReading {
    return this.fleets[this.placement.partitionOf[g]].view(this.placement.localOf[g]);
  }
}
