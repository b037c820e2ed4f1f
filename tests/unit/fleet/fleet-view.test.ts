import type { Backup } from '../../../lib/backup/model';
import { buildFleetView, type FleetPorts } from '../../../lib/fleet/fleet-view';
import { renderFleetHtml } from '../../../lib/fleet/html';
import { renderFleetTable } from '../../../lib/fleet/table';
import type { Readiness } from '../../../lib/readiness/model';
import type { Recovery } from '../../../lib/recovery/model';
import { buildBackup, buildConfig, buildRecovery, rawSite } from '../../support/builders';
import { FakeClock } from '../../support/fake-clock';

const NOW = '2026-11-22T12:00:00Z';
const clock = new FakeClock(NOW);

function copied(at: string, copiedAt?: string): Backup {
  const b = buildBackup({ at, phase: 'Completed' });
  b.status.parts = [
    {
      kind: 'ebs-volume',
      sourceId: 'vol-1',
      snapshotId: 'snap-1',
      state: 'completed',
      copy:
        copiedAt === undefined
          ? { region: 'us-west-2', state: 'pending' }
          : { region: 'us-west-2', state: 'completed', snapshotId: 'snap-2', completedAt: copiedAt },
    },
  ];
  return b;
}

function ports(data: {
  backups?: Record<string, Backup[]>;
  recoveries?: Record<string, Recovery[]>;
  readiness?: Record<string, Readiness>;
}): FleetPorts {
  return {
    backups: async function* backups(site) {
      yield* data.backups?.[site] ?? [];
    },
    recoveries: async function* recoveries(site) {
      yield* data.recoveries?.[site] ?? [];
    },
    readiness: async (site) => data.readiness?.[site],
    restoredDatabases: async () => [],
  };
}

const shop = rawSite({
  name: 'shop',
  dns: { hostedZoneId: 'Z0123456789ABCDEFGHIJ', recordName: 'shop.example.com' },
  sandbox: {
    recordName: 'sandbox-shop.example.com',
    allowedCidr: '203.0.113.0/24',
    securityGroups: ['sg-0fedcba9876543210'],
  },
  triggers: { cloudwatchAlarms: ['shop-5xx'] },
});
const sites = buildConfig(rawSite(), shop).sites;

describe('buildFleetView', () => {
  it('gives each site its newest backup, newest DR copy, last drill, readiness and open recovery', async () => {
    const newest = buildBackup({ at: '2026-11-22T10:00:00Z', phase: 'Copying' });
    const older = copied('2026-11-21T02:00:00Z', '2026-11-21T03:00:00Z');
    older.status.drill = { verdict: 'failed', at: '2026-11-21T06:00:00Z', detail: 'HTTP 502' };
    const readiness: Readiness = {
      apiVersion: 'lifeboat/v1',
      kind: 'Readiness',
      site: 'blog',
      checkedAt: '2026-11-22T11:45:00Z',
      verdict: 'fail',
      checks: [
        {
          id: 'network',
          title: 'Subnets and security groups',
          verdict: 'fail',
          reason: 'subnet subnet-1 does not exist',
        },
        { id: 'dns-zone', title: 'Hosted zone', verdict: 'ok', reason: 'fine' },
      ],
    };
    const running = buildRecovery({ id: '20261122t113000z-aaaa', startedAt: '2026-11-22T11:30:00Z' });

    const view = await buildFleetView(
      ports({
        backups: { blog: [newest, older] },
        recoveries: { blog: [running] },
        readiness: { blog: readiness },
      }),
      clock,
      sites,
    );

    expect(view.sites[0]).toEqual({
      site: 'blog',
      newestBackup: { id: newest.id, phase: 'Copying', takenAt: '2026-11-22T10:00:00.000Z' },
      newestDrCopy: { backupId: older.id, completedAt: '2026-11-21T03:00:00Z' },
      lastDrill: { backupId: older.id, verdict: 'failed', at: '2026-11-21T06:00:00Z', detail: 'HTTP 502' },
      readiness: {
        verdict: 'fail',
        checkedAt: '2026-11-22T11:45:00Z',
        failing: ['fail: Subnets and security groups: subnet subnet-1 does not exist'],
      },
      openRecovery: { id: running.id, kind: 'recovery', startedAt: '2026-11-22T11:30:00Z' },
      restoredDatabases: [],
      history: [
        { id: newest.id, phase: 'Copying', takenAt: '2026-11-22T10:00:00.000Z' },
        { id: older.id, phase: 'Completed', takenAt: '2026-11-21T02:00:00.000Z' },
      ],
    });
    expect(view.sites[1]).toEqual({ site: 'shop', restoredDatabases: [], history: [] });
  });

  it('counts no recovery that has ended as open', async () => {
    const ended = buildRecovery({ status: { phase: 'Succeeded' } });

    const view = await buildFleetView(ports({ recoveries: { blog: [ended] } }), clock, sites);

    expect(view.sites[0]?.openRecovery).toBeUndefined();
  });

  it('keeps the history strip to the last N backups', async () => {
    const backups = Array.from({ length: 20 }, (_, i) =>
      buildBackup({ at: new Date(Date.parse(NOW) - (i + 1) * 86_400_000).toISOString(), phase: 'Completed' }),
    );

    const view = await buildFleetView(ports({ backups: { blog: backups } }), clock, sites, {
      historySize: 5,
    });

    expect(view.sites[0]?.history.map((b) => b.id)).toEqual(backups.slice(0, 5).map((b) => b.id));
  });
});

describe('fleet renderers', () => {
  async function sample() {
    const b = copied('2026-11-22T02:00:00Z', '2026-11-22T02:40:00Z');
    b.status.drill = { verdict: 'passed', at: '2026-11-22T04:10:00Z', detail: 'ok' };
    return buildFleetView(ports({ backups: { blog: [b] } }), clock, sites);
  }

  it('prints one aligned row per site with ages against the view’s time', async () => {
    const text = renderFleetTable(await sample());

    expect(text.split('\n')).toEqual([
      expect.stringMatching(/^SITE +NEWEST BACKUP +AGE +DR COPY +DRILL +READINESS +RECOVERY +RESTORED DB$/),
      expect.stringMatching(/^-+ +-+/),
      expect.stringMatching(
        /^blog +Completed 20261122t020000z-scheduled +10 h 00 min +9 h 20 min ago +passed 7 h 50 min ago +not checked +— +—$/,
      ),
      expect.stringMatching(/^shop +none +— +none +never +not checked +— +—$/),
    ]);
  });

  it('writes a self-contained page: sortable table, one row per site, a strip of backups by phase', async () => {
    const html = renderFleetHtml(await sample());

    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/<(link|script)[^>]+(src|href)=/);
    expect(html.match(/<tbody>[\s\S]*<\/tbody>/)?.[0].match(/<tr>/g)).toHaveLength(2);
    expect(html).toContain('class="p-Completed" title="20261122t020000z-scheduled: Completed');
    expect(html).toContain("addEventListener('click'");
    expect(html).toContain('<td data-label="Age" data-sort="36000"><div>10 h 00 min</div></td>');
  });

  it('escapes what it shows', async () => {
    const view = await sample();
    const site = view.sites[0];
    if (site)
      site.readiness = { verdict: 'fail', checkedAt: NOW, failing: ['fail: x: <script>alert(1)</script>'] };

    expect(renderFleetHtml(view)).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });
});
