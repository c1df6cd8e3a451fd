/**
 * What the exporters need to know about a run besides its samples: the
 * labels every series carries (run_id, scenario), and the plan's fixed
 * figures (subnets, VPCs, limits). Plain data, so it can be posted to the
 * simulation thread.
 */
import { costInputsOf } from "../model/cost.js";
import { deployWindow } from "../model/deploy-window.js";
import type { Plan } from "../model/plan.js";
import { qualifierSlotCount, qualifierSlotName } from "../model/qualifiers.js";
import { packageVersion } from "./package-version.js";
import type { MetricsContext } from "./measure.js";
import { metricByName } from "./report-metrics.js";

export type { MetricsContext };

export function metricsContext(
  plan: Plan,
  runId: string = deriveRunId(plan.name, plan.seed),
  functionLabels = 0,
): MetricsContext {
  return {
    runId,
    scenario: plan.name,
    seed: plan.seed,
    version: packageVersion(),
    untilUs: plan.untilUs,
    concurrencyLimit: plan.account.concurrencyLimit,
    subnets: plan.subnets.map((s) => ({
      id: s.id,
      vpc: plan.vpcs[s.vpc]?.id ?? "",
      capacityIps: s.capacityIps,
    })),
    vpcs: plan.vpcs.map((v) => ({ id: v.id, eniQuota: v.eniQuota, enisUsedByOthers: v.enisUsedByOthers })),
    fileSystems: plan.fileSystems.map((f) => ({ id: f.id, baselineMiBps: f.baselineMiBps })),
    templates: plan.templates.map((t) => t.name),
    qualifiers: Array.from({ length: qualifierSlotCount(plan.aliases) }, (_, slot) =>
      qualifierSlotName(slot, plan.aliases),
    ),
    deploys: deployWindow(plan) !== null,
    functionLabels,
    cost: costInputsOf(plan),
    thresholds: (plan.thresholds ?? [])
      .filter((t) => metricByName(t.metric)?.fromSample !== undefined)
      .map(({ source, metric, op, value }) => ({ source, metric, op, value })),
  };
}

/** The run_id of a run without --run-id: the scenario name (letters, digits, `.`, `_`, `-`) and the seed. */
export function deriveRunId(scenario: string, seed: number): string {
  const slug = scenario
    .replace(/[^A-Za-z0-9._-]+/g, "-")
    .replace(/^[^A-Za-z0-9]+|-+$/g, "")
    .slice(0, 100);
  return `${slug === "" ? "run" : slug}-seed${seed}`;
}

/** What --run-id accepts: it is a label value and a Pushgateway grouping key in a URL path. */
export const RUN_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
export const RUN_ID_HINT = "1 to 128 letters, digits, '.', '_', ':' or '-', starting with a letter or digit";
