/**
 * The function (and qualifier) an operation on `/functions/{FunctionName}/...`
 * acts on. Operations with a Qualifier parameter take it from the query or
 * from the name's `:qualifier` suffix; the others act on the function itself
 * and refuse a qualified name.
 */
import { Violations } from "./constraints.js";
import {
  MAX_QUALIFIER_LENGTH,
  QUALIFIER,
  checkFunctionName,
  resolveQualifier,
  splitFunctionName,
  type FunctionNameShape,
} from "./function-name.js";
import { fail, ok, type Result } from "./problem.js";
import type { RouteMatch } from "./routes.js";

export interface FunctionTarget {
  /** The plain function name. */
  FunctionName: string;
  Qualifier?: string;
}

/** How an operation treats qualifiers: none, an optional one, or a required Qualifier parameter. */
export type QualifierUse = "none" | "optional" | "required";

/**
 * Check the path's FunctionName (and the Qualifier parameter) into `v`;
 * `finish` then splits them once `v` holds no violation.
 */
export function checkTarget(
  match: RouteMatch,
  shape: FunctionNameShape,
  use: QualifierUse,
  v: Violations,
): () => Result<FunctionTarget> {
  const raw = match.pathParams.FunctionName ?? "";
  checkFunctionName(raw, shape, "functionName", v);
  const query = use === "none" ? undefined : (match.query.get("Qualifier") ?? undefined);
  if (use === "required") v.required(query, "qualifier");
  v.length(query, "qualifier", 1, MAX_QUALIFIER_LENGTH);
  v.matches(query, "qualifier", QUALIFIER);
  return () => {
    const parsed = splitFunctionName(raw);
    if (!parsed.ok) return parsed;
    if (use === "none" && parsed.value.qualifier !== undefined)
      return fail(
        "InvalidParameterValueException",
        `${match.operation} acts on the unqualified function; remove the qualifier ':${parsed.value.qualifier}' from ${raw}.`,
      );
    const qualifier = resolveQualifier(parsed.value, query);
    if (!qualifier.ok) return qualifier;
    const target: FunctionTarget = { FunctionName: parsed.value.name };
    if (qualifier.value !== undefined) target.Qualifier = qualifier.value;
    return ok(target);
  };
}
