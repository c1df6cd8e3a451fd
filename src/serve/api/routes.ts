/**
 * Which operation a request names: the method and URI patterns of the SDK's
 * model (`{ [_h]: [method, uri, status] }` in @aws-sdk/client-lambda), matched
 * segment by segment. Labels are percent-decoded after splitting, so an ARN the
 * SDK sends as `arn%3Aaws%3Alambda%3A...` arrives whole, and an encoded slash
 * stays inside its label (where name validation refuses it).
 */
import type { ApiOperationName } from "./operations.js";

export interface RouteMatch {
  operation: ApiOperationName;
  pathParams: { FunctionName?: string; Name?: string };
  /** The query string, decoded (Qualifier, Marker, MaxItems, ...). */
  query: URLSearchParams;
}

interface Route {
  readonly method: string;
  readonly segments: readonly string[];
  readonly operation: ApiOperationName;
}

const FUNCTIONS = "/2015-03-31/functions";
const FUNCTION = `${FUNCTIONS}/{FunctionName}`;

const ROUTE_TABLE: readonly [string, string, ApiOperationName][] = [
  ["POST", FUNCTIONS, "CreateFunction"],
  ["GET", FUNCTIONS, "ListFunctions"],
  ["GET", FUNCTION, "GetFunction"],
  ["DELETE", FUNCTION, "DeleteFunction"],
  ["GET", `${FUNCTION}/configuration`, "GetFunctionConfiguration"],
  ["PUT", `${FUNCTION}/configuration`, "UpdateFunctionConfiguration"],
  ["PUT", `${FUNCTION}/code`, "UpdateFunctionCode"],
  ["POST", `${FUNCTION}/versions`, "PublishVersion"],
  ["GET", `${FUNCTION}/versions`, "ListVersionsByFunction"],
  ["POST", `${FUNCTION}/invocations`, "Invoke"],
  ["POST", `${FUNCTION}/aliases`, "CreateAlias"],
  ["GET", `${FUNCTION}/aliases/{Name}`, "GetAlias"],
  ["PUT", `${FUNCTION}/aliases/{Name}`, "UpdateAlias"],
  ["DELETE", `${FUNCTION}/aliases/{Name}`, "DeleteAlias"],
  // Reserved concurrency: Put and Delete kept the 2017 version, Get is 2019's.
  ["PUT", "/2017-10-31/functions/{FunctionName}/concurrency", "PutFunctionConcurrency"],
  ["DELETE", "/2017-10-31/functions/{FunctionName}/concurrency", "DeleteFunctionConcurrency"],
  ["GET", "/2019-09-30/functions/{FunctionName}/concurrency", "GetFunctionConcurrency"],
  ["PUT", "/2019-09-30/functions/{FunctionName}/provisioned-concurrency", "PutProvisionedConcurrencyConfig"],
  ["GET", "/2019-09-30/functions/{FunctionName}/provisioned-concurrency", "GetProvisionedConcurrencyConfig"],
  [
    "DELETE",
    "/2019-09-30/functions/{FunctionName}/provisioned-concurrency",
    "DeleteProvisionedConcurrencyConfig",
  ],
  ["GET", "/2016-08-19/account-settings", "GetAccountSettings"],
];

const ROUTES: readonly Route[] = ROUTE_TABLE.map(([method, path, operation]) => ({
  method,
  segments: path.slice(1).split("/"),
  operation,
}));

/** The operation a request names, or null (answer unknownOperationResponse). */
export function matchRoute(method: string, rawPath: string): RouteMatch | null {
  const queryAt = rawPath.indexOf("?");
  let path = queryAt < 0 ? rawPath : rawPath.slice(0, queryAt);
  const query = new URLSearchParams(queryAt < 0 ? "" : rawPath.slice(queryAt + 1));
  if (!path.startsWith("/")) return null;
  // The AWS CLI (botocore's model) sends ListFunctions and GetAccountSettings with a trailing slash.
  if (path.length > 1 && path.endsWith("/")) path = path.slice(0, -1);
  const segments = path.slice(1).split("/");
  for (const route of ROUTES) {
    if (route.method !== method || route.segments.length !== segments.length) continue;
    const params = matchSegments(route.segments, segments);
    if (params === null) continue;
    // GET .../provisioned-concurrency?List=ALL is ListProvisionedConcurrencyConfigs, not served.
    if (route.operation === "GetProvisionedConcurrencyConfig" && query.has("List")) return null;
    return { operation: route.operation, pathParams: params, query };
  }
  return null;
}

function matchSegments(
  pattern: readonly string[],
  actual: readonly string[],
): RouteMatch["pathParams"] | null {
  const params: RouteMatch["pathParams"] = {};
  for (let i = 0; i < pattern.length; i++) {
    const want = pattern[i];
    if (want === "{FunctionName}" || want === "{Name}") {
      const value = decodeLabel(actual[i]);
      if (value === null || value === "") return null;
      if (want === "{Name}") params.Name = value;
      else params.FunctionName = value;
    } else if (want !== actual[i]) {
      return null;
    }
  }
  return params;
}

function decodeLabel(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}
