/**
 * A FunctionName as Lambda accepts it: `my-function`, a partial ARN
 * `123456789012:function:my-function` or a full ARN
 * `arn:aws:lambda:us-west-2:123456789012:function:my-function`, each with an
 * optional `:qualifier` ($LATEST, a version or an alias). Patterns and lengths
 * are the API reference's: FunctionName (1-140, CreateFunction and most
 * operations) and NamespacedFunctionName (1-170, dots allowed: GetFunction,
 * GetFunctionConfiguration, Invoke, ListVersionsByFunction). Only the full
 * string is limited by those lengths; the name itself may have at most 64
 * characters, which Lambda checks after the pattern and reports as
 * InvalidParameterValueException.
 */
import { Violations, pattern, type Pattern } from "./constraints.js";
import { fail, ok, type Result } from "./problem.js";

export type FunctionNameShape = "FunctionName" | "NamespacedFunctionName";

const SHAPES: Readonly<Record<FunctionNameShape, { pattern: Pattern; maxLength: number }>> = {
  FunctionName: {
    pattern: pattern(
      String.raw`(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?`,
    ),
    maxLength: 140,
  },
  NamespacedFunctionName: {
    pattern: pattern(
      String.raw`(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_\.]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?`,
    ),
    maxLength: 170,
  },
};

/** The longest plain function name. */
export const MAX_NAME_LENGTH = 64;

/** Alias names (CreateAlias's Name): not all digits, so never a version. */
export const ALIAS_NAME = pattern(String.raw`(?!^[0-9]+$)([a-zA-Z0-9-_]+)`);
export const MAX_ALIAS_NAME_LENGTH = 128;

/** The Qualifier parameter (a version, an alias or $LATEST). */
export const QUALIFIER = pattern(String.raw`(|[a-zA-Z0-9$_-]+)`);
export const MAX_QUALIFIER_LENGTH = 128;

export interface ParsedFunctionName {
  /** The plain name, `my-function`. */
  name: string;
  /** The `:qualifier` suffix, if any. */
  qualifier?: string;
  /** From a partial or full ARN. */
  accountId?: string;
  /** From a full ARN. */
  region?: string;
}

/** Both patterns in one, with the parts captured by name (the name's dot is refused above). */
const PARTS =
  /^(?:arn:(?:aws[a-zA-Z-]*)?:lambda:)?(?<region>[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d:)?(?<account>\d{12}:)?(?:function:)?(?<name>[a-zA-Z0-9\-_.]+)(?::(?<qualifier>\$LATEST|[a-zA-Z0-9\-_]+))?$/;

/** Check a FunctionName against its shape (ValidationException) and split it. */
export function parseFunctionName(
  raw: string,
  shape: FunctionNameShape = "FunctionName",
  member = "functionName",
): Result<ParsedFunctionName> {
  const v = new Violations();
  checkFunctionName(raw, shape, member, v);
  return v.resolve(() => splitFunctionName(raw, member));
}

/** The shape's length and pattern, collected with a request's other violations. */
export function checkFunctionName(
  raw: string,
  shape: FunctionNameShape,
  member: string,
  v: Violations,
): void {
  const spec = SHAPES[shape];
  v.length(raw, member, 1, spec.maxLength);
  if (raw.length <= spec.maxLength) v.matches(raw, member, spec.pattern);
}

/** The parts of a name that passed checkFunctionName; a plain name longer than 64 is refused here. */
export function splitFunctionName(raw: string, member = "functionName"): Result<ParsedFunctionName> {
  const parts = PARTS.exec(raw)?.groups;
  // Unreachable while PARTS admits all that the shapes' patterns admit.
  if (parts === undefined) return fail("InvalidParameterValueException", `Invalid function name: ${raw}`);
  const parsed: ParsedFunctionName = { name: parts.name };
  if (parts.qualifier !== undefined) parsed.qualifier = parts.qualifier;
  if (parts.account !== undefined) parsed.accountId = parts.account.slice(0, -1);
  if (parts.region !== undefined) parsed.region = parts.region.slice(0, -1);
  if (parsed.name.length > MAX_NAME_LENGTH)
    return fail(
      "InvalidParameterValueException",
      `1 validation error detected: Value '${raw}' at '${member}' failed to satisfy constraint: Member must have length less than or equal to ${MAX_NAME_LENGTH}`,
    );
  return ok(parsed);
}

/**
 * The qualifier an operation acts on: the Qualifier parameter or the name's
 * suffix. Both given and different is Lambda's InvalidParameterValueException.
 */
export function resolveQualifier(
  parsed: ParsedFunctionName,
  query: string | undefined,
): Result<string | undefined> {
  if (parsed.qualifier !== undefined && query !== undefined && parsed.qualifier !== query)
    return fail(
      "InvalidParameterValueException",
      "The derived qualifier from the function name does not match the specified qualifier.",
    );
  return ok(query ?? parsed.qualifier);
}
