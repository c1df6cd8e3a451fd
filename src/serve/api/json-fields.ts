/**
 * Typed reads of a JSON request body's members. A member of the wrong JSON
 * type is not a constraint violation but a body Lambda cannot bind, which it
 * answers InvalidRequestContentException; the readers throw ContentError for
 * that and the input parser turns it into the answer. Only own properties are
 * read, and maps are built on null-prototype objects, so `__proto__` or
 * `constructor` in a body is just another key.
 */

export type JsonObject = Readonly<Record<string, unknown>>;

export class ContentError extends Error {}

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

function mismatch(path: string, wanted: string, value: unknown): ContentError {
  return new ContentError(
    `Could not parse request body into json: ${path} must be ${wanted}, not ${describe(value)}`,
  );
}

/** An own member; JSON null counts as absent, as Lambda treats it. */
export function member(o: JsonObject, key: string): unknown {
  if (!Object.prototype.hasOwnProperty.call(o, key)) return undefined;
  const value = o[key];
  return value === null ? undefined : value;
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function readString(o: JsonObject, key: string, path = key): string | undefined {
  const value = member(o, key);
  if (value === undefined || typeof value === "string") return value;
  throw mismatch(path, "a string", value);
}

export function readBoolean(o: JsonObject, key: string, path = key): boolean | undefined {
  const value = member(o, key);
  if (value === undefined || typeof value === "boolean") return value;
  throw mismatch(path, "a boolean", value);
}

/** A Java int, as Lambda's integers are. */
export function readInteger(o: JsonObject, key: string, path = key): number | undefined {
  const value = member(o, key);
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value)) throw mismatch(path, "an integer", value);
  if (value < INT32_MIN || value > INT32_MAX)
    throw new ContentError(
      `Could not parse request body into json: Numeric value (${value}) out of range of int for ${path}`,
    );
  return value;
}

export function readObject(o: JsonObject, key: string, path = key): JsonObject | undefined {
  const value = member(o, key);
  if (value === undefined || isJsonObject(value)) return value;
  throw mismatch(path, "an object", value);
}

export function readStringList(o: JsonObject, key: string, path = key): string[] | undefined {
  const value = member(o, key);
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw mismatch(path, "a list of strings", value);
  return value.map((item: unknown, i) => {
    if (typeof item !== "string") throw mismatch(`${path}[${i}]`, "a string", item);
    return item;
  });
}

/** A JSON object of strings (Tags, Environment.Variables) on a null-prototype object. */
export function readStringMap(o: JsonObject, key: string, path = key): Record<string, string> | undefined {
  return readMap(o, key, path, "a string", (v): v is string => typeof v === "string");
}

/** A JSON object of numbers (AdditionalVersionWeights). */
export function readNumberMap(o: JsonObject, key: string, path = key): Record<string, number> | undefined {
  return readMap(o, key, path, "a number", (v): v is number => typeof v === "number" && Number.isFinite(v));
}

function readMap<V>(
  o: JsonObject,
  key: string,
  path: string,
  wanted: string,
  is: (v: unknown) => v is V,
): Record<string, V> | undefined {
  const value = readObject(o, key, path);
  if (value === undefined) return undefined;
  const out = Object.create(null) as Record<string, V>;
  for (const name of Object.keys(value)) {
    const item = value[name];
    if (!is(item)) throw mismatch(`${path}.${name}`, wanted, item);
    out[name] = item;
  }
  return out;
}
