/**
 * Every timing and limit of the model, with its source. A scenario can
 * override any of them under `model:`; the README prints this table.
 */
import type { Distribution } from "./duration-distribution.js";
import type { RoutingName } from "./routing.js";

const S = 1_000_000;
const MS = 1_000;
const MIN = 60 * S;

export interface ModelDefaults {
  /** Time from a client's control-plane call to the service acting on it; also the answer's latency. */
  apiLatencyUs: number;
  /** Invoke frontend latency: from request to the start of the handler (or the throttle answer). */
  invokeLatencyUs: number;
  /** Pending -> Active without VPC (R2). */
  provisioningDuration: Distribution;
  /** Attaching a function to an existing, ready Hyperplane ENI (R2). */
  eniAttachDuration: Distribution;
  /** Creating a new Hyperplane ENI (R2). */
  eniCreateDuration: Distribution;
  /** From the last claim on an ENI going away to its deletion (R11). */
  eniDeletionDelay: Distribution;
  /** UpdateFunctionCode / configuration without network change, Zip without VPC (R10). */
  updateDuration: Distribution;
  /** The same for container-image or VPC functions (R10). */
  updateDurationVpcOrImage: Distribution;
  /** PublishVersion: new version Pending -> Active (R17). */
  publishDuration: Distribution;
  /** A function Pending longer than this can be unblocked by an update (R5). */
  stuckPendingUs: number;
  /** Idle time after which a function becomes Inactive (R11). */
  inactiveAfterUs: number;
  /** After a restore failure with these causes, no new attempt for this long (R13). */
  restoreRetryDelayUs: number;
  /** An idle execution environment is reclaimed after this, drawn per environment at its birth (D2). */
  keepAlive: Distribution;
  /** Drawn keep-alives are clamped to this, so idle bookkeeping has a horizon (D2). */
  keepAliveMaxUs: number;
  /** An environment is not reused past this age, drawn per environment at its birth, even when busy (D2). */
  maxLifetime: Distribution;
  /** Which idle environment of its version a request runs on (D2): most or least recently used, or random. */
  routing: RoutingName;
  /** New execution environments per function per scaling window (D3). */
  scalingEnvironments: number;
  scalingWindowUs: number;
  /** Requests per second per unit of concurrency (D1). */
  requestsPerSecPerConcurrency: number;
  /** A mount of an EFS file system that times out fails after this (V10). */
  efsMountTimeoutUs: number;
  /** From an event entering a function's async queue (or becoming due for a retry) to Lambda's poller taking it (V6). */
  asyncPollDelayUs: number;
  /** Init duration by runtime family when the template gives none (D2). */
  initDurationByRuntime: Record<string, Distribution>;
  /** After the last deploy call, how long its effects count as "during the deploy" in the report (V11). */
  deploySettleUs: number;
  /** Provisioned environments a function initialises per minute (V2). */
  provisionedAllocationPerMinute: number;
  /**
   * Extra latency of the first invocation on a provisioned environment, by
   * runtime family, at 512 MB; scaled by 512 / memory within 0.25-4x (V2).
   */
  firstInvokeLatencyByRuntime: Record<string, Distribution>;
}

/**
 * The engine's lookahead under these defaults: the least delay of any answer
 * the coordinator sends back (model/run.ts). The scenario refuses latencies
 * under 1us, so it is at least that.
 */
export function lookaheadOfDefaults(d: Pick<ModelDefaults, "apiLatencyUs" | "invokeLatencyUs">): number {
  return Math.min(d.apiLatencyUs, d.invokeLatencyUs);
}

const lognormal = (medianUs: number, p99Us: number): Distribution => ({ kind: "lognormal", medianUs, p99Us });

export const MODEL_DEFAULTS: ModelDefaults = {
  apiLatencyUs: 50 * MS,
  invokeLatencyUs: 20 * MS,
  provisioningDuration: lognormal(300 * MS, 2 * S),
  eniAttachDuration: lognormal(2 * S, 8 * S),
  eniCreateDuration: { kind: "uniform", minUs: 60 * S, maxUs: 90 * S },
  eniDeletionDelay: { kind: "uniform", minUs: 0, maxUs: 20 * MIN },
  updateDuration: lognormal(1 * S, 3 * S),
  updateDurationVpcOrImage: lognormal(25 * S, 60 * S),
  publishDuration: lognormal(1 * S, 5 * S),
  stuckPendingUs: 6 * MIN,
  inactiveAfterUs: 14 * 24 * 60 * MIN,
  restoreRetryDelayUs: 5 * MIN,
  keepAlive: { kind: "constant", valueUs: 10 * MIN },
  keepAliveMaxUs: 60 * MIN,
  maxLifetime: { kind: "uniform", minUs: 120 * MIN, maxUs: 360 * MIN },
  routing: "mru",
  scalingEnvironments: 1000,
  scalingWindowUs: 10 * S,
  requestsPerSecPerConcurrency: 10,
  efsMountTimeoutUs: 10 * S,
  asyncPollDelayUs: 50 * MS,
  initDurationByRuntime: {
    nodejs: lognormal(250 * MS, 800 * MS),
    python: lognormal(300 * MS, 900 * MS),
    java: lognormal(1800 * MS, 5 * S),
    dotnet: lognormal(1500 * MS, 4 * S),
    go: lognormal(150 * MS, 500 * MS),
    provided: lognormal(150 * MS, 500 * MS),
    ruby: lognormal(350 * MS, 1 * S),
  },
  deploySettleUs: 1 * MIN,
  provisionedAllocationPerMinute: 6000,
  firstInvokeLatencyByRuntime: {
    nodejs: lognormal(3 * MS, 10 * MS),
    python: lognormal(2 * MS, 6 * MS),
    java: lognormal(30 * MS, 80 * MS),
    dotnet: lognormal(40 * MS, 100 * MS),
    go: lognormal(500, 2 * MS),
    provided: lognormal(500, 2 * MS),
    ruby: lognormal(3 * MS, 10 * MS),
  },
};

/** Where each default comes from; the README's model-defaults table is generated from this. */
export const DEFAULT_SOURCES: Record<keyof ModelDefaults, string> = {
  apiLatencyUs: "typical control-plane API round trip in one region (published measurements: tens of ms)",
  invokeLatencyUs: "typical Invoke overhead for a warm function (published measurements: 10-30 ms)",
  provisioningDuration: 'seed functions-states: without VPC "this process is very fast"',
  eniAttachDuration: "seed blog: Hyperplane ENIs are shared, so a function reusing one is ready in seconds",
  eniCreateDuration: 'seed blog: creating the ENIs "can take 60 to 90 seconds"',
  eniDeletionDelay: "AWS VPC docs: unused Hyperplane ENIs are deleted, which can take up to 20 minutes",
  updateDuration: "issue R10: a code-only update is about 1 s without VPC",
  updateDurationVpcOrImage: "issue R10: about 25 s for container or VPC functions",
  publishDuration: "issue R17: a new version is Pending until ready",
  stuckPendingUs: "seed troubleshooting: stuck in Pending for more than six minutes",
  inactiveAfterUs: 'seed blog: idle for "several weeks"; issue R11 default 14 days',
  restoreRetryDelayUs: "seed functions-states: Lambda waits at least 5 minutes",
  keepAlive:
    'Shilkov, mikhail.io 2019-08 "AWS Lambda Cold Starts After 10 Minutes": since July 2019 every idle instance lives precisely 10 minutes after its last request (before: 25-60 min, spread); Xebia: "a bit longer than 10 minutes"; no spread measured since, so a constant',
  keepAliveMaxUs:
    "model choice: the longest idle lifetimes ever measured on AWS (mikhail.io before July 2019; theburningmonk 2017: 45-60 min) stay under an hour",
  maxLifetime:
    'AWS execution environment docs: environments are terminated "every few hours ... even for functions that are invoked continuously"; Xebia "TIL that AWS Lambda terminates instances preemptively" saw every two hours; Mahmoudi and Khazaei\'s 2020 measurements (docs/validation.md) reject a constant 2 h (7-8 of 20 within 2 SE) and agree with 3 h or more: drawn uniformly from 2 to 6 hours, which also keeps environments created together from being recycled together',
  routing:
    "no published measurement of AWS's choice among idle environments; most recently used is SimFaaS's model (it lets surplus environments expire after a burst); lru and random are for sensitivity analysis",
  scalingEnvironments: "AWS scaling docs: 1,000 execution environments every 10 seconds per function",
  scalingWindowUs: "AWS scaling docs: 1,000 execution environments every 10 seconds per function",
  requestsPerSecPerConcurrency: "AWS: each execution environment serves up to 10 requests per second",
  efsMountTimeoutUs: "AWS: the mount happens in the Init phase, which Lambda limits to 10 seconds",
  asyncPollDelayUs:
    "AWS async invocation docs: events are queued and a separate process reads them; the delay is not published, tens of ms assumed",
  initDurationByRuntime:
    "published cold-start measurements per runtime (medians of a few hundred ms; JVM/.NET longer)",
  deploySettleUs:
    "report choice: long enough for new environments to initialise (init durations are seconds) and traffic to settle",
  provisionedAllocationPerMinute:
    "model choice: the on-demand scaling rate (1,000 environments per 10 s); AWS documents no separate figure",
  firstInvokeLatencyByRuntime:
    'seed troubleshooting: ".NET and other JIT runtimes" add "typically tens of milliseconds" on the first invocation, "more apparent on 128-MiB functions"',
};
