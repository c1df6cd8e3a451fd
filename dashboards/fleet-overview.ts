/**
 * Fleet overview: what the functions went through. The scenario's
 * thresholds passing or failing over time, states over time, API failures
 * by operation and error code, time in Pending, create-to-Active as the
 * clients saw it, functions created and deleted, invocations by outcome and
 * by template, requests against answers, cold starts, throttles, the
 * busiest functions when the run labelled them, and the runs themselves
 * (seed, version, simulated time, events).
 */
import * as common from "@grafana/grafana-foundation-sdk/common";
import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import * as statetimeline from "@grafana/grafana-foundation-sdk/statetimeline";
import * as table from "@grafana/grafana-foundation-sdk/table";
import {
  baseDashboard,
  DATASOURCE,
  metric,
  query,
  quantile,
  rate,
  sel,
  series,
  statPanel,
  tableQuery,
  timeSeriesPanel,
  withRows,
} from "./common.js";

/**
 * Each threshold of the scenario (its `thresholds:`) over time, one line per
 * threshold and run: ok (green) while it holds, failing (red) while not.
 */
function thresholdsPanel(): statetimeline.PanelBuilder {
  return new statetimeline.PanelBuilder()
    .title("Thresholds")
    .description(
      "Each threshold of the scenario at each sample point: ok while it holds, failing while it does not (percentiles estimated from the sampled buckets). The run's verdict is the last point. Empty for scenarios without thresholds. The red regions of the other panels (the 'Thresholds failing' annotation) mark the same failures.",
    )
    .datasource(DATASOURCE)
    .height(6)
    .span(24)
    .min(0)
    .max(1)
    .mappings([
      {
        type: dashboard.MappingType.ValueToText,
        options: {
          "0": { text: "failing", color: "red", index: 0 },
          "1": { text: "ok", color: "green", index: 1 },
        },
      },
    ])
    .thresholds(
      new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps([
        { value: null, color: "red" },
        { value: 1, color: "green" },
      ]),
    )
    .colorScheme(new dashboard.FieldColorBuilder().mode(dashboard.FieldColorModeId.Thresholds))
    .showValue(common.VisibilityMode.Auto)
    .mergeValues(true)
    .alignValue(common.TimelineValueAlignment.Left)
    .rowHeight(0.8)
    .fillOpacity(70)
    .lineWidth(0)
    .legend(
      new common.VizLegendOptionsBuilder()
        .showLegend(true)
        .displayMode(common.LegendDisplayMode.List)
        .placement(common.LegendPlacement.Bottom),
    )
    .tooltip(new common.VizTooltipOptionsBuilder().mode(common.TooltipDisplayMode.Single))
    .withTarget(
      query(
        `max by (run_id, threshold) (${metric("fleetsim_threshold_ok")}${sel()})`,
        "{{threshold}} · {{run_id}}",
        "A",
      ),
    );
}

/**
 * One line per run: its scenario, seed and simulator version (the labels of
 * fleetsim_run_info), the simulated time reached and the run's end, and the
 * events processed. Each query carries the run's labels, so that Grafana's
 * merge makes one row of them.
 */
function runsPanel(): table.PanelBuilder {
  const info = `max by (run_id, scenario, seed, version) (${metric("fleetsim_run_info")}${sel()})`;
  const perRun = (name: string) =>
    `max by (run_id) (${metric(name)}${sel()}) * on (run_id) group_left (scenario, seed, version) ${info}`;
  const columns: [name: string, title: string, unit: string][] = [
    ["fleetsim_simulated_time_seconds", "simulated", "s"],
    ["fleetsim_run_until_seconds", "until", "s"],
    ["fleetsim_events_processed_total", "events processed", "short"],
  ];
  const panel = new table.PanelBuilder()
    .title("Runs")
    .description(
      "The chosen runs: scenario, seed and simulator version (fleetsim_run_info), simulated time reached, the simulated time the run stops at (the scenario's duration, or --until), and simulation events processed.",
    )
    .datasource(DATASOURCE)
    .height(6)
    .span(24)
    .transformations([
      { id: "merge", options: {} },
      { id: "organize", options: { excludeByName: { Time: true } } },
    ]);
  columns.forEach(([name, title, unit], i) => {
    const refId = String.fromCharCode(65 + i);
    panel.withTarget(tableQuery(perRun(name), refId));
    panel.overrideByName(`Value #${refId}`, [
      { id: "displayName", value: title },
      { id: "unit", value: unit },
    ]);
  });
  return panel;
}

export function fleetOverview(): dashboard.Dashboard {
  const api = metric("fleetsim_api_requests_total");
  const invocations = metric("fleetsim_invocations_total");
  const starts = metric("fleetsim_invocation_starts_total");
  const d = baseDashboard(
    "fleetsim-fleet-overview",
    "Lambda fleet simulator: fleet overview",
    "Function states, API failures, time in Pending and invocations of simulated runs (lambda-fleet-sim).",
  );
  return withRows(d, [
    {
      title: "Run",
      panels: [
        statPanel(
          "Simulated time",
          "Simulated time the run has reached.",
          "s",
          `max by (run_id) (${metric("fleetsim_simulated_time_seconds")}${sel()})`,
        ),
        statPanel(
          "Functions",
          "Functions that exist (any State).",
          "short",
          `sum by (run_id) (${series(metric("fleetsim_functions"))})`,
        ),
        statPanel(
          "API error ratio",
          "Share of API requests answered with an AWS error over the window.",
          "percentunit",
          `sum by (run_id) (${rate(api, 'outcome="error"')}) / sum by (run_id) (${rate(api)})`,
        ),
        statPanel(
          "Invocations per simulated second",
          "Invocations with an outcome per simulated second (whatever the pace of the run).",
          "reqps",
          `sum by (run_id) (${rate(invocations)})`,
        ),
        thresholdsPanel(),
      ],
    },
    {
      title: "Functions",
      panels: [
        timeSeriesPanel({
          title: "Functions by State",
          description: "Functions in each State: Pending, Active, Inactive, Failed.",
          unit: "short",
          stacked: true,
          queries: [
            [`sum by (run_id, state) (${series(metric("fleetsim_functions"))})`, "{{state}} · {{run_id}}"],
          ],
        }),
        timeSeriesPanel({
          title: "Functions by template",
          description: "Functions that exist (any State) of each function template.",
          unit: "short",
          stacked: true,
          queries: [
            [
              `sum by (run_id, template) (${series(metric("fleetsim_functions"))})`,
              "{{template}} · {{run_id}}",
            ],
          ],
        }),
        timeSeriesPanel({
          title: "Functions by LastUpdateStatus",
          description: "None means never updated; InProgress covers creates and updates under way.",
          unit: "short",
          stacked: true,
          queries: [
            [
              `sum by (run_id, last_update_status) (${metric("fleetsim_functions_last_update_status")}${sel()})`,
              "{{last_update_status}} · {{run_id}}",
            ],
          ],
        }),
        timeSeriesPanel({
          title: "Pending duration p50 / p99",
          description:
            "Time functions spent in Pending, by StateReasonCode (Creating, Restoring), over functions that left Pending in the window.",
          unit: "s",
          queries: [
            [
              quantile(0.5, "fleetsim_pending_duration_seconds", ["reason_code"]),
              "p50 {{reason_code}} · {{run_id}}",
            ],
            [
              quantile(0.99, "fleetsim_pending_duration_seconds", ["reason_code"]),
              "p99 {{reason_code}} · {{run_id}}",
            ],
          ],
        }),
        timeSeriesPanel({
          title: "Create to Active (clients) p50 / p99",
          description: "Time from a client's CreateFunction to its waiter seeing State Active.",
          unit: "s",
          queries: [
            [quantile(0.5, "fleetsim_client_create_to_active_seconds"), "p50 · {{run_id}}"],
            [quantile(0.99, "fleetsim_client_create_to_active_seconds"), "p99 · {{run_id}}"],
          ],
        }),
        timeSeriesPanel({
          title: "Functions created, deleted and versions published",
          description:
            "Functions created by a successful CreateFunction, deleted by a successful DeleteFunction, and versions published by a successful PublishVersion, per simulated second.",
          unit: "ops",
          min: 0,
          queries: [
            [`sum by (run_id) (${rate(metric("fleetsim_functions_created_total"))})`, "created · {{run_id}}"],
            [`sum by (run_id) (${rate(metric("fleetsim_functions_deleted_total"))})`, "deleted · {{run_id}}"],
            [
              `sum by (run_id) (${rate(metric("fleetsim_versions_published_total"))})`,
              "versions published · {{run_id}}",
            ],
          ],
        }),
      ],
    },
    {
      title: "API",
      panels: [
        timeSeriesPanel({
          title: "API requests by operation",
          description:
            "Lambda API requests answered per simulated second, each attempt of a retried call counted.",
          unit: "reqps",
          queries: [[`sum by (run_id, operation) (${rate(api)})`, "{{operation}} · {{run_id}}"]],
        }),
        timeSeriesPanel({
          title: "API failure rate by operation and error code",
          description:
            "Share of each operation's requests answered with each AWS error code (ResourceConflictException, TooManyRequestsException...); pairs of operation and error code with no error in the window are left out.",
          unit: "percentunit",
          min: 0,
          queries: [
            [
              // Only the (operation, error code) pairs with errors in the window: every pair
              // has a series from the start of the run, most of them zero throughout.
              `(sum by (run_id, operation, error_code) (${rate(api, 'outcome="error"')}) > 0) / on (run_id, operation) group_left () sum by (run_id, operation) (${rate(api)})`,
              "{{operation}} {{error_code}} · {{run_id}}",
            ],
          ],
        }),
        timeSeriesPanel({
          title: "Waiters",
          description:
            "SDK waiters started, and waiters that ended by outcome (succeeded, failed, timedOut), per simulated second.",
          unit: "ops",
          queries: [
            [`sum by (run_id) (${rate(metric("fleetsim_waiters_started_total"))})`, "started · {{run_id}}"],
            [
              `sum by (run_id, outcome) (${rate(metric("fleetsim_waiters_total"))})`,
              "{{outcome}} · {{run_id}}",
            ],
          ],
        }),
        timeSeriesPanel({
          title: "Client retries",
          description: "SDK retries after retryable errors, and calls given up after the last attempt.",
          unit: "ops",
          queries: [
            [`sum by (run_id) (${rate(metric("fleetsim_client_retries_total"))})`, "retries · {{run_id}}"],
            [
              `sum by (run_id) (${rate(metric("fleetsim_client_calls_given_up_total"))})`,
              "given up · {{run_id}}",
            ],
          ],
        }),
      ],
    },
    {
      title: "Invocations",
      panels: [
        timeSeriesPanel({
          title: "Invocations by outcome",
          description: "success, functionError, timeout, throttled, or the AWS error that refused them.",
          unit: "reqps",
          stacked: true,
          queries: [[`sum by (run_id, outcome) (${rate(invocations)})`, "{{outcome}} · {{run_id}}"]],
        }),
        timeSeriesPanel({
          title: "Invocations by template",
          description: "Invocations with an outcome per simulated second, by function template.",
          unit: "reqps",
          stacked: true,
          queries: [[`sum by (run_id, template) (${rate(invocations)})`, "{{template}} · {{run_id}}"]],
        }),
        timeSeriesPanel({
          title: "Invocation requests and answers",
          description:
            "Invocation requests received (stream traffic, clients' Invoke calls, the async poller's attempts) and invocations with an outcome, per simulated second; requests run ahead of answers while invocations are in flight.",
          unit: "reqps",
          queries: [
            [
              `sum by (run_id) (${rate(metric("fleetsim_invocation_requests_total"))})`,
              "requests · {{run_id}}",
            ],
            [`sum by (run_id) (${rate(invocations)})`, "answered · {{run_id}}"],
          ],
        }),
        timeSeriesPanel({
          title: "Busiest functions",
          description:
            'Invocations per simulated second of the 10 busiest functions, for runs with --metrics-function-labels N (the N busiest functions get a function label, the rest count as function="other"). Empty for other runs.',
          unit: "reqps",
          queries: [
            [
              `topk(10, sum by (run_id, function) (${rate(invocations, 'function!=""', 'function!="other"')}))`,
              "{{function}} · {{run_id}}",
            ],
          ],
        }),
        timeSeriesPanel({
          title: "Cold-start ratio",
          description: "Share of invocations that started a new execution environment.",
          unit: "percentunit",
          min: 0,
          queries: [
            [
              `sum by (run_id) (${rate(starts, 'start_type="cold"')}) / sum by (run_id) (${rate(starts)})`,
              "cold starts · {{run_id}}",
            ],
          ],
        }),
        timeSeriesPanel({
          title: "Throttles by reason",
          description:
            "Throttled invocations by the TooManyRequestsException Reason the caller reads, and control-plane requests refused by the account's rate limits.",
          unit: "reqps",
          queries: [
            [
              `sum by (run_id, reason) (${rate(metric("fleetsim_invocation_throttles_total"))})`,
              "{{reason}} · {{run_id}}",
            ],
            [
              `sum by (run_id) (${rate(metric("fleetsim_control_plane_throttles_total"))})`,
              "CallerRateLimitExceeded (control plane) · {{run_id}}",
            ],
          ],
        }),
        timeSeriesPanel({
          title: "Invocation latency p50 / p99",
          description: "From arrival to the end of the invocation, init duration included.",
          unit: "s",
          queries: [
            [quantile(0.5, "fleetsim_invocation_latency_seconds"), "p50 · {{run_id}}"],
            [quantile(0.99, "fleetsim_invocation_latency_seconds"), "p99 · {{run_id}}"],
          ],
        }),
        timeSeriesPanel({
          title: "Invocation latency p99 by template",
          description: "The 99th percentile of invocation latency of each function template.",
          unit: "s",
          queries: [
            [
              quantile(0.99, "fleetsim_invocation_latency_seconds", ["template"]),
              "p99 {{template}} · {{run_id}}",
            ],
          ],
        }),
        timeSeriesPanel({
          title: "Update InProgress duration p50 / p99",
          description: "Time updates spent with LastUpdateStatus InProgress.",
          unit: "s",
          queries: [
            [quantile(0.5, "fleetsim_update_in_progress_duration_seconds"), "p50 · {{run_id}}"],
            [quantile(0.99, "fleetsim_update_in_progress_duration_seconds"), "p99 · {{run_id}}"],
          ],
        }),
        timeSeriesPanel({
          title: "Init duration p50 / p99",
          description: "Init duration of cold starts.",
          unit: "s",
          queries: [
            [quantile(0.5, "fleetsim_init_duration_seconds"), "p50 · {{run_id}}"],
            [quantile(0.99, "fleetsim_init_duration_seconds"), "p99 · {{run_id}}"],
          ],
        }),
      ],
    },
    {
      title: "Simulation",
      panels: [
        runsPanel(),
        timeSeriesPanel({
          title: "Simulated time and the run's end",
          description:
            "Simulated time the run has reached, and the simulated time it stops at (the scenario's duration, or --until).",
          unit: "s",
          min: 0,
          queries: [
            [
              `max by (run_id) (${metric("fleetsim_simulated_time_seconds")}${sel()})`,
              "reached · {{run_id}}",
            ],
            [`max by (run_id) (${metric("fleetsim_run_until_seconds")}${sel()})`, "until · {{run_id}}"],
          ],
        }),
        timeSeriesPanel({
          title: "Events processed per simulated second",
          description:
            "Simulation events processed (by the partitions and the coordinator) per simulated second: the simulator's own work, not the functions'.",
          unit: "ops",
          min: 0,
          queries: [[`sum by (run_id) (${rate(metric("fleetsim_events_processed_total"))})`, "{{run_id}}"]],
        }),
      ],
    },
  ]).build();
}
