import { refuse } from './wire';

/** A quota as Service Quotas lists it: its default, and an applied value once an increase was granted. */
export interface StandinQuota {
  serviceCode: string;
  serviceName: string;
  quotaCode: string;
  quotaName: string;
  defaultValue: number;
  applied?: number;
}

/**
 * The published defaults of the quotas lifeboat reads (lib/backup/copy-limits.ts). The codes are
 * the stand-in's own (lifeboat looks quotas up by name, never by code).
 * https://docs.aws.amazon.com/ebs/latest/userguide/ebs-resource-quotas.html
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_Limits.html
 */
export const PUBLISHED_QUOTAS: StandinQuota[] = [
  {
    serviceCode: 'ebs',
    serviceName: 'Amazon Elastic Block Store (Amazon EBS)',
    quotaCode: 'L-STANDIN-EBS-COPY',
    quotaName: 'Concurrent snapshot copies per destination Region',
    defaultValue: 20,
  },
  {
    serviceCode: 'rds',
    serviceName: 'Amazon Relational Database Service (Amazon RDS)',
    quotaCode: 'L-STANDIN-RDS-COPY',
    quotaName: 'Cross-Region snapshot copy requests',
    defaultValue: 5,
  },
];

function quotaJson(q: StandinQuota, region: string, accountId: string, value: number) {
  return {
    ServiceCode: q.serviceCode,
    ServiceName: q.serviceName,
    QuotaArn: `arn:aws:servicequotas:${region}:${accountId}:${q.serviceCode}/${q.quotaCode}`,
    QuotaCode: q.quotaCode,
    QuotaName: q.quotaName,
    Value: value,
    Unit: 'None',
    Adjustable: true,
    GlobalQuota: false,
  };
}

/** Service Quotas of one region, in its JSON 1.1 protocol (ListAWSDefaultServiceQuotas, GetServiceQuota, GetAWSDefaultServiceQuota). */
export class QuotasStandin {
  constructor(
    readonly region: string,
    readonly quotas: StandinQuota[],
    private readonly accountId: string,
  ) {}

  /** The JSON answer to one operation (the name after `ServiceQuotasV20190624.` in X-Amz-Target). */
  handle(operation: string, input: Record<string, unknown>): unknown {
    const serviceCode = typeof input.ServiceCode === 'string' ? input.ServiceCode : undefined;
    if (serviceCode === undefined) refuse('IllegalArgumentException', 'ServiceCode is required');
    const ofService = this.quotas.filter((q) => q.serviceCode === serviceCode);
    if (ofService.length === 0)
      refuse('NoSuchResourceException', `The service ${serviceCode} does not exist.`);
    switch (operation) {
      case 'ListAWSDefaultServiceQuotas':
        return { Quotas: ofService.map((q) => quotaJson(q, this.region, this.accountId, q.defaultValue)) };
      case 'GetAWSDefaultServiceQuota':
        return {
          Quota: quotaJson(
            this.quota(ofService, input),
            this.region,
            this.accountId,
            this.quota(ofService, input).defaultValue,
          ),
        };
      case 'GetServiceQuota': {
        const q = this.quota(ofService, input);
        // A quota never raised has no applied value: Service Quotas answers NoSuchResource.
        if (q.applied === undefined)
          refuse('NoSuchResourceException', `No applied value for ${q.quotaCode}.`);
        return { Quota: quotaJson(q, this.region, this.accountId, q.applied) };
      }
      default:
        return refuse('InvalidAction', `${operation} is not stood in (aws-standin)`);
    }
  }

  private quota(ofService: StandinQuota[], input: Record<string, unknown>): StandinQuota {
    const q = ofService.find((x) => x.quotaCode === input.QuotaCode);
    if (q === undefined)
      refuse('NoSuchResourceException', `The quota ${String(input.QuotaCode)} does not exist.`);
    return q;
  }
}
