/**
 * Concurrency settings: `aws lambda get-function-concurrency` (one file per
 * function, <function>.json, in a directory; or one file mapping names to
 * that output), `list-provisioned-concurrency-configs` and `get-account-settings`.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { expectOutput, ImportInputError, itemsOf, readPages, required, typeName } from "./json-input.js";

/** Reserved concurrency by function name. */
export function readReservedConcurrency(path: string): Map<string, number> {
  const reserved = new Map<string, number>();
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch (e) {
    throw new ImportInputError(
      `${path}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  if (isDir) {
    for (const entry of readdirSync(path)
      .filter((f) => f.endsWith(".json"))
      .sort()) {
      const file = join(path, entry);
      // A function without reserved concurrency: the CLI prints nothing, or {}.
      if (readFileSync(file, "utf8").trim() === "") continue;
      for (const page of readPages(file)) {
        if (Object.keys(page.value).length === 0) continue;
        expectOutput(page, "ReservedConcurrentExecutions", "ReservedConcurrentExecutions", file);
        reserved.set(
          basename(entry, ".json"),
          required(page.value, "ReservedConcurrentExecutions", "count", page.path, file),
        );
      }
    }
    return reserved;
  }
  for (const page of readPages(path)) {
    for (const [name, value] of Object.entries(page.value)) {
      const at = `${page.path}.${name}`;
      if (value === null || typeof value !== "object" || Array.isArray(value))
        throw new ImportInputError(
          `${path}: ${at}: expected get-function-concurrency output ({"ReservedConcurrentExecutions": N}) for function ${name}, got ${typeName(value)}`,
        );
      if (Object.keys(value).length === 0) continue;
      expectOutput(
        { value: value as Record<string, unknown>, path: at },
        "ReservedConcurrentExecutions",
        "ReservedConcurrentExecutions",
        path,
      );
      reserved.set(
        name,
        required(value as Record<string, unknown>, "ReservedConcurrentExecutions", "count", at, path),
      );
    }
  }
  return reserved;
}

export interface AwsProvisioned {
  functionName: string;
  qualifier: string;
  requested: number;
}

/** FunctionArn ends with :<function>:<qualifier>. */
export function readProvisioned(file: string): AwsProvisioned[] {
  const configs: AwsProvisioned[] = [];
  for (const page of readPages(file)) {
    expectOutput(page, "ProvisionedConcurrencyConfigs", "a ProvisionedConcurrencyConfigs array", file);
    for (const { item, path } of itemsOf(page, "ProvisionedConcurrencyConfigs", file)) {
      const arn = required(item, "FunctionArn", "string", path, file);
      const parts = arn.split(":");
      if (parts.length < 8)
        throw new ImportInputError(
          `${file}: ${path}.FunctionArn: expected arn:aws:lambda:region:account:function:name:qualifier, got ${arn}`,
        );
      configs.push({
        functionName: parts[6]!,
        qualifier: parts[7]!,
        requested: required(item, "RequestedProvisionedConcurrentExecutions", "count", path, file),
      });
    }
  }
  return configs;
}

export interface AwsAccountSettings {
  concurrentExecutions: number;
}

export function readAccountSettings(file: string): AwsAccountSettings {
  const page = readPages(file)[0]!;
  expectOutput(page, "AccountLimit", "an AccountLimit object", file);
  const limit = page.value["AccountLimit"];
  if (limit === null || typeof limit !== "object" || Array.isArray(limit))
    throw new ImportInputError(
      `${file}: ${page.path}.AccountLimit: expected an object, got ${typeName(limit)}`,
    );
  return {
    concurrentExecutions: required(
      limit as Record<string, unknown>,
      "ConcurrentExecutions",
      "count",
      `${page.path}.AccountLimit`,
      file,
    ),
  };
}
