/**
 * On-demand prices in USD per hour, RDS for MySQL, Single-AZ, US East (N. Virginia), as published
 * on https://aws.amazon.com/rds/mysql/pricing/ (late 2026). They place a database in a cost class,
 * not on an invoice: other regions, engines, Multi-AZ and Aurora differ by tens of percent, which
 * rarely moves a database across a class boundary. A class not in the table is said to be unknown.
 */
const HOURLY_USD: Readonly<Record<string, number>> = {
  'db.t2.micro': 0.017,
  'db.t2.small': 0.034,
  'db.t2.medium': 0.068,
  'db.t2.large': 0.136,
  'db.t3.micro': 0.017,
  'db.t3.small': 0.034,
  'db.t3.medium': 0.068,
  'db.t3.large': 0.136,
  'db.t3.xlarge': 0.272,
  'db.t3.2xlarge': 0.544,
  'db.t4g.micro': 0.016,
  'db.t4g.small': 0.032,
  'db.t4g.medium': 0.065,
  'db.t4g.large': 0.129,
  'db.t4g.xlarge': 0.258,
  'db.t4g.2xlarge': 0.517,
  'db.m5.large': 0.171,
  'db.m5.xlarge': 0.342,
  'db.m5.2xlarge': 0.684,
  'db.m5.4xlarge': 1.368,
  'db.m5.8xlarge': 2.736,
  'db.m5.12xlarge': 4.104,
  'db.m5.16xlarge': 5.472,
  'db.m5.24xlarge': 8.208,
  'db.m6g.large': 0.152,
  'db.m6g.xlarge': 0.304,
  'db.m6g.2xlarge': 0.608,
  'db.m6g.4xlarge': 1.216,
  'db.m6i.large': 0.171,
  'db.m6i.xlarge': 0.342,
  'db.m6i.2xlarge': 0.684,
  'db.m6i.4xlarge': 1.368,
  'db.r5.large': 0.24,
  'db.r5.xlarge': 0.48,
  'db.r5.2xlarge': 0.96,
  'db.r5.4xlarge': 1.92,
  'db.r6g.large': 0.215,
  'db.r6g.xlarge': 0.43,
  'db.r6g.2xlarge': 0.86,
  'db.r6g.4xlarge': 1.72,
  'db.r6i.large': 0.24,
  'db.r6i.xlarge': 0.48,
  'db.r6i.2xlarge': 0.96,
  'db.r6i.4xlarge': 1.92,
};

/** How much a database costs by the hour, in three bands; `unknown` when a class is not in the table. */
export type CostClass = 'low' | 'medium' | 'high' | 'unknown' | 'none';

/** A database's hourly cost class, its label and, when every class is known, the summed price. */
export interface CostEstimate {
  costClass: CostClass;
  /** `< $0.05/h`, `$0.05–0.50/h`, `> $0.50/h`, `price unknown`, `no DB instance`. */
  label: string;
  hourlyUsd?: number;
}

const LOW_BELOW = 0.05;
const HIGH_ABOVE = 0.5;

/** The published on-demand price of an instance class (see HOURLY_USD), or undefined. */
export function hourlyPrice(instanceClass: string): number | undefined {
  return HOURLY_USD[instanceClass];
}

/**
 * The cost class of a database whose compute is these instance classes (one for an instance, the
 * members of an Aurora cluster): the sum of their prices, unknown when any price is.
 */
export function costClassOf(instanceClasses: readonly string[]): CostEstimate {
  if (instanceClasses.length === 0) return { costClass: 'none', label: 'no DB instance' };
  if (instanceClasses.some((c) => hourlyPrice(c) === undefined)) {
    return { costClass: 'unknown', label: 'price unknown' };
  }
  const hourlyUsd = instanceClasses.reduce((sum, c) => sum + (hourlyPrice(c) ?? 0), 0);
  if (hourlyUsd < LOW_BELOW) return { costClass: 'low', label: '< $0.05/h', hourlyUsd };
  if (hourlyUsd > HIGH_ABOVE) return { costClass: 'high', label: '> $0.50/h', hourlyUsd };
  return { costClass: 'medium', label: '$0.05–0.50/h', hourlyUsd };
}
