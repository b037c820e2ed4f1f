import {
  GetServiceQuotaCommand,
  ListAWSDefaultServiceQuotasCommand,
  NoSuchResourceException,
  ServiceQuotasClient,
} from '@aws-sdk/client-service-quotas';
import { mockClient } from 'aws-sdk-client-mock';
import { EBS_COPY_QUOTA_NAME, QuotaReader } from '../../../lib/aws/quotas';
import { AwsCallError } from '../../../lib/errors';

const quotasMock = mockClient(ServiceQuotasClient);
const noSuchResource = () =>
  new NoSuchResourceException({
    message: 'The request failed because the specified service does not exist.',
    $metadata: {},
  });

describe('QuotaReader', () => {
  const reader = new QuotaReader(new ServiceQuotasClient({ region: 'us-west-2' }), 'us-west-2');

  beforeEach(() => {
    quotasMock.reset();
    quotasMock.on(ListAWSDefaultServiceQuotasCommand).resolves({
      Quotas: [
        { QuotaName: 'Snapshots per Region', QuotaCode: 'L-309BACF6', Value: 100_000 },
        { QuotaName: EBS_COPY_QUOTA_NAME, QuotaCode: 'L-COPIES', Value: 20 },
      ],
    });
  });

  it('reads the applied value of the quota found by its published name', async () => {
    quotasMock.on(GetServiceQuotaCommand).resolves({ Quota: { QuotaCode: 'L-COPIES', Value: 100 } });

    await expect(reader.byName('ebs', EBS_COPY_QUOTA_NAME)).resolves.toEqual({
      value: 100,
      source: 'applied',
    });
    expect(quotasMock).toHaveReceivedCommandWith(GetServiceQuotaCommand, {
      ServiceCode: 'ebs',
      QuotaCode: 'L-COPIES',
    });
  });

  it('answers the default when no value was ever applied (GetServiceQuota: NoSuchResource)', async () => {
    quotasMock.on(GetServiceQuotaCommand).rejects(noSuchResource());

    await expect(reader.byName('ebs', EBS_COPY_QUOTA_NAME)).resolves.toEqual({
      value: 20,
      source: 'default',
    });
  });

  it('says the quota is unknown when the service is not listed (as moto, for ebs)', async () => {
    quotasMock.on(ListAWSDefaultServiceQuotasCommand).rejects(noSuchResource());

    await expect(reader.byName('ebs', EBS_COPY_QUOTA_NAME)).resolves.toEqual({
      unknown: 'Service Quotas does not list ebs',
    });
  });

  it('raises other refusals as AWS errors', async () => {
    const denied = Object.assign(new Error('not allowed'), { name: 'AccessDeniedException', $metadata: {} });
    quotasMock.on(GetServiceQuotaCommand).rejects(denied);

    await expect(reader.byName('ebs', EBS_COPY_QUOTA_NAME)).rejects.toBeInstanceOf(AwsCallError);
  });
});
