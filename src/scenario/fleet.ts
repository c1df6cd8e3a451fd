/**
 * The fleet: templates expanded into named functions, and the selectors
 * (globs, lists of globs, { template }) that pick functions out of it.
 */
import picomatch from "picomatch";
import type { ModelDefaults } from "../model/defaults.js";
import { ON_FAILURE_NAMES, type OnFailureCode, type PlanTemplate } from "../model/plan.js";
import { toDistribution } from "./distribution.js";
import type { Path, PathIssue } from "./issues.js";
import type { KmsKeys } from "./kms-keys.js";
import type { Network } from "./network.js";
import { runtimeFamily, type SelectorInput, type TemplateInput } from "./schema.js";
import { unknownName } from "./suggest.js";
import { toUs } from "./units.js";

/** Lambda's limit on function names. */
const MAX_NAME_LENGTH = 64;
/** Functions of all templates together: ten times the largest shipped scenario (scale-1m). */
export const MAX_FUNCTIONS = 10_000_000;
const INDEX_PLACEHOLDER = /\{i(?::(\d+))?\}/g;

/** The name of function `i` of a template: {i} is the index, {i:N} the index zero-padded to N digits. */
export function expandName(pattern: string, i: number): string {
  return pattern.replace(INDEX_PLACEHOLDER, (_, width?: string) =>
    String(i).padStart(Number(width ?? 0), "0"),
  );
}

export class Fleet {
  readonly templates: PlanTemplate[] = [];
  /** Function names, by function index. */
  readonly names: string[] = [];
  readonly templateOf: Int32Array;
  /** First function index of each template; its functions are contiguous. */
  private readonly firstOf: number[] = [];
  private readonly countOf: number[] = [];
  private readonly nameIndex = new Map<string, number>();
  /** Template index by template name (the first, when a name is repeated). */
  private readonly templateIndex = new Map<string, number>();
  private overLimit = false;

  constructor(
    inputs: TemplateInput[],
    defaults: ModelDefaults,
    network: Network,
    private readonly issues: PathIssue[],
    kmsKeys: KmsKeys,
  ) {
    // Over the limit, no template is expanded: the names would only exhaust memory.
    let total = 0;
    for (const [ti, t] of inputs.entries()) {
      total += t.count;
      if (total > MAX_FUNCTIONS) {
        this.overLimit = true;
        this.report(
          ["functions", ti, "count"],
          `with this template's ${t.count} the scenario would have ${total} functions, more than the ${MAX_FUNCTIONS} all templates together may make`,
        );
        break;
      }
    }
    inputs.forEach((t, ti) => {
      const path = ["functions", ti];
      if (this.templateIndex.has(t.template)) {
        this.report([...path, "template"], `template '${t.template}' is defined twice`);
      } else this.templateIndex.set(t.template, ti);
      this.templates.push({
        name: t.template,
        runtime: t.runtime,
        memoryMb: t.memory,
        packageType: t.packageType,
        vpcConfig: t.vpc === undefined ? -1 : network.vpcConfig(t.vpc, [...path, "vpc"]),
        reservedConcurrency: t.reservedConcurrency ?? -1,
        initDuration:
          t.initDuration === undefined
            ? defaults.initDurationByRuntime[runtimeFamily(t.runtime)]
            : toDistribution(t.initDuration),
        duration: toDistribution(t.duration),
        errorRate: t.errorRate,
        timeoutUs: toUs(t.timeout),
        existing: t.existing,
        policy: {
          anyone: t.policy.includes("*"),
          accounts: t.policy.filter((p) => /^\d{12}$/.test(p)),
          arns: t.policy.filter((p) => p.startsWith("arn:")),
        },
        kmsKey: t.kmsKey === undefined ? -1 : kmsKeys.index(t.kmsKey, [...path, "kmsKey"]),
        fileSystem: this.fileSystemOf(t, network, path),
        ioThroughputMiBps: t.ioThroughput,
        ...(t.async === undefined
          ? {}
          : {
              async: {
                maximumEventAgeUs: toUs(t.async.maximumEventAge),
                maximumRetryAttempts: t.async.maximumRetryAttempts,
                onFailure: ON_FAILURE_NAMES.indexOf(t.async.onFailure) as OnFailureCode,
              },
            }),
        ...(t.recursion === undefined || !t.recursion.selfTrigger
          ? {}
          : { recursion: { probability: t.recursion.probability } }),
        architecture: t.architecture,
        ...(t.cpuScaling === undefined
          ? {}
          : {
              cpuScaling: {
                cpuShare: t.cpuScaling.cpuShare,
                measuredAtMb: t.cpuScaling.measuredAt ?? t.memory,
                threads: t.cpuScaling.threads,
              },
            }),
      });
      this.expand(t, path);
    });
    this.templateOf = new Int32Array(this.names.length);
    inputs.forEach((_, ti) => {
      this.templateOf.fill(ti, this.firstOf[ti], this.firstOf[ti] + this.countOf[ti]);
    });
  }

  /** Lambda mounts a file system through the function's VPC: no vpc, no file system. */
  private fileSystemOf(t: TemplateInput, network: Network, path: Path): number {
    if (t.fileSystem === undefined) return -1;
    const fs = network.fileSystem(t.fileSystem, [...path, "fileSystem"]);
    if (t.vpc === undefined) {
      this.report(
        [...path, "fileSystem"],
        "a function that mounts a file system needs a vpc: Lambda reaches EFS through the VPC's mount targets",
      );
    }
    return fs;
  }

  /** Index of a function by its exact name, or -1. */
  indexOf(name: string): number {
    return this.nameIndex.get(name) ?? -1;
  }

  /** The functions a selector picks, by ascending index; null (and issues) when it picks none. */
  select(selector: SelectorInput, path: Path): Int32Array | null {
    const picked = new Uint8Array(this.names.length);
    if (typeof selector === "object" && !Array.isArray(selector)) {
      const ti = this.templateIndex.get(selector.template) ?? -1;
      if (ti < 0) {
        const names = this.templates.map((t) => t.name);
        this.report([...path, "template"], unknownName("template", selector.template, names));
        return null;
      }
      picked.fill(1, this.firstOf[ti], this.firstOf[ti] + this.countOf[ti]);
    } else {
      const globs = typeof selector === "string" ? [selector] : selector;
      const before = this.issues.length;
      // Globs starting with "!" take functions away from what the others pick (from all, when no other).
      if (globs.every((g) => g.startsWith("!"))) picked.fill(1);
      globs.forEach((glob, g) => {
        const exclude = glob.startsWith("!");
        const matched = this.mark(picked, exclude ? glob.slice(1) : glob, exclude ? 0 : 1);
        if (!matched) {
          this.report(
            typeof selector === "string" ? path : [...path, g],
            `no function matches '${glob}' (${this.summary()})`,
          );
        }
      });
      if (this.issues.length > before) return null;
    }
    const targets: number[] = [];
    for (let f = 0; f < picked.length; f++) if (picked[f] === 1) targets.push(f);
    if (targets.length === 0) {
      this.report(path, "selects no function");
      return null;
    }
    return Int32Array.from(targets);
  }

  /** A short description of the fleet's names, for messages: "functions: api-0 to api-99, db". */
  summary(): string {
    if (this.names.length === 0) return "the scenario has no functions";
    const shown = 10;
    const parts = this.firstOf.slice(0, shown).flatMap((first, ti) => {
      const last = first + this.countOf[ti] - 1;
      if (last < first) return [];
      return last === first ? [this.names[first]] : [`${this.names[first]} to ${this.names[last]}`];
    });
    const more = this.firstOf.length > shown ? `, ... (${this.names.length} in all)` : "";
    return `functions: ${parts.join(", ")}${more}`;
  }

  /** Sets picked[f] = value for the functions matching `glob`; false when there are none. */
  private mark(picked: Uint8Array, glob: string, value: number): boolean {
    if (!picomatch.scan(glob).isGlob) {
      const f = this.nameIndex.get(glob);
      if (f !== undefined) picked[f] = value;
      return f !== undefined;
    }
    let isMatch: (name: string) => boolean;
    try {
      isMatch = picomatch(glob);
    } catch {
      return false;
    }
    let any = false;
    for (let f = 0; f < this.names.length; f++) {
      if (isMatch(this.names[f])) {
        picked[f] = value;
        any = true;
      }
    }
    return any;
  }

  private expand(t: TemplateInput, path: Path): void {
    const pattern = t.name ?? `${t.template}-{i}`;
    const patternPath = t.name === undefined ? [...path, "template"] : [...path, "name"];
    this.firstOf.push(this.names.length);
    if (this.overLimit) {
      this.countOf.push(0);
      return;
    }
    this.countOf.push(t.count);
    const indexed = t.count === 1 || pattern.search(INDEX_PLACEHOLDER) >= 0;
    if (!indexed) {
      this.report(
        patternPath,
        `name '${pattern}' has no {i}, so its ${t.count} functions would share one name`,
      );
    }
    const longest = expandName(pattern, t.count - 1);
    if (longest.length > MAX_NAME_LENGTH) {
      this.report(patternPath, `function name '${longest}' is longer than ${MAX_NAME_LENGTH} characters`);
    }
    let clashes = 0;
    let firstClash = "";
    let otherTemplate = -1;
    for (let i = 0; i < t.count; i++) {
      const name = expandName(pattern, i);
      const existing = this.nameIndex.get(name);
      if (existing === undefined) this.nameIndex.set(name, this.names.length);
      else if (indexed && clashes++ === 0) {
        firstClash = name;
        otherTemplate = this.templateIndexOf(existing);
      }
      this.names.push(name);
    }
    if (clashes > 0) {
      const more = clashes > 1 ? ` (and ${clashes - 1} more)` : "";
      const other = this.templates[otherTemplate].name;
      this.report(
        patternPath,
        `duplicate function name '${firstClash}'${more}: template '${other}' makes it too`,
      );
    }
  }

  private templateIndexOf(f: number): number {
    // firstOf is ascending: the last template starting at or before f.
    let lo = 0;
    let hi = this.firstOf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.firstOf[mid] <= f) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  private report(path: Path, message: string): void {
    this.issues.push({ path, message });
  }
}
