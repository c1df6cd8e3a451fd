/**
 * The value types of scenario files, as zod schemas: durations, rates,
 * distributions and function selectors, and the strict mapping every section
 * is made of. schema.ts assembles the file from them.
 */
import * as z from "zod";
import { describeValue, excerpt } from "./issues.js";
import { expectedOneOf } from "./suggest.js";
import {
  DURATION_HINT,
  DURATION_PATTERN,
  formatDurationUs,
  parseRatePerSec,
  RATE_HINT,
  RATE_PATTERN,
  toUs,
  toUsUnchecked,
} from "./units.js";

export type MisplacedField = (field: string, input: unknown) => string | undefined;

/**
 * A mapping with exactly these fields. An unknown field gets "unknown field
 * 'x', expected one of: ...", or what `misplaced` says about it. zod reports
 * all unknown fields of a mapping as one issue, so the message has one line
 * per field, in the order of the issue's keys; issues.ts splits them again.
 */
export function strict<T extends z.ZodRawShape>(shape: T, misplaced?: MisplacedField) {
  const fields = Object.keys(shape);
  return z.strictObject(shape, {
    error: (iss) =>
      iss.code === "unrecognized_keys"
        ? iss.keys
            .map(
              (k) =>
                misplaced?.(k, iss.input) ??
                `unknown field '${excerpt(k)}', ${expectedOneOf(k.slice(0, 100), fields)}`,
            )
            .join("\n")
        : undefined,
  });
}

/** zod runs refinements after non-fatal issues too; these only make sense on otherwise valid values. */
export const ifValid = { when: (payload: z.core.ParsePayload) => payload.issues.length === 0 };

export const integer = () =>
  z.int({
    error: (iss) =>
      iss.code === "invalid_type" ? `expected an integer, got ${describeValue(iss.input)}` : undefined,
  });

/** A number in exponent notation ("1e400s", "1e12/s", 2.5E3): the patterns want plain digits. */
const EXPONENT = /^\s*[-+]?(\d+\.?\d*|\.\d+)e[-+]?\d+/i;

/** Why a number in a duration or rate is not one: exponent notation, or too many digits to be exact. */
function numberProblem(input: unknown): string | null {
  const text = typeof input === "number" ? String(input) : typeof input === "string" ? input : null;
  if (text === null) return null;
  if (typeof input === "number" && !Number.isFinite(input)) return "the number is too large";
  if (EXPONENT.test(text)) return "exponent notation (like 1e6) is not allowed: write the number in digits";
  return null;
}

const durationMessage = (input: unknown) => {
  const why = numberProblem(input);
  return why === null
    ? `invalid duration ${describeValue(input)}: expected ${DURATION_HINT}`
    : `invalid duration ${describeValue(input)}: ${why}; expected ${DURATION_HINT}`;
};

const durationText = z
  .string()
  .regex(DURATION_PATTERN, { error: (iss) => durationMessage(iss.input) })
  .refine((s) => Number.isSafeInteger(Math.round(toUsUnchecked(s))), {
    error: (iss) =>
      `invalid duration ${describeValue(iss.input)}: the number is too large; expected at most about 285 years (2^53 microseconds)`,
    ...ifValid,
  });

export const durationSchema = z
  .union([z.literal(0), durationText], { error: (iss) => durationMessage(iss.input) })
  .meta({ id: "duration", description: `A duration: ${DURATION_HINT}; or 0.` });

export type DurationInput = z.output<typeof durationSchema>;

/** A duration limited to [minUs, maxUs]; `above` makes the lower bound exclusive. */
export function durationWithin(minUs: number, maxUs: number, above = false) {
  const range =
    maxUs === Number.POSITIVE_INFINITY
      ? `${above ? "longer than" : "at least"} ${formatDurationUs(minUs)}`
      : `from ${formatDurationUs(minUs)} to ${formatDurationUs(maxUs)}`;
  return durationSchema.refine(
    (d) => {
      const us = toUs(d);
      return (above ? us > minUs : us >= minUs) && us <= maxUs;
    },
    { error: (iss) => `must be ${range}, got ${iss.input}`, ...ifValid },
  );
}

export const positiveDuration = durationWithin(0, Number.POSITIVE_INFINITY, true);

const rateMessage = (input: unknown) => {
  const why = numberProblem(input);
  return why === null
    ? `invalid rate ${describeValue(input)}: expected ${RATE_HINT}`
    : `invalid rate ${describeValue(input)}: ${why}; expected ${RATE_HINT}`;
};

/** Digits beyond what a double holds exactly: "10000000000000000000/s" is not the rate it says. */
const MAX_RATE_PER_SEC = 1e12;

export const rateSchema = z
  .string({ error: (iss) => rateMessage(iss.input) })
  .regex(RATE_PATTERN, { error: (iss) => rateMessage(iss.input) })
  .refine((r) => parseRatePerSec(r) <= MAX_RATE_PER_SEC, {
    error: (iss) =>
      `invalid rate ${describeValue(iss.input)}: the number is too large; expected at most ${MAX_RATE_PER_SEC} per second`,
    ...ifValid,
  })
  .meta({ id: "rate", description: `A rate: ${RATE_HINT}.` });

export const positiveRate = rateSchema.refine((r) => parseRatePerSec(r) > 0, {
  error: "must be more than 0",
  ...ifValid,
});

// ---- distributions

/** pN with N from 0 to 100, decimals allowed (p99.9). */
const PERCENTILE_KEY = /^p(?:100(?:\.0+)?|\d{1,2}(?:\.\d+)?)$/;

const empiricalSchema = z
  .record(
    z.string().regex(PERCENTILE_KEY, { error: "expected pN with N from 0 to 100, like p0, p50, p99.9" }),
    durationSchema,
  )
  .superRefine((table, ctx) => {
    const points = Object.entries(table)
      .map(([key, value]) => ({ key, p: Number(key.slice(1)), us: toUs(value) }))
      .sort((a, b) => a.p - b.p);
    if (points.length < 2) {
      ctx.addIssue({ code: "custom", message: "needs at least 2 points, like p0 and p100" });
    }
    for (let i = 1; i < points.length; i++) {
      const [before, at] = [points[i - 1], points[i]];
      if (at.p === before.p) {
        ctx.addIssue({ code: "custom", path: [at.key], message: `${at.key} repeats ${before.key}` });
      } else if (at.us < before.us) {
        ctx.addIssue({
          code: "custom",
          path: [at.key],
          message: `values must not decrease as p grows: ${at.key} is ${formatDurationUs(at.us)}, less than ${before.key} (${formatDurationUs(before.us)})`,
        });
      }
    }
  }, ifValid);

const DISTRIBUTION_FORMS =
  'a duration like "120ms" or one of { constant }, { uniform: [min, max] }, { exponential: { mean } }, ' +
  "{ lognormal: { median, p99 } }, { empirical: { p0: ..., p100: ... } }";

export const distributionSchema = z
  .union(
    [
      durationSchema,
      strict({ constant: durationSchema }),
      strict({ uniform: z.tuple([durationSchema, durationSchema]) }).superRefine(
        ({ uniform: [min, max] }, ctx) => {
          if (toUs(max) < toUs(min)) {
            ctx.addIssue({
              code: "custom",
              path: ["uniform", 1],
              message: `the maximum ${max} is less than the minimum ${min}`,
            });
          }
        },
        ifValid,
      ),
      strict({ exponential: strict({ mean: positiveDuration }) }),
      strict({
        lognormal: strict({ median: positiveDuration, p99: durationSchema }).superRefine(
          ({ median, p99 }, ctx) => {
            if (toUs(p99) <= toUs(median)) {
              ctx.addIssue({
                code: "custom",
                path: ["p99"],
                message: `p99 (${p99}) must be greater than the median (${median})`,
              });
            }
          },
          ifValid,
        ),
      }),
      strict({ empirical: empiricalSchema }),
    ],
    { error: (iss) => `expected ${DISTRIBUTION_FORMS}, got ${describeValue(iss.input)}` },
  )
  .meta({ id: "distribution", description: `A distribution of durations: ${DISTRIBUTION_FORMS}.` });

export type DistributionInput = z.output<typeof distributionSchema>;

export const selectorSchema = z
  .union([z.string().min(1), z.array(z.string().min(1)).min(1), strict({ template: z.string() })], {
    error: (iss) =>
      `expected a glob over function names, a list of globs, or { template: name }, got ${describeValue(iss.input)}`,
  })
  .meta({
    id: "functionSelector",
    description: "A glob over function names, a list of globs, or { template: name }.",
  });

export type SelectorInput = z.output<typeof selectorSchema>;
