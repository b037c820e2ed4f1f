import {
  ChangeResourceRecordSetsCommand,
  GetChangeCommand,
  ListResourceRecordSetsCommand,
  type ResourceRecordSet,
  Route53Client,
} from '@aws-sdk/client-route-53';
import { InvalidInputError } from '../errors';
import type { AwsClients } from './clients';
import { awsErrorCode, translateAwsError } from './errors';

/** A record name as Route 53 lists it (final dot, any case) compared as the config writes it. */
const normalise = (name: string) => name.replace(/\.$/, '').toLowerCase();

/** The Route53Client for a region, built once per process. */
export function route53Client(clients: AwsClients): Route53Client {
  // Route 53 is a global service; its API lives in us-east-1.
  return clients.client('route53', Route53Client, 'us-east-1');
}

export type ChangeStatus = 'PENDING' | 'INSYNC';

/** A submitted record change, as Route 53 acknowledged it. */
export interface DnsChange {
  changeId: string;
  status: ChangeStatus;
  submittedAt: string;
}

const OCTET = '(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4 = new RegExp(`^${OCTET}(\\.${OCTET}){3}$`);

/** Route 53 records in one hosted zone at a time: upsert an A record, follow the change. */
export class Route53Adapter {
  constructor(private readonly route53: Route53Client) {}

  /**
   * Points `recordName` at `ip` (UPSERT, so a retry after a lost response is harmless).
   * https://docs.aws.amazon.com/Route53/latest/APIReference/API_ChangeResourceRecordSets.html
   */
  async upsertARecord(input: {
    hostedZoneId: string;
    recordName: string;
    ip: string;
    ttl: number;
    comment: string;
  }): Promise<DnsChange> {
    // Route 53 refuses an A value that is not a dotted-quad IPv4 address (InvalidChangeBatch);
    // moto stores anything. Refuse it here, before DNS is touched, naming the record.
    if (!IPV4.test(input.ip)) {
      throw new InvalidInputError(
        `"${input.ip}" is not an IPv4 address for the A record ${input.recordName}`,
        {
          hostedZoneId: input.hostedZoneId,
          recordName: input.recordName,
        },
      );
    }
    try {
      const out = await this.route53.send(
        new ChangeResourceRecordSetsCommand({
          HostedZoneId: input.hostedZoneId,
          ChangeBatch: {
            Comment: input.comment.slice(0, 256),
            Changes: [
              {
                Action: 'UPSERT',
                ResourceRecordSet: {
                  Name: input.recordName,
                  Type: 'A',
                  TTL: input.ttl,
                  ResourceRecords: [{ Value: input.ip }],
                },
              },
            ],
          },
        }),
      );
      return {
        changeId: stripChangePrefix(out.ChangeInfo?.Id ?? ''),
        status: (out.ChangeInfo?.Status as ChangeStatus | undefined) ?? 'PENDING',
        submittedAt: (out.ChangeInfo?.SubmittedAt ?? new Date()).toISOString(),
      };
    } catch (error) {
      throw translateAwsError(error, 'Route53 ChangeResourceRecordSets', {
        hostedZoneId: input.hostedZoneId,
        recordName: input.recordName,
      });
    }
  }

  /**
   * Deletes the A record lifeboat wrote: only when the record under `recordName` is an A record
   * without SetIdentifier whose one value is `ip` (anything else is someone else's now, left
   * alone). Route 53 deletes only an exact match, so the DELETE repeats the record as found. A
   * record already gone is done (idempotent).
   * https://docs.aws.amazon.com/Route53/latest/APIReference/API_ChangeResourceRecordSets.html
   */
  async deleteARecord(input: {
    hostedZoneId: string;
    recordName: string;
    ip: string;
    comment: string;
  }): Promise<{ deleted: boolean; reason?: string }> {
    const name = normalise(input.recordName);
    let record: ResourceRecordSet | undefined;
    try {
      const out = await this.route53.send(
        new ListResourceRecordSetsCommand({
          HostedZoneId: input.hostedZoneId,
          StartRecordName: input.recordName,
          StartRecordType: 'A',
          MaxItems: 10,
        }),
      );
      record = (out.ResourceRecordSets ?? []).find(
        (r) => r.Type === 'A' && normalise(r.Name ?? '') === name && r.SetIdentifier === undefined,
      );
    } catch (error) {
      throw translateAwsError(error, 'Route53 ListResourceRecordSets', {
        hostedZoneId: input.hostedZoneId,
        recordName: input.recordName,
      });
    }
    if (record === undefined) return { deleted: false, reason: `no A record ${name}: already gone` };
    const values = (record.ResourceRecords ?? []).map((r) => r.Value);
    if (record.AliasTarget !== undefined || values.length !== 1 || values[0] !== input.ip) {
      return {
        deleted: false,
        reason: `${name} points at ${record.AliasTarget?.DNSName ?? values.join(', ')}, not at ${input.ip} that lifeboat wrote: left alone`,
      };
    }
    try {
      await this.route53.send(
        new ChangeResourceRecordSetsCommand({
          HostedZoneId: input.hostedZoneId,
          ChangeBatch: {
            Comment: input.comment.slice(0, 256),
            Changes: [
              {
                Action: 'DELETE',
                ResourceRecordSet: {
                  Name: record.Name,
                  Type: 'A',
                  TTL: record.TTL,
                  ResourceRecords: record.ResourceRecords,
                },
              },
            ],
          },
        }),
      );
    } catch (error) {
      // Deleted between the read and the DELETE (a retried step): what was asked is done.
      if (awsErrorCode(error) === 'InvalidChangeBatch' && /not found/i.test(String(error))) {
        return { deleted: false, reason: `no A record ${name}: already gone` };
      }
      throw translateAwsError(error, 'Route53 ChangeResourceRecordSets', {
        hostedZoneId: input.hostedZoneId,
        recordName: input.recordName,
      });
    }
    return { deleted: true };
  }

  /** PENDING until every Route 53 name server answers with the change, INSYNC after. */
  async changeStatus(changeId: string): Promise<ChangeStatus> {
    try {
      const out = await this.route53.send(new GetChangeCommand({ Id: changeId }));
      return (out.ChangeInfo?.Status as ChangeStatus | undefined) ?? 'PENDING';
    } catch (error) {
      throw translateAwsError(error, 'Route53 GetChange', { changeId });
    }
  }
}

/** Route 53 returns `/change/C123`; GetChange wants `C123`. */
function stripChangePrefix(id: string): string {
  return id.replace(/^\/change\//, '');
}
