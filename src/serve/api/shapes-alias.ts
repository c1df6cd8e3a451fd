/**
 * AliasConfiguration, the output of CreateAlias, GetAlias and UpdateAlias.
 * Lambda prints Description even when empty, and RoutingConfig only when the
 * alias routes to a second version.
 */
import { functionArn } from "../../model/aws-names.js";
import { DEFAULT_SCOPE, type ArnScope } from "./shapes-function.js";

export interface AliasSnapshot {
  functionName: string;
  name: string;
  functionVersion: string;
  description: string;
  /** The second version and the share of invocations it gets (0-1). */
  additionalVersionWeights?: Readonly<Record<string, number>>;
  revisionId: string;
}

export function aliasConfiguration(
  alias: AliasSnapshot,
  scope: ArnScope = DEFAULT_SCOPE,
): Record<string, unknown> {
  const out: Record<string, unknown> = {
    AliasArn: `${functionArn(alias.functionName, scope.accountId, scope.region)}:${alias.name}`,
    Name: alias.name,
    FunctionVersion: alias.functionVersion,
    Description: alias.description,
  };
  const weights = alias.additionalVersionWeights;
  if (weights !== undefined && Object.keys(weights).length > 0)
    out.RoutingConfig = { AdditionalVersionWeights: { ...weights } };
  out.RevisionId = alias.revisionId;
  return out;
}
