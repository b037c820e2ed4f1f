import { AwsClients } from '../../../lib/aws/clients';
import { Catalog } from '../../../lib/catalog/catalog';
import { ConfigError } from '../../../lib/errors';
import type { TaskPort } from '../../../lib/recovery/ports';
import { defaultRecoveryContext, recoveryPorts } from '../../../lib/recovery/wiring';
import { FakeClock } from '../../support/fake-clock';
import { MemoryObjectStore } from '../../support/memory-object-store';

const clients = new AwsClients({ defaultRegion: 'us-east-1', maxAttempts: 1, retryMode: 'standard' });

describe('defaultRecoveryContext (composition of one recovery function)', () => {
  beforeAll(() => {
    process.env.CATALOG_BUCKET = 'lifeboat-catalog-test';
  });

  it('builds only the ports the function names; any other fails loudly, naming the port', async () => {
    const ctx = defaultRecoveryContext({})();

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
        'this function was built without the Route 53 port: add it to its defaultRecoveryContext(...)',
      ),
    );
    await expect(ctx.ports.notifier.publish('s', 'm')).rejects.toThrow(/without the SNS port/);
    await expect(ctx.ports.backups.advance(ctx.config.sites[0] as never, 'b')).rejects.toThrow(
      /without the backup port/,
    );
    expect(() => ctx.ports.tasks('us-east-1')).toThrow(ConfigError);
  });

  it('is built once per function: a second invocation reuses it', () => {
    const context = defaultRecoveryContext({});

    expect(context()).toBe(context());
  });

  it('gives each function its own ports, so a later function is never served an earlier one’s', () => {
    const stub = { region: 'us-east-1' } as unknown as TaskPort;
    const withoutTasks = defaultRecoveryContext({})();
    const withTasks = defaultRecoveryContext({ tasks: () => stub })();

    expect(() => withoutTasks.ports.tasks('us-east-1')).toThrow(/without the ECS port/);
    expect(withTasks.ports.tasks('us-east-1')).toBe(stub);
  });
});

describe('recoveryPorts', () => {
  const catalog = new Catalog(new MemoryObjectStore());

  it('builds one task port per region and reads the topic only for a notifier', () => {
    const made: string[] = [];
    const topicArn = jest.fn(() => 'arn:aws:sns:us-east-1:123456789012:lifeboat');
    const ports = recoveryPorts({
      clients,
      catalog,
      clock: new FakeClock('2026-11-22T09:40:00Z'),
      adapters: {
        tasks: (_clients, region) => {
          made.push(region);
          return { region } as unknown as TaskPort;
        },
      },
      topicArn,
    });

    ports.tasks('us-east-1');
    ports.tasks('us-east-1');
    ports.tasks('us-west-2');

    expect(made).toEqual(['us-east-1', 'us-west-2']);
    expect(topicArn).not.toHaveBeenCalled();
  });

  it('gives the notifier the topic it is built with', () => {
    const notifier = jest.fn(() => ({ publish: async () => 'm-1' }));
    recoveryPorts({
      clients,
      catalog,
      clock: new FakeClock('2026-11-22T09:40:00Z'),
      adapters: { notifier },
      topicArn: () => 'arn:aws:sns:us-east-1:123456789012:lifeboat',
    });

    expect(notifier).toHaveBeenCalledWith(clients, 'arn:aws:sns:us-east-1:123456789012:lifeboat');
  });
});
