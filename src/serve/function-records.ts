/**
 * What the API keeps of each function beyond the simulation: the fields a
 * caller set (role, handler, runtime, code, description, environment) that
 * the simulated lifecycle never reads, by function name. The simulation
 * holds the rest (State, LastUpdateStatus, memory, timeout, VPC, revision).
 */
import { createHash } from "node:crypto";
import type { FunctionReading } from "../model/function-reading.js";
import type { CodeInput } from "./api/code.js";
import type { FunctionSnapshot } from "./api/shapes-function.js";

export interface FunctionRecord {
  name: string;
  runtime?: string;
  handler?: string;
  role: string;
  description: string;
  packageType: "Zip" | "Image";
  architectures: ["x86_64" | "arm64"];
  code: Pick<CodeInput, "CodeSha256" | "CodeSize" | "ImageUri">;
  environment?: Record<string, string>;
  kmsKeyArn?: string;
  tags: Record<string, string>;
  /** Simulated time of the last change the API made (LastModified). */
  lastModifiedUs: number;
}

/** The VPC a reading's configuration names, in the API's terms. */
export interface VpcView {
  subnetIds: string[];
  securityGroupIds: string[];
  vpcId: string;
}

/** The API's RevisionId: a UUID-shaped digest of the function's incarnation and revision. */
export function revisionId(name: string, reading: FunctionReading): string {
  const h = createHash("sha256").update(`${name}\n${reading.incarnation}\n${reading.revision}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A function as the API shows it: the record's fields and the simulation's reading. */
export function snapshotOf(
  record: FunctionRecord,
  reading: FunctionReading,
  vpc: VpcView | null,
  epochMsAt: (simUs: number) => number,
): FunctionSnapshot {
  const snapshot: FunctionSnapshot = {
    name: record.name,
    version: "$LATEST",
    role: record.role,
    memoryMb: reading.memoryMb,
    timeoutS: Math.round(reading.timeoutUs / 1e6),
    packageType: record.packageType,
    architectures: record.architectures,
    codeSha256: record.code.CodeSha256,
    codeSize: record.code.CodeSize,
    description: record.description,
    vpc,
    state: reading.state as FunctionSnapshot["state"],
    revisionId: revisionId(record.name, reading),
    lastModifiedMs: epochMsAt(record.lastModifiedUs),
  };
  if (record.runtime !== undefined) snapshot.runtime = record.runtime;
  if (record.handler !== undefined) snapshot.handler = record.handler;
  if (record.code.ImageUri !== undefined) snapshot.imageUri = record.code.ImageUri;
  if (record.environment !== undefined) snapshot.environment = record.environment;
  if (record.kmsKeyArn !== undefined) snapshot.kmsKeyArn = record.kmsKeyArn;
  if (reading.stateReasonCode !== "") {
    snapshot.stateReasonCode = reading.stateReasonCode as FunctionSnapshot["stateReasonCode"];
    snapshot.stateReason = reading.stateReason;
  }
  if (reading.lastUpdateStatus !== "None") {
    snapshot.lastUpdateStatus = reading.lastUpdateStatus;
    if (reading.lastUpdateStatusReasonCode !== "" && reading.lastUpdateStatus !== "Successful") {
      snapshot.lastUpdateStatusReasonCode =
        reading.lastUpdateStatusReasonCode as FunctionSnapshot["lastUpdateStatusReasonCode"];
      snapshot.lastUpdateStatusReason = reading.lastUpdateStatusReason;
    }
  }
  return snapshot;
}
