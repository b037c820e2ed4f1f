import {
  GetServiceQuotaCommand,
  paginateListAWSDefaultServiceQuotas,
  ServiceQuotasClient,
} from '@aws-sdk/client-service-quotas';
import type { QuotaReading } from '../readiness/ports';
import type { AwsClients } from './clients';
import { awsErrorCode, translateAwsError } from './errors';

/** The ServiceQuotasClient for a region, built once per process. */
export function serviceQuotasClient(clients: AwsClients, region: string): ServiceQuotasClient {
  return clients.client('service-quotas', ServiceQuotasClient, region);
}

/** The EBS quota that bounds DR copies. https://docs.aws.amazon.com/ebs/latest/userguide/ebs-resource-quotas.html */
export const EBS_COPY_QUOTA_NAME = 'Concurrent snapshot copies per destination Region';

/** The RDS quota on cross-Region copies in flight. https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_Limits.html */
export const RDS_COPY_QUOTA_NAME = 'Cross-Region snapshot copy requests';

export type { QuotaReading };

/** Service Quotas in one region: quotas are looked up by their published name, then read applied. */
export class QuotaReader {
  constructor(
    private readonly quotas: ServiceQuotasClient,
    readonly region: string,
  ) {}

  /**
   * The applied value of the quota named `quotaName` of `serviceCode`; its default when no applied
   * value is recorded (GetServiceQuota answers NoSuchResource for quotas never changed); unknown
   * when the service or quota is not listed (moto lists only `vpc`).
   */
  async byName(serviceCode: string, quotaName: string): Promise<QuotaReading> {
    let code: string | undefined;
    let defaultValue: number | undefined;
    const wanted = quotaName.toLowerCase();
    try {
      for await (const page of paginateListAWSDefaultServiceQuotas(
        { client: this.quotas },
        { ServiceCode: serviceCode },
      )) {
        const quota = (page.Quotas ?? []).find((q) => q.QuotaName?.toLowerCase() === wanted);
        if (quota !== undefined) {
          code = quota.QuotaCode;
          defaultValue = quota.Value;
          break;
        }
      }
    } catch (error) {
      if (awsErrorCode(error) === 'NoSuchResourceException')
        return { unknown: `Service Quotas does not list ${serviceCode}` };
      throw translateAwsError(error, 'ServiceQuotas ListAWSDefaultServiceQuotas', {
        region: this.region,
        serviceCode,
      });
    }
    if (code === undefined) return { unknown: `no ${serviceCode} quota named "${quotaName}"` };
    try {
      const out = await this.quotas.send(
        new GetServiceQuotaCommand({ ServiceCode: serviceCode, QuotaCode: code }),
      );
      if (out.Quota?.Value !== undefined) return { value: out.Quota.Value, source: 'applied' };
    } catch (error) {
      if (awsErrorCode(error) !== 'NoSuchResourceException') {
        throw translateAwsError(error, 'ServiceQuotas GetServiceQuota', { region: this.region, code });
      }
    }
    return defaultValue === undefined
      ? { unknown: `no value for ${code}` }
      : { value: defaultValue, source: 'default' };
  }
}
