/**
 * Outputs of the concurrency operations and GetAccountSettings. A function
 * without reserved concurrency gets `{}` from GetFunctionConcurrency. Account
 * limits default to Lambda's quotas: 75 GB of code, 250 MB unzipped, 50 MB
 * zipped, 1,000 concurrent executions.
 */
import { PROVISIONED_STATUS_NAMES } from "../../model/aws-names.js";
import { lambdaTimestampSeconds } from "./lambda-time.js";

export function reservedConcurrencyOutput(reserved: number | undefined): Record<string, number> {
  return reserved === undefined ? {} : { ReservedConcurrentExecutions: reserved };
}

export interface ProvisionedSnapshot {
  requested: number;
  available: number;
  allocated: number;
  status: (typeof PROVISIONED_STATUS_NAMES)[number];
  statusReason?: string;
  lastModifiedMs: number;
}

/** PutProvisionedConcurrencyConfig's and GetProvisionedConcurrencyConfig's output. */
export function provisionedConcurrencyOutput(config: ProvisionedSnapshot): Record<string, unknown> {
  const out: Record<string, unknown> = {
    RequestedProvisionedConcurrentExecutions: config.requested,
    AvailableProvisionedConcurrentExecutions: config.available,
    AllocatedProvisionedConcurrentExecutions: config.allocated,
    Status: config.status,
  };
  if (config.statusReason !== undefined) out.StatusReason = config.statusReason;
  out.LastModified = lambdaTimestampSeconds(config.lastModifiedMs);
  return out;
}

export interface AccountSnapshot {
  concurrentExecutions: number;
  unreservedConcurrentExecutions: number;
  /** Bytes of code stored, all functions and versions. */
  totalCodeSize: number;
  functionCount: number;
  totalCodeSizeLimit?: number;
  codeSizeUnzippedLimit?: number;
  codeSizeZippedLimit?: number;
}

export function accountSettingsOutput(account: AccountSnapshot): Record<string, unknown> {
  return {
    AccountLimit: {
      TotalCodeSize: account.totalCodeSizeLimit ?? 80_530_636_800,
      CodeSizeUnzipped: account.codeSizeUnzippedLimit ?? 262_144_000,
      CodeSizeZipped: account.codeSizeZippedLimit ?? 52_428_800,
      ConcurrentExecutions: account.concurrentExecutions,
      UnreservedConcurrentExecutions: account.unreservedConcurrentExecutions,
    },
    AccountUsage: { TotalCodeSize: account.totalCodeSize, FunctionCount: account.functionCount },
  };
}
