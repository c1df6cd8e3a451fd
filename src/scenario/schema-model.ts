/**
 * The `model:` and `pricing:` sections of a scenario: overrides of the
 * model's defaults (model/defaults.ts) and of Lambda's prices
 * (model/pricing.ts), each field described with its default and source.
 */
import * as z from "zod";
import { DEFAULT_SOURCES, MODEL_DEFAULTS, type ModelDefaults } from "../model/defaults.js";
import { DEFAULT_PRICING, PRICING_SOURCES } from "../model/pricing.js";
import { ROUTING_NAMES } from "../model/routing.js";
import { formatDistribution } from "./distribution.js";
import { describeValue } from "./issues.js";
import { formatDurationUs, toUs } from "./units.js";
import { distributionSchema, durationSchema, ifValid, integer, strict } from "./values.js";

// ---- model overrides

/** Runtime families with an init-duration default: the leading letters of a runtime name. */
export const RUNTIME_FAMILIES = Object.keys(MODEL_DEFAULTS.initDurationByRuntime);

export const runtimeFamily = (runtime: string): string => /^[a-z]*/.exec(runtime)![0];

const INTEGER_MODEL_KEYS: ReadonlySet<string> = new Set(["scalingEnvironments"]);

/**
 * The latencies the engine's lookahead is made of (model/run.ts lookaheadOf):
 * every answer of the service takes at least the least of them, so partitions
 * may run that far past a request before its answer. At 0 a partition could
 * never run past a request: refused, below 1us.
 */
const LOOKAHEAD_MODEL_KEYS: ReadonlySet<string> = new Set(["apiLatencyUs", "invokeLatencyUs"]);

const lookaheadDuration = durationSchema.refine((d) => toUs(d) >= 1, {
  error: (iss) =>
    `must be at least 1us, got ${describeValue(iss.input)}${iss.input === 0 ? "" : " (0us in whole microseconds)"}: ` +
    "every answer of the service takes at least this long, and the engine lets functions run ahead of the " +
    "shared state by the least such latency; at 0 they could never run past a request",
  ...ifValid,
});

/** The name a ModelDefaults key has in the file: the *Us ones drop the suffix and take a duration. */
export const modelFileKey = (key: keyof ModelDefaults): string =>
  key.endsWith("Us") ? key.slice(0, -2) : key;

function modelField(key: keyof ModelDefaults): z.ZodType {
  const value = MODEL_DEFAULTS[key];
  if (key.endsWith("ByRuntime")) {
    return strict(Object.fromEntries(RUNTIME_FAMILIES.map((f) => [f, distributionSchema.optional()]))).meta({
      description: `By runtime family, merged over the defaults. ${DEFAULT_SOURCES[key]}`,
    });
  }
  let schema: z.ZodType;
  let shown: string;
  if (key === "routing") {
    schema = z.enum(ROUTING_NAMES, {
      error: (iss) => `expected one of ${ROUTING_NAMES.join(", ")}, got ${describeValue(iss.input)}`,
    });
    shown = String(value);
  } else if (LOOKAHEAD_MODEL_KEYS.has(key)) {
    schema = lookaheadDuration;
    shown = `${formatDurationUs(value as number)}, at least 1us`;
  } else if (key.endsWith("Us")) {
    schema = durationSchema;
    shown = formatDurationUs(value as number);
  } else if (typeof value === "number") {
    schema = INTEGER_MODEL_KEYS.has(key) ? integer().min(1) : z.number().positive();
    shown = String(value);
  } else {
    schema = distributionSchema;
    shown = formatDistribution(value as ModelDefaults["provisioningDuration"]);
  }
  return schema.meta({ description: `Default ${shown}: ${DEFAULT_SOURCES[key]}.` });
}

export const modelSchema = strict(
  Object.fromEntries(
    (Object.keys(MODEL_DEFAULTS) as (keyof ModelDefaults)[]).map((key) => [
      modelFileKey(key),
      modelField(key).optional(),
    ]),
  ) as Record<string, z.ZodOptional<z.ZodType>>,
).meta({ description: "Overrides of the model's timings and limits." });

// ---- pricing (model/pricing.ts)

const price = z.number().min(0);
const byArchitecture = (
  key: "durationPerGbSecond" | "provisionedPerGbSecond" | "provisionedDurationPerGbSecond",
) =>
  strict({
    x86_64: price.optional(),
    arm64: price.optional(),
  }).meta({
    description: `USD per GB-second by architecture, merged over the defaults (x86_64 ${DEFAULT_PRICING[key].x86_64}, arm64 ${DEFAULT_PRICING[key].arm64}): ${PRICING_SOURCES[key]}.`,
  });

export const pricingSchema = strict({
  requestsPerMillion: price.optional().meta({
    description: `USD per million requests; default ${DEFAULT_PRICING.requestsPerMillion}: ${PRICING_SOURCES.requestsPerMillion}.`,
  }),
  durationPerGbSecond: byArchitecture("durationPerGbSecond").optional(),
  provisionedPerGbSecond: byArchitecture("provisionedPerGbSecond").optional(),
  provisionedDurationPerGbSecond: byArchitecture("provisionedDurationPerGbSecond").optional(),
  initBilled: z
    .boolean()
    .optional()
    .meta({
      description: `Whether an on-demand cold start's init is billed; default true: ${PRICING_SOURCES.initBilled}.`,
    }),
}).meta({ description: "Overrides of what Lambda charges (docs/cost.md); default AWS's us-east-1 prices." });

export type PricingInput = z.output<typeof pricingSchema>;
