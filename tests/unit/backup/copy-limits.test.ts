import { cachedCopyLimits, type QuotaPort, readCopyLimits } from '../../../lib/backup/copy-limits';

const quotas = (values: Record<string, number | Error | undefined>): QuotaPort & { calls: number } => ({
  calls: 0,
  async byName(service) {
    this.calls += 1;
    const v = values[service];
    if (v instanceof Error) throw v;
    return v === undefined
      ? { unknown: `Service Quotas does not list ${service}` }
      : { value: v, source: 'applied' };
  },
});

describe('readCopyLimits', () => {
  it('plans with the quotas Service Quotas states, increases included', async () => {
    const limits = await readCopyLimits(quotas({ ebs: 100, rds: 20 }));

    expect(limits.slots).toEqual({ ebs: 100, rds: 20 });
    expect(limits.source.ebs).toBe('service quotas (applied)');
  });

  it('falls back to the published defaults when a quota is not listed or cannot be read', async () => {
    const limits = await readCopyLimits(quotas({ ebs: undefined, rds: new Error('AccessDenied') }));

    expect(limits.slots).toEqual({ ebs: 20, rds: 5 });
    expect(limits.source.rds).toBe('fallback (AccessDenied)');
  });

  it('falls back to the operator setting when one is given', async () => {
    const limits = await readCopyLimits(quotas({}), { ebs: 40, rds: 10 });

    expect(limits.slots).toEqual({ ebs: 40, rds: 10 });
  });

  it('reads each region once per process', async () => {
    const port = quotas({ ebs: 50, rds: 5 });
    const limitsOf = cachedCopyLimits(() => port);

    await limitsOf('us-west-2');
    await limitsOf('us-west-2');

    expect(port.calls).toBe(2);
  });
});
