/**
 * Invocation side: what happened to the requests once they reached a
 * function. Invocations by the qualifier they named, provisioned
 * concurrency and its spillover, throttles by cause, cold starts around a
 * deploy, the asynchronous queues (depth, ages, fates, retries, recursive
 * loops), and the invocation errors of the troubleshooting guide with the
 * EFS file systems behind some of them (credits, throughput, invocations
 * in flight).
 */
import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import { INVOCATION_OUTCOMES } from "../src/model/outcomes.js";
import { baseDashboard, metric, quantile, rate, sel, timeSeriesPanel, withRows } from "./common.js";

/** The outcomes of the troubleshooting guide's invocation errors: permissions, KMS keys, EFS. */
const TROUBLESHOOTING_CODES = INVOCATION_OUTCOMES.filter(
  (o) => o === "AccessDeniedException" || o === "KMSDisabledException" || o.startsWith("EFS"),
);

export function invocationSide(): dashboard.Dashboard {
  const byQualifier = metric("fleetsim_invocations_by_qualifier_total");
  const byPhase = metric("fleetsim_invocation_starts_by_deploy_phase_total");
  const fileSystem = (name: string) => `sum by (run_id, file_system) (${metric(name)}${sel()})`;
  const d = baseDashboard(
    "fleetsim-invocation-side",
    "Lambda fleet simulator: invocation side",
    "Invocations by qualifier, provisioned concurrency and spillover, throttles, cold starts around a deploy, asynchronous queues and invocation errors of simulated runs (lambda-fleet-sim).",
  );
  return withRows(d, [
    {
      title: "Qualifiers and provisioned concurrency",
      panels: [
        timeSeriesPanel({
          title: "Invocations by qualifier and outcome",
          description:
            "Invocations per simulated second by the qualifier the request named ($LATEST, a version number, or an alias) and outcome; outcomes that did not occur in the window are left out.",
          unit: "reqps",
          stacked: true,
          queries: [
            [
              `sum by (run_id, qualifier, outcome) (${rate(byQualifier)}) > 0`,
              "{{qualifier}} {{outcome}} · {{run_id}}",
            ],
          ],
        }),
        timeSeriesPanel({
          title: "Provisioned vs spillover invocations",
          description:
            "Invocations per simulated second run on provisioned environments (ProvisionedConcurrencyInvocations) and those of a version or alias with provisioned concurrency run on demand (ProvisionedConcurrencySpilloverInvocations).",
          unit: "reqps",
          stacked: true,
          queries: [
            [
              `sum by (run_id) (${rate(metric("fleetsim_provisioned_concurrency_invocations_total"))})`,
              "provisioned · {{run_id}}",
            ],
            [
              `sum by (run_id) (${rate(metric("fleetsim_provisioned_concurrency_spillover_invocations_total"))})`,
              "spillover · {{run_id}}",
            ],
          ],
        }),
        timeSeriesPanel({
          title: "Provisioned concurrency: allocated and in use",
          description:
            "Provisioned environments initialised (AllocatedProvisionedConcurrentExecutions) and those running a request. They are set aside from the account, so the fleet overview's concurrency counts on-demand executions only.",
          unit: "short",
          queries: [
            [
              `sum by (run_id) (${metric("fleetsim_provisioned_concurrency_allocated")}${sel()})`,
              "allocated · {{run_id}}",
            ],
            [
              `sum by (run_id) (${metric("fleetsim_provisioned_concurrency_in_use")}${sel()})`,
              "in use · {{run_id}}",
            ],
          ],
        }),
        timeSeriesPanel({
          title: "Spillovers by reason",
          description:
            "Requests per simulated second that found no provisioned environment to run on: allBusy (every environment busy, as while a new version's environments initialise) or requestRate (their request rate spent).",
          unit: "reqps",
          queries: [
            [
              `sum by (run_id, reason) (${rate(metric("fleetsim_provisioned_concurrency_spillovers_total"))})`,
              "{{reason}} · {{run_id}}",
            ],
          ],
        }),
        timeSeriesPanel({
          title: "Provisioned first-invoke latency p50 / p99",
          description:
            "Extra latency of the first invocation on a provisioned environment (JIT runtimes' lazy loading), over the environments first invoked in the window.",
          unit: "s",
          queries: [
            [quantile(0.5, "fleetsim_provisioned_first_invoke_latency_seconds"), "p50 · {{run_id}}"],
            [quantile(0.99, "fleetsim_provisioned_first_invoke_latency_seconds"), "p99 · {{run_id}}"],
          ],
        }),
      ],
    },
    {
      title: "Throttles and cold starts",
      panels: [
        timeSeriesPanel({
          title: "Throttles by cause and reason",
          description:
            "Throttled invocations per simulated second by cause (account or reserved concurrency, scaling rate, account, reserved or provisioned request rate) with the TooManyRequestsException Reason the caller reads.",
          unit: "reqps",
          queries: [
            [
              `sum by (run_id, cause, reason) (${rate(metric("fleetsim_invocation_throttles_total"))})`,
              "{{cause}} ({{reason}}) · {{run_id}}",
            ],
          ],
        }),
        timeSeriesPanel({
          title: "Cold-start ratio by deploy phase",
          description:
            "Share of the starts before, during and after the deploy window (the scenario's first UpdateFunctionCode or UpdateAlias to the settling time after its last) that were cold, since the start of the run: at the end, the report's coldStartRatioByDeployPhase. Only for scenarios that deploy.",
          unit: "percentunit",
          min: 0,
          queries: [
            [
              `sum by (run_id, phase) (${byPhase}${sel('start_type="cold"')}) / (sum by (run_id, phase) (${byPhase}${sel()}) > 0)`,
              "{{phase}} · {{run_id}}",
            ],
          ],
        }),
      ],
    },
    {
      title: "Asynchronous invocation",
      panels: [
        timeSeriesPanel({
          title: "Async queue depth",
          description:
            "Asynchronous events waiting in the functions' queues, for a first attempt or a retry.",
          unit: "short",
          min: 0,
          queries: [[`sum by (run_id) (${metric("fleetsim_async_queue_depth")}${sel()})`, "{{run_id}}"]],
        }),
        timeSeriesPanel({
          title: "Oldest async event age",
          description:
            "Age of the oldest asynchronous event waiting in a queue (0 when none); events older than their maximum event age (6 hours at most) are never processed.",
          unit: "s",
          min: 0,
          queries: [
            [`max by (run_id) (${metric("fleetsim_async_oldest_event_age_seconds")}${sel()})`, "{{run_id}}"],
          ],
        }),
        timeSeriesPanel({
          title: "Async event fates and retries",
          description:
            "Asynchronous events per simulated second that succeeded or were never processed (sent to an on-failure destination, the dead-letter queue, or dropped, with the reason), and those sent back to the queue for another attempt, by cause.",
          unit: "ops",
          queries: [
            [
              `sum by (run_id, fate, reason) (${rate(metric("fleetsim_async_event_fates_total"))}) > 0`,
              "{{fate}} {{reason}} · {{run_id}}",
            ],
            [
              `sum by (run_id, cause) (${rate(metric("fleetsim_async_retries_total"))}) > 0`,
              "retry {{cause}} · {{run_id}}",
            ],
          ],
        }),
        timeSeriesPanel({
          title: "Async event age p50 / p99",
          description: "Age of asynchronous events when the poller takes them for an attempt.",
          unit: "s",
          queries: [
            [quantile(0.5, "fleetsim_async_event_age_seconds"), "p50 · {{run_id}}"],
            [quantile(0.99, "fleetsim_async_event_age_seconds"), "p99 · {{run_id}}"],
          ],
        }),
        timeSeriesPanel({
          title: "Recursive loop stops",
          description:
            "Invocation chains per simulated second Lambda stopped as recursive loops after 16 invocations, and asynchronous events accepted into the queues.",
          unit: "ops",
          queries: [
            [
              `sum by (run_id) (${rate(metric("fleetsim_recursive_loop_stops_total"))})`,
              "loops stopped · {{run_id}}",
            ],
            [
              `sum by (run_id) (${rate(metric("fleetsim_async_events_accepted_total"))})`,
              "events accepted · {{run_id}}",
            ],
          ],
        }),
      ],
    },
    {
      title: "Invocation errors and EFS",
      panels: [
        timeSeriesPanel({
          title: "Invocation errors by error code",
          description:
            "Invocations per simulated second refused with the errors of the troubleshooting guide: AccessDeniedException (a caller without permission), KMSDisabledException (the function's KMS key disabled), and the EFS mount and IO errors; codes that did not occur in the window are left out.",
          unit: "reqps",
          queries: [
            [
              `sum by (run_id, outcome) (${rate(metric("fleetsim_invocations_total"), `outcome=~"${TROUBLESHOOTING_CODES.join("|")}"`)}) > 0`,
              "{{outcome}} · {{run_id}}",
            ],
          ],
        }),
        timeSeriesPanel({
          title: "EFS burst credit balance",
          description:
            "Burst credit balance of each EFS file system; out of credits it serves only its baseline throughput, and IO-bound invocations slow down or fail with EFSIOException.",
          unit: "bytes",
          min: 0,
          queries: [[fileSystem("fleetsim_efs_burst_credit_balance_bytes"), "{{file_system}} · {{run_id}}"]],
        }),
        timeSeriesPanel({
          title: "EFS throughput demand vs baseline",
          description:
            "IO throughput the running invocations ask of each EFS file system, against the baseline it serves once its burst credits are spent.",
          unit: "Bps",
          min: 0,
          queries: [
            [
              fileSystem("fleetsim_efs_throughput_demand_bytes_per_second"),
              "demand {{file_system}} · {{run_id}}",
            ],
            [
              fileSystem("fleetsim_efs_baseline_throughput_bytes_per_second"),
              "baseline {{file_system}} · {{run_id}}",
            ],
          ],
        }),
        timeSeriesPanel({
          title: "EFS invocations in flight",
          description:
            "Invocations running on functions that mount each EFS file system: they share its throughput, so the demand above grows with them.",
          unit: "short",
          min: 0,
          queries: [[fileSystem("fleetsim_efs_invocations_in_flight"), "{{file_system}} · {{run_id}}"]],
        }),
      ],
    },
  ]).build();
}
