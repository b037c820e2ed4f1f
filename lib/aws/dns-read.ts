import {
  GetHostedZoneCommand,
  ListResourceRecordSetsCommand,
  type Route53Client,
} from '@aws-sdk/client-route-53';
import type { RecordSetInfo } from '../readiness/ports';
import { awsErrorCode, translateAwsError } from './errors';

/** `www.Example.com.` → `www.example.com` (Route 53 answers with the trailing dot). */
const normalise = (name: string) => name.toLowerCase().replace(/\.$/, '');

/** Route 53 zones and records, read for the readiness check. */
export class DnsReader {
  constructor(private readonly route53: Route53Client) {}

  /** The zone's name without the trailing dot, or undefined if there is no such zone. */
  async hostedZoneName(zoneId: string): Promise<string | undefined> {
    try {
      const out = await this.route53.send(new GetHostedZoneCommand({ Id: zoneId }));
      return out.HostedZone?.Name === undefined ? undefined : normalise(out.HostedZone.Name);
    } catch (error) {
      if (awsErrorCode(error) === 'NoSuchHostedZone') return undefined;
      throw translateAwsError(error, 'Route53 GetHostedZone', { zoneId });
    }
  }

  /**
   * Every record set named exactly `name`. Records are listed in name order from `name`, so the
   * ones at the name come first; paging stops at the first other name.
   * https://docs.aws.amazon.com/Route53/latest/APIReference/API_ListResourceRecordSets.html
   */
  async recordSets(zoneId: string, name: string): Promise<RecordSetInfo[]> {
    const wanted = normalise(name);
    const found: RecordSetInfo[] = [];
    let start: { name?: string; type?: string; identifier?: string } = { name: wanted };
    try {
      for (;;) {
        const out = await this.route53.send(
          new ListResourceRecordSetsCommand({
            HostedZoneId: zoneId,
            StartRecordName: start.name,
            StartRecordType: start.type as never,
            StartRecordIdentifier: start.identifier,
            MaxItems: 100,
          }),
        );
        const sets = out.ResourceRecordSets ?? [];
        for (const r of sets) {
          if (normalise(r.Name ?? '') !== wanted) return found;
          found.push({
            name: wanted,
            type: r.Type ?? '',
            setIdentifier: r.SetIdentifier,
            alias: r.AliasTarget !== undefined,
            values: (r.ResourceRecords ?? []).map((v) => v.Value ?? ''),
          });
        }
        if (out.IsTruncated !== true || sets.length === 0) return found;
        start = { name: out.NextRecordName, type: out.NextRecordType, identifier: out.NextRecordIdentifier };
      }
    } catch (error) {
      throw translateAwsError(error, 'Route53 ListResourceRecordSets', { zoneId, name });
    }
  }
}
