/**
 * Qualifiers (V1): what an Invoke or a provisioned-concurrency call names.
 * In a plan a qualifier is one number: 0 for $LATEST (or no qualifier),
 * v >= 1 for version v, -(a + 1) for alias a of Plan.aliases.
 */

export const LATEST = 0;

export const aliasQualifier = (alias: number): number => -(alias + 1);
export const isAlias = (q: number): boolean => q < 0;
export const aliasOf = (q: number): number => -q - 1;

/** The qualifier as AWS writes it: "$LATEST", "3", or the alias name. */
export function qualifierName(q: number, aliases: readonly string[]): string {
  if (q === LATEST) return "$LATEST";
  return q > 0 ? String(q) : aliases[aliasOf(q)];
}

/**
 * Where the report counts invocations by qualifier: 0 unqualified ($LATEST),
 * 1 any explicit version, 2 + a alias a. Bounded by the scenario's alias names,
 * so it can be a metric label.
 */
export const qualifierSlot = (q: number): number => (q === LATEST ? 0 : q > 0 ? 1 : 1 - q);
export const qualifierSlotCount = (aliases: readonly string[]): number => 2 + aliases.length;
export function qualifierSlotName(slot: number, aliases: readonly string[]): string {
  return slot === 0 ? "$LATEST" : slot === 1 ? "version" : aliases[slot - 2];
}

/**
 * A routed request: its qualifier slot and the version it runs, in one
 * number that fits the 16-bit revision field of an InvocationEnd.
 */
export const MAX_VERSIONS = 4095;
export const MAX_ALIASES = 14;
export const routeOf = (slot: number, version: number): number => slot * 4096 + version;
// Math.trunc, not %: on a route read back from a double, % is a call to fmod (the hot path). The
// same integers as % gives (dividing by a power of two is exact).
export const routeSlot = (route: number): number => Math.trunc(route / 4096);
export const routeVersion = (route: number): number => route - routeSlot(route) * 4096;
