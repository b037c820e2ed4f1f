import { ThrottledError } from '../../../lib/errors';
import { checkReadiness } from '../../../lib/readiness/check-readiness';
import { CHECK_IDS, type CheckId } from '../../../lib/readiness/model';
import { buildSite } from '../../support/builders';
import { FakeClock } from '../../support/fake-clock';
import { type FakeAccount, fakePorts, pointsOf, readyAccount, readyBackup } from './fake-ports';

const NOW = '2026-11-22T12:00:00Z';
const clock = new FakeClock(NOW);

async function run(account: FakeAccount, siteOverrides: Record<string, unknown> = {}) {
  const readiness = await checkReadiness(fakePorts(account), clock, buildSite(siteOverrides));
  const byId = Object.fromEntries(readiness.checks.map((c) => [c.id, c])) as Record<
    CheckId,
    (typeof readiness.checks)[number]
  >;
  return { readiness, byId };
}

describe('checkReadiness', () => {
  it('reports every check ok for a site a recovery would bring back now', async () => {
    const { readiness } = await run(readyAccount(NOW));

    expect(readiness.checks.map((c) => c.id)).toEqual([...CHECK_IDS]);
    expect(readiness.checks.filter((c) => c.verdict !== 'ok')).toEqual([]);
    expect(readiness).toMatchObject({ site: 'blog', verdict: 'ok', checkedAt: '2026-11-22T12:00:00.000Z' });
  });

  it('reads the security groups, the zone and the backups once for all checks', async () => {
    const account = readyAccount(NOW);

    await run(account);

    expect(account.calls.filter((c) => c === 'securityGroups')).toHaveLength(1);
    expect(account.calls.filter((c) => c === 'hostedZoneName')).toHaveLength(1);
    expect(account.calls.filter((c) => c === 'backups')).toHaveLength(1);
  });

  type Case = [string, CheckId, 'warn' | 'fail', RegExp, (a: FakeAccount) => void, Record<string, unknown>?];
  const cases: Case[] = [
    [
      'no task definition',
      'task-definition',
      'fail',
      /blog-wordpress does not exist in us-east-1/,
      (a) => {
        a.taskDefinition = undefined;
      },
    ],
    [
      'a deregistered task definition',
      'task-definition',
      'fail',
      /is INACTIVE/,
      (a) => {
        if (a.taskDefinition) a.taskDefinition.status = 'INACTIVE';
      },
    ],
    [
      'a task definition not for Fargate',
      'task-definition',
      'fail',
      /not compatible with FARGATE \(EC2\)/,
      (a) => {
        if (a.taskDefinition) a.taskDefinition.compatibilities = ['EC2'];
      },
    ],
    [
      'a volume not configured at launch (moto accepts it, ECS does not)',
      'task-definition',
      'fail',
      /volume wp-content .* is not configuredAtLaunch/,
      (a) => {
        if (a.taskDefinition) a.taskDefinition.volumes = [{ name: 'wp-content', configuredAtLaunch: false }];
      },
    ],
    [
      'no volume of that name',
      'task-definition',
      'fail',
      /has no volume named wp-content/,
      (a) => {
        if (a.taskDefinition) a.taskDefinition.volumes = [{ name: 'data', configuredAtLaunch: true }];
      },
    ],
    [
      'no container of that name',
      'task-definition',
      'fail',
      /has no container named wordpress/,
      (a) => {
        if (a.taskDefinition) a.taskDefinition.containers = [{ name: 'nginx', containerPorts: [80] }];
      },
    ],
    [
      'the container port not mapped',
      'task-definition',
      'warn',
      /maps no port 80 \(maps 8080\)/,
      (a) => {
        if (a.taskDefinition) a.taskDefinition.containers = [{ name: 'wordpress', containerPorts: [8080] }];
      },
    ],
    [
      'the health path answering 404',
      'site-health',
      'fail',
      /answered 404, not 200: the health gate would reject every replacement/,
      (a) => {
        a.probe = (r) => ({ healthy: false, url: r.url, status: 404, reason: 'HTTP 404', elapsedMs: 3 });
      },
    ],
    [
      'the site not answering (maybe an outage)',
      'site-health',
      'warn',
      /ECONNREFUSED/,
      (a) => {
        a.probe = (r) => ({ healthy: false, url: r.url, reason: 'ECONNREFUSED', elapsedMs: 3 });
      },
    ],
    [
      'a missing subnet',
      'network',
      'fail',
      /subnet subnet-0123456789abcdef0 does not exist/,
      (a) => {
        a.subnets = [];
      },
    ],
    [
      'a missing task security group',
      'network',
      'fail',
      /security group sg-0123456789abcdef0 does not exist/,
      (a) => {
        a.groups = a.groups.filter((g) => g.groupId !== 'sg-0123456789abcdef0');
      },
    ],
    [
      'a sandbox group open to the internet',
      'sandbox-exposure',
      'fail',
      /sg-0fedcba9876543210 admits 0.0.0.0\/0/,
      (a) => {
        a.groups = a.groups.map((g) =>
          g.groupId === 'sg-0fedcba9876543210' ? { ...g, cidrs: [...g.cidrs, '0.0.0.0/0'] } : g,
        );
      },
    ],
    [
      'a sandbox group open over IPv6',
      'sandbox-exposure',
      'fail',
      /admits ::\/0/,
      (a) => {
        a.groups = a.groups.map((g) =>
          g.groupId === 'sg-0fedcba9876543210' ? { ...g, ipv6Cidrs: ['::/0'] } : g,
        );
      },
    ],
    [
      'a sandbox group admitting nobody',
      'sandbox-exposure',
      'warn',
      /admit nobody/,
      (a) => {
        a.groups = a.groups.map((g) => (g.groupId === 'sg-0fedcba9876543210' ? { ...g, cidrs: [] } : g));
      },
    ],
    [
      'no hosted zone',
      'dns-zone',
      'fail',
      /Z0123456789ABCDEFGHIJ does not exist/,
      (a) => {
        a.zoneName = undefined;
      },
    ],
    [
      'a record name outside the zone (Route 53 refuses it)',
      'dns-zone',
      'fail',
      /www.example.com and sandbox.example.com not inside zone example.org/,
      (a) => {
        a.zoneName = 'example.org';
      },
    ],
    [
      'no site record',
      'dns-records',
      'fail',
      /www.example.com has no A record/,
      (a) => {
        a.records = {};
      },
    ],
    [
      'a CNAME at the site name',
      'dns-records',
      'fail',
      /www.example.com is a CNAME \(lb.example.net\)/,
      (a) => {
        a.records['www.example.com'] = [
          { name: 'www.example.com', type: 'CNAME', alias: false, values: ['lb.example.net'] },
        ];
      },
    ],
    [
      'weighted records at the sandbox name',
      'dns-records',
      'fail',
      /sandbox.example.com has routing-policy records \(SetIdentifier blue\)/,
      (a) => {
        a.records['sandbox.example.com'] = [
          {
            name: 'sandbox.example.com',
            type: 'A',
            alias: false,
            setIdentifier: 'blue',
            values: ['192.0.2.1'],
          },
        ];
      },
    ],
    [
      'an alias site record',
      'dns-records',
      'warn',
      /is an alias A record/,
      (a) => {
        a.records['www.example.com'] = [{ name: 'www.example.com', type: 'A', alias: true, values: [] }];
      },
    ],
    [
      'no backup at all',
      'known-good-backup',
      'fail',
      /no completed backup with a volume snapshot/,
      (a) => {
        a.backups = [];
      },
    ],
    [
      'the known-good snapshot deleted',
      'known-good-backup',
      'fail',
      /snapshot in us-east-1 snap-20261121a does not exist/,
      (a) => {
        delete a.points['us-east-1']?.['snap-20261121a'];
      },
    ],
    [
      'the DR copy still pending',
      'known-good-backup',
      'fail',
      /DR copy in us-west-2 snap-20261121b is pending/,
      (a) => {
        const copy = a.points['us-west-2']?.['snap-20261121b'];
        if (copy) Object.assign(copy, { usable: false, state: 'pending' });
      },
    ],
    [
      'a DB copy missing in the DR region',
      'known-good-backup',
      'fail',
      /DB copy in us-west-2 lifeboat-blog-20261121t020000z-scheduled does not exist/,
      (a) => {
        delete a.points['us-west-2']?.['lifeboat-blog-20261121t020000z-scheduled'];
      },
    ],
    [
      'a snapshot tagged for another backup',
      'known-good-backup',
      'fail',
      /is not tagged as backup 20261121t020000z-scheduled of blog/,
      (a) => {
        const snap = a.points['us-east-1']?.['snap-20261121a'];
        if (snap) snap.tags = { ...snap.tags, 'lifeboat:backup-id': 'someone-else' };
      },
    ],
    [
      'the newest backup two days old',
      'known-good-backup',
      'warn',
      /newest completed backup is 2 days 10 h old \(over 26 h\)/,
      (a) => {
        a.backups = a.backups.filter((b) => b.id.startsWith('20261121'));
        a.backups[0] = readyBackup('2026-11-20T02:00:00Z', {
          verdict: 'passed',
          at: '2026-11-21T06:00:00Z',
          detail: 'ok',
        });
        a.points = pointsOf(a.backups);
      },
    ],
    [
      'a failed last drill',
      'drill',
      'fail',
      /the drill of 20261122t020000z-scheduled 6 h 00 min ago failed: HTTP 502/,
      (a) => {
        const newest = a.backups.find((b) => b.id.startsWith('20261122'));
        if (newest)
          newest.status.drill = { verdict: 'failed', at: '2026-11-22T06:00:00Z', detail: 'HTTP 502' };
      },
    ],
    [
      'a last drill whose files passed and database did not restore',
      'drill',
      'fail',
      /the drill of 20261122t020000z-scheduled 6 h 00 min ago failed: database: the database did not restore: DatabaseRestoreFailedError/,
      (a) => {
        const newest = a.backups.find((b) => b.id.startsWith('20261122'));
        if (newest)
          newest.status.drill = {
            verdict: 'failed',
            at: '2026-11-22T06:00:00Z',
            detail: 'restored into task t, healthy after 2 checks; database failed: ...',
            files: { verdict: 'passed', detail: 'the task answered' },
            database: {
              verdict: 'failed',
              detail: 'the database did not restore: DatabaseRestoreFailedError: incompatible-restore',
            },
          };
      },
    ],
    [
      'a passed drill of the files only, on a site with a database',
      'drill',
      'warn',
      /passed 30 h 00 min ago, but restored only the files: the database was never drilled/,
      (a) => {
        for (const b of a.backups) if (b.status.drill) delete b.status.drill.database;
      },
    ],
    [
      'no drill yet',
      'drill',
      'warn',
      /no restore drill yet/,
      (a) => {
        for (const b of a.backups) delete b.status.drill;
      },
    ],
    [
      'a stale drill',
      'drill',
      'warn',
      /passed 12 days .* ago \(older than 8 days\)/,
      (a) => {
        for (const b of a.backups) if (b.status.drill) b.status.drill.at = '2026-11-10T06:00:00Z';
      },
    ],
    [
      'no database',
      'database',
      'fail',
      /blog-db does not exist in us-east-1/,
      (a) => {
        a.database = undefined;
      },
    ],
    [
      'a database being modified',
      'database',
      'warn',
      /blog-db modifying/,
      (a) => {
        if (a.database) a.database.status = 'modifying';
      },
    ],
    [
      'a point-in-time window lagging an hour',
      'database',
      'warn',
      /window lags over 15 min/,
      (a) => {
        if (a.database) a.database.latestRestorableTime = '2026-11-22T11:00:00Z';
      },
    ],
    [
      'a missing trigger alarm',
      'triggers',
      'fail',
      /alarm blog-5xx does not exist in us-east-1: it never starts a recovery/,
      (a) => {
        a.alarms = [];
      },
    ],
    [
      'no trigger at all',
      'triggers',
      'warn',
      /nothing starts a recovery but the operator/,
      () => undefined,
      {
        triggers: { cloudwatchAlarms: [] },
      },
    ],
    [
      'a copy quota below the pacing',
      'quotas',
      'warn',
      /allows 10 concurrent copies into us-west-2 but lifeboat paces at 20/,
      (a) => {
        a.quota = { value: 10, source: 'applied' };
      },
    ],
    [
      'an unreadable quota',
      'quotas',
      'warn',
      /not readable \(Service Quotas does not list ebs\)/,
      (a) => {
        a.quota = { unknown: 'Service Quotas does not list ebs' };
      },
    ],
    [
      'no DR forwarder in the DR region',
      'dr-events',
      'warn',
      /rule lifeboat-dev-dr-forward-ebs-snapshot-events is missing; rule lifeboat-dev-dr-forward-rds-snapshot-events is missing in us-west-2: .*Deploy the forwarder: aws cloudformation deploy --region us-west-2 --stack-name lifeboat-dev-dr-forwarder --template-file config\/dr-region-forwarder.yml --parameter-overrides Stage=dev PrimaryRegion=us-east-1 --capabilities CAPABILITY_IAM$/,
      (a) => {
        a.eventRules = {};
      },
    ],
    [
      'a disabled forwarder rule',
      'dr-events',
      'warn',
      /rule lifeboat-dev-dr-forward-rds-snapshot-events is DISABLED in us-west-2/,
      (a) => {
        const rule = a.eventRules['us-west-2']?.[1];
        if (rule) rule.state = 'DISABLED';
      },
    ],
    [
      'a forwarder rule sending to another region',
      'dr-events',
      'warn',
      /ebs-snapshot-events sends to arn:aws:events:eu-west-1:123456789012:event-bus\/default, not us-east-1's default bus/,
      (a) => {
        const rule = a.eventRules['us-west-2']?.[0];
        if (rule) rule.targetArns = ['arn:aws:events:eu-west-1:123456789012:event-bus/default'];
      },
    ],
    [
      'a forwarder deployed for another stage only',
      'dr-events',
      'warn',
      /lifeboat-dev-dr-forward-ebs-snapshot-events is missing/,
      (a) => {
        a.eventRules = {
          'us-west-2': (a.eventRules['us-west-2'] ?? []).map((r) => ({
            ...r,
            name: r.name.replace('lifeboat-dev-', 'lifeboat-prod-'),
          })),
        };
      },
    ],
  ];

  // A rest parameter: with more named parameters than a row has values, jest would wait for `done`.
  it.each(cases)('%s → %s %s', async (...[, id, verdict, reason, breakIt, site]: Case) => {
    const account = readyAccount(NOW);
    breakIt(account);

    const { readiness, byId } = await run(account, site);

    expect(byId[id]).toMatchObject({ verdict });
    expect(byId[id].reason).toMatch(reason);
    expect(readiness.verdict).toBe(verdict);
  });

  it('says the database is kept when the recovery does not restore it, and restored when it does', async () => {
    const kept = await run(readyAccount(NOW));
    const restored = await run(readyAccount(NOW), { recovery: { database: 'snapshot' } });
    const pointInTime = await run(readyAccount(NOW), { recovery: { database: 'point-in-time' } });

    expect(kept.byId.database.reason).toMatch(
      /recovery keeps the live database; restorable to 3 min ago, 7 days kept/,
    );
    expect(restored.byId.database.reason).toMatch(/recovery restores it from the backup/);
    expect(pointInTime.byId.database.reason).toMatch(/recovery restores it to just before the outage/);
  });

  it('warns that a point-in-time recovery can only use the snapshot when the database keeps no automated backups', async () => {
    const account = readyAccount(NOW);
    if (account.database) account.database.backupRetentionDays = 0;

    const { byId } = await run(account, { recovery: { database: 'point-in-time' } });

    expect(byId.database.verdict).toBe('warn');
    expect(byId.database.reason).toMatch(/can only restore the backup's DB snapshot/);
  });

  it('reports point-in-time restore off when the database keeps no automated backups', async () => {
    const account = readyAccount(NOW);
    if (account.database) account.database.backupRetentionDays = 0;

    const { byId } = await run(account);

    expect(byId.database.reason).toMatch(/point-in-time restore off \(backup retention 0\)/);
  });

  it('probes the running task where the record points, on the container port and health path', async () => {
    const account = readyAccount(NOW);
    const urls: string[] = [];
    account.probe = (r) => {
      urls.push(r.url);
      return { healthy: true, url: r.url, status: 200, elapsedMs: 5 };
    };

    await run(account, { health: { path: '/wp-login.php', timeoutSeconds: 3 } });

    expect(urls).toEqual(['http://198.51.100.10:80/wp-login.php']);
  });

  it('verifies the backup a recovery would pick (drilled first), not merely the newest', async () => {
    const account = readyAccount(NOW);

    const { byId } = await run(account);

    expect(byId['known-good-backup'].reason).toMatch(
      /^20261121t020000z-scheduled \(34 h 00 min old\): 2 parts verified in us-east-1 and us-west-2$/,
    );
  });

  it("looks for the DR forwarder of the stage it checks, in the site's DR region", async () => {
    const account = readyAccount(NOW);
    const asked: [string, string][] = [];
    const ports = fakePorts(account);
    ports.eventRules = async (region, prefix) => {
      asked.push([region, prefix]);
      return [];
    };

    const readiness = await checkReadiness(ports, clock, buildSite(), { stage: 'prod' });

    expect(asked).toEqual([['us-west-2', 'lifeboat-prod-dr-forward-']]);
    expect(readiness.checks.find((c) => c.id === 'dr-events')?.reason).toMatch(
      /--stack-name lifeboat-prod-dr-forwarder .* Stage=prod PrimaryRegion=us-east-1/,
    );
  });

  it('warns on a check throttled by AWS and fails one that could not read', async () => {
    const account = readyAccount(NOW);
    const ports = fakePorts(account);
    ports.ebsCopyQuota = async () => {
      throw new ThrottledError('ServiceQuotas throttled');
    };
    ports.taskDefinition = async () => {
      throw new Error('AccessDenied: ecs:DescribeTaskDefinition');
    };

    const readiness = await checkReadiness(ports, clock, buildSite());

    expect(readiness.checks.find((c) => c.id === 'quotas')).toMatchObject({
      verdict: 'warn',
      reason: 'could not check: ServiceQuotas throttled',
    });
    expect(readiness.checks.find((c) => c.id === 'task-definition')).toMatchObject({
      verdict: 'fail',
      reason: 'could not check: AccessDenied: ecs:DescribeTaskDefinition',
    });
    expect(readiness.verdict).toBe('fail');
  });
});
