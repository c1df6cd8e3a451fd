/** Measures of capacity: concurrency pools and provisioned environments, subnets, ENIs, VPC quotas, EFS file systems. */
import { ENI_SAMPLE_STATES } from "../model/sampling.js";
import type { MetricsContext } from "./measure.js";
import { names, one, ratio, sum } from "./label-series.js";
import { type Measure, namedMetric } from "./measure.js";

const MIB = 1_048_576;
const ENI_STATES = ENI_SAMPLE_STATES.length;
const subnetSeries = (ctx: MetricsContext) => ctx.subnets.map((s) => [s.id, s.vpc]);
const vpcSeries = (ctx: MetricsContext) => ctx.vpcs.map((v) => [v.id]);
const fileSystemSeries = (ctx: MetricsContext): string[][] => ctx.fileSystems.map((f) => [f.id]);

/** 1 − peakUsedIps / capacityIps of the fullest subnet; 1 without subnets. */
function minHeadroom(capacity: readonly number[], peakUsed: readonly number[]): number {
  let min = 1;
  for (let i = 0; i < capacity.length; i++) {
    const h = capacity[i] > 0 ? 1 - peakUsed[i] / capacity[i] : 0;
    if (h < min) min = h;
  }
  return Math.round(min * 1e6) / 1e6;
}

export const CONCURRENCY_MEASURES: readonly Measure[] = [
  {
    family: {
      name: "fleetsim_concurrency_in_use",
      type: "gauge",
      help: "Concurrent executions in use, by pool: unreserved (the account's shared pool) or reserved.",
      labels: ["pool"],
      series: names(["unreserved", "reserved"]),
      values: (s) => [s.shared.unreservedInFlight, s.concurrency - s.shared.unreservedInFlight],
    },
  },
  {
    family: {
      name: "fleetsim_provisioned_concurrency_in_use",
      type: "gauge",
      help: "Provisioned environments running a request (V2). Their concurrency was set aside when they were allocated, so fleetsim_concurrency_in_use does not count them.",
      labels: [],
      series: one,
      values: (s) => [s.provisionedInUse],
    },
  },
  {
    family: {
      name: "fleetsim_provisioned_concurrency_allocated",
      type: "gauge",
      help: "Provisioned environments initialised (AWS's AllocatedProvisionedConcurrentExecutions, summed over configurations).",
      labels: [],
      series: one,
      values: (s) => [s.provisionedAllocated],
    },
  },
  {
    family: {
      name: "fleetsim_concurrency_limit",
      type: "gauge",
      help: "The account's concurrency limit.",
      labels: [],
      series: one,
      values: (_s, ctx) => [ctx.concurrencyLimit],
    },
  },
  {
    family: {
      name: "fleetsim_concurrency_unreserved_pool",
      type: "gauge",
      help: "Concurrency left to functions without reserved concurrency (the limit less all reservations).",
      labels: [],
      series: one,
      values: (s) => [s.shared.unreservedPool],
    },
  },
  {
    family: {
      name: "fleetsim_concurrency_peak",
      type: "gauge",
      help: "Highest concurrency in use since the start of the run.",
      labels: [],
      series: one,
      values: (s) => [s.shared.peakConcurrency],
    },
    named: [
      namedMetric({
        name: "concurrency.peak",
        unit: "count",
        description: "Most on-demand executions in flight at once, account-wide.",
        fromReport: (r) => r.concurrency.peak,
        fromSample: (s) => s.shared.peakConcurrency,
      }),
      namedMetric({
        name: "concurrency.peak_ratio",
        unit: "ratio",
        description: "concurrency.peak of the account's concurrency limit.",
        fromReport: (r) => ratio(r.concurrency.peak, r.concurrency.limit),
        fromSample: (s, l) => ratio(s.shared.peakConcurrency, l.concurrencyLimit),
      }),
    ],
  },
  {
    named: [
      namedMetric({
        name: "concurrency.peak_unreserved",
        unit: "count",
        description: "Most executions in flight at once in the unreserved pool.",
        fromReport: (r) => r.concurrency.peakUnreserved,
      }),
    ],
  },
];

export const NETWORK_MEASURES: readonly Measure[] = [
  {
    family: {
      name: "fleetsim_subnet_capacity_ips",
      type: "gauge",
      help: "Usable IP addresses of the subnet.",
      labels: ["subnet", "vpc"],
      series: subnetSeries,
      values: (_s, ctx) => ctx.subnets.map((x) => x.capacityIps),
    },
  },
  {
    family: {
      name: "fleetsim_subnet_used_ips",
      type: "gauge",
      help: "IP addresses of the subnet held by the simulated functions' Hyperplane ENIs.",
      labels: ["subnet", "vpc"],
      series: subnetSeries,
      values: (s) => [...s.subnetUsedIps],
    },
  },
  {
    family: {
      name: "fleetsim_subnet_others_ips",
      type: "gauge",
      help: "IP addresses of the subnet taken by other resources (including an exhaustion fault).",
      labels: ["subnet", "vpc"],
      series: subnetSeries,
      values: (s) => [...s.shared.subnetOthersIps],
    },
  },
  {
    family: {
      name: "fleetsim_subnet_free_ips",
      type: "gauge",
      help: "Free IP addresses of the subnet: capacity less ours and others'.",
      labels: ["subnet", "vpc"],
      series: subnetSeries,
      values: (s, ctx) =>
        ctx.subnets.map((x, i) => x.capacityIps - s.subnetUsedIps[i] - s.shared.subnetOthersIps[i]),
    },
  },
  {
    family: {
      name: "fleetsim_subnet_peak_used_ips",
      type: "gauge",
      help: "Highest number of the subnet's IP addresses held by our ENIs since the start of the run.",
      labels: ["subnet", "vpc"],
      series: subnetSeries,
      values: (s) => [...s.shared.subnetPeakUsedIps],
    },
    named: [
      namedMetric({
        name: "subnets.min_headroom",
        unit: "ratio",
        description:
          "Smallest subnets[].minHeadroom: 1 − peakUsedIps / capacityIps of the fullest subnet (1 without subnets).",
        fromReport: (r) =>
          minHeadroom(
            r.subnets.map((s) => s.capacityIps),
            r.subnets.map((s) => s.peakUsedIps),
          ),
        fromSample: (s, l) => minHeadroom(l.subnetCapacityIps, s.shared.subnetPeakUsedIps),
      }),
    ],
  },
  {
    family: {
      name: "fleetsim_enis",
      type: "gauge",
      help: "Hyperplane ENIs of the simulated functions by subnet and state: creating, in_use (claimed by functions), idle (unclaimed, awaiting deletion), failed (creation failed).",
      labels: ["subnet", "vpc", "state"],
      series: (ctx) => ctx.subnets.flatMap((x) => ENI_SAMPLE_STATES.map((st) => [x.id, x.vpc, st])),
      values: (s, ctx) =>
        ctx.subnets.flatMap((_, i) =>
          ENI_SAMPLE_STATES.map((_st, j) => s.shared.enisByState[i * ENI_STATES + j]),
        ),
    },
  },
  {
    family: {
      name: "fleetsim_eni_creations_total",
      type: "counter",
      help: "Hyperplane ENI creations started in the subnet.",
      labels: ["subnet", "vpc"],
      series: subnetSeries,
      values: (s) => [...s.shared.enisCreated],
    },
    named: [
      namedMetric({
        name: "subnets.enis_created",
        unit: "count",
        description: "ENIs created, over all subnets.",
        fromReport: (r) => sum(r.subnets.map((s) => s.enisCreated)),
        fromSample: (s) => sum(s.shared.enisCreated),
      }),
    ],
  },
  {
    family: {
      name: "fleetsim_eni_creation_failures_total",
      type: "counter",
      help: "Hyperplane ENI creations in the subnet that failed (no free IP, the VPC's ENI quota, or an injected fault).",
      labels: ["subnet", "vpc"],
      series: subnetSeries,
      values: (s) => [...s.shared.enisFailed],
    },
    named: [
      namedMetric({
        name: "subnets.enis_failed",
        unit: "count",
        description: "ENI creations that failed, over all subnets.",
        fromReport: (r) => sum(r.subnets.map((s) => s.enisFailed)),
        fromSample: (s) => sum(s.shared.enisFailed),
      }),
    ],
  },
  {
    family: {
      name: "fleetsim_eni_deletions_total",
      type: "counter",
      help: "Unused Hyperplane ENIs deleted in the subnet (which frees their IP addresses).",
      labels: ["subnet", "vpc"],
      series: subnetSeries,
      values: (s) => [...s.shared.enisDeleted],
    },
  },
  {
    family: {
      name: "fleetsim_vpc_enis",
      type: "gauge",
      help: "Hyperplane ENIs of the simulated functions counted against the VPC's network-interface quota.",
      labels: ["vpc"],
      series: vpcSeries,
      values: (s) => [...s.shared.vpcEnis],
    },
  },
  {
    family: {
      name: "fleetsim_vpc_peak_enis",
      type: "gauge",
      help: "Highest number of our ENIs in the VPC since the start of the run.",
      labels: ["vpc"],
      series: vpcSeries,
      values: (s) => [...s.shared.vpcPeakEnis],
    },
  },
  {
    family: {
      name: "fleetsim_vpc_eni_quota",
      type: "gauge",
      help: "Network interfaces per VPC quota.",
      labels: ["vpc"],
      series: vpcSeries,
      values: (_s, ctx) => ctx.vpcs.map((v) => v.eniQuota),
    },
  },
  {
    family: {
      name: "fleetsim_vpc_enis_used_by_others",
      type: "gauge",
      help: "Part of the VPC's network-interface quota other resources use.",
      labels: ["vpc"],
      series: vpcSeries,
      values: (_s, ctx) => ctx.vpcs.map((v) => v.enisUsedByOthers),
    },
  },
];

export const EFS_MEASURES: readonly Measure[] = [
  {
    family: {
      name: "fleetsim_efs_burst_credit_balance_bytes",
      type: "gauge",
      help: "Burst credit balance of an EFS file system (out of credits it serves only its baseline throughput).",
      labels: ["file_system"],
      series: fileSystemSeries,
      values: (s) => s.shared.efsCreditsMiB.map((c) => c * MIB),
    },
  },
  {
    family: {
      name: "fleetsim_efs_throughput_demand_bytes_per_second",
      type: "gauge",
      help: "IO throughput the running invocations of the functions mounting an EFS file system ask of it.",
      labels: ["file_system"],
      series: fileSystemSeries,
      values: (s) => s.shared.efsDemandMiBps.map((d) => d * MIB),
    },
  },
  {
    family: {
      name: "fleetsim_efs_baseline_throughput_bytes_per_second",
      type: "gauge",
      help: "Baseline throughput of an EFS file system: what it serves once its burst credits are spent.",
      labels: ["file_system"],
      series: fileSystemSeries,
      values: (_s, ctx) => ctx.fileSystems.map((f) => f.baselineMiBps * MIB),
    },
  },
  {
    family: {
      name: "fleetsim_efs_invocations_in_flight",
      type: "gauge",
      help: "Invocations running on functions that mount an EFS file system, across all partitions.",
      labels: ["file_system"],
      series: fileSystemSeries,
      values: (s) => [...s.shared.efsInFlight],
    },
  },
];
