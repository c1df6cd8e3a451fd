/** --pushgateway's URL, checked without loading the Pushgateway client (a run without it never loads prom-client). */
/** Checks a --pushgateway value: an http(s) URL. Returns null when fine, else what is wrong. */
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
