/**
 * The lifecycle table as Markdown, for the README and the docs. It is
 * rendered from LIFECYCLE_RULES, so the printed rules are the rules the
 * simulator runs. Rows that differ only in their trigger are merged into one
 * row listing the triggers.
 */
import { API_ERROR_HTTP_STATUS, API_ERROR_NAMES, ApiError } from "./aws-names.js";
import { stateNameOf } from "./function-view.js";
import {
  type Answer,
  answerMessage,
  type Guard,
  LIFECYCLE_RULES,
  PHASE_COUNT,
  PHASE_NAMES,
  type Rule,
  TRIGGER_NAMES,
} from "./lifecycle-table.js";

/** What each guard means, in the README's words. */
export const GUARD_TEXT: Readonly<Record<Guard, string>> = {
  pendingTooLong: "Pending for more than 6 minutes (model.stuckPendingUs)",
  restoreBlocked:
    "within 5 minutes (model.restoreRetryDelayUs) of a restore that failed with InsufficientRolePermissions or SubnetOutOfIPAddresses",
  callerDenied:
    "the caller's identity or the function's resource-based policy does not allow lambda:InvokeFunction",
  eventInvocation: "InvocationType is Event",
  kmsBlocked: "the function's KMS key is disabled, or Lambda's grant on it is revoked",
  qualifierNotFound: "the qualifier names no version or alias of the function",
  versionPending: "the version the qualifier resolves to is still Pending",
  environmentRetired:
    "the environment ran a revision no longer live, or of a function deleted since, or Lambda stopped it (EFS)",
  invokedSinceCheck: "invoked since the check was armed (model.inactiveAfterUs from the latest invocation)",
  environmentsBusy: "an invocation is running",
  provisionedInUse: "provisioned concurrency is configured",
};

/** The answer column: OK, or the error code, its HTTP status and message (the function named `<name>`). */
export function answerText(answer: Answer, stateName: string): string {
  if (answer.error === ApiError.None) return "OK";
  const message = answerMessage(answer, "<name>", stateName);
  return `${API_ERROR_NAMES[answer.error]} (${API_ERROR_HTTP_STATUS[answer.error]}): "${message}"`;
}

interface Row {
  rule: Rule;
  triggers: number[];
}

/** Rules grouped by (phase, guard, answer, next phase, effect, ids), phases in order. */
function rows(rules: readonly Rule[]): Row[] {
  const byKey = new Map<string, Row>();
  const ordered: Row[][] = Array.from({ length: PHASE_COUNT }, () => []);
  for (const rule of rules) {
    const a = rule.answer;
    const key = [
      rule.ids.join(","),
      rule.from,
      rule.guard ?? "",
      a.error,
      "message" in a ? a.message : "",
      rule.to,
      rule.effect,
    ].join("|");
    const row = byKey.get(key);
    if (row !== undefined) {
      row.triggers.push(rule.on);
      continue;
    }
    const fresh: Row = { rule, triggers: [rule.on] };
    byKey.set(key, fresh);
    ordered[rule.from].push(fresh);
  }
  return ordered.flat();
}

const cell = (s: string) => s.replace(/\|/g, "\\|");

/** The whole table as a Markdown table, one header line and one line per row. */
export function lifecycleTableMarkdown(rules: readonly Rule[] = LIFECYCLE_RULES): string {
  const out = [
    "| Rule | Phase | On | When | Answer | Next phase | Effect |",
    "| --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const { rule, triggers } of rows(rules)) {
    const on = triggers
      .sort((x, y) => x - y)
      .map((t) => TRIGGER_NAMES[t])
      .join(", ");
    const next = rule.to === rule.from ? "(unchanged)" : PHASE_NAMES[rule.to];
    const when = rule.guard === undefined ? "" : GUARD_TEXT[rule.guard];
    const answer = answerText(rule.answer, stateNameOf(rule.from));
    const effect = rule.effect === "none" ? "" : rule.effect;
    const cells = [rule.ids.join(", "), PHASE_NAMES[rule.from], on, when, answer, next, effect];
    out.push(`| ${cells.map(cell).join(" | ")} |`);
  }
  return out.join("\n");
}
