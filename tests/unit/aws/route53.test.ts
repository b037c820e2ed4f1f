import { ChangeResourceRecordSetsCommand, GetChangeCommand, Route53Client } from '@aws-sdk/client-route-53';
import { mockClient } from 'aws-sdk-client-mock';
import { Route53Adapter } from '../../../lib/aws/route53';
import { InvalidInputError, ThrottledError } from '../../../lib/errors';

const route53Mock = mockClient(Route53Client);

describe('Route53Adapter', () => {
  const adapter = new Route53Adapter(new Route53Client({ region: 'us-east-1' }));

  beforeEach(() => route53Mock.reset());

  it('UPSERTs one A record with the TTL and returns the bare change id', async () => {
    route53Mock.on(ChangeResourceRecordSetsCommand).resolves({
      ChangeInfo: {
        Id: '/change/C0123456789',
        Status: 'PENDING',
        SubmittedAt: new Date('2026-11-22T09:41:00Z'),
      },
    });

    const change = await adapter.upsertARecord({
      hostedZoneId: 'Z0123456789ABCDEFGHIJ',
      recordName: 'www.example.com',
      ip: '198.51.100.7',
      ttl: 60,
      comment: 'lifeboat recovery',
    });

    expect(change).toEqual({
      changeId: 'C0123456789',
      status: 'PENDING',
      submittedAt: '2026-11-22T09:41:00.000Z',
    });
    expect(route53Mock).toHaveReceivedCommandWith(ChangeResourceRecordSetsCommand, {
      HostedZoneId: 'Z0123456789ABCDEFGHIJ',
      ChangeBatch: {
        Comment: 'lifeboat recovery',
        Changes: [
          {
            Action: 'UPSERT',
            ResourceRecordSet: {
              Name: 'www.example.com',
              Type: 'A',
              TTL: 60,
              ResourceRecords: [{ Value: '198.51.100.7' }],
            },
          },
        ],
      },
    });
  });

  it.each(['', '10.0.1', '256.1.1.1', '2001:db8::1', 'ip-10-0-1-7.ec2.internal'])(
    'refuses the A value "%s" before calling Route 53, which answers InvalidChangeBatch (moto stores it)',
    async (ip) => {
      await expect(
        adapter.upsertARecord({
          hostedZoneId: 'Z0123456789ABCDEFGHIJ',
          recordName: 'www.example.com',
          ip,
          ttl: 60,
          comment: '',
        }),
      ).rejects.toBeInstanceOf(InvalidInputError);
      expect(route53Mock.commandCalls(ChangeResourceRecordSetsCommand)).toHaveLength(0);
    },
  );

  it('cuts the change comment to the 256 characters Route 53 accepts', async () => {
    route53Mock.on(ChangeResourceRecordSetsCommand).resolves({
      ChangeInfo: { Id: '/change/C1', Status: 'PENDING', SubmittedAt: new Date() },
    });

    await adapter.upsertARecord({
      hostedZoneId: 'Z1',
      recordName: 'www.example.com',
      ip: '198.51.100.7',
      ttl: 60,
      comment: 'x'.repeat(300),
    });

    expect(route53Mock).toHaveReceivedCommandWith(ChangeResourceRecordSetsCommand, {
      ChangeBatch: expect.objectContaining({ Comment: 'x'.repeat(256) }),
    });
  });

  it('reports a change PENDING until Route 53 says INSYNC', async () => {
    route53Mock
      .on(GetChangeCommand)
      .resolvesOnce({ ChangeInfo: { Id: 'C1', Status: 'PENDING', SubmittedAt: new Date() } })
      .resolves({ ChangeInfo: { Id: 'C1', Status: 'INSYNC', SubmittedAt: new Date() } });

    expect(await adapter.changeStatus('C1')).toBe('PENDING');
    expect(await adapter.changeStatus('C1')).toBe('INSYNC');
  });

  it('turns PriorRequestNotComplete (a change to the zone in flight) into ThrottledError', async () => {
    route53Mock
      .on(ChangeResourceRecordSetsCommand)
      .rejects(Object.assign(new Error('in progress'), { name: 'PriorRequestNotComplete' }));

    await expect(
      adapter.upsertARecord({
        hostedZoneId: 'Z1',
        recordName: 'www.example.com',
        ip: '198.51.100.7',
        ttl: 60,
        comment: '',
      }),
    ).rejects.toBeInstanceOf(ThrottledError);
  });
});
