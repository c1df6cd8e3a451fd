/**
 * The scenario file's `account:` and `network:` sections (schema.ts holds
 * the rest of the format): the account's limits, VPCs, subnets with their
 * address ranges, and EFS file systems.
 */
import * as z from "zod";
import { SCENARIO_ACCOUNT } from "../model/invocation-faults.js";
import { describeValue } from "./issues.js";
import { ifValid, integer, positiveRate, strict } from "./values.js";

export const accountSchema = strict({
  concurrencyLimit: integer().min(1).default(1000),
  unreservedMinimum: integer().min(0).default(100),
  controlPlaneRate: positiveRate.default("15/s"),
  controlPlaneBurst: integer()
    .min(1)
    .optional()
    .meta({ description: "Default: the rate per second, rounded up." }),
  getFunctionRate: positiveRate.default("100/s"),
  getFunctionBurst: integer()
    .min(1)
    .optional()
    .meta({ description: "Default: the rate per second, rounded up." }),
}).superRefine((a, ctx) => {
  if (a.unreservedMinimum > a.concurrencyLimit) {
    ctx.addIssue({
      code: "custom",
      path: ["unreservedMinimum"],
      message: `must not exceed the concurrency limit ${a.concurrencyLimit}`,
    });
  }
}, ifValid);

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** A subnet's address range as [first, first + size), or a message saying what is wrong. */
export function parseCidr(cidr: string): { first: number; size: number } | string {
  const m = CIDR.exec(cidr)!;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255)) return `invalid CIDR ${cidr}: each address byte must be 0 to 255`;
  if (prefix < 16 || prefix > 28) return `CIDR prefix /${prefix} is out of range: AWS subnets are /16 to /28`;
  const first = octets.reduce((a, o) => a * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  if (first % size !== 0)
    return `invalid CIDR ${cidr}: the address has bits set beyond the /${prefix} prefix`;
  return { first, size };
}

/** AWS reserves 5 addresses of every subnet. */
export const capacityOfCidr = (cidr: string): number => (parseCidr(cidr) as { size: number }).size - 5;

const subnetSchema = strict({
  id: z.string().min(1).max(128),
  cidr: z
    .string()
    .regex(CIDR, { error: (iss) => `invalid CIDR ${describeValue(iss.input)}: expected a.b.c.d/prefix` })
    .optional()
    .meta({ description: "Address range; usable addresses are its size less AWS's 5 reserved ones." }),
  capacity: integer().min(1).optional().meta({ description: "Usable addresses, instead of a cidr." }),
  usedByOthers: integer().min(0).default(0),
}).superRefine((s, ctx) => {
  if ((s.cidr === undefined) === (s.capacity === undefined)) {
    ctx.addIssue({ code: "custom", message: "give exactly one of cidr and capacity" });
    return;
  }
  let capacity = s.capacity;
  if (s.cidr !== undefined) {
    const range = parseCidr(s.cidr);
    if (typeof range === "string") {
      ctx.addIssue({ code: "custom", path: ["cidr"], message: range });
      return;
    }
    capacity = range.size - 5;
  }
  if (s.usedByOthers > capacity!) {
    ctx.addIssue({
      code: "custom",
      path: ["usedByOthers"],
      message: `must not exceed the subnet's capacity of ${capacity} addresses`,
    });
  }
}, ifValid);

/** Far above AWS's default quotas per VPC (200 subnets, 2,500 security groups). */
const MAX_VPC_SUBNETS = 1000;
const MAX_VPC_SECURITY_GROUPS = 2500;

const vpcSchema = strict({
  id: z.string().min(1).max(128),
  eniQuota: integer().min(1).default(250),
  enisUsedByOthers: integer().min(0).default(0),
  securityGroups: z.array(z.string().min(1).max(128)).max(MAX_VPC_SECURITY_GROUPS).default([]),
  subnets: z.array(subnetSchema).max(MAX_VPC_SUBNETS).default([]),
}).superRefine((v, ctx) => {
  if (v.enisUsedByOthers > v.eniQuota) {
    ctx.addIssue({
      code: "custom",
      path: ["enisUsedByOthers"],
      message: `must not exceed eniQuota (${v.eniQuota})`,
    });
  }
}, ifValid);

export const accountId = z.string().regex(/^\d{12}$/, {
  error: (iss) => `invalid account id ${describeValue(iss.input)}: expected 12 digits`,
});

const fileSystemSchema = strict({
  id: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, { error: "expected letters, digits, '-' or '_'" })
    .meta({ description: "File system name, referred to by functions' fileSystem." }),
  accessPoint: z
    .string()
    .regex(/^fsap-[0-9a-f]{17}$/, {
      error: (iss) => `invalid access point ${describeValue(iss.input)}: expected fsap- and 17 hex digits`,
    })
    .optional()
    .meta({ description: "Access point id; default fsap- and 17 hex digits derived from the id." }),
  region: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { error: (iss) => `invalid region ${describeValue(iss.input)}` })
    .default("us-east-1"),
  account: accountId.default(SCENARIO_ACCOUNT),
  baselineThroughput: z.number().positive().meta({ description: "Baseline throughput, MiB/s." }),
  burstThroughput: z.number().positive().optional().meta({
    description: "Throughput while burst credits last, MiB/s; default the larger of 100 and the baseline.",
  }),
  burstCredits: z
    .number()
    .min(0)
    .meta({ description: "Burst credit balance at the start, which is also its maximum, MiB." }),
}).superRefine((f, ctx) => {
  if (f.burstThroughput !== undefined && f.burstThroughput < f.baselineThroughput) {
    ctx.addIssue({
      code: "custom",
      path: ["burstThroughput"],
      message: `must not be below baselineThroughput (${f.baselineThroughput})`,
    });
  }
}, ifValid);

export type FileSystemInput = z.output<typeof fileSystemSchema>;

export const networkSchema = strict({
  vpcs: z.array(vpcSchema).default([]),
  fileSystems: z.array(fileSystemSchema).default([]).meta({ description: "EFS file systems (V10)." }),
});
