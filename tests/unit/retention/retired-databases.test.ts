import type { Catalog } from '../../../lib/catalog/catalog';
import type { DatabaseKind } from '../../../lib/recovery/model';
import type {
  RetentionPorts,
  RetiredDatabase,
  RetiredDatabasesPort,
  RetiredSnapshot,
} from '../../../lib/retention/ports';
import { applyRetiredDatabaseRetention, retiredSelector } from '../../../lib/retention/retired-databases';
import { buildSite } from '../../support/builders';
import { FakeClock } from '../../support/fake-clock';

const site = buildSite();
const STAGE = 'dev';
const NOW = '2026-11-30T05:30:00.000Z';

function tags(retainUntil: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...retiredSelector(site.name, STAGE),
    'lifeboat:recovery-id': '20261122t093900z-1a2b3c4d',
    'lifeboat:role': 'replacement',
    'lifeboat:retain-until': retainUntil,
    ...extra,
  };
}

class FakeRetired implements RetiredDatabasesPort {
  readonly stopped: string[] = [];
  readonly deleted: string[] = [];
  selectors: Record<string, string>[] = [];
  constructor(
    readonly dbs: RetiredDatabase[],
    readonly snaps: RetiredSnapshot[],
  ) {}
  async databases(selector: Record<string, string>) {
    this.selectors.push(selector);
    return this.dbs;
  }
  async snapshots() {
    return this.snaps;
  }
  async stop(_kind: DatabaseKind, identifier: string): Promise<'stopping' | 'busy' | 'gone'> {
    this.stopped.push(identifier);
    return 'stopping';
  }
  async delete(database: RetiredDatabase): Promise<'deleting' | 'busy' | 'gone'> {
    this.deleted.push(database.identifier);
    return 'deleting';
  }
}

function ports(retired: FakeRetired): RetentionPorts & { snapshotsDeleted: string[] } {
  const snapshotsDeleted: string[] = [];
  return {
    catalog: {} as Catalog,
    ebs: () => {
      throw new Error('not used');
    },
    rds: () => ({
      snapshot: async () => undefined,
      deleteSnapshot: async (_kind, identifier) => {
        snapshotsDeleted.push(identifier);
      },
    }),
    locks: () => {
      throw new Error('not used');
    },
    retired: () => retired,
    snapshotsDeleted,
  };
}

describe('applyRetiredDatabaseRetention (databases a promote stopped)', () => {
  const clock = new FakeClock(NOW);

  it('deletes a stopped database once its retain-until passed, then its final snapshot; keeps one still within it', async () => {
    const retired = new FakeRetired(
      [
        {
          kind: 'rds-instance',
          identifier: 'lifeboat-blog-replacement-aaaaaa',
          status: 'stopped',
          tags: tags('2026-11-29T11:00:00.000Z'),
        },
        {
          kind: 'rds-instance',
          identifier: 'lifeboat-blog-replacement-bbbbbb',
          status: 'stopped',
          tags: tags('2026-12-05T11:00:00.000Z'),
        },
      ],
      [
        {
          kind: 'rds-instance',
          identifier: 'lifeboat-blog-replacement-aaaaaa-final',
          tags: tags('2026-11-29T11:00:00.000Z'),
        },
        {
          kind: 'rds-instance',
          identifier: 'lifeboat-blog-replacement-bbbbbb-final',
          tags: tags('2026-12-05T11:00:00.000Z'),
        },
      ],
    );
    const p = ports(retired);

    const items = await applyRetiredDatabaseRetention(p, clock, site, { dryRun: false, stage: STAGE });

    expect(retired.deleted).toEqual(['lifeboat-blog-replacement-aaaaaa']);
    expect(p.snapshotsDeleted).toEqual(['lifeboat-blog-replacement-aaaaaa-final']);
    expect(items.map((i) => [i.kind, i.identifier, i.outcome])).toEqual([
      ['database', 'lifeboat-blog-replacement-aaaaaa', 'deleted'],
      ['database', 'lifeboat-blog-replacement-bbbbbb', 'kept'],
      ['final-snapshot', 'lifeboat-blog-replacement-aaaaaa-final', 'deleted'],
    ]);
    expect(retired.selectors).toEqual([
      { 'lifeboat:managed': 'true', 'lifeboat:stage': STAGE, 'lifeboat:site': site.name },
    ]);
  });

  it('stops again a database RDS started after 7 days, before its retain-until', async () => {
    const retired = new FakeRetired(
      [
        {
          kind: 'rds-instance',
          identifier: 'lifeboat-blog-sandbox-cccccc',
          status: 'available',
          tags: tags('2026-12-05T11:00:00.000Z'),
        },
      ],
      [],
    );

    const items = await applyRetiredDatabaseRetention(ports(retired), clock, site, {
      dryRun: false,
      stage: STAGE,
    });

    expect(retired.stopped).toEqual(['lifeboat-blog-sandbox-cccccc']);
    expect(items[0]?.outcome).toBe('stopped');
  });

  it('keeps a final snapshot while its database is still there (a delete RDS refused), and a dry run changes nothing', async () => {
    const retired = new FakeRetired(
      [
        {
          kind: 'rds-instance',
          identifier: 'lifeboat-blog-replacement-aaaaaa',
          status: 'stopped',
          tags: tags('2026-11-29T11:00:00.000Z'),
        },
      ],
      [
        {
          kind: 'rds-instance',
          identifier: 'lifeboat-blog-replacement-aaaaaa-final',
          tags: tags('2026-11-29T11:00:00.000Z'),
        },
      ],
    );
    retired.delete = async () => 'busy';
    const p = ports(retired);

    const items = await applyRetiredDatabaseRetention(p, clock, site, { dryRun: false, stage: STAGE });
    expect(items.map((i) => i.outcome)).toEqual(['busy']);
    expect(p.snapshotsDeleted).toEqual([]);

    const dry = new FakeRetired(retired.dbs, retired.snaps);
    const planned = await applyRetiredDatabaseRetention(ports(dry), clock, site, {
      dryRun: true,
      stage: STAGE,
    });
    expect(planned.map((i) => i.outcome)).toEqual(['would-delete']);
    expect(dry.deleted).toEqual([]);
  });

  it("never touches a database without a recovery and a role (lifeboat's restores carry both)", async () => {
    const { 'lifeboat:role': _role, ...noRole } = tags('2026-11-01T00:00:00.000Z');
    const retired = new FakeRetired(
      [{ kind: 'rds-instance', identifier: 'lifeboat-blog-odd', status: 'available', tags: noRole }],
      [],
    );

    expect(
      await applyRetiredDatabaseRetention(ports(retired), clock, site, { dryRun: false, stage: STAGE }),
    ).toEqual([]);
    expect([...retired.deleted, ...retired.stopped]).toEqual([]);
  });
});
