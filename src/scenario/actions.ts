/**
 * The scenario's action names and the AWS operations they compile to: the
 * one place where the file's vocabulary meets AWS's.
 */
import type { ControlOperation, WaiterName } from "../model/plan.js";

export const ACTION_OPERATIONS = {
  create: "CreateFunction",
  invoke: "Invoke",
  updateCode: "UpdateFunctionCode",
  updateConfiguration: "UpdateFunctionConfiguration",
  publishVersion: "PublishVersion",
  delete: "DeleteFunction",
} as const satisfies Record<string, ControlOperation | "Invoke">;

export type ActionName = keyof typeof ACTION_OPERATIONS;

/** Actions a workload step applies to many functions at a rate. */
export const CONTROL_ACTIONS = [
  "create",
  "updateCode",
  "updateConfiguration",
  "publishVersion",
  "delete",
] as const;
export type ControlAction = (typeof CONTROL_ACTIONS)[number];

/** Actions that may follow a step's own call (`then:`). */
export const THEN_ACTIONS = [
  "invoke",
  "updateCode",
  "updateConfiguration",
  "publishVersion",
  "delete",
] as const;

export const WAITER_NAMES = [
  "FunctionActive",
  "FunctionActiveV2",
  "FunctionUpdated",
  "FunctionUpdatedV2",
  "PublishedVersionActive",
] as const satisfies readonly WaiterName[];
