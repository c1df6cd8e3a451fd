/**
 * What the model counts for the bill, per function template, as exact
 * integers in one Float64Array row per template (Observations.billingByTemplate),
 * so partitions merge them exactly whatever the partitioning. Prices are
 * applied only when the bill is read (cost.ts): the hot path adds numbers.
 *
 * Provisioned environments are charged for the time they are ready. That
 * integral is kept as a level and its changes: each change of Δ MB at
 * time t adds Δ to the level and Δ·t to a sum, so the integral up to any T
 * is level·T − Σ Δ·t, readable at a sample point or the end of the run
 * without visiting the pools. t is split into whole milliseconds and the
 * rest, so that each product stays an exact integer.
 */

/** The columns of a template's row. */
export const Billing = {
  /** Invocations that ran on demand, and on provisioned environments. */
  Requests: 0,
  ProvisionedRequests: 1,
  /** Billed duration (rounded up to 1 ms) times memory, MB-ms: on demand, and on provisioned environments. */
  OnDemandMbMs: 2,
  ProvisionedMbMs: 3,
  /** Provisioned environments ready (allocated), MB: level, Σ Δ·floor(t/1000) (MB-ms), Σ Δ·(t mod 1000) (MB-µs). */
  ReadyMb: 4,
  ReadyMbMsAt: 5,
  ReadyMbUsAt: 6,
  /** The same for provisioned environments running a request. */
  BusyMb: 7,
  BusyMbMsAt: 8,
  BusyMbUsAt: 9,
} as const;
export const BILLING_COLUMNS = 10;

/** An invocation ran for `billedUs` (rounded up to 1 ms) with `memoryMb`, on demand or on a provisioned environment. */
export function billInvocation(
  row: Float64Array,
  t: number,
  memoryMb: number,
  billedUs: number,
  provisioned: boolean,
): void {
  const at = t * BILLING_COLUMNS;
  row[at + (provisioned ? Billing.ProvisionedRequests : Billing.Requests)]++;
  row[at + (provisioned ? Billing.ProvisionedMbMs : Billing.OnDemandMbMs)] +=
    Math.ceil(billedUs / 1000) * memoryMb;
}

/** A provisioned environment's init: billed at the provisioned duration rate, without a request. */
export function billProvisionedInit(row: Float64Array, t: number, memoryMb: number, initUs: number): void {
  row[t * BILLING_COLUMNS + Billing.ProvisionedMbMs] += Math.ceil(initUs / 1000) * memoryMb;
}

/** Provisioned environments of template t ready and busy changed by these MB at `nowUs`. */
export function provisionedChanged(
  row: Float64Array,
  t: number,
  nowUs: number,
  readyMb: number,
  busyMb: number,
): void {
  const at = t * BILLING_COLUMNS;
  const us = Math.round(nowUs);
  const ms = Math.floor(us / 1000);
  const rest = us - ms * 1000;
  if (readyMb !== 0) {
    row[at + Billing.ReadyMb] += readyMb;
    row[at + Billing.ReadyMbMsAt] += readyMb * ms;
    row[at + Billing.ReadyMbUsAt] += readyMb * rest;
  }
  if (busyMb !== 0) {
    row[at + Billing.BusyMb] += busyMb;
    row[at + Billing.BusyMbMsAt] += busyMb * ms;
    row[at + Billing.BusyMbUsAt] += busyMb * rest;
  }
}

/** MB-ms of a level column (ReadyMb or BusyMb) of template t, integrated from 0 to `atUs`. */
export function integralMbMs(row: ArrayLike<number>, t: number, level: number, atUs: number): number {
  const at = t * BILLING_COLUMNS + level;
  const us = Math.round(atUs);
  const ms = Math.floor(us / 1000);
  const rest = us - ms * 1000;
  return row[at] * ms - row[at + 1] + (row[at] * rest - row[at + 2]) / 1000;
}
