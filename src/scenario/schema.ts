/**
 * The scenario file format: the single source of truth for its structure.
 * Validation messages, the JSON Schema (schema/scenario.schema.json) and the
 * compiler's input type all come from here. Checks that need more than one
 * field of one mapping live here too; checks across sections (references,
 * globs, the timeline) live in the compiler. The account and network
 * sections are in schema-network.ts, the faults in schema-faults.ts, the
 * model and pricing overrides in schema-model.ts.
 */
import * as z from "zod";
import { INVOCATION_TYPE_NAMES, OPERATION_NAMES } from "../model/aws-names.js";
import { ON_FAILURE_NAMES } from "../model/plan.js";
import { ARCHITECTURES } from "../model/pricing.js";
import { SCENARIO_ACCOUNT } from "../model/invocation-faults.js";
import { CONTROL_ACTIONS, THEN_ACTIONS, WAITER_NAMES } from "./actions.js";
import { faultSchema } from "./schema-faults.js";
import { modelSchema, pricingSchema, runtimeFamily, RUNTIME_FAMILIES } from "./schema-model.js";
import { accountId, accountSchema, networkSchema } from "./schema-network.js";
import { describeValue, excerpt } from "./issues.js";
import {
  distributionSchema,
  durationSchema,
  durationWithin,
  ifValid,
  integer,
  positiveDuration,
  positiveRate,
  rateSchema,
  selectorSchema,
  strict,
} from "./values.js";

export type { DistributionInput, SelectorInput } from "./values.js";
export type { FaultInput } from "./schema-faults.js";
export { capacityOfCidr, parseCidr } from "./schema-network.js";
export { modelFileKey, runtimeFamily, RUNTIME_FAMILIES, type PricingInput } from "./schema-model.js";

// ---- functions

/**
 * Lengths of names (docs/scenario-reference.md): AWS's 64 characters of a
 * function name, an IAM user name and a CloudFormation stack name serve for
 * the scenario, templates, clients and callers; ids of VPCs, subnets,
 * security groups, KMS keys and file systems may have 128.
 */
export const MAX_NAME_LENGTH = 64;
export const MAX_ID_LENGTH = 128;
/** A name pattern expands {i:N} placeholders: the names themselves are checked against 64. */
const MAX_PATTERN_LENGTH = 128;
const MAX_DESCRIPTION_LENGTH = 10_000;
const MAX_THRESHOLD_LENGTH = 1000;
const idString = z.string().min(1).max(MAX_ID_LENGTH);

const vpcRefSchema = strict({
  subnets: z.array(idString).min(1).max(16),
  securityGroups: z.array(idString).min(1).max(5),
}).meta({
  id: "vpcConfig",
  description: "Subnets (all in one VPC) and security groups declared in that VPC.",
});

const memorySchema = integer().min(128).max(10240).meta({ description: "Memory in MB." });
const timeoutSchema = durationWithin(1_000_000, 900_000_000);

const configChangeShape = {
  vpc: vpcRefSchema.nullable().optional().meta({ description: "New VPC configuration; null detaches." }),
  memory: memorySchema.optional(),
  timeout: timeoutSchema.optional(),
  kmsKey: z
    .string()
    .min(1)
    .nullable()
    .optional()
    .meta({ description: "New KMS key for the environment; null: the AWS managed key." }),
};

const configChangeSchema = strict(configChangeShape)
  .superRefine((c, ctx) => {
    if (c.vpc === undefined && c.memory === undefined && c.timeout === undefined && c.kmsKey === undefined) {
      ctx.addIssue({ code: "custom", message: "config needs at least one of: vpc, memory, timeout, kmsKey" });
    }
  }, ifValid)
  .meta({ id: "configChange", description: "What an UpdateFunctionConfiguration changes." });

/**
 * An UpdateFunctionConfiguration event's change. `{}` is allowed here: a
 * call that changes only what the simulator does not model (Description,
 * Environment), as a recorded session (serve --record) has them.
 */
const eventConfigSchema = strict(configChangeShape).meta({
  id: "eventConfigChange",
  description:
    "What an UpdateFunctionConfiguration event changes; {}: only settings the simulator does not model.",
});

export type ConfigChangeInput = z.output<typeof configChangeSchema>;
export type VpcRefInput = z.output<typeof vpcRefSchema>;

/** A bound that keeps a typo from exhausting memory; far beyond any real account. */
const MAX_TEMPLATE_COUNT = 10_000_000;

/** Characters of a function name, and the {i} / {i:N} index placeholders. */
const NAME_PATTERN = /^(?:[A-Za-z0-9_-]|\{i(?::\d{1,2})?\})+$/;

/** PutFunctionEventInvokeConfig's settings and where failed events go (V6). */
const asyncConfigSchema = strict({
  maximumEventAge: durationWithin(60_000_000, 21_600_000_000)
    .default("6h")
    .meta({ description: "MaximumEventAgeInSeconds: how long an event may wait in the queue, 60s to 6h." }),
  maximumRetryAttempts: integer()
    .min(0)
    .max(2)
    .default(2)
    .meta({ description: "MaximumRetryAttempts after a function error, 0 to 2." }),
  onFailure: z.enum(ON_FAILURE_NAMES).default("none").meta({
    description:
      "Where an event that is never processed goes: none (dropped), destination (DestinationConfig.OnFailure) or dlq (DeadLetterConfig).",
  }),
}).meta({ id: "asyncConfig", description: "Asynchronous invocation settings (InvocationType Event)." });

/** V7: the function writes to the resource that invokes it (the seed's S3-bucket loop). */
const recursionSchema = strict({
  selfTrigger: z.boolean().default(true),
  probability: z
    .number()
    .min(0)
    .max(1)
    .default(1)
    .meta({ description: "Chance that a successful invocation triggers the next one." }),
}).meta({
  id: "recursion",
  description: "Each successful invocation triggers an asynchronous invocation of the same function.",
});

/** How the handler's run time follows memory (model/cpu-scaling.ts); docs/cost.md. */
const cpuScalingSchema = strict({
  cpuShare: z.number().min(0).max(1).meta({
    description: "Share of `duration` that is CPU work, 0-1: it scales with the CPU the memory buys.",
  }),
  measuredAt: memorySchema
    .optional()
    .meta({ description: "Memory in MB `duration` was measured at; default the template's memory." }),
  threads: integer()
    .min(1)
    .max(6)
    .default(1)
    .meta({ description: "Threads the CPU work runs on (1-6): it uses at most this many vCPUs." }),
}).meta({
  id: "cpuScaling",
  description:
    "Scale the run time with memory: CPU is allocated in proportion to memory, one vCPU at 1,769 MB, up to 6 at 10,240 MB.",
});

const invocationTypeSchema = z.enum(INVOCATION_TYPE_NAMES).meta({
  description:
    "Invoke's InvocationType: RequestResponse (synchronous) or Event (asynchronous, answered 202).",
});

const templateSchema = strict({
  template: z
    .string()
    .max(MAX_NAME_LENGTH)
    .regex(/^[A-Za-z0-9_-]+$/, { error: "expected letters, digits, '-' or '_'" })
    .meta({ description: "Unique template name." }),
  count: integer().min(1).max(MAX_TEMPLATE_COUNT).default(1),
  name: z
    .string()
    .max(MAX_PATTERN_LENGTH)
    .regex(NAME_PATTERN, {
      error: (iss) =>
        `invalid name pattern ${describeValue(iss.input)}: expected letters, digits, '-', '_' and the placeholders {i} or {i:N}`,
    })
    .optional()
    .meta({
      description: 'Name pattern: {i} is the 0-based index, {i:4} zero-padded. Default "<template>-{i}".',
    }),
  runtime: z
    .string()
    .regex(/^[a-z]+[a-z0-9.]*$/, { error: (iss) => `invalid runtime ${describeValue(iss.input)}` })
    .refine((r) => RUNTIME_FAMILIES.includes(runtimeFamily(r)), {
      error: (iss) =>
        `unknown runtime family '${excerpt(runtimeFamily(iss.input as string))}' of ${excerpt(iss.input as string)}, expected one of: ${RUNTIME_FAMILIES.join(", ")}`,
      ...ifValid,
    })
    .default("nodejs20.x"),
  memory: memorySchema.default(128),
  architecture: z
    .enum(ARCHITECTURES)
    .default("x86_64")
    .meta({ description: "Instruction set (AWS's Architectures): it sets the duration prices." }),
  packageType: z.enum(["Zip", "Image"]).default("Zip"),
  vpc: vpcRefSchema.optional(),
  reservedConcurrency: integer().min(0).optional(),
  initDuration: distributionSchema.optional().meta({ description: "Default: model.initDurationByRuntime." }),
  duration: distributionSchema
    .default("100ms")
    .meta({ description: "Handler run time (at cpuScaling.measuredAt when cpuScaling is given)." }),
  cpuScaling: cpuScalingSchema.optional(),
  errorRate: z.number().min(0).max(1).default(0),
  timeout: timeoutSchema.default("3s"),
  existing: z
    .boolean()
    .default(false)
    .meta({ description: "The functions exist, Active, when the run starts." }),
  policy: z
    .array(
      z.string().regex(/^(\*|\d{12}|arn:aws:(iam|sts)::\d{12}:\S+)$/, {
        error: (iss) =>
          `invalid principal ${describeValue(iss.input)}: expected "*", a 12-digit account id or an IAM ARN`,
      }),
    )
    .default([])
    .meta({ description: "Resource-based policy: principals allowed lambda:InvokeFunction (V8)." }),
  kmsKey: idString.optional().meta({
    description: "Customer managed KMS key of the environment variables; default the AWS managed key (V9).",
  }),
  fileSystem: idString
    .optional()
    .meta({ description: "Id of the EFS file system the functions mount; needs a vpc (V10)." }),
  ioThroughput: z
    .number()
    .positive()
    .default(1)
    .meta({ description: "File system throughput one running invocation uses, MiB/s (V10)." }),
  async: asyncConfigSchema.optional(),
  recursion: recursionSchema.optional(),
});

export type TemplateInput = z.output<typeof templateSchema>;

// ---- callers (V8)

const callerSchema = strict({
  name: z
    .string()
    .max(MAX_NAME_LENGTH)
    .regex(/^[A-Za-z0-9_+=,.@-]+$/, { error: "expected an IAM user name" }),
  account: accountId.default(SCENARIO_ACCOUNT),
  arn: z
    .string()
    .regex(/^arn:aws:(iam|sts)::\d{12}:\S+$/, { error: (iss) => `invalid ARN ${describeValue(iss.input)}` })
    .optional()
    .meta({ description: "Default arn:aws:iam::<account>:user/<name>." }),
  allow: selectorSchema
    .optional()
    .meta({ description: "Identity-based policy: functions it may invoke; default none." }),
}).superRefine((c, ctx) => {
  if (
    c.arn !== undefined &&
    !c.arn.startsWith(`arn:aws:iam::${c.account}:`) &&
    !c.arn.startsWith(`arn:aws:sts::${c.account}:`)
  ) {
    ctx.addIssue({
      code: "custom",
      path: ["arn"],
      message: `the ARN's account must be the caller's account ${c.account}`,
    });
  }
}, ifValid);

export type CallerInput = z.output<typeof callerSchema>;

const callerRef = z
  .string()
  .min(1)
  .optional()
  .meta({ description: "Who invokes (a name under callers); default the account's administrator (V8)." });

// ---- clients

const clientSchema = strict({
  name: z
    .string()
    .max(MAX_NAME_LENGTH)
    .regex(/^[A-Za-z0-9_-]+$/, { error: "expected letters, digits, '-' or '_'" }),
  waiter: z.enum(["none", ...WAITER_NAMES]).default("none"),
  retry: strict({
    maxAttempts: integer().min(1).default(3),
    baseDelay: durationSchema.default("100ms"),
    throttleBaseDelay: durationSchema.default("500ms"),
    maxBackoff: durationSchema.default("20s"),
  })
    .prefault({})
    .meta({ description: "AWS SDK standard retry mode." }),
});

/** The client steps and events use unless they name one: no waiter, standard retries. */
export const defaultClientInput = () => clientSchema.parse({ name: "default" });

const clientRef = z.string().max(MAX_NAME_LENGTH).default("default");

// ---- qualifiers (V1)

/** AWS's alias name pattern: not only digits (that would be a version). */
const ALIAS_NAME = /^(?!\d+$)[A-Za-z0-9_-]{1,128}$/;
const aliasName = z.string().regex(ALIAS_NAME, {
  error: (iss) =>
    `invalid alias name ${describeValue(iss.input)}: expected letters, digits, '-' or '_', not only digits`,
});
const versionRef = z
  .union(
    [
      integer().min(1).max(4095),
      z.string().regex(/^(\$LATEST|[1-9]\d{0,3})$/, {
        error: (iss) => `expected a version number (1-4095) or $LATEST, got ${describeValue(iss.input)}`,
      }),
    ],
    { error: (iss) => `expected a version number (1-4095) or $LATEST, got ${describeValue(iss.input)}` },
  )
  .meta({ description: "A version number or $LATEST." });
const QUALIFIER = /^(\$LATEST|[1-9]\d{0,3}|(?!\d+$)[A-Za-z0-9_-]{1,128})$/;
export const qualifierSchema = z
  .union(
    [
      integer().min(1).max(4095),
      z.string().regex(QUALIFIER, {
        error: (iss) =>
          `invalid qualifier ${describeValue(iss.input)}: expected $LATEST, a version number (1-4095) or an alias name (letters, digits, '-', '_')`,
      }),
    ],
    {
      error: (iss) => `expected $LATEST, a version number or an alias name, got ${describeValue(iss.input)}`,
    },
  )
  .meta({ description: "$LATEST, a version number or an alias name (AWS's Qualifier)." });

// ---- workload

const arrivalSchema = strict({
  process: z.enum(["poisson", "constant"]).default("poisson"),
  rate: rateSchema.optional().meta({ description: "Constant total rate." }),
  from: rateSchema.optional().meta({ description: "Starting rate of a ramp (default 0/s)." }),
  stages: z
    .array(strict({ to: rateSchema, over: positiveDuration }))
    .min(1)
    .optional()
    .meta({ description: "Ramp: each stage goes linearly to `to` over `over`." }),
}).superRefine((a, ctx) => {
  if (a.rate !== undefined && a.stages !== undefined) {
    ctx.addIssue({ code: "custom", path: ["stages"], message: "give either rate or stages, not both" });
  } else if (a.rate === undefined && a.stages === undefined) {
    ctx.addIssue({ code: "custom", message: "arrival needs a rate or stages" });
  }
  if (a.from !== undefined && a.stages === undefined) {
    ctx.addIssue({ code: "custom", path: ["from"], message: "from is only used with stages" });
  }
}, ifValid);

const popularitySchema = z.union([z.literal("uniform"), strict({ zipf: z.number().positive() })], {
  error: (iss) => `expected uniform or { zipf: exponent }, got ${describeValue(iss.input)}`,
});

const controlStepShape = {
  at: durationSchema.optional(),
  action: z.enum(CONTROL_ACTIONS),
  functions: selectorSchema,
  rate: positiveRate.optional().meta({ description: "Targets reached per second; default all at once." }),
  client: clientRef,
  then: z.array(z.enum(THEN_ACTIONS)).default([]),
  config: configChangeSchema.optional(),
  caller: callerRef,
};
const invokeStepShape = {
  at: durationSchema.optional(),
  action: z.literal("invoke"),
  functions: selectorSchema,
  for: positiveDuration,
  arrival: arrivalSchema,
  popularity: popularitySchema.default("uniform"),
  client: clientRef,
  qualifier: qualifierSchema.optional().meta({
    description: "What the requests name: $LATEST (default), a version number or an alias (V1).",
  }),
  caller: callerRef,
  invocationType: invocationTypeSchema.default("RequestResponse"),
};
const idleStepShape = { at: durationSchema.optional(), action: z.literal("idle"), for: durationSchema };

export const TRACE_FORMATS = ["azure-2019", "azure-2021", "csv"] as const;
const traceSchema = strict({
  format: z.enum(TRACE_FORMATS).meta({
    description:
      "azure-2019: per-minute counts per function (invocations_per_function_md.anon.dNN.csv); azure-2021: one row per invocation (app,func,end_timestamp,duration); csv: timestamp,function[,duration].",
  }),
  file: z
    .string()
    .min(1)
    .optional()
    .meta({ description: "azure-2021 and csv: the trace file, relative to the scenario's directory." }),
  files: z.array(z.string().min(1)).min(1).optional().meta({
    description: "azure-2019: one invocations_per_function file per day, chained in order.",
  }),
  durationFiles: z.array(z.string().min(1)).min(1).optional().meta({
    description:
      "azure-2019: the function_durations_percentiles files, one per day as files: each invocation's duration is drawn from its function's percentiles that day.",
  }),
  arrivals: z.enum(["poisson", "uniform"]).optional().meta({
    description: "azure-2019: how a minute's count spreads within it; default poisson.",
  }),
  from: durationSchema.default("0s").meta({ description: "The trace time played at the step's start." }),
  lookahead: durationSchema.default("2m").meta({
    description: "How far ahead of the simulated time rows are read, to put rows out of order back in order.",
  }),
  durations: z.enum(["trace", "template"]).default("trace").meta({
    description:
      "trace: a row's duration (when the format has one) replaces the template's; template: draw it.",
  }),
}).superRefine((t, ctx) => {
  const perMinute = t.format === "azure-2019";
  if (perMinute && t.files === undefined)
    ctx.addIssue({
      code: "custom",
      message: "an azure-2019 trace needs files: its invocations_per_function files, one per day",
    });
  if (perMinute && t.file !== undefined)
    ctx.addIssue({
      code: "custom",
      path: ["file"],
      message: "an azure-2019 trace takes files (one per day), not file",
    });
  if (!perMinute && t.file === undefined)
    ctx.addIssue({ code: "custom", message: `a ${t.format} trace needs file: the trace file` });
  if (!perMinute && t.files !== undefined)
    ctx.addIssue({
      code: "custom",
      path: ["files"],
      message: `files is for azure-2019 traces; a ${t.format} trace takes file`,
    });
  if (!perMinute && t.durationFiles !== undefined)
    ctx.addIssue({
      code: "custom",
      path: ["durationFiles"],
      message: `durationFiles is for azure-2019 traces; a ${t.format} trace has each row's duration`,
    });
  if (
    perMinute &&
    t.files !== undefined &&
    t.durationFiles !== undefined &&
    t.durationFiles.length !== t.files.length
  )
    ctx.addIssue({
      code: "custom",
      path: ["durationFiles"],
      message: `${t.durationFiles.length} durationFiles for ${t.files.length} files: give one per day, in the same order`,
    });
  if (!perMinute && t.arrivals !== undefined)
    ctx.addIssue({
      code: "custom",
      path: ["arrivals"],
      message: `arrivals is for azure-2019 traces (per-minute counts); a ${t.format} trace has each arrival's time`,
    });
}, ifValid);

const replayStepShape = {
  at: durationSchema.optional(),
  action: z.literal("replay"),
  trace: traceSchema,
  functions: selectorSchema,
  match: z
    .union(
      [
        z.enum(["name", "order"]),
        strict({ map: z.union([z.string().min(1), z.record(z.string().min(1), z.string().min(1))]) }),
      ],
      {
        error: (iss) =>
          `expected name, order, { map: FILE } or { map: { trace function: function, ... } }, got ${describeValue(iss.input)}`,
      },
    )
    .default("name")
    .meta({
      description:
        "How trace functions map to the selected functions: name (the trace's name for it), order (of first appearance), { map: FILE } (a CSV of trace_function,function) or { map: { trace function: function } }.",
    }),
  for: positiveDuration
    .optional()
    .meta({ description: "How long the replay runs; default to the scenario's end." }),
  qualifier: qualifierSchema.optional().meta({
    description: "What the requests name: $LATEST (default), a version number or an alias (V1).",
  }),
  caller: callerRef,
};

const CONFIG_PLACE =
  "config is only allowed on updateConfiguration steps (or with updateConfiguration in then)";

function misplacedStepField(field: string, input: unknown): string | undefined {
  const action = String((input as { action?: unknown }).action);
  if (field === "rate" && action === "invoke") {
    return "field 'rate' is not allowed on an invoke step: an invoke step is a stream, give its rate under arrival and its length with for";
  }
  if (field === "config") return `${CONFIG_PLACE}, not on a ${action} step`;
  const owners = [
    ...(Object.hasOwn(controlStepShape, field) ? CONTROL_ACTIONS : []),
    ...(Object.hasOwn(invokeStepShape, field) ? ["invoke"] : []),
    ...(Object.hasOwn(idleStepShape, field) ? ["idle"] : []),
    ...(Object.hasOwn(replayStepShape, field) ? ["replay"] : []),
  ];
  return owners.length === 0
    ? undefined
    : `field '${field}' is not allowed on a ${action} step, only on: ${owners.join(", ")}`;
}

const controlStepSchema = strict(controlStepShape, misplacedStepField).superRefine((s, ctx) => {
  const changesConfiguration = s.action === "updateConfiguration" || s.then.includes("updateConfiguration");
  if (s.config !== undefined && !changesConfiguration) {
    ctx.addIssue({ code: "custom", path: ["config"], message: `${CONFIG_PLACE}, not on a ${s.action} step` });
  } else if (s.config === undefined && changesConfiguration) {
    ctx.addIssue({
      code: "custom",
      path: ["config"],
      message: "missing required field 'config': an updateConfiguration says what it changes",
    });
  }
}, ifValid);

const stepSchema = z.discriminatedUnion("action", [
  controlStepSchema,
  strict(invokeStepShape, misplacedStepField),
  strict(idleStepShape, misplacedStepField),
  strict(replayStepShape, misplacedStepField),
]);

export type StepInput = z.output<typeof stepSchema>;

export type EventInput = z.output<typeof eventSchema>;
export type QualifierInput = z.output<typeof qualifierSchema>;

// ---- explicit calls

/** Parameters of calls beyond the function, by the calls that take them (AWS's parameter names). */
const CALL_PARAMS = {
  qualifier: ["Invoke", "PutProvisionedConcurrencyConfig", "DeleteProvisionedConcurrencyConfig"],
  alias: ["CreateAlias", "UpdateAlias", "DeleteAlias"],
  functionVersion: ["CreateAlias", "UpdateAlias"],
  routingConfig: ["CreateAlias", "UpdateAlias"],
  reservedConcurrentExecutions: ["PutFunctionConcurrency"],
  provisionedConcurrentExecutions: ["PutProvisionedConcurrencyConfig"],
} as const;
/** Parameters a call cannot go without. */
const REQUIRED_PARAMS: Partial<Record<(typeof OPERATION_NAMES)[number], (keyof typeof CALL_PARAMS)[]>> = {
  CreateAlias: ["alias", "functionVersion"],
  UpdateAlias: ["alias"],
  DeleteAlias: ["alias"],
  PutFunctionConcurrency: ["reservedConcurrentExecutions"],
  PutProvisionedConcurrencyConfig: ["qualifier", "provisionedConcurrentExecutions"],
  DeleteProvisionedConcurrencyConfig: ["qualifier"],
};

const routingSchema = strict({
  additionalVersionWeights: z
    .record(
      z.string().regex(/^[1-9]\d{0,3}$/, { error: "expected a version number" }),
      z.number().min(0).max(1),
    )
    .refine((w) => Object.keys(w).length <= 1, { error: "AWS routes to at most one additional version" }),
}).meta({ description: "AWS's RoutingConfig: the weight (0-1) of traffic sent to one additional version." });

const eventSchema = strict({
  at: durationSchema,
  call: z.enum(OPERATION_NAMES),
  function: z.string().min(1).max(MAX_NAME_LENGTH).meta({ description: "Exact function name." }),
  client: clientRef,
  config: eventConfigSchema.optional(),
  qualifier: qualifierSchema.optional(),
  alias: aliasName
    .optional()
    .meta({ description: "CreateAlias / UpdateAlias / DeleteAlias: the alias (AWS's Name)." }),
  functionVersion: versionRef.optional(),
  routingConfig: routingSchema.optional(),
  reservedConcurrentExecutions: integer().min(0).optional(),
  provisionedConcurrentExecutions: integer().min(1).optional(),
  caller: callerRef,
  invocationType: invocationTypeSchema
    .optional()
    .meta({ description: "For Invoke calls; default RequestResponse." }),
}).superRefine((e, ctx) => {
  if (e.caller !== undefined && e.call !== "Invoke") {
    ctx.addIssue({
      code: "custom",
      path: ["caller"],
      message: `caller is only allowed on Invoke calls, not on ${e.call}`,
    });
  }
  if (e.invocationType !== undefined && e.call !== "Invoke") {
    ctx.addIssue({
      code: "custom",
      path: ["invocationType"],
      message: `invocationType is only allowed on Invoke calls, not on ${e.call}`,
    });
  }
  if (e.config !== undefined && e.call !== "UpdateFunctionConfiguration") {
    ctx.addIssue({
      code: "custom",
      path: ["config"],
      message: `config is only allowed on UpdateFunctionConfiguration calls, not on ${e.call}`,
    });
  } else if (e.config === undefined && e.call === "UpdateFunctionConfiguration") {
    ctx.addIssue({
      code: "custom",
      path: ["config"],
      message: "missing required field 'config': an UpdateFunctionConfiguration says what it changes",
    });
  }
  for (const [field, calls] of Object.entries(CALL_PARAMS)) {
    if (e[field as keyof typeof e] !== undefined && !(calls as readonly string[]).includes(e.call)) {
      ctx.addIssue({
        code: "custom",
        path: [field],
        message: `${field} is only allowed on ${calls.join(", ")} calls, not on ${e.call}`,
      });
    }
  }
  for (const field of REQUIRED_PARAMS[e.call] ?? []) {
    if (e[field] === undefined)
      ctx.addIssue({
        code: "custom",
        path: [field],
        message: `missing required field '${field}' of ${e.call}`,
      });
  }
}, ifValid);

// ---- thresholds (thresholds.ts parses the expressions, against the report metrics)

const thresholdSchema = z
  .union(
    [
      z.string().max(MAX_THRESHOLD_LENGTH),
      strict({
        threshold: z
          .string()
          .max(MAX_THRESHOLD_LENGTH)
          .meta({ description: 'An expression like "pending.create.p99 < 120s".' }),
        abortOnFail: z.boolean().default(false).meta({
          description: "Stop the run at the first sample point where the threshold fails.",
        }),
        delayAbortEval: durationSchema.optional().meta({
          description: "No abortOnFail check before this much simulated time.",
        }),
      }),
    ],
    {
      error: (iss) =>
        iss.code === "invalid_union" && typeof iss.input !== "object"
          ? 'expected a threshold expression like "invocations.failure_rate < 0.01", or a mapping with threshold and abortOnFail'
          : undefined,
    },
  )
  .meta({ description: 'A k6-style threshold: "<metric> <op> <value>" (docs/thresholds.md).' });
export type ThresholdInput = z.output<typeof thresholdSchema>;

// ---- the file

export const scenarioSchema = strict({
  name: z
    .string()
    .max(MAX_NAME_LENGTH)
    .regex(/^[a-z0-9-]+$/, { error: "expected lowercase letters, digits and '-'" }),
  description: z
    .string()
    .max(MAX_DESCRIPTION_LENGTH)
    .optional()
    .meta({ description: "Default: the file's leading # comment block." }),
  seed: integer().min(0).default(1),
  duration: positiveDuration,
  warmup: durationSchema.optional().meta({
    description:
      "Initial transient left out of the steady-state metrics (steady.<metric>): they count from the first sample point at or after it.",
  }),
  model: modelSchema.optional(),
  pricing: pricingSchema.optional(),
  account: accountSchema.prefault({}),
  network: networkSchema.prefault({}),
  functions: z.array(templateSchema).default([]),
  clients: z.array(clientSchema).default([]),
  callers: z.array(callerSchema).default([]).meta({ description: "Identities that invoke functions (V8)." }),
  workload: z.array(stepSchema).default([]),
  faults: z.array(faultSchema).default([]),
  events: z.array(eventSchema).default([]),
  thresholds: z.array(thresholdSchema).default([]).meta({
    description: "Pass/fail criteria on the report's metrics; any failure exits 99 (docs/thresholds.md).",
  }),
}).meta({
  title: "lambda-fleet-sim scenario",
  description: "A fleet of Lambda functions, a workload over time and the faults to inject.",
});

export type ScenarioInput = z.output<typeof scenarioSchema>;
