/**
 * The `--queue` URL of sweeps and workers: redis:// or rediss:// (TLS),
 * with an optional password (redis://:PASSWORD@HOST:PORT/DB) and database.
 * Messages show it without its password.
 */
import type { RedisOptions as QueueConnectionOptions } from "bullmq";
import { Redis } from "ioredis";

/** How long a first connection may take before the command says Redis is unreachable. */
export const CONNECT_TIMEOUT_MS = 5000;

export interface QueueUrl {
  /** As given: what ioredis and BullMQ connect to. */
  url: string;
  /** The URL without its password, for messages. */
  shown: string;
}

/** The URL checked, or a sentence saying what is wrong with it. */
export function parseQueueUrl(text: string): QueueUrl | string {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    return `--queue: expected a Redis URL like redis://127.0.0.1:6379 or rediss://:PASSWORD@HOST:6380/0, got "${text.slice(0, 80)}"`;
  }
  if (u.protocol !== "redis:" && u.protocol !== "rediss:")
    return `--queue: expected a redis:// or rediss:// URL, got "${u.protocol}" in "${hidePassword(u)}"`;
  if (u.hostname === "") return `--queue: the URL names no host: "${hidePassword(u)}"`;
  const db = u.pathname.replace(/^\//, "");
  if (db !== "" && !/^\d{1,2}$/.test(db))
    return `--queue: the database after the port must be a number (like /0), got "/${db}"`;
  return { url: text, shown: hidePassword(u) };
}

function hidePassword(u: URL): string {
  if (u.password === "") return u.href;
  const copy = new URL(u.href);
  copy.password = "***";
  return copy.href;
}

/**
 * Options of every connection: a bounded connect, and reconnection every
 * second at most (the sweep decides how long it waits for a lost Redis).
 * BullMQ's blocking connections need maxRetriesPerRequest null.
 */
export function connectionOptions(q: QueueUrl): QueueConnectionOptions & { url: string } {
  return {
    url: q.url,
    connectTimeout: CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: null,
    retryStrategy: (times: number) => Math.min(times * 200, 1000),
  };
}

/**
 * Connects once, without retrying, so an unreachable Redis is said within
 * CONNECT_TIMEOUT_MS instead of retried for ever. Resolves to null when
 * Redis answers, else to the reason.
 */
export async function probeQueue(q: QueueUrl): Promise<string | null> {
  const client = new Redis(q.url, {
    connectTimeout: CONNECT_TIMEOUT_MS,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  let lastError: string | null = null;
  client.on("error", (e: Error) => (lastError = e.message));
  try {
    await client.connect();
    await client.ping();
    return null;
  } catch (e) {
    return lastError ?? (e instanceof Error ? e.message : String(e));
  } finally {
    client.disconnect();
  }
}
