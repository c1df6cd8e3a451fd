/**
 * Customer managed KMS keys (V9). A key exists by being named: by a
 * template's kmsKey or a configuration change's; a fault naming any other
 * key is a typo, reported with the names there are.
 */
import type { Path, PathIssue } from "./issues.js";
import type { ScenarioInput } from "./schema.js";
import { unknownName } from "./suggest.js";

export class KmsKeys {
  readonly names: string[] = [];
  private readonly indexOf = new Map<string, number>();

  constructor(
    input: ScenarioInput,
    private readonly issues: PathIssue[],
  ) {
    const add = (name: string | null | undefined) => {
      if (typeof name === "string" && !this.indexOf.has(name)) {
        this.indexOf.set(name, this.names.length);
        this.names.push(name);
      }
    };
    for (const t of input.functions) add(t.kmsKey);
    for (const s of input.workload) if ("config" in s) add(s.config?.kmsKey);
    for (const e of input.events) add(e.config?.kmsKey);
  }

  /** Index of a key by name, or -1 (and an issue at `path`). */
  index(name: string, path: Path): number {
    const i = this.indexOf.get(name) ?? -1;
    if (i < 0) {
      const known = this.names.length === 0 ? " (no function or configuration uses a kmsKey)" : "";
      this.issues.push({ path, message: `${unknownName("KMS key", name, this.names)}${known}` });
    }
    return i;
  }
}
