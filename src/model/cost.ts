/**
 * The bill: what billing.ts counted, priced (pricing.ts). Read from a
 * finished run's Observations or from a sample's counters, at a time `atUs`
 * up to which provisioned environments are charged. Pure arithmetic on
 * exact merged integers, so equal counts give equal figures.
 */
import { Billing, BILLING_COLUMNS, integralMbMs } from "./billing.js";
import type { Plan } from "./plan.js";
import { type Architecture, DEFAULT_PRICING, MB_MS_PER_GB_SECOND, type Pricing } from "./pricing.js";

/** What pricing a run's counts needs besides the counts. */
export interface CostInputs {
  pricing: Pricing;
  /** By template index. */
  architectures: readonly Architecture[];
}

export const costInputsOf = (plan: Plan): CostInputs => ({
  pricing: plan.pricing ?? DEFAULT_PRICING,
  architectures: plan.templates.map((t) => t.architecture ?? "x86_64"),
});

/** What was used: requests and GB-seconds. */
export interface Usage {
  /** Invocations that ran on demand, and on provisioned environments. */
  requests: number;
  provisionedRequests: number;
  /** Billed duration times memory: on demand, and of requests (and inits) on provisioned environments. */
  onDemandGbSeconds: number;
  provisionedGbSeconds: number;
  /** Provisioned environments ready, times memory; and of that, the time they ran nothing. */
  allocatedGbSeconds: number;
  idleGbSeconds: number;
}

/** What it costs, USD. */
export interface Charges {
  total: number;
  onDemand: { requests: number; duration: number };
  provisioned: { requests: number; allocated: number; duration: number };
  /** The part of provisioned.allocated paid for environments that ran nothing. */
  idleProvisioned: number;
}

export interface Bill {
  usage: Usage;
  usd: Charges;
}

/** The bill of each template, and of all of them, at `atUs`. */
export function billOf(
  inputs: CostInputs,
  rows: ArrayLike<number>,
  atUs: number,
): { total: Bill; byTemplate: Bill[] } {
  const byTemplate = inputs.architectures.map((arch, t) => templateBill(inputs.pricing, arch, rows, t, atUs));
  return { total: sumBills(byTemplate), byTemplate };
}

function templateBill(
  p: Pricing,
  arch: Architecture,
  rows: ArrayLike<number>,
  t: number,
  atUs: number,
): Bill {
  const at = t * BILLING_COLUMNS;
  const allocatedMbMs = integralMbMs(rows, t, Billing.ReadyMb, atUs);
  const busyMbMs = integralMbMs(rows, t, Billing.BusyMb, atUs);
  const usage: Usage = {
    requests: rows[at + Billing.Requests],
    provisionedRequests: rows[at + Billing.ProvisionedRequests],
    onDemandGbSeconds: rows[at + Billing.OnDemandMbMs] / MB_MS_PER_GB_SECOND,
    provisionedGbSeconds: rows[at + Billing.ProvisionedMbMs] / MB_MS_PER_GB_SECOND,
    allocatedGbSeconds: allocatedMbMs / MB_MS_PER_GB_SECOND,
    idleGbSeconds: (allocatedMbMs - busyMbMs) / MB_MS_PER_GB_SECOND,
  };
  const perRequest = p.requestsPerMillion / 1e6;
  const onDemand = {
    requests: usage.requests * perRequest,
    duration: usage.onDemandGbSeconds * p.durationPerGbSecond[arch],
  };
  const provisioned = {
    requests: usage.provisionedRequests * perRequest,
    allocated: usage.allocatedGbSeconds * p.provisionedPerGbSecond[arch],
    duration: usage.provisionedGbSeconds * p.provisionedDurationPerGbSecond[arch],
  };
  const total =
    onDemand.requests +
    onDemand.duration +
    provisioned.requests +
    provisioned.allocated +
    provisioned.duration;
  return {
    usage,
    usd: {
      total,
      onDemand,
      provisioned,
      idleProvisioned: usage.idleGbSeconds * p.provisionedPerGbSecond[arch],
    },
  };
}

function sumBills(bills: readonly Bill[]): Bill {
  const zero = (): Bill => ({
    usage: {
      requests: 0,
      provisionedRequests: 0,
      onDemandGbSeconds: 0,
      provisionedGbSeconds: 0,
      allocatedGbSeconds: 0,
      idleGbSeconds: 0,
    },
    usd: {
      total: 0,
      onDemand: { requests: 0, duration: 0 },
      provisioned: { requests: 0, allocated: 0, duration: 0 },
      idleProvisioned: 0,
    },
  });
  const sum = zero();
  for (const b of bills) {
    for (const k of Object.keys(sum.usage) as (keyof Usage)[]) sum.usage[k] += b.usage[k];
    const u = sum.usd;
    u.total += b.usd.total;
    u.onDemand.requests += b.usd.onDemand.requests;
    u.onDemand.duration += b.usd.onDemand.duration;
    u.provisioned.requests += b.usd.provisioned.requests;
    u.provisioned.allocated += b.usd.provisioned.allocated;
    u.provisioned.duration += b.usd.provisioned.duration;
    u.idleProvisioned += b.usd.idleProvisioned;
  }
  return sum;
}

/** On-demand charges (requests and duration) of a bill. */
export const onDemandUsd = (c: Charges): number => c.onDemand.requests + c.onDemand.duration;
/** Provisioned-concurrency charges (requests, allocation and duration) of a bill. */
export const provisionedUsd = (c: Charges): number =>
  c.provisioned.requests + c.provisioned.allocated + c.provisioned.duration;
/** USD per million invocations that ran (0 when none ran). */
export function perMillionInvocations(b: Bill): number {
  const n = b.usage.requests + b.usage.provisionedRequests;
  return n > 0 ? (b.usd.total / n) * 1e6 : 0;
}
