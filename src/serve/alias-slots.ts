/**
 * Alias names of a served session, and the qualifiers the API names. The
 * model knows an alias by its slot in Plan.aliases, one name table for all
 * functions (the report counts invocations by slot); a served plan holds
 * placeholder slots (serve-plan.ts), and a name takes the next free one the
 * first time a CreateAlias uses it. Slots are never given back: a name keeps
 * its slot (and its report row) for the session, whichever functions use it.
 */
import { aliasQualifier, LATEST, MAX_VERSIONS } from "../model/qualifiers.js";
import type { ServeSession } from "./session.js";

/** A qualifier the API names that no function can have: an alias name the session never bound. */
export const UNKNOWN_QUALIFIER = null;

export class AliasSlots {
  private readonly slots = new Map<string, number>();
  private next: number;

  constructor(private readonly session: ServeSession) {
    const { plan, firstAliasSlot } = session.served;
    for (let a = 0; a < firstAliasSlot; a++) this.slots.set(plan.aliases[a], a);
    this.next = firstAliasSlot;
  }

  /** Distinct alias names a session can hold (the scenario's included). */
  get capacity(): number {
    return this.session.served.plan.aliases.length;
  }

  /** The slot of an alias name, or -1 when no alias of that name was ever created. */
  slotOf(name: string): number {
    return this.slots.get(name) ?? -1;
  }

  /**
   * The slot of `name`, binding a free one at first use; -1 when every slot is
   * taken. The plan's name changes at the next epoch boundary, before any
   * call submitted after this one enters the simulation.
   */
  bind(name: string): number {
    const known = this.slotOf(name);
    if (known >= 0) return known;
    if (this.next >= this.capacity) return -1;
    const slot = this.next++;
    this.slots.set(name, slot);
    void this.session.inspect((control) => control.bindAlias(slot, name));
    return slot;
  }

  /**
   * A Qualifier parameter as the model's number: $LATEST (or none) 0, a
   * version its number, an alias its slot's qualifier; null for an alias
   * name the session never bound (no function has such an alias).
   */
  qualifierOf(qualifier: string | undefined): number | null {
    if (qualifier === undefined || qualifier === "$LATEST") return LATEST;
    if (/^[0-9]+$/.test(qualifier)) {
      // Version 0, or one past what the model numbers, is a version no function has.
      const v = Number(qualifier);
      return v >= 1 && v <= MAX_VERSIONS ? v : MAX_VERSIONS + 1;
    }
    const slot = this.slotOf(qualifier);
    return slot < 0 ? UNKNOWN_QUALIFIER : aliasQualifier(slot);
  }
}
