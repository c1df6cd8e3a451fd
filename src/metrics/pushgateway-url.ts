/**
 * Checks a --pushgateway value: an http(s) URL. Returns null when fine, else
 * what is wrong. Apart from the Pushgateway client, so that a run without
 * --pushgateway never loads prom-client.
 */
export function pushgatewayUrlProblem(text: string): string | null {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    return `expected a URL like http://localhost:9091, got "${text}"`;
  }
  if (u.protocol !== "http:" && u.protocol !== "https:")
    return `expected an http:// or https:// URL, got "${text}"`;
  return null;
}
