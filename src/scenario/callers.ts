/**
 * Callers (V8): the identities that invoke functions, each with its account,
 * ARN and identity-based policy (the functions it may invoke), and the
 * references steps and events make to them by name.
 */
import type { PlanCaller } from "../model/plan.js";
import type { Fleet } from "./fleet.js";
import type { Path, PathIssue } from "./issues.js";
import type { CallerInput } from "./schema.js";
import { unknownName } from "./suggest.js";

export class Callers {
  readonly callers: PlanCaller[] = [];
  private readonly index = new Map<string, number>();

  constructor(
    input: CallerInput[],
    fleet: Fleet,
    private readonly issues: PathIssue[],
  ) {
    input.forEach((c, i) => {
      const path = ["callers", i];
      if (this.index.has(c.name))
        issues.push({ path: [...path, "name"], message: `caller '${c.name}' is defined twice` });
      else this.index.set(c.name, i);
      let allow: Int32Array | null = new Int32Array(0);
      if (c.allow === "*") allow = null;
      else if (c.allow !== undefined) allow = fleet.select(c.allow, [...path, "allow"]) ?? new Int32Array(0);
      this.callers.push({
        name: c.name,
        account: c.account,
        arn: c.arn ?? `arn:aws:iam::${c.account}:user/${c.name}`,
        allow,
      });
    });
  }

  /** Index of a caller by name; -1 for none given (the account's administrator) or unknown (with an issue). */
  ref(name: string | undefined, path: Path): number {
    if (name === undefined) return -1;
    const i = this.index.get(name) ?? -1;
    if (i < 0)
      this.issues.push({
        path,
        message: unknownName(
          "caller",
          name,
          this.callers.map((c) => c.name),
        ),
      });
    return i;
  }
}
