/**
 * Warnings: a scenario that is valid but almost certainly not what its
 * author meant. `validate` and `run` print them; they never fail a run.
 */
import type { Plan } from "../model/plan.js";
import type { PathIssue } from "./issues.js";

/**
 * Templates whose functions are never created: not `existing: true`, and no
 * create step nor CreateFunction event names them, so every call to them is
 * a ResourceNotFoundException.
 */
export function planWarnings(plan: Plan): PathIssue[] {
  const created = new Uint8Array(plan.functions.names.length);
  for (const step of plan.steps)
    if (step.operation === "CreateFunction") for (const f of step.targets) created[f] = 1;
  for (const call of plan.calls)
    if (call.operation === "CreateFunction" && call.function >= 0) created[call.function] = 1;
  const never = new Int32Array(plan.templates.length);
  for (let f = 0; f < created.length; f++) {
    const t = plan.functions.template[f];
    if (created[f] === 0 && !plan.templates[t].existing) never[t]++;
  }
  const warnings: PathIssue[] = [];
  never.forEach((count, t) => {
    if (count === 0) return;
    const what = count === 1 ? "a function that is" : `${count} functions that are`;
    warnings.push({
      path: ["functions", t],
      message: `template '${plan.templates[t].name}' makes ${what} never created: no create step or CreateFunction event names ${count === 1 ? "it" : "them"} and the template is not existing: true, so every call to ${count === 1 ? "it" : "them"} fails with ResourceNotFoundException`,
    });
  });
  return warnings;
}
