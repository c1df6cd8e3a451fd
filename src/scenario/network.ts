/**
 * VPCs, subnets and the VPC configurations functions use. Each distinct
 * configuration (VPC, subnet set, security-group set) is compiled once, and
 * each (subnet, security-group set) once as an ENI key: the unit of
 * Hyperplane ENI sharing.
 */
import { createHash } from "node:crypto";
import type { PlanEniKey, PlanFileSystem, PlanSubnet, PlanVpc, PlanVpcConfig } from "../model/plan.js";
import type { Path, PathIssue } from "./issues.js";
import { capacityOfCidr, parseCidr, type ScenarioInput, type VpcRefInput } from "./schema.js";
import { expectedOneOf, unknownName } from "./suggest.js";

export class Network {
  readonly vpcs: PlanVpc[] = [];
  readonly subnets: PlanSubnet[] = [];
  readonly vpcConfigs: PlanVpcConfig[] = [];
  readonly eniKeys: PlanEniKey[] = [];
  readonly fileSystems: PlanFileSystem[] = [];
  private readonly fileSystemIndex = new Map<string, number>();
  private readonly subnetIndex = new Map<string, number>();
  private readonly securityGroups: string[][] = [];
  private readonly configIndex = new Map<string, number>();
  private readonly eniKeyIndex = new Map<string, number>();

  constructor(
    input: ScenarioInput["network"],
    private readonly issues: PathIssue[],
  ) {
    const vpcIds = new Map<string, number>();
    input.vpcs.forEach((vpc, v) => {
      const path = ["network", "vpcs", v];
      if (vpcIds.has(vpc.id)) this.report([...path, "id"], `VPC '${vpc.id}' is declared twice`);
      vpcIds.set(vpc.id, v);
      this.vpcs.push({
        id: vpc.id,
        eniQuota: vpc.eniQuota,
        enisUsedByOthers: vpc.enisUsedByOthers,
        securityGroups: [...vpc.securityGroups],
      });
      this.securityGroups.push(vpc.securityGroups);
      const groups = new Set<string>();
      vpc.securityGroups.forEach((sg, g) => {
        if (groups.has(sg)) {
          this.report([...path, "securityGroups", g], `security group '${sg}' is declared twice`);
        }
        groups.add(sg);
      });
      const ranges: { first: number; size: number; id: string }[] = [];
      vpc.subnets.forEach((subnet, s) => {
        const subnetPath = [...path, "subnets", s];
        if (this.subnetIndex.has(subnet.id))
          this.report([...subnetPath, "id"], `subnet '${subnet.id}' is declared twice`);
        if (subnet.cidr !== undefined) {
          const range = parseCidr(subnet.cidr) as { first: number; size: number };
          const overlap = ranges.find(
            (r) => r.first < range.first + range.size && range.first < r.first + r.size,
          );
          if (overlap !== undefined) {
            this.report(
              [...subnetPath, "cidr"],
              `${subnet.cidr} overlaps subnet '${overlap.id}' of the same VPC`,
            );
          }
          ranges.push({ ...range, id: subnet.id });
        }
        this.subnetIndex.set(subnet.id, this.subnets.length);
        this.subnets.push({
          id: subnet.id,
          vpc: v,
          capacityIps: subnet.cidr === undefined ? subnet.capacity! : capacityOfCidr(subnet.cidr),
          usedByOthersIps: subnet.usedByOthers,
          cidr: subnet.cidr ?? null,
        });
      });
    });
    const fileSystemIds = new Map<string, number>();
    input.fileSystems.forEach((fs, i) => {
      if (!fileSystemIds.has(fs.id)) fileSystemIds.set(fs.id, i);
      else this.report(["network", "fileSystems", i, "id"], `file system '${fs.id}' is declared twice`);
      const accessPoint = fs.accessPoint ?? derivedAccessPoint(fs.id);
      if (!this.fileSystemIndex.has(fs.id)) this.fileSystemIndex.set(fs.id, this.fileSystems.length);
      this.fileSystems.push({
        id: fs.id,
        accessPointArn: `arn:aws:elasticfilesystem:${fs.region}:${fs.account}:access-point/${accessPoint}`,
        baselineMiBps: fs.baselineThroughput,
        burstMiBps: fs.burstThroughput ?? Math.max(100, fs.baselineThroughput),
        burstCreditsMiB: fs.burstCredits,
      });
    });
  }

  /** Index of a file system by id, or -1 (and an issue at `path`). */
  fileSystem(id: string, path: Path): number {
    const index = this.fileSystemIndex.get(id) ?? -1;
    if (index < 0)
      this.report(
        path,
        unknownName(
          "file system",
          id,
          this.fileSystems.map((f) => f.id),
        ),
      );
    return index;
  }

  /** Index of a subnet by id, or -1 (and an issue at `path`). */
  subnet(id: string, path: Path): number {
    const index = this.subnetIndex.get(id);
    if (index !== undefined) return index;
    this.report(path, unknownName("subnet", id, [...this.subnetIndex.keys()]));
    return -1;
  }

  /** Index into vpcConfigs of a function's VPC settings, or -1 (and issues) when they are not valid. */
  vpcConfig(ref: VpcRefInput, path: Path): number {
    const before = this.issues.length;
    const subnets: number[] = [];
    let vpc = -1;
    for (const [i, id] of ref.subnets.entries()) {
      const at = [...path, "subnets", i];
      if (ref.subnets.indexOf(id) !== i) {
        this.report(at, `subnet '${id}' is listed twice`);
        continue;
      }
      const s = this.subnet(id, at);
      if (s < 0) continue;
      const subnetVpc = this.subnets[s].vpc;
      if (vpc >= 0 && subnetVpc !== vpc) {
        const first = this.subnets[subnets[0]];
        this.report(
          at,
          `all subnets of a function must be in one VPC: '${id}' is in ${this.vpcs[subnetVpc].id}, '${first.id}' in ${this.vpcs[vpc].id}`,
        );
        continue;
      }
      vpc = subnetVpc;
      subnets.push(s);
    }
    if (vpc >= 0) {
      const declared = this.securityGroups[vpc];
      ref.securityGroups.forEach((sg, i) => {
        const at = [...path, "securityGroups", i];
        if (ref.securityGroups.indexOf(sg) !== i) this.report(at, `security group '${sg}' is listed twice`);
        else if (!declared.includes(sg)) {
          this.report(
            at,
            `security group '${sg}' is not declared in ${this.vpcs[vpc].id}, ${expectedOneOf(sg, declared)}`,
          );
        }
      });
    }
    if (this.issues.length > before || vpc < 0) return -1;
    subnets.sort((a, b) => a - b);
    const securityGroups = [...ref.securityGroups].sort();
    const key = `${vpc}|${subnets.join(",")}|${securityGroups.join(",")}`;
    let index = this.configIndex.get(key);
    if (index === undefined) {
      index = this.vpcConfigs.length;
      this.configIndex.set(key, index);
      const eniKeys = subnets.map((s) => this.eniKey(s, securityGroups.join(",")));
      this.vpcConfigs.push({ vpc, subnets, securityGroups, eniKeys });
    }
    return index;
  }

  private eniKey(subnet: number, securityGroups: string): number {
    const key = `${subnet}|${securityGroups}`;
    let index = this.eniKeyIndex.get(key);
    if (index === undefined) {
      index = this.eniKeys.length;
      this.eniKeyIndex.set(key, index);
      this.eniKeys.push({ subnet, securityGroups });
    }
    return index;
  }

  private report(path: Path, message: string): void {
    this.issues.push({ path, message });
  }
}

/** A stable access point id for a file system that names none: fsap- and 17 hex digits of its id's hash. */
function derivedAccessPoint(id: string): string {
  return `fsap-${createHash("sha256").update(id).digest("hex").slice(0, 17)}`;
}
