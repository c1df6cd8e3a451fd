/**
 * The scenario file's `faults:` section (schema.ts holds the rest of the
 * format): each fault kind's fields, the window it applies in, and the
 * checks within one fault.
 */
import * as z from "zod";
import { EFS_MOUNT_FAULT_KINDS, type EfsMountFaultKind } from "../model/plan.js";
import { FAILURE_REASON_NAMES } from "../model/aws-names.js";
import { toUs } from "./units.js";
import { type DurationInput, durationSchema, ifValid, selectorSchema, strict } from "./values.js";

const faultWindow = {
  from: durationSchema.default(0),
  until: durationSchema.optional().meta({ description: "Default: the end of the run." }),
};
const probability = z.number().min(0).max(1).default(1);
const failureCode = z.enum(FAILURE_REASON_NAMES).default("InternalError");
const subnetIds = z.array(z.string().min(1)).min(1);

const faultShapes = {
  createHang: {
    kind: z.literal("createHang"),
    ...faultWindow,
    probability,
    functions: selectorSchema.optional(),
  },
  eniCreationFailure: {
    kind: z.literal("eniCreationFailure"),
    ...faultWindow,
    probability,
    subnets: subnetIds.optional(),
    code: failureCode,
  },
  subnetExhausted: { kind: z.literal("subnetExhausted"), ...faultWindow, subnets: subnetIds },
  rolePermissions: {
    kind: z.literal("rolePermissions"),
    ...faultWindow,
    functions: selectorSchema.optional(),
  },
  provisioningFailure: {
    kind: z.literal("provisioningFailure"),
    ...faultWindow,
    probability,
    functions: selectorSchema.optional(),
    code: failureCode,
  },
  provisionedConcurrencyFailure: {
    kind: z.literal("provisionedConcurrencyFailure"),
    ...faultWindow,
    probability,
    functions: selectorSchema.optional(),
  },
  kmsKeyDisabled: {
    kind: z.literal("kmsKeyDisabled"),
    ...faultWindow,
    key: z.string().min(1).meta({ description: "The KMS key; until: when it is re-enabled." }),
  },
  kmsGrantRevoked: {
    kind: z.literal("kmsGrantRevoked"),
    from: faultWindow.from,
    key: z
      .string()
      .min(1)
      .optional()
      .meta({ description: "Revoke the grants of the functions using this key." }),
    functions: selectorSchema.optional(),
  },
  ...(Object.fromEntries(
    EFS_MOUNT_FAULT_KINDS.map((kind) => [
      kind,
      {
        kind: z.literal(kind),
        ...faultWindow,
        probability,
        fileSystem: z.string().min(1).optional().meta({ description: "Default: every file system." }),
        functions: selectorSchema.optional(),
      },
    ]),
  ) as Record<EfsMountFaultKind, EfsMountShape>),
};

type EfsMountShape = {
  kind: z.ZodLiteral<EfsMountFaultKind>;
  from: typeof faultWindow.from;
  until: typeof faultWindow.until;
  probability: typeof probability;
  fileSystem: z.ZodOptional<z.ZodString>;
  functions: z.ZodOptional<typeof selectorSchema>;
};

function misplacedFaultField(field: string, input: unknown): string | undefined {
  const owners = Object.entries(faultShapes)
    .filter(([, shape]) => Object.hasOwn(shape, field))
    .map(([kind]) => kind);
  const kind = String((input as { kind?: unknown }).kind);
  return owners.length === 0
    ? undefined
    : `field '${field}' is not allowed on a ${kind} fault, only on: ${owners.join(", ")}`;
}

function fault<T extends z.ZodRawShape & typeof faultWindow>(shape: T) {
  return strict(shape, misplacedFaultField).superRefine((f, ctx) => {
    const { from, until } = f as { from: DurationInput; until?: DurationInput };
    if (until !== undefined && toUs(until) <= toUs(from)) {
      ctx.addIssue({
        code: "custom",
        path: ["until"],
        message: `until (${until}) must be after from (${from})`,
      });
    }
  }, ifValid);
}

export const faultSchema = z.discriminatedUnion("kind", [
  fault(faultShapes.createHang),
  fault(faultShapes.eniCreationFailure),
  fault(faultShapes.subnetExhausted),
  fault(faultShapes.rolePermissions),
  fault(faultShapes.provisioningFailure),
  fault(faultShapes.provisionedConcurrencyFailure),
  fault(faultShapes.kmsKeyDisabled),
  strict(faultShapes.kmsGrantRevoked, misplacedFaultField).superRefine((f, ctx) => {
    if (f.key === undefined && f.functions === undefined) {
      ctx.addIssue({ code: "custom", message: "a kmsGrantRevoked fault needs a key or functions" });
    }
  }, ifValid),
  ...EFS_MOUNT_FAULT_KINDS.map((kind) => fault(faultShapes[kind])),
]);

export type FaultInput = z.output<typeof faultSchema>;
