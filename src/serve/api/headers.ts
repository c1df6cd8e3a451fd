/**
 * Request headers as node:http hands them over (lower-cased names, repeated
 * headers as arrays), read by AWS's spelling of the name.
 */

export type RequestHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

/** The first value of a header, whatever the case of its name. */
export function headerValue(headers: RequestHeaders, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const key of Object.keys(headers)) {
    if (key.toLowerCase() !== wanted) continue;
    const value = headers[key];
    if (typeof value === "string") return value;
    if (Array.isArray(value) && typeof value[0] === "string") return value[0];
  }
  return undefined;
}
