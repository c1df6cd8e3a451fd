/** Measures of what the run costs (docs/cost.md): USD by template and component, and the figures thresholds name. */
import {
  type Bill,
  billOf,
  type CostInputs,
  onDemandUsd,
  perMillionInvocations,
  provisionedUsd,
} from "../model/cost.js";
import type { Sample } from "../model/run.js";
import { byTemplate } from "./label-series.js";
import { type Measure, namedMetric } from "./measure.js";

/** The `component` label's values: the lines of the bill. */
export const COST_COMPONENTS = [
  "on_demand_requests",
  "on_demand_duration",
  "provisioned_requests",
  "provisioned_allocated",
  "provisioned_duration",
] as const;

/** A sample's bill, worked out once however many families and thresholds read it. */
const bills = new WeakMap<Sample, { total: Bill; byTemplate: Bill[] }>();
function billAt(s: Sample, cost: CostInputs): { total: Bill; byTemplate: Bill[] } {
  let b = bills.get(s);
  if (b === undefined) {
    b = billOf(cost, s.counters.billingByTemplate, s.timeUs);
    bills.set(s, b);
  }
  return b;
}

const componentsOf = (b: Bill): number[] => {
  const u = b.usd;
  return [
    u.onDemand.requests,
    u.onDemand.duration,
    u.provisioned.requests,
    u.provisioned.allocated,
    u.provisioned.duration,
  ];
};

export const COST_MEASURES: readonly Measure[] = [
  {
    family: {
      name: "fleetsim_cost_usd_total",
      type: "counter",
      help: "What the run has cost so far at the prices used (USD), by component of the bill: requests and duration on demand, and provisioned concurrency's requests, allocated time and duration.",
      labels: ["component", "template"],
      series: byTemplate(COST_COMPONENTS.map((c) => [c])),
      values: (s, ctx) => {
        const per = billAt(s, ctx.cost).byTemplate.map(componentsOf);
        return COST_COMPONENTS.flatMap((_, i) => per.map((c) => c[i]));
      },
    },
    named: [
      namedMetric({
        name: "cost.total",
        unit: "count",
        description: "What the run cost, USD: on demand and provisioned concurrency together (docs/cost.md).",
        fromReport: (r) => r.cost.total,
        fromSample: (s, l) => billAt(s, l.cost).total.usd.total,
      }),
      namedMetric({
        name: "cost.on_demand",
        unit: "count",
        description: "USD of requests and duration on demand.",
        fromReport: (r) => onDemandUsd(r.cost),
        fromSample: (s, l) => onDemandUsd(billAt(s, l.cost).total.usd),
      }),
      namedMetric({
        name: "cost.provisioned",
        unit: "count",
        description:
          "USD of provisioned concurrency: its allocated time, and the requests and duration run on it.",
        fromReport: (r) => provisionedUsd(r.cost),
        fromSample: (s, l) => provisionedUsd(billAt(s, l.cost).total.usd),
      }),
      namedMetric({
        name: "cost.per_million_invocations",
        unit: "count",
        description: "cost.total per million invocations that ran, USD.",
        fromReport: (r) => r.cost.perMillionInvocations,
        fromSample: (s, l) => perMillionInvocations(billAt(s, l.cost).total),
      }),
    ],
  },
  {
    family: {
      name: "fleetsim_cost_idle_provisioned_usd_total",
      type: "counter",
      help: "The part of the provisioned allocation's cost (USD) paid for environments that ran nothing.",
      labels: ["template"],
      series: (ctx) => ctx.templates.map((t) => [t]),
      values: (s, ctx) => billAt(s, ctx.cost).byTemplate.map((b) => b.usd.idleProvisioned),
    },
    named: [
      namedMetric({
        name: "cost.idle_provisioned",
        unit: "count",
        description:
          "The part of the provisioned allocation's cost paid for environments that ran nothing, USD.",
        fromReport: (r) => r.cost.idleProvisioned,
        fromSample: (s, l) => billAt(s, l.cost).total.usd.idleProvisioned,
      }),
    ],
  },
];
