/**
 * Capacity planning: how close the run came to its limits. IP headroom per
 * subnet and who holds the addresses, ENIs against the VPC quota, ENI
 * creations, failures and deletions, the warm pool of execution
 * environments, concurrency against its limit, the throttle rate, what the
 * run costs, and the tail of time in Pending.
 */
import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import {
  baseDashboard,
  metric,
  quantile,
  rate,
  sel,
  series,
  statPanel,
  timeSeriesPanel,
  withRows,
} from "./common.js";

export function capacityPlanning(): dashboard.Dashboard {
  const free = metric("fleetsim_subnet_free_ips");
  const capacity = metric("fleetsim_subnet_capacity_ips");
  const inUse = metric("fleetsim_concurrency_in_use");
  const limit = metric("fleetsim_concurrency_limit");
  const pendingCount = metric("fleetsim_pending_duration_seconds", "_count");
  const pendingBucket = metric("fleetsim_pending_duration_seconds", "_bucket");
  const d = baseDashboard(
    "fleetsim-capacity-planning",
    "Lambda fleet simulator: capacity planning",
    "Subnet IP headroom, ENIs against the VPC quota, concurrency against its limit, throttles and the Pending tail of simulated runs (lambda-fleet-sim).",
  );
  return withRows(d, [
    {
      title: "Headroom",
      panels: [
        statPanel(
          "Least subnet headroom",
          "Lowest share of free IP addresses over the run's subnets.",
          "percentunit",
          `min by (run_id) (${free}${sel()} / ${capacity}${sel()})`,
        ),
        statPanel(
          "Peak concurrency",
          "Highest concurrency in use since the start of the run.",
          "short",
          `max by (run_id) (${metric("fleetsim_concurrency_peak")}${sel()})`,
        ),
        statPanel(
          "Peak ENIs of the VPC quota",
          "Highest share of a VPC's network-interface quota in use (ours at peak plus others').",
          "percentunit",
          `max by (run_id) ((${metric("fleetsim_vpc_peak_enis")}${sel()} + ${metric("fleetsim_vpc_enis_used_by_others")}${sel()}) / ${metric("fleetsim_vpc_eni_quota")}${sel()})`,
        ),
        statPanel(
          "Functions in Pending",
          "Functions in State Pending now.",
          "short",
          `sum by (run_id) (${series(metric("fleetsim_functions"), 'state="Pending"')})`,
        ),
      ],
    },
    {
      title: "Subnets and ENIs",
      panels: [
        timeSeriesPanel({
          title: "IP headroom per subnet",
          description: "Share of each subnet's IP addresses still free.",
          unit: "percentunit",
          min: 0,
          queries: [
            [
              `sum by (run_id, subnet) (${free}${sel()}) / sum by (run_id, subnet) (${capacity}${sel()})`,
              "{{subnet}} · {{run_id}}",
            ],
          ],
        }),
        timeSeriesPanel({
          title: "Free IPs per subnet",
          description: "Free IP addresses of each subnet (capacity less ours and others').",
          unit: "short",
          min: 0,
          queries: [[`sum by (run_id, subnet) (${free}${sel()})`, "{{subnet}} · {{run_id}}"]],
        }),
        timeSeriesPanel({
          title: "ENIs against the VPC quota",
          description:
            "Network interfaces of each VPC in use (our Hyperplane ENIs plus other resources') against its quota.",
          unit: "short",
          min: 0,
          queries: [
            [
              `sum by (run_id, vpc) (${metric("fleetsim_vpc_enis")}${sel()} + ${metric("fleetsim_vpc_enis_used_by_others")}${sel()})`,
              "in use {{vpc}} · {{run_id}}",
            ],
            [
              `max by (run_id, vpc) (${metric("fleetsim_vpc_eni_quota")}${sel()})`,
              "quota {{vpc}} · {{run_id}}",
            ],
          ],
        }),
        timeSeriesPanel({
          title: "ENIs by state",
          description: "Our Hyperplane ENIs: creating, in use, idle (awaiting deletion), failed.",
          unit: "short",
          stacked: true,
          queries: [
            [`sum by (run_id, state) (${metric("fleetsim_enis")}${sel()})`, "{{state}} · {{run_id}}"],
          ],
        }),
        timeSeriesPanel({
          title: "IPs per subnet: ours, others' and our peak",
          description:
            "IP addresses of each subnet held by our Hyperplane ENIs, taken by other resources (an exhaustion fault included), the most ours held since the start of the run, and the subnet's capacity.",
          unit: "short",
          min: 0,
          queries: [
            [
              `sum by (run_id, subnet) (${metric("fleetsim_subnet_used_ips")}${sel()})`,
              "ours {{subnet}} · {{run_id}}",
            ],
            [
              `sum by (run_id, subnet) (${metric("fleetsim_subnet_others_ips")}${sel()})`,
              "others' {{subnet}} · {{run_id}}",
            ],
            [
              `max by (run_id, subnet) (${metric("fleetsim_subnet_peak_used_ips")}${sel()})`,
              "our peak {{subnet}} · {{run_id}}",
            ],
            [`max by (run_id, subnet) (${capacity}${sel()})`, "capacity {{subnet}} · {{run_id}}"],
          ],
        }),
        timeSeriesPanel({
          title: "ENI creation failures",
          description:
            "Hyperplane ENI creations that failed in each subnet since the start of the run: no free IP address (SubnetOutOfIPAddresses), the VPC's ENI quota, or an injected fault. The functions waiting for the ENI go Failed.",
          unit: "short",
          min: 0,
          queries: [
            [
              `sum by (run_id, vpc, subnet) (${metric("fleetsim_eni_creation_failures_total")}${sel()})`,
              "{{subnet}} ({{vpc}}) · {{run_id}}",
            ],
          ],
        }),
        timeSeriesPanel({
          title: "ENI creations, failures and deletions",
          description:
            "Hyperplane ENI creations started, creations that failed, and unused ENIs deleted (freeing their IP addresses), per simulated second, by subnet.",
          unit: "ops",
          min: 0,
          queries: [
            [
              `sum by (run_id, subnet) (${rate(metric("fleetsim_eni_creations_total"))})`,
              "created {{subnet}} · {{run_id}}",
            ],
            [
              `sum by (run_id, subnet) (${rate(metric("fleetsim_eni_creation_failures_total"))})`,
              "failed {{subnet}} · {{run_id}}",
            ],
            [
              `sum by (run_id, subnet) (${rate(metric("fleetsim_eni_deletions_total"))})`,
              "deleted {{subnet}} · {{run_id}}",
            ],
          ],
        }),
      ],
    },
    {
      title: "Execution environments",
      panels: [
        timeSeriesPanel({
          title: "Warm pool: busy and idle environments",
          description:
            "On-demand execution environments running a request and idle but warm (keep-alive and lifetime not yet passed), by template; provisioned environments are apart (invocation-side dashboard).",
          unit: "short",
          min: 0,
          stacked: true,
          queries: [
            [`sum by (run_id, state) (${series(metric("fleetsim_environments"))})`, "{{state}} · {{run_id}}"],
          ],
        }),
        timeSeriesPanel({
          title: "Environments created, expired and recycled",
          description:
            "On-demand environments created (cold starts), reclaimed after their keep-alive idle, and gone at their maximum lifetime, per simulated second.",
          unit: "ops",
          min: 0,
          queries: [
            [
              `sum by (run_id) (${rate(metric("fleetsim_environments_created_total"))})`,
              "created · {{run_id}}",
            ],
            [
              `sum by (run_id) (${rate(metric("fleetsim_environments_expired_idle_total"))})`,
              "expired idle · {{run_id}}",
            ],
            [
              `sum by (run_id) (${rate(metric("fleetsim_environments_recycled_total"))})`,
              "recycled · {{run_id}}",
            ],
          ],
        }),
      ],
    },
    {
      title: "Concurrency and throttles",
      panels: [
        timeSeriesPanel({
          title: "Concurrency against its limit",
          description: "Concurrent executions in use, the account limit, and the unreserved pool.",
          unit: "short",
          min: 0,
          queries: [
            [`sum by (run_id) (${inUse}${sel()})`, "in use · {{run_id}}"],
            [`max by (run_id) (${limit}${sel()})`, "limit · {{run_id}}"],
            [
              `max by (run_id) (${metric("fleetsim_concurrency_unreserved_pool")}${sel()})`,
              "unreserved pool · {{run_id}}",
            ],
          ],
        }),
        timeSeriesPanel({
          title: "Concurrency utilisation",
          description: "Concurrency in use as a share of the account limit.",
          unit: "percentunit",
          min: 0,
          queries: [
            [`sum by (run_id) (${inUse}${sel()}) / max by (run_id) (${limit}${sel()})`, "{{run_id}}"],
          ],
        }),
        timeSeriesPanel({
          title: "Throttle rate",
          description:
            "Share of invocations throttled, and control-plane requests refused by the rate limits per simulated second.",
          unit: "percentunit",
          min: 0,
          queries: [
            [
              `sum by (run_id) (${rate(metric("fleetsim_invocations_total"), 'outcome="throttled"')}) / sum by (run_id) (${rate(metric("fleetsim_invocations_total"))})`,
              "invocations throttled · {{run_id}}",
            ],
          ],
        }),
        timeSeriesPanel({
          title: "Throttles by cause",
          description:
            "Throttled invocations per simulated second by cause, and control-plane requests refused per operation.",
          unit: "reqps",
          queries: [
            [
              `sum by (run_id, cause) (${rate(metric("fleetsim_invocation_throttles_total"))})`,
              "{{cause}} · {{run_id}}",
            ],
            [
              `sum by (run_id, operation) (${rate(metric("fleetsim_control_plane_throttles_total"))})`,
              "{{operation}} (control plane) · {{run_id}}",
            ],
          ],
        }),
      ],
    },
    {
      title: "Cost",
      panels: [
        timeSeriesPanel({
          title: "Cost by component",
          description:
            "What the run has cost so far (USD) at the scenario's prices: requests and duration on demand, provisioned concurrency's requests, allocated time and duration, and the idle part of the allocation (docs/cost.md).",
          unit: "currencyUSD",
          min: 0,
          stacked: true,
          queries: [
            [
              `sum by (run_id, component) (${series(metric("fleetsim_cost_usd_total"))})`,
              "{{component}} · {{run_id}}",
            ],
            [
              `sum by (run_id) (${series(metric("fleetsim_cost_idle_provisioned_usd_total"))})`,
              "of which provisioned idle · {{run_id}}",
            ],
          ],
        }),
        timeSeriesPanel({
          title: "Cost per simulated hour by template",
          description: "USD per simulated hour, by function template, every component together.",
          unit: "currencyUSD",
          min: 0,
          queries: [
            [
              `3600 * sum by (run_id, template) (${rate(metric("fleetsim_cost_usd_total"))})`,
              "{{template}} · {{run_id}}",
            ],
          ],
        }),
      ],
    },
    {
      title: "Pending tail",
      panels: [
        timeSeriesPanel({
          title: "Pending tail p99 / p99.9",
          description: "The slow end of time in Pending, by StateReasonCode.",
          unit: "s",
          queries: [
            [
              quantile(0.99, "fleetsim_pending_duration_seconds", ["reason_code"]),
              "p99 {{reason_code}} · {{run_id}}",
            ],
            [
              quantile(0.999, "fleetsim_pending_duration_seconds", ["reason_code"]),
              "p99.9 {{reason_code}} · {{run_id}}",
            ],
          ],
        }),
        timeSeriesPanel({
          title: "Functions leaving Pending after more than 90 s / 6 min",
          description:
            "Functions per simulated second that left Pending (to Active, or to Failed: provisioning failed, or a stuck operation cancelled) after longer than the 60-90 s of an ENI creation, and longer than the 6 minutes after which AWS calls a function stuck.",
          unit: "ops",
          min: 0,
          queries: [
            [
              `sum by (run_id) (${rate(pendingCount)}) - sum by (run_id) (${rate(pendingBucket, 'le="90.0"')})`,
              "over 90 s · {{run_id}}",
            ],
            [
              `sum by (run_id) (${rate(pendingCount)}) - sum by (run_id) (${rate(pendingBucket, 'le="360.0"')})`,
              "over 6 min · {{run_id}}",
            ],
          ],
        }),
      ],
    },
  ]).build();
}
