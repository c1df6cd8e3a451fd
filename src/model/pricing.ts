/**
 * What Lambda charges, with the source of each figure: AWS's published
 * on-demand prices in us-east-1. A scenario can override any of them under
 * `pricing:`; docs/cost.md prints this table.
 */

/** A function's instruction set architecture (AWS's Architectures). */
export const ARCHITECTURES = ["x86_64", "arm64"] as const;
export type Architecture = (typeof ARCHITECTURES)[number];

/** A price that differs by architecture, USD per GB-second. */
export type ByArchitecture = Record<Architecture, number>;

export interface Pricing {
  /** USD per million requests (every invocation that ran; throttled ones are not billed). */
  requestsPerMillion: number;
  /** On-demand duration, USD per GB-second, first monthly tier. */
  durationPerGbSecond: ByArchitecture;
  /** Provisioned concurrency, USD per GB-second of environments allocated, used or not. */
  provisionedPerGbSecond: ByArchitecture;
  /** Duration of invocations run on provisioned environments, USD per GB-second. */
  provisionedDurationPerGbSecond: ByArchitecture;
  /** Whether an on-demand cold start's INIT phase is billed as duration (AWS: since 2025-08-01). */
  initBilled: boolean;
}

export const DEFAULT_PRICING: Pricing = {
  requestsPerMillion: 0.2,
  durationPerGbSecond: { x86_64: 0.0000166667, arm64: 0.0000133334 },
  provisionedPerGbSecond: { x86_64: 0.0000041667, arm64: 0.0000033334 },
  provisionedDurationPerGbSecond: { x86_64: 0.0000097222, arm64: 0.0000077778 },
  initBilled: true,
};

/** When the figures below were checked against their sources. */
export const PRICES_CHECKED = "2026-12-06";
const PRICING_PAGE = "aws.amazon.com/lambda/pricing (us-east-1)";

/** Where each price comes from; docs/cost.md's pricing table is generated from this. */
export const PRICING_SOURCES: Record<keyof Pricing, string> = {
  requestsPerMillion: `${PRICING_PAGE}: $0.20 per 1M requests`,
  durationPerGbSecond:
    `${PRICING_PAGE}: the first tier (up to 6 billion GB-seconds a month on x86, 7.5 billion on Arm); ` +
    "the cheaper tiers beyond are not applied. Billed duration is rounded up to 1 ms",
  provisionedPerGbSecond:
    `${PRICING_PAGE}: provisioned concurrency, per GB-second allocated (AWS rounds the time it is ` +
    "configured up to 5 minutes; the simulator charges the exact time environments are ready)",
  provisionedDurationPerGbSecond: `${PRICING_PAGE}: duration of requests run on provisioned concurrency`,
  initBilled:
    'AWS Compute blog "AWS Lambda standardizes billing for INIT Phase": from 2025-08-01 the INIT phase of ' +
    "on-demand zip functions on managed runtimes is billed like duration (it already was for other configurations)",
};

/** MB-milliseconds in a GB-second (Lambda's GB is 1,024 MB). */
export const MB_MS_PER_GB_SECOND = 1024 * 1000;
