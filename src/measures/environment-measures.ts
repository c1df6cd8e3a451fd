/**
 * Measures of execution environments (issue 13 item 1): the warm pool at
 * each sample point, the environments' lives as counters, and the report's
 * time averages, peak, utilisation and idle GB-seconds as named metrics.
 */
import type { Sample } from "../model/run.js";
import { byTemplate, sum } from "./label-series.js";
import { type Measure, namedMetric } from "./measure.js";

const ENV_STATES = ["busy", "idle"] as const;

/** A counter of the environments' lives, by template, read from Observations' `env...` arrays. */
function livesMeasure(
  field: "envCreated" | "envExpiredIdle" | "envRecycled",
  family: string,
  help: string,
  name: string,
  report: "created" | "expiredIdle" | "recycled",
  description: string,
): Measure {
  const read = (s: Sample) => s.counters[field];
  return {
    family: {
      name: family,
      type: "counter",
      help,
      labels: ["template"],
      series: byTemplate([[]]),
      values: (s) => [...read(s)],
    },
    named: [
      namedMetric({
        name,
        unit: "count",
        description,
        fromReport: (r) => r.environments[report],
        fromSample: (s) => sum(read(s)),
      }),
    ],
  };
}

export const ENVIRONMENT_MEASURES: readonly Measure[] = [
  {
    family: {
      name: "fleetsim_environments",
      type: "gauge",
      help: "On-demand execution environments by state (busy: running a request; idle: warm, its keep-alive and lifetime not yet passed) and function template. Provisioned environments are fleetsim_provisioned_concurrency_*.",
      labels: ["state", "template"],
      series: byTemplate(ENV_STATES.map((st) => [st])),
      values: (s) => [...s.environments.busy, ...s.environments.idle],
    },
  },
  livesMeasure(
    "envCreated",
    "fleetsim_environments_created_total",
    "On-demand execution environments created (each a cold start, or a mount that timed out), by function template.",
    "environments.created",
    "created",
    "On-demand execution environments created.",
  ),
  livesMeasure(
    "envExpiredIdle",
    "fleetsim_environments_expired_idle_total",
    "On-demand execution environments reclaimed after their keep-alive idle, by function template (counted when found, as of their expiry).",
    "environments.expired_idle",
    "expiredIdle",
    "On-demand environments reclaimed after their keep-alive idle.",
  ),
  livesMeasure(
    "envRecycled",
    "fleetsim_environments_recycled_total",
    "On-demand execution environments gone at their maximum lifetime (model.maxLifetime), busy or idle, by function template.",
    "environments.recycled",
    "recycled",
    "On-demand environments gone at their maximum lifetime (model.maxLifetime).",
  ),
  {
    named: [
      ...(["total", "busy", "idle"] as const).map((k) =>
        namedMetric({
          name: `environments.average.${k}`,
          unit: "count",
          description: `On-demand environments ${k === "total" ? "alive" : k === "busy" ? "running a request" : "idle and warm"}, averaged over the run.`,
          fromReport: (r) => r.environments.average[k],
        }),
      ),
      namedMetric({
        name: "environments.peak",
        unit: "count",
        description:
          "Sum over pools (a function's $LATEST, each version) of the most on-demand environments each held at once: an upper bound of the most alive at once.",
        fromReport: (r) => r.environments.peak,
      }),
      namedMetric({
        name: "environments.utilization",
        unit: "ratio",
        description: "On-demand environments' busy time of their alive time (0 without environments).",
        fromReport: (r) => r.environments.utilization,
      }),
      namedMetric({
        name: "environments.idle_gb_seconds",
        unit: "count",
        description: "On-demand environments' idle time times their memory in GB.",
        fromReport: (r) => r.environments.idleGbSeconds,
      }),
      namedMetric({
        name: "environments.provisioned.average.total",
        unit: "count",
        description: "Provisioned environments initialised, averaged over the run.",
        fromReport: (r) => r.environments.provisioned.average.total,
      }),
      namedMetric({
        name: "environments.provisioned.utilization",
        unit: "ratio",
        description: "Provisioned environments' busy time of their initialised time (0 without them).",
        fromReport: (r) => r.environments.provisioned.utilization,
      }),
      namedMetric({
        name: "environments.provisioned.idle_gb_seconds",
        unit: "count",
        description: "Provisioned environments' idle time times their memory in GB.",
        fromReport: (r) => r.environments.provisioned.idleGbSeconds,
      }),
    ],
  },
];
