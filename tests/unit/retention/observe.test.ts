import type { BackupPart } from '../../../lib/backup/model';
import type { DatabaseKind } from '../../../lib/backup/ports';
import type { Catalog } from '../../../lib/catalog/catalog';
import { observeBackups } from '../../../lib/retention/observe';
import type { RetentionPorts } from '../../../lib/retention/ports';
import type { ObservedSnapshot } from '../../../lib/trust/verify-snapshot';
import { buildBackup } from '../../support/builders';

const TRUST = { accountId: '123456789012', stage: 'prod' };

function dbPart(backupId: string): BackupPart {
  return {
    kind: 'rds-instance',
    sourceId: 'blog-db',
    state: 'completed',
    snapshotId: `lifeboat-blog-${backupId}`,
    copy: { region: 'us-west-2', state: 'completed', snapshotId: `lifeboat-blog-${backupId}` },
  };
}

function observed(region: string, id: string, backupId: string): ObservedSnapshot {
  return {
    service: 'rds',
    region,
    id,
    ownerAccountId: TRUST.accountId,
    state: 'completed',
    tags: {
      'lifeboat:managed': 'true',
      'lifeboat:stage': TRUST.stage,
      'lifeboat:site': 'blog',
      'lifeboat:backup-id': backupId,
    },
  };
}

describe('observeBackups (retention reads AWS)', () => {
  it("lists each database's snapshots once per region, and looks up by id only what that listing did not return", async () => {
    const backups = ['2026-11-20T02:00:00Z', '2026-11-21T02:00:00Z', '2026-11-22T02:00:00Z'].map((at) =>
      buildBackup({ at, phase: 'Completed' }),
    );
    for (const b of backups) b.status.parts = [dbPart(b.id)];
    const gone = backups[0]?.id ?? '';
    const calls: string[] = [];
    const ports = {
      catalog: {} as Catalog,
      ebs: () => ({
        snapshotsWithTags: async () => [],
        snapshotById: async () => undefined,
        deleteSnapshot: async () => undefined,
      }),
      rds: (region: string) => ({
        snapshotsOf: async (kind: DatabaseKind, sourceId: string) => {
          calls.push(`list ${region} ${kind} ${sourceId}`);
          return backups
            .filter((b) => b.id !== gone)
            .map((b) => observed(region, `lifeboat-blog-${b.id}`, b.id));
        },
        snapshot: async (_kind: DatabaseKind, id: string) => {
          calls.push(`describe ${region} ${id}`);
          return undefined;
        },
        deleteSnapshot: async () => undefined,
      }),
      locks: () => {
        throw new Error('not used');
      },
    } satisfies RetentionPorts;

    const evidence = await observeBackups(ports, 'blog', backups, TRUST);

    expect(calls.sort()).toEqual(
      [
        'list us-east-1 rds-instance blog-db',
        'list us-west-2 rds-instance blog-db',
        `describe us-east-1 lifeboat-blog-${gone}`,
        `describe us-west-2 lifeboat-blog-${gone}`,
      ].sort(),
    );
    expect([...(evidence.get(backups[2]?.id ?? '')?.restorableIn ?? [])].sort()).toEqual([
      'us-east-1',
      'us-west-2',
    ]);
    expect(evidence.get(gone)?.restorableIn.size).toBe(0);
  });
});
