import { GetServiceQuotaCommand, ListAWSDefaultServiceQuotasCommand } from '@aws-sdk/client-service-quotas';
import { QuotaReader, serviceQuotasClient } from '../../../../lib/aws/quotas';
import { AwsStandin } from '../../../../local/aws-standin/aws-standin';
import { PUBLISHED_QUOTAS } from '../../../../local/aws-standin/quotas-standin';

process.env.AWS_ACCESS_KEY_ID ??= 'test';
process.env.AWS_SECRET_ACCESS_KEY ??= 'test';

describe('aws-standin Service Quotas (JSON 1.1 with X-Amz-Target, through the SDK)', () => {
  it('lists the published EBS copy quota; GetServiceQuota of a never-raised quota is NoSuchResourceException', async () => {
    const clients = new AwsStandin().clients(1);
    const quotas = serviceQuotasClient(clients, 'us-west-2');

    const listed = await quotas.send(new ListAWSDefaultServiceQuotasCommand({ ServiceCode: 'ebs' }));

    expect(listed.Quotas).toEqual([
      expect.objectContaining({
        ServiceCode: 'ebs',
        QuotaName: 'Concurrent snapshot copies per destination Region',
        Value: 20,
      }),
    ]);
    await expect(
      quotas.send(
        new GetServiceQuotaCommand({ ServiceCode: 'ebs', QuotaCode: listed.Quotas?.[0]?.QuotaCode }),
      ),
    ).rejects.toMatchObject({ name: 'NoSuchResourceException' });
    await expect(
      quotas.send(new ListAWSDefaultServiceQuotasCommand({ ServiceCode: 'vpc' })),
    ).rejects.toMatchObject({
      name: 'NoSuchResourceException',
    });
  });

  it("lifeboat's QuotaReader reads a raised quota as applied and a default one as default", async () => {
    const raised = PUBLISHED_QUOTAS.map((q) => (q.serviceCode === 'ebs' ? { ...q, applied: 105 } : { ...q }));
    const clients = new AwsStandin({ quotas: raised }).clients(1);
    const reader = new QuotaReader(serviceQuotasClient(clients, 'us-west-2'), 'us-west-2');

    expect(await reader.byName('ebs', 'Concurrent snapshot copies per destination Region')).toEqual({
      value: 105,
      source: 'applied',
    });
    expect(await reader.byName('rds', 'Cross-Region snapshot copy requests')).toEqual({
      value: 5,
      source: 'default',
    });
  });
});
