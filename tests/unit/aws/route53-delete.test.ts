import {
  ChangeResourceRecordSetsCommand,
  InvalidChangeBatch,
  ListResourceRecordSetsCommand,
  Route53Client,
} from '@aws-sdk/client-route-53';
import { mockClient } from 'aws-sdk-client-mock';
import { Route53Adapter } from '../../../lib/aws/route53';
import { AwsCallError } from '../../../lib/errors';

const route53Mock = mockClient(Route53Client);
const ZONE = 'Z0123456789ABCDEFGHIJ';
const input = {
  hostedZoneId: ZONE,
  recordName: 'sandbox.example.com',
  ip: '203.0.113.9',
  comment: 'promote',
};

describe('Route53Adapter.deleteARecord (the sandbox record, at promote)', () => {
  const adapter = new Route53Adapter(new Route53Client({ region: 'us-east-1' }));

  beforeEach(() => route53Mock.reset());

  it('DELETEs exactly the record found (name, type, TTL, value): Route 53 deletes only an exact match', async () => {
    route53Mock.on(ListResourceRecordSetsCommand).resolves({
      ResourceRecordSets: [
        { Name: 'sandbox.example.com.', Type: 'A', TTL: 60, ResourceRecords: [{ Value: '203.0.113.9' }] },
        { Name: 'www.example.com.', Type: 'A', TTL: 60, ResourceRecords: [{ Value: '198.51.100.7' }] },
      ],
      IsTruncated: false,
      MaxItems: 10,
    });
    route53Mock
      .on(ChangeResourceRecordSetsCommand)
      .resolves({ ChangeInfo: { Id: '/change/C1', Status: 'PENDING', SubmittedAt: new Date() } });

    expect(await adapter.deleteARecord(input)).toEqual({ deleted: true });
    expect(route53Mock).toHaveReceivedCommandWith(ListResourceRecordSetsCommand, {
      HostedZoneId: ZONE,
      StartRecordName: 'sandbox.example.com',
      StartRecordType: 'A',
    });
    expect(route53Mock).toHaveReceivedCommandWith(ChangeResourceRecordSetsCommand, {
      HostedZoneId: ZONE,
      ChangeBatch: {
        Comment: 'promote',
        Changes: [
          {
            Action: 'DELETE',
            ResourceRecordSet: {
              Name: 'sandbox.example.com.',
              Type: 'A',
              TTL: 60,
              ResourceRecords: [{ Value: '203.0.113.9' }],
            },
          },
        ],
      },
    });
  });

  it('leaves a record that points elsewhere now, or has a SetIdentifier, alone', async () => {
    route53Mock
      .on(ListResourceRecordSetsCommand)
      .resolvesOnce({
        ResourceRecordSets: [
          { Name: 'sandbox.example.com.', Type: 'A', TTL: 60, ResourceRecords: [{ Value: '192.0.2.1' }] },
        ],
        IsTruncated: false,
        MaxItems: 10,
      })
      .resolvesOnce({
        ResourceRecordSets: [
          {
            Name: 'sandbox.example.com.',
            Type: 'A',
            SetIdentifier: 'blue',
            TTL: 60,
            ResourceRecords: [{ Value: '203.0.113.9' }],
          },
        ],
        IsTruncated: false,
        MaxItems: 10,
      });

    expect(await adapter.deleteARecord(input)).toEqual({
      deleted: false,
      reason: 'sandbox.example.com points at 192.0.2.1, not at 203.0.113.9 that lifeboat wrote: left alone',
    });
    expect(await adapter.deleteARecord(input)).toEqual({
      deleted: false,
      reason: 'no A record sandbox.example.com: already gone',
    });
    expect(route53Mock).not.toHaveReceivedCommand(ChangeResourceRecordSetsCommand);
  });

  it('is idempotent: a record deleted between the read and the DELETE is done; other refusals fail', async () => {
    route53Mock.on(ListResourceRecordSetsCommand).resolves({
      ResourceRecordSets: [
        { Name: 'sandbox.example.com.', Type: 'A', TTL: 60, ResourceRecords: [{ Value: '203.0.113.9' }] },
      ],
      IsTruncated: false,
      MaxItems: 10,
    });
    route53Mock
      .on(ChangeResourceRecordSetsCommand)
      .rejectsOnce(
        new InvalidChangeBatch({
          $metadata: {},
          message:
            'Tried to delete resource record set [name=sandbox.example.com., type=A] but it was not found',
        }),
      )
      .rejectsOnce(
        new InvalidChangeBatch({ $metadata: {}, message: 'RRSet of type A with DNS name is not permitted' }),
      );

    expect(await adapter.deleteARecord(input)).toEqual({
      deleted: false,
      reason: 'no A record sandbox.example.com: already gone',
    });
    await expect(adapter.deleteARecord(input)).rejects.toBeInstanceOf(AwsCallError);
  });
});
