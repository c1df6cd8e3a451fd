/**
 * Published versions as the API reads them (V1): ListVersionsByFunction, and
 * GetFunction / GetFunctionConfiguration of a version or an alias. A
 * version's configuration is the function's as it was when it was published
 * (function-views.ts); the model says how many versions exist and which are
 * ready.
 */
import { functionArn, Messages, qualifiedArn } from "../model/aws-names.js";
import { isAlias, aliasOf } from "../model/qualifiers.js";
import { type ApiResponse, successResponse } from "./api/api-response.js";
import { errorResponse } from "./api/errors.js";
import type { ListVersionsByFunctionInput } from "./api/inputs-read.js";
import { paginate } from "./api/pagination.js";
import {
  type FunctionSnapshot,
  functionConfiguration,
  getFunctionOutput,
  listVersionsOutput,
} from "./api/shapes-function.js";
import type { AliasSlots } from "./alias-slots.js";
import type { FunctionRecord } from "./function-records.js";
import type { FunctionViews } from "./function-views.js";
import { type FunctionState, readState } from "./read-state.js";
import type { ServeSession } from "./session.js";

export class VersionService {
  constructor(
    private readonly session: ServeSession,
    private readonly slots: AliasSlots,
    private readonly views: FunctionViews,
    private readonly recordOf: (name: string) => FunctionRecord | undefined,
  ) {}

  /** $LATEST first, then versions 1, 2, ...; the marker keys sort in that order. */
  async list(input: ListVersionsByFunctionInput): Promise<ApiResponse> {
    const name = input.FunctionName;
    const state = await readState(this.session, name);
    const record = this.recordOf(name);
    if (state === null || record === undefined)
      return errorResponse("ResourceNotFoundException", Messages.notFound(functionArn(name)));
    const all: { key: string; snapshot: () => FunctionSnapshot }[] = [
      { key: "$LATEST", snapshot: () => this.views.latest(record, state.reading) },
    ];
    for (const v of state.versions?.versions ?? [])
      all.push({
        key: String(v.version).padStart(10, "0"),
        snapshot: () => this.views.version(record, state.reading, v),
      });
    const page = paginate(all, (x) => x.key, input.Marker, input.MaxItems);
    if (!page.ok) return errorResponse(page.problem.type, page.problem.message);
    const snapshots = page.value.items.map((x) => x.snapshot());
    return successResponse("ListVersionsByFunction", listVersionsOutput(snapshots, page.value.nextMarker));
  }

  /**
   * GetFunction or GetFunctionConfiguration of a version or an alias (an
   * alias reads as the version it points to). $LATEST and no qualifier are
   * the caller's own path.
   */
  async get(
    operation: "GetFunction" | "GetFunctionConfiguration",
    name: string,
    qualifier: string,
    tags: Readonly<Record<string, string>>,
  ): Promise<ApiResponse> {
    const state = await readState(this.session, name);
    const record = this.recordOf(name);
    if (state === null || record === undefined)
      return errorResponse("ResourceNotFoundException", Messages.notFound(functionArn(name)));
    const snapshot = this.qualified(state, record, qualifier);
    if (snapshot === null)
      return errorResponse(
        "ResourceNotFoundException",
        Messages.qualifierNotFound(qualifiedArn(name, qualifier)),
      );
    if (operation === "GetFunctionConfiguration")
      return successResponse(operation, functionConfiguration(snapshot, { qualifyLatest: true }));
    const reserved = state.reading.reservedConcurrency;
    return successResponse(
      operation,
      getFunctionOutput(snapshot, {
        tags,
        qualifyLatest: true,
        ...(reserved >= 0 ? { reservedConcurrency: reserved } : {}),
      }),
    );
  }

  private qualified(
    state: FunctionState,
    record: FunctionRecord,
    qualifier: string,
  ): FunctionSnapshot | null {
    let q = this.slots.qualifierOf(qualifier);
    if (q === null) return null;
    if (isAlias(q)) q = state.versions?.aliases.find((a) => a.alias === aliasOf(q!))?.version ?? -1;
    if (q === 0) return this.views.latest(record, state.reading);
    const v = state.versions?.versions[q - 1];
    return v === undefined ? null : this.views.version(record, state.reading, v);
  }
}
