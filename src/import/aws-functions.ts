/** `aws lambda list-functions` output: the functions and the settings the simulator models. */
import { expectOutput, ImportInputError, itemsOf, readPages, required, typeName } from "./json-input.js";

export interface AwsFunction {
  name: string;
  runtime: string | undefined;
  memoryMb: number;
  timeoutS: number;
  architecture: string;
  packageType: string;
  vpc: { vpcId: string; subnets: string[]; securityGroups: string[] } | undefined;
}

/** Fields of a function that the scenario holds; every other one is listed as not modelled. */
const MAPPED = new Set([
  "FunctionName",
  "Runtime",
  "MemorySize",
  "Timeout",
  "Architectures",
  "PackageType",
  "VpcConfig",
]);

export interface FunctionsInput {
  functions: AwsFunction[];
  /** Fields present that the scenario does not hold, with how many functions have them. */
  unmapped: Map<string, number>;
}

const stringList = (v: unknown, path: string, file: string): string[] => {
  if (v === undefined) return [];
  if (!Array.isArray(v) || v.some((s) => typeof s !== "string"))
    throw new ImportInputError(`${file}: ${path}: expected an array of strings, got ${typeName(v)}`);
  return v as string[];
};

export function readFunctions(file: string): FunctionsInput {
  const functions: AwsFunction[] = [];
  const unmapped = new Map<string, number>();
  const seen = new Set<string>();
  for (const page of readPages(file)) {
    expectOutput(page, "Functions", "a Functions array", file);
    for (const { item, path } of itemsOf(page, "Functions", file)) {
      const name = required(item, "FunctionName", "string", path, file);
      if (seen.has(name))
        throw new ImportInputError(`${file}: ${path}.FunctionName: ${name} is listed twice`);
      seen.add(name);
      const vpcConfig = item["VpcConfig"] as Record<string, unknown> | undefined;
      const subnets = stringList(vpcConfig?.["SubnetIds"], `${path}.VpcConfig.SubnetIds`, file);
      const architectures = stringList(item["Architectures"], `${path}.Architectures`, file);
      const runtime = item["Runtime"];
      if (runtime !== undefined && typeof runtime !== "string")
        throw new ImportInputError(`${file}: ${path}.Runtime: expected a string, got ${typeName(runtime)}`);
      functions.push({
        name,
        runtime,
        memoryMb: required(item, "MemorySize", "count", path, file),
        timeoutS: required(item, "Timeout", "count", path, file),
        architecture: architectures[0] ?? "x86_64",
        packageType: typeof item["PackageType"] === "string" ? item["PackageType"] : "Zip",
        vpc:
          subnets.length === 0
            ? undefined
            : {
                vpcId: typeof vpcConfig?.["VpcId"] === "string" ? vpcConfig["VpcId"] : "",
                subnets,
                securityGroups: stringList(
                  vpcConfig?.["SecurityGroupIds"],
                  `${path}.VpcConfig.SecurityGroupIds`,
                  file,
                ),
              },
      });
      for (const key of Object.keys(item)) {
        if (!MAPPED.has(key)) unmapped.set(key, (unmapped.get(key) ?? 0) + 1);
      }
    }
  }
  return { functions, unmapped };
}
