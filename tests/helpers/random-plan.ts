/**
 * Random small plans for property tests: a few functions with or without
 * VPC, small subnets and ENI quotas, explicit calls, workload steps, invoke
 * streams and faults of every kind. fast-check generates a plain spec (so a
 * failing case prints readably and shrinks); `buildRandomPlan` turns it into
 * a Plan through the PlanBuilder.
 */
import fc from "fast-check";
import type { PlanCallParams } from "../../src/model/plan.js";
import { aliasQualifier } from "../../src/model/qualifiers.js";
import { FAILURE_REASON_NAMES, OPERATION_NAMES } from "../../src/model/aws-names.js";
import type { ControlOperation, Plan, PlanFault, WaiterName } from "../../src/model/plan.js";
import { constant, PlanBuilder, sec } from "./plan-builder.js";

const WAITER_CHOICES: (WaiterName | null)[] = [null, "FunctionActive", "FunctionActiveV2"];
const STEP_OPERATIONS: ControlOperation[] = [
  "CreateFunction",
  "UpdateFunctionCode",
  "UpdateFunctionConfiguration",
  "PublishVersion",
  "DeleteFunction",
];
const FAULT_KINDS = [
  "createHang",
  "eniCreationFailure",
  "subnetExhausted",
  "rolePermissions",
  "provisioningFailure",
] as const;

/** A time in [0, max] seconds, to the millisecond (fc.double would mostly give 0 and subnormals). */
const seconds = (max: number) => fc.integer({ min: 0, max: max * 1000 }).map((ms) => ms / 1000);

export const randomSpec = fc.record({
  seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
  subnets: fc.array(
    fc.record({ capacity: fc.integer({ min: 0, max: 5 }), othersUsed: fc.integer({ min: 0, max: 2 }) }),
    {
      minLength: 1,
      maxLength: 3,
    },
  ),
  eniQuota: fc.integer({ min: 1, max: 8 }),
  enisUsedByOthers: fc.integer({ min: 0, max: 3 }),
  concurrencyLimit: fc.integer({ min: 2, max: 40 }),
  /** 15/s is AWS's; 2/s makes throttling and SDK retries common in small plans. */
  controlPlaneRatePerSec: fc.constantFrom(15, 2),
  functions: fc.array(
    fc.record({
      vpc: fc.option(
        fc.record({ subnetMask: fc.integer({ min: 0, max: 6 }), sg: fc.integer({ min: 0, max: 2 }) }),
      ),
      reserved: fc.integer({ min: -1, max: 4 }),
      existing: fc.boolean(),
      image: fc.boolean(),
      errorRate: fc.constantFrom(0, 0.1, 0.5),
      durationS: fc.constantFrom(0.005, 0.2, 2, 5),
      timeoutS: fc.constantFrom(1, 3, 10),
      initS: seconds(1),
      /**
       * Asynchronous settings (V6): maximum age (s), retries, onFailure code. Ages stay short so that
       * even a 16-hop chain (V7) drains within the 2 hours after the last activity.
       */
      async: fc.record({
        maxAgeS: fc.constantFrom(60, 300),
        retries: fc.integer({ min: 0, max: 2 }),
        onFailure: fc.constantFrom(0, 1, 2),
      }),
      /** V7: chance a success triggers the next invocation (0: not self-triggering). */
      selfTrigger: fc.constantFrom(0, 0, 0, 0.5, 1),
    }),
    { minLength: 1, maxLength: 6 },
  ),
  inactiveAfterS: fc.constantFrom(30, 300, 14 * 86_400),
  deletionDelayMaxS: fc.integer({ min: 0, max: 120 }),
  scalingEnvironments: fc.constantFrom(1, 3, 1000),
  clients: fc.array(
    fc.record({ waiter: fc.constantFrom(...WAITER_CHOICES), maxAttempts: fc.integer({ min: 1, max: 4 }) }),
    { maxLength: 2 },
  ),
  calls: fc.array(
    fc.record({
      atS: seconds(1800),
      op: fc.integer({ min: 0, max: OPERATION_NAMES.length - 1 }),
      fn: fc.nat(),
      client: fc.nat(),
      /** Drives the parameters of the alias and concurrency calls and the qualifier of Invoke. */
      param: fc.integer({ min: 0, max: 5 }),
      target: fc.option(
        fc.record({ subnetMask: fc.integer({ min: 0, max: 6 }), sg: fc.integer({ min: 0, max: 2 }) }),
      ),
      /** An Invoke with InvocationType Event. */
      event: fc.boolean(),
    }),
    { maxLength: 40 },
  ),
  steps: fc.array(
    fc.record({
      atS: seconds(600),
      op: fc.constantFrom(...STEP_OPERATIONS),
      fnMask: fc.nat(),
      ratePerSec: fc.constantFrom(0, 1, 20),
      client: fc.nat(),
      thenInvoke: fc.boolean(),
    }),
    { maxLength: 3 },
  ),
  streams: fc.array(
    fc.record({
      fnMask: fc.nat(),
      ratePerSec: fc.constantFrom(0.1, 1, 5, 30),
      startS: seconds(600),
      lengthS: seconds(600),
      constant: fc.boolean(),
      zipf: fc.boolean(),
      event: fc.boolean(),
    }),
    { maxLength: 2 },
  ),
  faults: fc.array(
    fc.record({
      kind: fc.constantFrom(...FAULT_KINDS),
      fromS: seconds(900),
      lengthS: seconds(900),
      probability: fc.constantFrom(0.3, 1),
      code: fc.constantFrom(...FAILURE_REASON_NAMES),
      fnMask: fc.option(fc.nat()),
      subnetMask: fc.nat(),
    }),
    { maxLength: 3 },
  ),
});

export type RandomSpec = typeof randomSpec extends fc.Arbitrary<infer T> ? T : never;

/** Latest time (s) at which the spec starts anything. */
export function lastActivityS(spec: RandomSpec): number {
  let t = 0;
  for (const c of spec.calls) t = Math.max(t, c.atS);
  for (const s of spec.steps) t = Math.max(t, s.atS + (s.ratePerSec > 0 ? 6 / s.ratePerSec : 0));
  for (const s of spec.streams) t = Math.max(t, s.startS + s.lengthS);
  return t;
}

function pick<T>(items: readonly T[], mask: number): T[] {
  const n = items.length;
  const m = (mask % (2 ** n - 1)) + 1; // never empty
  return items.filter((_, i) => (m >> i) & 1);
}

/** Builds the plan; `untilS` defaults to long after the last activity, so everything drains. */
export function buildRandomPlan(spec: RandomSpec, untilS = lastActivityS(spec) + 2 * 3600): Plan {
  const b = new PlanBuilder(untilS, {
    inactiveAfterUs: sec(spec.inactiveAfterS),
    eniDeletionDelay: { kind: "uniform", minUs: 0, maxUs: sec(spec.deletionDelayMaxS) },
    scalingEnvironments: spec.scalingEnvironments,
  })
    .seed(spec.seed)
    .account({
      concurrencyLimit: spec.concurrencyLimit,
      unreservedMinimum: 1,
      controlPlaneRatePerSec: spec.controlPlaneRatePerSec,
      controlPlaneBurst: spec.controlPlaneRatePerSec,
    })
    .vpc("vpc-a", spec.eniQuota, Math.min(spec.enisUsedByOthers, spec.eniQuota));
  const subnetIds = spec.subnets.map((s, i) => {
    b.subnet(`subnet-${i}`, s.capacity);
    return `subnet-${i}`;
  });
  let reservedLeft = spec.concurrencyLimit - 1;
  const names = spec.functions.map((f, i) => {
    const name = `fn-${i}`;
    let reserved = f.reserved;
    if (reserved > reservedLeft) reserved = -1;
    if (reserved >= 0) reservedLeft -= reserved;
    const vpc = f.vpc
      ? { subnets: pick(subnetIds, f.vpc.subnetMask), securityGroups: [`sg-${f.vpc.sg}`] }
      : null;
    b.template(name, {
      vpc,
      reservedConcurrency: reserved,
      // Functions that exist at the start hold ENIs already; only non-VPC ones may, so no input is impossible.
      existing: f.existing && vpc === null,
      packageType: f.image ? "Image" : "Zip",
      errorRate: f.errorRate,
      duration: constant(f.durationS),
      initDuration: constant(f.initS),
      timeoutS: f.timeoutS,
      async: {
        maximumEventAgeUs: sec(f.async.maxAgeS),
        maximumRetryAttempts: f.async.retries,
        onFailure: f.async.onFailure as 0 | 1 | 2,
      },
      ...(f.selfTrigger > 0 ? { selfTrigger: f.selfTrigger } : {}),
    });
    return name;
  });
  const clientNames = ["default"];
  spec.clients.forEach((c, i) => {
    b.client(`client-${i}`, c.waiter, c.maxAttempts);
    clientNames.push(`client-${i}`);
  });
  const clientOf = (n: number) => clientNames[n % clientNames.length];

  for (const c of spec.calls) {
    const op = OPERATION_NAMES[c.op];
    const fn = names[c.fn % names.length];
    const config =
      op === "UpdateFunctionConfiguration" && c.target
        ? {
            vpcConfig: b.vpcConfig(pick(subnetIds, c.target.subnetMask), [`sg-${c.target.sg}`]),
            memoryMb: 256,
          }
        : undefined;
    if (op === "Invoke" && c.event) b.event(c.atS, fn, clientOf(c.client));
    else b.call(c.atS, op, fn, clientOf(c.client), config, undefined, callParams(b, op, c.param));
  }
  for (const s of spec.steps) {
    b.step(s.atS, s.op, pick(names, s.fnMask), {
      ratePerSec: s.ratePerSec,
      client: clientOf(s.client),
      then: s.thenInvoke && s.op !== "DeleteFunction" ? ["Invoke"] : [],
    });
  }
  for (const s of spec.streams) {
    b.stream(pick(names, s.fnMask), s.ratePerSec, s.startS, s.startS + s.lengthS, {
      process: s.constant ? "constant" : "poisson",
      popularity: s.zipf ? { kind: "zipf", exponent: 1.1 } : { kind: "uniform" },
      ...(s.event ? { invocationType: "Event" as const } : {}),
    });
  }
  for (const f of spec.faults) {
    const fromUs = sec(f.fromS);
    const untilUs = sec(f.fromS + f.lengthS);
    const targets = f.fnMask === null ? null : b.targets(pick(names, f.fnMask));
    const subnets = pick(
      subnetIds.map((_, i) => i),
      f.subnetMask,
    );
    let fault: PlanFault;
    switch (f.kind) {
      case "createHang":
        fault = { kind: "createHang", fromUs, untilUs, probability: f.probability, targets };
        break;
      case "eniCreationFailure":
        fault = {
          kind: "eniCreationFailure",
          fromUs,
          untilUs,
          probability: f.probability,
          subnets,
          code: f.code,
        };
        break;
      case "subnetExhausted":
        fault = { kind: "subnetExhausted", fromUs, untilUs, subnets };
        break;
      case "rolePermissions":
        fault = { kind: "rolePermissions", fromUs, untilUs, targets };
        break;
      case "provisioningFailure":
        fault = {
          kind: "provisioningFailure",
          fromUs,
          untilUs,
          probability: f.probability,
          targets,
          code: f.code,
        };
        break;
    }
    b.fault(fault);
  }
  const plan = b.build();
  spec.subnets.forEach((s, i) => {
    plan.subnets[i].usedByOthersIps = Math.min(s.othersUsed, s.capacity);
  });
  return plan;
}

/** The same plan with every function deleted `afterS` after its last activity (a client that retries long). */
export function withFinalDeletes(spec: RandomSpec, afterS: number, drainS: number): Plan {
  const at = lastActivityS(spec) + afterS;
  const plan = buildRandomPlan(spec, at + drainS);
  plan.clients.push({
    name: "cleanup",
    waiter: null,
    retry: { maxAttempts: 20, baseDelayUs: sec(0.1), throttleBaseDelayUs: sec(0.5), maxBackoffUs: sec(20) },
  });
  plan.steps.push({
    atUs: sec(at),
    operation: "DeleteFunction",
    targets: Int32Array.from(plan.functions.names.map((_, i) => i)),
    ratePerSec: 5,
    client: plan.clients.length - 1,
    then: [],
  });
  return plan;
}

/** Parameters for the calls that need them (V1, V2, V4): valid in form, not always in what they name. */
function callParams(b: PlanBuilder, op: string, param: number): PlanCallParams | undefined {
  const live = aliasQualifier(b.alias("live"));
  switch (op) {
    case "Invoke":
      return param % 3 === 0 ? undefined : { qualifier: param % 3 === 1 ? 1 : live };
    case "CreateAlias":
      return { alias: b.alias("live"), functionVersion: param % 2 };
    case "UpdateAlias":
      return { alias: b.alias("live"), routing: param % 2 === 0 ? null : { version: 2, weight: 0.5 } };
    case "PutFunctionConcurrency":
      return { reservedConcurrentExecutions: param };
    case "PutProvisionedConcurrencyConfig":
      return { qualifier: param % 2 === 0 ? 1 : live, provisionedConcurrentExecutions: 1 + param };
    case "DeleteProvisionedConcurrencyConfig":
      return { qualifier: param % 2 === 0 ? 1 : live };
    default:
      return undefined;
  }
}
