/**
 * Reserved and provisioned concurrency over a served simulation (V2, V4).
 * Put and Delete are model calls, so the simulation's checks and the
 * account's coordinator decide them (the unreserved minimum, more
 * provisioned than reserved, one change at a time); Get reads the model's
 * settings and the provisioned environments it has initialised so far.
 */
import { functionArn, Messages, qualifiedArn } from "../model/aws-names.js";
import { type ApiResponse, successResponse } from "./api/api-response.js";
import { errorResponse } from "./api/errors.js";
import type {
  FunctionConcurrencyInput,
  ProvisionedConcurrencyConfigInput,
  PutFunctionConcurrencyInput,
  PutProvisionedConcurrencyConfigInput,
} from "./api/inputs-concurrency.js";
import { provisionedConcurrencyOutput, reservedConcurrencyOutput } from "./api/shapes-concurrency.js";
import type { Failure } from "./alias-service.js";
import type { AliasSlots } from "./alias-slots.js";
import { readState } from "./read-state.js";
import type { ServeSession } from "./session.js";

export type ConcurrencyInput =
  | PutFunctionConcurrencyInput
  | FunctionConcurrencyInput
  | PutProvisionedConcurrencyConfigInput
  | ProvisionedConcurrencyConfigInput;

export class ConcurrencyService {
  /** When each provisioned configuration was last put (simulated µs), by function and qualifier. */
  private readonly lastModifiedUs = new Map<string, number>();

  constructor(
    private readonly session: ServeSession,
    private readonly slots: AliasSlots,
    private readonly fail: Failure,
    private readonly epochMsAt: (simUs: number) => number,
  ) {}

  handle(input: ConcurrencyInput): Promise<ApiResponse> {
    switch (input.operation) {
      case "PutFunctionConcurrency":
        return this.putReserved(input);
      case "GetFunctionConcurrency":
        return this.getReserved(input.FunctionName);
      case "DeleteFunctionConcurrency":
        return this.deleteReserved(input.FunctionName);
      case "PutProvisionedConcurrencyConfig":
        return this.putProvisioned(input);
      case "GetProvisionedConcurrencyConfig":
        return this.getProvisioned(input);
      case "DeleteProvisionedConcurrencyConfig":
        return this.deleteProvisioned(input);
    }
  }

  /** DeleteFunction took the function's settings with it. */
  forgetFunction(name: string): void {
    for (const k of [...this.lastModifiedUs.keys()])
      if (k.startsWith(`${name}\n`)) this.lastModifiedUs.delete(k);
  }

  /**
   * The account's unreserved concurrency now: its limit less what every
   * function sets aside, as the coordinator counts it (a reservation, or
   * else the function's provisioned concurrency).
   */
  async unreserved(): Promise<number> {
    const limit = this.session.served.plan.account.concurrencyLimit;
    const taken = await this.session.inspect((control) => {
      let sum = 0;
      for (const name of this.session.names()) {
        const g = this.session.indexOf(name);
        if (control.read(g).state === "Absent") continue;
        const vs = control.readVersions(g);
        if (vs !== null) sum += vs.reserved >= 0 ? vs.reserved : vs.provisionedTotal;
      }
      return sum;
    });
    return Math.max(0, limit - taken);
  }

  private async putReserved(input: PutFunctionConcurrencyInput): Promise<ApiResponse> {
    const reserved = input.ReservedConcurrentExecutions;
    const answer = await this.session.submit({
      operation: "PutFunctionConcurrency",
      functionName: input.FunctionName,
      params: { reservedConcurrentExecutions: reserved },
    });
    if (answer.error !== 0) return this.fail(answer, input.FunctionName, "PutFunctionConcurrency");
    return successResponse("PutFunctionConcurrency", reservedConcurrencyOutput(reserved));
  }

  private async getReserved(name: string): Promise<ApiResponse> {
    const state = await readState(this.session, name);
    if (state === null) return notFound(name);
    const reserved = state.reading.reservedConcurrency;
    return successResponse(
      "GetFunctionConcurrency",
      reservedConcurrencyOutput(reserved >= 0 ? reserved : undefined),
    );
  }

  private async deleteReserved(name: string): Promise<ApiResponse> {
    const answer = await this.session.submit({ operation: "DeleteFunctionConcurrency", functionName: name });
    if (answer.error !== 0) return this.fail(answer, name, "DeleteFunctionConcurrency");
    return successResponse("DeleteFunctionConcurrency");
  }

  private async putProvisioned(input: PutProvisionedConcurrencyConfigInput): Promise<ApiResponse> {
    const name = input.FunctionName;
    const q = this.slots.qualifierOf(input.Qualifier);
    if (q === null) return qualifierNotFound(name, input.Qualifier);
    const answer = await this.session.submit({
      operation: "PutProvisionedConcurrencyConfig",
      functionName: name,
      params: { qualifier: q, provisionedConcurrentExecutions: input.ProvisionedConcurrentExecutions },
    });
    if (answer.error !== 0) return this.fail(answer, name, "PutProvisionedConcurrencyConfig");
    this.lastModifiedUs.set(key(name, q), answer.arrivedUs);
    // Lambda accepts the configuration (202) before allocating anything: it reads IN_PROGRESS.
    return successResponse(
      "PutProvisionedConcurrencyConfig",
      provisionedConcurrencyOutput({
        requested: input.ProvisionedConcurrentExecutions,
        allocated: 0,
        available: 0,
        status: "IN_PROGRESS",
        lastModifiedMs: this.epochMsAt(answer.arrivedUs),
      }),
    );
  }

  private async getProvisioned(input: ProvisionedConcurrencyConfigInput): Promise<ApiResponse> {
    const name = input.FunctionName;
    const state = await readState(this.session, name);
    if (state === null) return notFound(name);
    const q = this.slots.qualifierOf(input.Qualifier);
    const config = q === null ? undefined : state.versions?.provisioned.find((c) => c.qualifier === q);
    if (q === null || config === undefined)
      return errorResponse(
        "ProvisionedConcurrencyConfigNotFoundException",
        "No Provisioned Concurrency Config found for this function",
      );
    return successResponse(
      "GetProvisionedConcurrencyConfig",
      provisionedConcurrencyOutput({
        requested: config.requested,
        allocated: config.allocated,
        available: config.available,
        status: config.status,
        ...(config.status === "FAILED"
          ? {
              statusReason:
                "Provisioned environments failed to initialise (the init of the function's code failed)",
            }
          : {}),
        lastModifiedMs: this.epochMsAt(this.lastModifiedUs.get(key(name, q)) ?? 0),
      }),
    );
  }

  private async deleteProvisioned(input: ProvisionedConcurrencyConfigInput): Promise<ApiResponse> {
    const name = input.FunctionName;
    const q = this.slots.qualifierOf(input.Qualifier);
    if (q === null) return qualifierNotFound(name, input.Qualifier);
    const answer = await this.session.submit({
      operation: "DeleteProvisionedConcurrencyConfig",
      functionName: name,
      params: { qualifier: q },
    });
    if (answer.error !== 0) return this.fail(answer, name, "DeleteProvisionedConcurrencyConfig");
    this.lastModifiedUs.delete(key(name, q));
    return successResponse("DeleteProvisionedConcurrencyConfig");
  }
}

function key(name: string, q: number): string {
  return `${name}\n${q}`;
}

function notFound(name: string): ApiResponse {
  return errorResponse("ResourceNotFoundException", Messages.notFound(functionArn(name)));
}

function qualifierNotFound(name: string, qualifier: string): ApiResponse {
  return errorResponse(
    "ResourceNotFoundException",
    Messages.qualifierNotFound(qualifiedArn(name, qualifier)),
  );
}
