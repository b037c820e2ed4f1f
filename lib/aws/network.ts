import { type EC2Client, paginateDescribeSecurityGroups, paginateDescribeSubnets } from '@aws-sdk/client-ec2';
import type { GroupIngress } from '../recovery/ports';
import { translateAwsError } from './errors';

/** Subnets and security groups in one region, read for the readiness check. */
export class NetworkReader {
  constructor(
    private readonly ec2: EC2Client,
    readonly region: string,
  ) {}

  /**
   * The subnets among `ids` that exist. Asked with a `subnet-id` filter rather than `SubnetIds`,
   * which fails the whole call (InvalidSubnetID.NotFound) when one of them is gone.
   */
  async existingSubnets(ids: string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const found: string[] = [];
    try {
      for await (const page of paginateDescribeSubnets(
        { client: this.ec2 },
        { Filters: [{ Name: 'subnet-id', Values: ids }] },
      )) {
        for (const s of page.Subnets ?? []) if (s.SubnetId !== undefined) found.push(s.SubnetId);
      }
    } catch (error) {
      throw translateAwsError(error, 'EC2 DescribeSubnets', { region: this.region, ids });
    }
    return found;
  }

  /** The groups among `ids` that exist and who they let in (a `group-id` filter, for the same reason). */
  async securityGroups(ids: string[]): Promise<GroupIngress[]> {
    if (ids.length === 0) return [];
    const groups: GroupIngress[] = [];
    try {
      for await (const page of paginateDescribeSecurityGroups(
        { client: this.ec2 },
        { Filters: [{ Name: 'group-id', Values: ids }] },
      )) {
        for (const g of page.SecurityGroups ?? []) {
          const rules = g.IpPermissions ?? [];
          groups.push({
            groupId: g.GroupId ?? '',
            cidrs: rules.flatMap((r) => (r.IpRanges ?? []).map((x) => x.CidrIp ?? '')),
            ipv6Cidrs: rules.flatMap((r) => (r.Ipv6Ranges ?? []).map((x) => x.CidrIpv6 ?? '')),
            prefixLists: rules.flatMap((r) => (r.PrefixListIds ?? []).map((x) => x.PrefixListId ?? '')),
          });
        }
      }
    } catch (error) {
      throw translateAwsError(error, 'EC2 DescribeSecurityGroups', { region: this.region, ids });
    }
    return groups;
  }
}
