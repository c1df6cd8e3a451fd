/**
 * Event and message kinds of the Lambda model. Partition events run inside a
 * partition; messages go to the coordinator; deliveries come back from it
 * and run as partition events too. Numeric, so nothing is allocated per event.
 */

/**
 * Partition-local events. Number ranges by concern: 1-19 the core, 20-29
 * deliveries from the coordinator, 30-39 asynchronous invocation (V6, V7),
 * 40-49 invocation faults (V8-V10), 50-59 versions, aliases and provisioned
 * concurrency (V1-V4).
 */
export const Ev = {
  /** A workload step reaches this function. a: step index. */
  StepTarget: 1,
  /** An invoke stream's next arrival for a function. a: stream index. */
  Arrival: 2,
  /** A client task acts: issue its next call, retry, or poll its waiter. a: task slot. */
  Task: 3,
  /** Provisioning, an update or a restore finished without the coordinator. a: epoch, b: reason code (0 = ok). */
  LocalProvisionDone: 4,
  /** A published version became Active. a: version number. */
  VersionReady: 5,
  /** Check whether the function has been idle long enough to go Inactive. */
  IdleCheck: 6,
  /** An invocation finishes. a: arrival time, b: packed (see packInvocation). */
  InvocationEnd: 7,
  /** The function's explicit calls list position. a: call index. */
  ExplicitCall: 8,
  /** A trace replay reads its rows up to the next feed. target: replay index. */
  TraceFeed: 9,
  /** A trace row's arrival at this function. a: replay index, b: the row's duration in µs (-1: none). */
  TraceArrival: 10,

  // Asynchronous invocation (V6, V7).
  /** Lambda's poller takes an event from the function's queue (a first attempt or a retry). a: event slot. */
  AsyncDispatch: 30,

  // Deliveries from the coordinator.
  /** A control-plane request passed the rate limit and reaches the function. a: operation, b: task slot. */
  ApiApply: 20,
  /** A control-plane request was refused by the rate limit (429). a: operation, b: task slot. */
  ApiThrottled: 21,
  /** An invocation was admitted. a: arrival time, b: context. */
  InvocationAdmitted: 22,
  /** An invocation was throttled. a: arrival time, b: context * 8 + cause. */
  InvocationThrottled: 23,
  /** The function's ENI claim settled. a: epoch, b: reason code (0 = all ENIs ready). */
  EniResult: 24,
  /** The coordinator's answer to a ConcurrencyConfig request. a: ApiError code, b: task slot (-1: none). */
  ConcurrencyConfigResult: 25,

  /** A provisioned environment finished initialising (V2). a: version. */
  ProvisionedEnvReady: 50,

  // Invocation faults (V8-V10).
  /**
   * Delivery: an invocation of a function that mounts an EFS file system was
   * admitted. a: arrival time, b: context * IO_SLOWDOWN_SPAN + IO slowdown in
   * thousandths (see packEfsAdmission).
   */
  InvocationAdmittedEfs: 40,
  /** Lambda's grant on the function's KMS key is revoked (V9). a: fault index. */
  KmsGrantRevoked: 41,
} as const;

/** Events that come from the coordinator, which names functions by global index. */
export function isDelivery(kind: number): boolean {
  return (kind >= Ev.ApiApply && kind <= Ev.ConcurrencyConfigResult) || kind === Ev.InvocationAdmittedEfs;
}

/** IO slowdowns travel in thousandths, below this (a slowdown of up to about 1,048x). */
export const IO_SLOWDOWN_SPAN = 1_048_576;

/** An EFS admission's b: the client context and the IO slowdown factor (>= 1). Exact for ctx < 2^32. */
export function packEfsAdmission(ctx: number, slowdown: number): number {
  return ctx * IO_SLOWDOWN_SPAN + Math.min(Math.round(slowdown * 1000), IO_SLOWDOWN_SPAN - 1);
}

/**
 * Messages from partitions to the coordinator. Requests (ApiRequest,
 * InvocationAcquire, EniClaim) are answered; the others are notices.
 * Ranges: 1-9 the core, 10-19 invocation faults (EFS), 20-29 concurrency
 * configuration (V2, V4).
 */
export const Msg = {
  /** Request. a: operation, b: task slot. */
  ApiRequest: 1,
  /** Request. a: arrival time, b: context. */
  InvocationAcquire: 2,
  /** Notice. An admitted invocation ended (or never started): free its concurrency. */
  InvocationRelease: 3,
  /** Request. Claim the ENIs of a VPC configuration. a: vpc config, b: epoch. */
  EniClaim: 4,
  /** Notice. Drop the claim on a VPC configuration's ENIs. a: vpc config. */
  EniRelease: 5,
  /**
   * Notice. The partition admitted an invocation of the unreserved pool
   * under its grant; the coordinator books it in global order and checks
   * that it would have admitted it too. a: arrival time, b: context.
   */
  InvocationGranted: 6,
  /**
   * Request (V2, V4). Set the function's reserved concurrency (a, -1 none)
   * and its provisioned concurrency in all (b div 2^24), for task slot
   * b mod 2^24 (2^24 - 1: no task). Answered with ConcurrencyConfigResult.
   */
  ConcurrencyConfig: 20,
} as const;

/** Packs ConcurrencyConfig's b. */
export const NO_TASK_SLOT = 16_777_215;
export const packConcurrencyConfig = (provisioned: number, slot: number): number =>
  provisioned * 16_777_216 + (slot < 0 ? NO_TASK_SLOT : slot);

/**
 * What the coordinator grants each partition per epoch (model/grants.ts):
 * net admissions from the unreserved pool, and a sub-bucket of the account's
 * invocation request-rate bucket (tokens at TokensAtUs, refilled at
 * RatePerUs up to Burst), that the partition may spend alone.
 */
export const Grant = { Concurrency: 0, Tokens: 1, TokensAtUs: 2, RatePerUs: 3, Burst: 4 } as const;
export const GRANT_WIDTH = 5;

/** Coordinator timers. Ranges: 1-9 the core, 10-19 invocation faults (EFS), 20-29 concurrency configuration. */
export const Timer = {
  /** target: ENI key; a: generation. The ENI failed to create: remove it and free its IP. */
  EniFailed: 1,
  /** target: ENI key; a: generation. No claim since the deletion delay: delete it. */
  EniDelete: 2,
  /** target: fault index. A subnet-exhaustion fault starts. */
  ExhaustSubnets: 3,
  /** target: fault index. A subnet-exhaustion fault ends. */
  RestoreSubnets: 4,
} as const;

/**
 * What an InvocationEnd event carries in b: the client context (0 for stream
 * traffic, task slot + 1), the function's incarnation (mod 64; it changes at
 * each CreateFunction, so an environment of a deleted function is never
 * reused by one re-created under its name), the kind of environment
 * (EnvKind), the revision the invocation ran (for a published version, its
 * route: qualifiers.ts), its outcome and whether it started cold. Exact in a
 * double for ctx < 2^24.
 */
export function packInvocation(
  ctx: number,
  incarnation: number,
  revision: number,
  outcome: number,
  cold: number,
  kind: number = EnvKind.Latest,
): number {
  const tag = (incarnation % 64) * 4 + kind;
  return (((ctx * 256 + tag) * 65_536 + revision) * OUTCOME_SPAN + outcome) * 2 + cold;
}

/** The environment an invocation runs in: of $LATEST, of a published version on demand, or provisioned (V2). */
export const EnvKind = { Latest: 0, Version: 1, Provisioned: 2 } as const;
/**
 * Invocation contexts from this one up are the async poller's attempts: ctx -
 * ASYNC_CTX_BASE is the event's slot (async-events.ts). Below it, 0 is stream
 * traffic and task slot + 1 a client's call. 2^23 keeps ctx < 2^24.
 */
export const ASYNC_CTX_BASE = 8_388_608;
/**
 * Contexts from this one up to ASYNC_CTX_BASE are trace arrivals that carry
 * their own duration: ctx - TRACE_CTX_BASE is its slot (trace-durations.ts).
 * Client task slots stay below it.
 */
export const TRACE_CTX_BASE = 4_194_304;

/** Outcome codes (ApiError) an InvocationEnd can carry are below this. */
export const OUTCOME_SPAN = 16;
