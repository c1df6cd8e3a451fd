/** `aws ec2 describe-subnets` and `aws ec2 describe-network-interfaces` output. */
import { expectOutput, itemsOf, readPages, required } from "./json-input.js";

export interface AwsSubnet {
  id: string;
  vpcId: string;
  cidr: string;
  availableIps: number;
  availabilityZone: string | undefined;
}

export function readSubnets(file: string): AwsSubnet[] {
  const subnets: AwsSubnet[] = [];
  for (const page of readPages(file)) {
    expectOutput(page, "Subnets", "a Subnets array", file);
    for (const { item, path } of itemsOf(page, "Subnets", file)) {
      subnets.push({
        id: required(item, "SubnetId", "string", path, file),
        vpcId: required(item, "VpcId", "string", path, file),
        cidr: required(item, "CidrBlock", "string", path, file),
        availableIps: required(item, "AvailableIpAddressCount", "count", path, file),
        availabilityZone: typeof item["AvailabilityZone"] === "string" ? item["AvailabilityZone"] : undefined,
      });
    }
  }
  return subnets;
}

export interface AwsEni {
  subnetId: string;
  vpcId: string;
  lambda: boolean;
}

export function readEnis(file: string): AwsEni[] {
  const enis: AwsEni[] = [];
  for (const page of readPages(file)) {
    expectOutput(page, "NetworkInterfaces", "a NetworkInterfaces array", file);
    for (const { item, path } of itemsOf(page, "NetworkInterfaces", file)) {
      enis.push({
        subnetId: required(item, "SubnetId", "string", path, file),
        vpcId: required(item, "VpcId", "string", path, file),
        lambda: item["InterfaceType"] === "lambda",
      });
    }
  }
  return enis;
}
