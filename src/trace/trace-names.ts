/**
 * A valid Lambda function name for a trace's function key. Azure keys join
 * hashed ids with '/', which no Lambda name holds: they become `az-` and the
 * first 16 hex digits of the key's SHA-256 (stable, 19 characters). A csv key
 * is already the scenario's function name and is kept as it is.
 */
import { createHash } from "node:crypto";

export function traceFunctionName(key: string): string {
  if (!key.includes("/")) return key;
  return `az-${createHash("sha256").update(key).digest("hex").slice(0, 16)}`;
}
