import { ConfigError } from '../../../lib/errors';
import { recoveryContext } from '../../../lib/recovery/default-context';

describe('recoveryContext (composition of one recovery function)', () => {
  it('builds only the ports the function names; any other fails loudly, naming the port', async () => {
    process.env.CATALOG_BUCKET = 'lifeboat-catalog-test';
    const ctx = recoveryContext({});

    expect(ctx.config.sites.map((s) => s.name)).toEqual(['blog']);
    await expect(
      ctx.ports.dns.upsertARecord({
        hostedZoneId: 'Z1',
        recordName: 'www.example.com',
        ip: '198.51.100.7',
        ttl: 60,
        comment: '',
      }),
    ).rejects.toThrow(
      new ConfigError(
        'this function was built without the Route 53 port: add it to its recoveryContext(...)',
      ),
    );
    expect(() => ctx.ports.tasks('us-east-1')).toThrow(ConfigError);
  });
});
