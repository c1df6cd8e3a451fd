/**
 * The Lambda waiters as the AWS SDKs define them (R14): which read each
 * polls, how often, how many times, and which observed value ends the wait.
 * An observed value no acceptor matches means "poll again"; an error no
 * acceptor matches ends the wait as a failure (the SDKs' behaviour).
 */
import { Operation, type OperationCode } from "./aws-names.js";
import type { WaiterName } from "./plan.js";

export type WaiterPath = "State" | "LastUpdateStatus" | "VersionState";

export interface WaiterSpec {
  name: WaiterName;
  operation: OperationCode;
  delayUs: number;
  maxAttempts: number;
  path: WaiterPath;
  success: string;
  failure: string;
  retry: string;
}

const S = 1_000_000;

export const WAITERS: Readonly<Record<WaiterName, WaiterSpec>> = {
  FunctionActive: {
    name: "FunctionActive",
    operation: Operation.GetFunctionConfiguration,
    delayUs: 5 * S,
    maxAttempts: 60,
    path: "State",
    success: "Active",
    failure: "Failed",
    retry: "Pending",
  },
  FunctionActiveV2: {
    name: "FunctionActiveV2",
    operation: Operation.GetFunction,
    delayUs: 1 * S,
    maxAttempts: 300,
    path: "State",
    success: "Active",
    failure: "Failed",
    retry: "Pending",
  },
  FunctionUpdated: {
    name: "FunctionUpdated",
    operation: Operation.GetFunctionConfiguration,
    delayUs: 5 * S,
    maxAttempts: 60,
    path: "LastUpdateStatus",
    success: "Successful",
    failure: "Failed",
    retry: "InProgress",
  },
  FunctionUpdatedV2: {
    name: "FunctionUpdatedV2",
    operation: Operation.GetFunction,
    delayUs: 1 * S,
    maxAttempts: 300,
    path: "LastUpdateStatus",
    success: "Successful",
    failure: "Failed",
    retry: "InProgress",
  },
  PublishedVersionActive: {
    name: "PublishedVersionActive",
    operation: Operation.GetFunctionConfiguration,
    delayUs: 5 * S,
    maxAttempts: 312,
    path: "VersionState",
    success: "Active",
    failure: "Failed",
    retry: "Pending",
  },
};

export const WAITER_NAMES = Object.keys(WAITERS) as WaiterName[];

/**
 * The waiter a client runs after a mutating call. A client names its waiter
 * family by the waiter it uses after CreateFunction; updates use the matching
 * FunctionUpdated (V2 with V2), PublishVersion uses PublishedVersionActive.
 */
export function waiterAfter(operation: OperationCode, clientWaiter: WaiterName | null): WaiterSpec | null {
  if (clientWaiter === null) return null;
  const v2 = clientWaiter.endsWith("V2");
  switch (operation) {
    case Operation.CreateFunction:
      return WAITERS[
        clientWaiter === "FunctionActive" || clientWaiter === "FunctionActiveV2"
          ? clientWaiter
          : v2
            ? "FunctionActiveV2"
            : "FunctionActive"
      ];
    case Operation.UpdateFunctionCode:
    case Operation.UpdateFunctionConfiguration:
      return WAITERS[v2 ? "FunctionUpdatedV2" : "FunctionUpdated"];
    case Operation.PublishVersion:
      return WAITERS.PublishedVersionActive;
    default:
      return null;
  }
}

/** Verdict of one poll. */
export const Verdict = { Retry: 0, Success: 1, Failure: 2 } as const;

export function judge(spec: WaiterSpec, observed: string): number {
  if (observed === spec.success) return Verdict.Success;
  if (observed === spec.failure) return Verdict.Failure;
  return Verdict.Retry;
}
