/**
 * A function's code as CreateFunction (its Code member) and UpdateFunctionCode
 * (top-level members) send it: an inline zip in base64, an S3 object, or a
 * container image. CodeSha256 is what Lambda reports, the base64 SHA-256 of the
 * zip's bytes and CodeSize their count. The simulator has neither S3 nor ECR,
 * so for those it hashes the location (`s3://bucket/key?versionId=v`, the
 * ImageUri) and reports CodeSize 0, as Lambda does for images.
 */
import { createHash } from "node:crypto";
import { ContentError, readString, type JsonObject } from "./json-fields.js";
import { Violations, pattern } from "./constraints.js";
import { fail, ok, type Result } from "./problem.js";

export interface CodeInput {
  ZipFile?: Buffer;
  S3Bucket?: string;
  S3Key?: string;
  S3ObjectVersion?: string;
  ImageUri?: string;
  CodeSha256: string;
  CodeSize: number;
}

interface CodeMembers {
  zip?: Buffer;
  bucket?: string;
  key?: string;
  version?: string;
  imageUri?: string;
}

const S3_BUCKET = pattern(String.raw`^[0-9A-Za-z\.\-_]*(?<!\.)$`);
/** A flat class, not groups of four: a grouped pattern overflows the regex stack on a 50 MB zip. */
const BASE64_CHARS = /^[A-Za-z0-9+/]*={0,2}$/;
const isBase64 = (s: string): boolean => s.length % 4 === 0 && BASE64_CHARS.test(s);
/** A zip starts with a local file header, or is empty (end of central directory only). */
const ZIP_MAGIC = [Buffer.from("PK\x03\x04", "latin1"), Buffer.from("PK\x05\x06", "latin1")];

const sha256 = (data: Buffer | string): string => createHash("sha256").update(data).digest("base64");

/** The code members of `o`, checked against the model's constraints; `prefix` is "code." inside CreateFunction. */
export function readCodeMembers(o: JsonObject, prefix: string, v: Violations): CodeMembers {
  const at = (name: string): string => `${prefix}${name}`;
  const members: CodeMembers = {
    zip: readZipFile(o, `${prefix}ZipFile`),
    bucket: readString(o, "S3Bucket", `${prefix}S3Bucket`),
    key: readString(o, "S3Key", `${prefix}S3Key`),
    version: readString(o, "S3ObjectVersion", `${prefix}S3ObjectVersion`),
    imageUri: readString(o, "ImageUri", `${prefix}ImageUri`),
  };
  v.length(members.bucket, at("s3Bucket"), 3, 63);
  v.matches(members.bucket, at("s3Bucket"), S3_BUCKET);
  v.length(members.key, at("s3Key"), 1, 1024);
  v.length(members.version, at("s3ObjectVersion"), 1, 1024);
  return members;
}

/** Exactly one source of code, decoded and hashed. */
export function resolveCode(m: CodeMembers): Result<CodeInput> {
  const s3 = m.bucket !== undefined || m.key !== undefined || m.version !== undefined;
  const sources = [m.zip !== undefined, s3, m.imageUri !== undefined].filter(Boolean).length;
  if (sources !== 1)
    return fail(
      "InvalidParameterValueException",
      "Exactly one source of code is required: ZipFile, S3Bucket and S3Key, or ImageUri.",
    );
  if (m.zip !== undefined) return zipCode(m.zip);
  if (m.imageUri !== undefined)
    return ok({ ImageUri: m.imageUri, CodeSha256: sha256(m.imageUri), CodeSize: 0 });
  if (m.bucket === undefined || m.key === undefined)
    return fail("InvalidParameterValueException", "Code from S3 requires both S3Bucket and S3Key.");
  const location = `s3://${m.bucket}/${m.key}${m.version === undefined ? "" : `?versionId=${m.version}`}`;
  const code: CodeInput = { S3Bucket: m.bucket, S3Key: m.key, CodeSha256: sha256(location), CodeSize: 0 };
  if (m.version !== undefined) code.S3ObjectVersion = m.version;
  return ok(code);
}

/** A blob member that is not base64 is a body Lambda cannot bind. */
function readZipFile(o: JsonObject, path: string): Buffer | undefined {
  const base64 = readString(o, "ZipFile", path);
  if (base64 === undefined) return undefined;
  if (!isBase64(base64))
    throw new ContentError(`Could not parse request body into json: ${path} is not valid base64`);
  return Buffer.from(base64, "base64");
}

function zipCode(zip: Buffer): Result<CodeInput> {
  if (!ZIP_MAGIC.some((magic) => zip.subarray(0, 4).equals(magic)))
    return fail(
      "InvalidParameterValueException",
      "Could not unzip uploaded file. Please check your file, then try to upload again.",
    );
  return ok({ ZipFile: zip, CodeSha256: sha256(zip), CodeSize: zip.length });
}

/** Zip functions take a zip (inline or from S3), Image functions an ImageUri. */
export function checkCodeForPackageType(
  code: CodeInput,
  packageType: "Zip" | "Image",
  doing: "creating" | "updating",
): Result<CodeInput> {
  if (packageType === "Image" && code.ImageUri === undefined)
    return fail(
      "InvalidParameterValueException",
      `Please provide ImageUri when ${doing} a function with packageType Image.`,
    );
  if (packageType === "Zip" && code.ImageUri !== undefined)
    return fail(
      "InvalidParameterValueException",
      `Please don't provide ImageUri when ${doing} a function with packageType Zip.`,
    );
  return ok(code);
}
