import type { SnapshotInfo } from '../../../lib/aws/ec2';
import { ConfigError, SnapshotMismatchError } from '../../../lib/errors';
import { TAG } from '../../../lib/tags/vocabulary';
import {
  ACCEPT_UNSTAGED,
  snapshotTrust,
  type TrustAction,
  trustIdentityFromEnv,
} from '../../../lib/trust/snapshot-trust';
import { buildSite } from '../../support/builders';

const site = buildSite();
const backupId = '20261122t020000z-scheduled';

function snapshot(overrides: Partial<SnapshotInfo> = {}): SnapshotInfo {
  return {
    snapshotId: 'snap-1',
    volumeId: 'vol-1',
    state: 'completed',
    encrypted: false,
    ownerId: '123456789012',
    tags: { [TAG.managed]: 'true', [TAG.stage]: 'prod', [TAG.site]: site.name, [TAG.backupId]: backupId },
    ...overrides,
  };
}

function trustOn(snapshots: SnapshotInfo[], accountId: string | undefined = '123456789012') {
  const refused: { site: string; action: TrustAction }[] = [];
  const trust = snapshotTrust(
    { stage: 'prod', accountId, acceptUnstaged: ACCEPT_UNSTAGED },
    { ebs: () => ({ describeSnapshot: async (id) => snapshots.find((s) => s.snapshotId === id) }) },
    { snapshotRefused: (s, action) => refused.push({ site: s, action }) },
  );
  return { trust, refused };
}

describe('snapshotTrust', () => {
  it('answers what AWS said about a snapshot that checks out, and counts nothing', async () => {
    const { trust, refused } = trustOn([snapshot()]);

    await expect(
      trust.ebsSnapshot('us-east-1', 'snap-1', { site, backupId }, 'launch'),
    ).resolves.toMatchObject({
      id: 'snap-1',
      ownerAccountId: '123456789012',
    });
    expect(refused).toEqual([]);
  });

  it('refuses and counts a snapshot AWS does not have (or will not show this account)', async () => {
    const { trust, refused } = trustOn([]);

    await expect(trust.ebsSnapshot('us-east-1', 'snap-9', { site, backupId }, 'copy')).rejects.toThrow(
      /EBS snapshot snap-9 in us-east-1: it does not exist/,
    );
    expect(refused).toEqual([{ site: site.name, action: 'copy' }]);
  });

  it("refuses and counts another stage's snapshot, whatever the action", async () => {
    const { trust, refused } = trustOn([snapshot({ tags: { ...snapshot().tags, [TAG.stage]: 'staging' } })]);

    for (const action of ['launch', 'copy', 'adopt', 'delete'] as const) {
      await expect(trust.ebsSnapshot('us-east-1', 'snap-1', { site, backupId }, action)).rejects.toThrow(
        SnapshotMismatchError,
      );
    }
    expect(refused.map((r) => r.action)).toEqual(['launch', 'copy', 'adopt', 'delete']);
  });

  it('accepts a snapshot from before stages were tagged for a launch only', async () => {
    const { [TAG.stage]: _stage, ...tags } = snapshot().tags;
    const { trust } = trustOn([snapshot({ tags })]);

    await expect(
      trust.ebsSnapshot('us-east-1', 'snap-1', { site, backupId }, 'launch'),
    ).resolves.toBeDefined();
    await expect(trust.ebsSnapshot('us-east-1', 'snap-1', { site, backupId }, 'copy')).rejects.toThrow(
      SnapshotMismatchError,
    );
  });

  it("takes the site's own account (its ECS infrastructure role's) when no account id is configured", async () => {
    const account = site.run.infrastructureRoleArn.split(':')[4];
    const { trust } = trustOn([snapshot({ ownerId: account })], undefined);
    const foreign = trustOn([snapshot({ ownerId: '999999999999' })], undefined);

    await expect(
      trust.ebsSnapshot('us-east-1', 'snap-1', { site, backupId }, 'launch'),
    ).resolves.toBeDefined();
    await expect(
      foreign.trust.ebsSnapshot('us-east-1', 'snap-1', { site, backupId }, 'launch'),
    ).rejects.toThrow(/owner account is "999999999999"/);
  });

  it('cannot check DB snapshots in a process built without RDS', async () => {
    const { trust } = trustOn([]);

    await expect(
      trust.dbSnapshot('us-east-1', 'rds-instance', 'x', { site, backupId }, 'copy'),
    ).rejects.toThrow(ConfigError);
  });

  it('reads its stage and account from LIFEBOAT_STAGE and LIFEBOAT_ACCOUNT_ID, the stage defaulting to dev', () => {
    expect(
      trustIdentityFromEnv({ LIFEBOAT_STAGE: 'prod', LIFEBOAT_ACCOUNT_ID: '123456789012' }),
    ).toMatchObject({
      stage: 'prod',
      accountId: '123456789012',
    });
    expect(trustIdentityFromEnv({})).toMatchObject({ stage: 'dev', accountId: undefined });
  });
});
