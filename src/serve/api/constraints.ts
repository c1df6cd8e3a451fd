/**
 * The model's constraints (length, range, pattern, enum, required), checked
 * the way Lambda's front end checks them: every violation collected, then one
 * ValidationException in its words, e.g. `1 validation error detected: Value
 * '64' at 'memorySize' failed to satisfy constraint: Member must have value
 * greater than or equal to 128`. Members are named in lowerCamelCase, nested
 * ones with dots ('vpcConfig.subnetIds'), as Lambda's messages name them.
 */
import { fail, ok, type Result } from "./problem.js";

/** A pattern of Lambda's API reference: the text AWS prints, and the anchored regex it means. */
export interface Pattern {
  readonly source: string;
  readonly regex: RegExp;
}

/**
 * `regex` overrides the anchored source where the source repeats a group: V8
 * backtracks such a group with a stack that overflows on a multi-megabyte value.
 */
export function pattern(source: string, regex = new RegExp(`^(?:${source})$`)): Pattern {
  return { source, regex };
}

type Shown = string | number | readonly string[] | null;

function show(value: Shown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return `'[${value.join(", ")}]'`;
  return `'${String(value)}'`;
}

export class Violations {
  private readonly found: string[] = [];

  get count(): number {
    return this.found.length;
  }

  add(value: Shown, member: string, constraint: string): void {
    this.found.push(`Value ${show(value)} at '${member}' failed to satisfy constraint: ${constraint}`);
  }

  /** False (and a violation) when a required member is missing. */
  required(value: unknown, member: string): boolean {
    if (value !== undefined) return true;
    this.add(null, member, "Member must not be null");
    return false;
  }

  length(value: string | undefined, member: string, min: number, max: number): void {
    if (value === undefined) return;
    if (value.length < min)
      this.add(value, member, `Member must have length greater than or equal to ${min}`);
    if (value.length > max) this.add(value, member, `Member must have length less than or equal to ${max}`);
  }

  range(value: number | undefined, member: string, min: number | null, max: number | null): void {
    if (value === undefined) return;
    if (min !== null && value < min)
      this.add(value, member, `Member must have value greater than or equal to ${min}`);
    if (max !== null && value > max)
      this.add(value, member, `Member must have value less than or equal to ${max}`);
  }

  matches(value: string | undefined, member: string, p: Pattern): void {
    if (value === undefined || p.regex.test(value)) return;
    this.add(value, member, `Member must satisfy regular expression pattern: ${p.source}`);
  }

  oneOf(value: string | undefined, member: string, values: readonly string[]): void {
    if (value === undefined || values.includes(value)) return;
    this.add(value, member, `Member must satisfy enum value set: [${values.join(", ")}]`);
  }

  listLength(list: readonly string[] | undefined, member: string, min: number, max: number): void {
    if (list === undefined) return;
    if (list.length < min) this.add(list, member, `Member must have length greater than or equal to ${min}`);
    if (list.length > max) this.add(list, member, `Member must have length less than or equal to ${max}`);
  }

  /** Each item of a list against a pattern, in Lambda's nested form of the message. */
  eachMatches(list: readonly string[] | undefined, member: string, p: Pattern): void {
    if (list === undefined || list.every((item) => p.regex.test(item))) return;
    this.add(
      list,
      member,
      `Member must satisfy constraint: [Member must satisfy regular expression pattern: ${p.source}]`,
    );
  }

  eachOneOf(list: readonly string[] | undefined, member: string, values: readonly string[]): void {
    if (list === undefined || list.every((item) => values.includes(item))) return;
    this.add(
      list,
      member,
      `Member must satisfy constraint: [Member must satisfy enum value set: [${values.join(", ")}]]`,
    );
  }

  /** The value, or one ValidationException naming every violation. */
  result<T>(value: T): Result<T> {
    return this.resolve(() => ok(value));
  }

  /** The ValidationException, or (with no violation) what `next` makes. */
  resolve<T>(next: () => Result<T>): Result<T> {
    const n = this.found.length;
    if (n === 0) return next();
    const errors = n === 1 ? "1 validation error" : `${n} validation errors`;
    return fail("ValidationException", `${errors} detected: ${this.found.join("; ")}`);
  }
}
