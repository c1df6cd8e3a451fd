/**
 * The report's `environments` section (issue 13 item 1): the on-demand warm
 * pool of the account and of each template, and the provisioned
 * environments apart, from the merged Observations (env-measures.ts).
 */
import { exactSum, ProvisionedSum } from "../model/env-measures.js";
import type { RunOutcome } from "../model/run.js";
import type { EnvironmentFigures, EnvironmentsReport } from "../measures/report-shape.js";

const round6 = (x: number): number => Math.round(x * 1e6) / 1e6;
const GB_US = 1024 * 1e6;

export function environmentsReport(outcome: RunOutcome): EnvironmentsReport {
  const { plan, obs } = outcome;
  const runUs = outcome.kernel.endUs;
  const templates = plan.templates.map((_, t) => t);
  const byTemplate = Object.fromEntries(plan.templates.map((tpl, t) => [tpl.name, figures(outcome, [t])]));
  const p = obs.envProvisioned;
  const readyUs = exactSum(p, ProvisionedSum.ReadyUs);
  const busyUs = exactSum(p, ProvisionedSum.BusyUs);
  return {
    ...figures(outcome, templates),
    provisioned: {
      average: averages(busyUs, readyUs - busyUs, runUs),
      utilization: readyUs > 0 ? round6(busyUs / readyUs) : 0,
      idleGbSeconds: round6(exactSum(p, ProvisionedSum.IdleMbUs) / GB_US),
    },
    byTemplate,
  };
}

/** The figures of the on-demand environments of these templates. */
function figures(outcome: RunOutcome, templates: number[]): EnvironmentFigures {
  const obs = outcome.obs;
  let busyUs = 0;
  let idleUs = 0;
  let idleMbUs = 0;
  let peak = 0;
  let created = 0;
  let expiredIdle = 0;
  let recycled = 0;
  for (const t of templates) {
    busyUs += exactSum(obs.envBusyUs, t);
    idleUs += exactSum(obs.envIdleUs, t);
    idleMbUs += exactSum(obs.envIdleMbUs, t);
    peak += obs.envPeak[t];
    created += obs.envCreated[t];
    expiredIdle += obs.envExpiredIdle[t];
    recycled += obs.envRecycled[t];
  }
  const totalUs = busyUs + idleUs;
  return {
    average: averages(busyUs, idleUs, outcome.kernel.endUs),
    peak,
    created,
    expiredIdle,
    recycled,
    utilization: totalUs > 0 ? round6(busyUs / totalUs) : 0,
    idleGbSeconds: round6(idleMbUs / GB_US),
  };
}

function averages(busyUs: number, idleUs: number, runUs: number): EnvironmentFigures["average"] {
  if (runUs <= 0) return { total: 0, busy: 0, idle: 0 };
  return {
    total: round6((busyUs + idleUs) / runUs),
    busy: round6(busyUs / runUs),
    idle: round6(idleUs / runUs),
  };
}
