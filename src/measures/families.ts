/**
 * The Prometheus view of the measure catalogue (catalogue.ts): the families
 * the live exporter, the Pushgateway, the OpenMetrics file, docs/metrics.md's
 * reference table and the dashboards are all made from. Each family says
 * how to read its series' values from a Sample, so the exposition is a
 * function of simulated state.
 *
 * Naming follows Prometheus practice: one prefix (`fleetsim_`), base units
 * (`_seconds`), `_total` on counters, bounded label values (operations,
 * error codes, states, subnets, VPCs, function templates, and qualifiers:
 * $LATEST, version or one of the scenario's alias names). Every series
 * also carries `run_id` and `scenario` (COMMON_LABELS). Function names are
 * labels only when the user asks (--metrics-function-labels N), on the few
 * families with `byFunction`, and only for the N busiest functions.
 */
import { FAMILIES } from "./catalogue.js";
import type { MetricFamily } from "./measure.js";

export type {
  FamilyBase,
  FunctionLabelled,
  HistogramFamily,
  MetricFamily,
  MetricType,
  ScalarFamily,
} from "./measure.js";
export { FAMILIES };

export const METRIC_PREFIX = "fleetsim_";
/** Labels on every series, ahead of the family's own. */
export const COMMON_LABELS = ["run_id", "scenario"] as const;
/** The label --metrics-function-labels adds to the families with `byFunction`, after their own. */
export const FUNCTION_LABEL = "function";
/** A family by name; throws for an unknown one (dashboards name families through this). */
export function family(name: string): MetricFamily {
  const f = FAMILIES.find((x) => x.name === name);
  if (f === undefined) throw new Error(`no metric family ${name}`);
  return f;
}

/** The OpenMetrics MetricFamily name: a counter's without its `_total`. */
export function familyBaseName(f: MetricFamily): string {
  return f.type === "counter" ? f.name.replace(/_total$/, "") : f.name;
}
