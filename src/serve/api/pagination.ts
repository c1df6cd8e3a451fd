/**
 * Marker/MaxItems paging for ListFunctions and ListVersionsByFunction. The
 * marker is opaque to the caller: the base64url of the last key returned, so
 * a page boundary survives items created or deleted between calls. Items must
 * come sorted by `keyOf` in string order. Lambda pages 50 items by default.
 */
import { fail, ok, type Result } from "./problem.js";

export const DEFAULT_MAX_ITEMS = 50;

export interface Page<T> {
  items: T[];
  nextMarker?: string;
}

export function paginate<T>(
  items: readonly T[],
  keyOf: (item: T) => string,
  marker: string | undefined,
  maxItems = DEFAULT_MAX_ITEMS,
): Result<Page<T>> {
  let start = 0;
  if (marker !== undefined) {
    const after = Buffer.from(marker, "base64url").toString("utf8");
    if (Buffer.from(after, "utf8").toString("base64url") !== marker)
      return fail("InvalidParameterValueException", `Invalid marker: ${marker}`);
    start = items.findIndex((item) => keyOf(item) > after);
    if (start < 0) start = items.length;
  }
  const page = items.slice(start, start + maxItems);
  const result: Page<T> = { items: page };
  if (start + maxItems < items.length)
    result.nextMarker = Buffer.from(keyOf(page[page.length - 1]), "utf8").toString("base64url");
  return ok(result);
}
