/**
 * Whether a request is signed as the SDK and the AWS CLI sign it (SigV4:
 * `Authorization: AWS4-HMAC-SHA256 Credential=AKID/20261205/us-east-1/lambda/aws4_request,
 * SignedHeaders=..., Signature=...`). The simulator checks the header's form,
 * not the signature: any credentials are good, but an unsigned request is
 * refused as AWS refuses it, 403 MissingAuthenticationTokenException. The
 * credential scope's region is the region the caller believes it talks to,
 * for the ARNs of the answers.
 */
import { headerValue, type RequestHeaders } from "./headers.js";
import { fail, ok, type Result } from "./problem.js";

export interface SigV4Credential {
  accessKeyId: string;
  /** The scope's date, yyyymmdd. */
  date: string;
  region: string;
  service: string;
}

const ALGORITHM = "AWS4-HMAC-SHA256";

export function checkAuthorization(headers: RequestHeaders): Result<SigV4Credential> {
  const header = headerValue(headers, "Authorization");
  if (header === undefined || header.trim() === "")
    return fail("MissingAuthenticationTokenException", "Missing Authentication Token");
  const space = header.indexOf(" ");
  const algorithm = space < 0 ? header : header.slice(0, space);
  const params = new Map<string, string>();
  for (const part of (space < 0 ? "" : header.slice(space + 1)).split(",")) {
    const eq = part.indexOf("=");
    if (eq > 0) params.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const missing: string[] = [];
  for (const name of ["Credential", "Signature", "SignedHeaders"])
    if (!params.has(name)) missing.push(`Authorization header requires '${name}' parameter.`);
  if (headerValue(headers, "X-Amz-Date") === undefined && headerValue(headers, "Date") === undefined)
    missing.push("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  if (missing.length > 0)
    return fail("IncompleteSignatureException", `${missing.join(" ")} Authorization=${header}`);
  if (algorithm !== ALGORITHM)
    return fail(
      "IncompleteSignatureException",
      `Unsupported AWS 'algorithm': '${algorithm}', expected '${ALGORITHM}'.`,
    );
  return credentialScope(params.get("Credential") as string);
}

function credentialScope(credential: string): Result<SigV4Credential> {
  const parts = credential.split("/");
  if (parts.length !== 5 || parts.some((part) => part === ""))
    return fail(
      "IncompleteSignatureException",
      `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${credential}'`,
    );
  const [accessKeyId, date, region, service, terminator] = parts;
  if (terminator !== "aws4_request")
    return fail(
      "InvalidSignatureException",
      `Credential should be scoped with a valid terminator: 'aws4_request', not '${terminator}'.`,
    );
  if (service !== "lambda")
    return fail("InvalidSignatureException", "Credential should be scoped to correct service: 'lambda'.");
  if (!/^[a-z0-9-]+$/.test(region))
    return fail(
      "InvalidSignatureException",
      `Credential should be scoped to a valid region, not '${region}'.`,
    );
  return ok({ accessKeyId, date, region, service });
}
