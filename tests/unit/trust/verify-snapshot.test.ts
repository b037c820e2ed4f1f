import { SnapshotMismatchError } from '../../../lib/errors';
import { TAG } from '../../../lib/tags/vocabulary';
import {
  accountOfArn,
  type ExpectedSnapshot,
  type ObservedSnapshot,
  snapshotMismatches,
  verifySnapshot,
} from '../../../lib/trust/verify-snapshot';

const expected: ExpectedSnapshot = {
  accountId: '123456789012',
  stage: 'prod',
  site: 'blog',
  backupId: '20261122t020000z-scheduled',
};

const good: ObservedSnapshot = {
  id: 'snap-0a1b',
  ownerId: '123456789012',
  state: 'completed',
  tags: { [TAG.stage]: 'prod', [TAG.site]: 'blog', [TAG.backupId]: '20261122t020000z-scheduled' },
};

describe('verifySnapshot', () => {
  it('accepts a completed snapshot of this account tagged with the stage, site and backup', () => {
    expect(snapshotMismatches(good, expected)).toEqual([]);
    expect(() => verifySnapshot(good, expected)).not.toThrow();
  });

  it.each<[string, ObservedSnapshot, string]>([
    [
      'another account',
      { ...good, ownerId: '999999999999' },
      'owned by account 999999999999, not 123456789012',
    ],
    ['no owner at all', { ...good, ownerId: undefined }, 'its owner is unknown'],
    [
      'another stage',
      { ...good, tags: { ...good.tags, [TAG.stage]: 'staging' } },
      `${TAG.stage} is staging, not prod`,
    ],
    [
      'no stage',
      { ...good, tags: { ...good.tags, [TAG.stage]: undefined } as never },
      `has no ${TAG.stage} tag`,
    ],
    [
      'another site',
      { ...good, tags: { ...good.tags, [TAG.site]: 'shop' } },
      `${TAG.site} is shop, not blog`,
    ],
    ['another backup', { ...good, tags: { ...good.tags, [TAG.backupId]: 'x' } }, `${TAG.backupId} is x, not`],
    ['not lifeboat at all', { ...good, tags: {} }, `has no ${TAG.backupId} tag`],
    ['still pending', { ...good, state: 'pending' }, 'it is pending, not completed'],
  ])('refuses a snapshot of %s, naming it and the mismatch', (_name, observed, words) => {
    const act = () => verifySnapshot(observed, expected);

    expect(act).toThrow(SnapshotMismatchError);
    expect(act).toThrow(new RegExp(`snapshot snap-0a1b .*${words.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  });

  it('checks the role only where it applies', () => {
    expect(snapshotMismatches(good, { ...expected, role: 'sandbox' })).toEqual([
      `has no ${TAG.role} tag (expected sandbox)`,
    ]);
    expect(
      snapshotMismatches(
        { ...good, tags: { ...good.tags, [TAG.role]: 'sandbox' } },
        { ...expected, role: 'sandbox' },
      ),
    ).toEqual([]);
  });

  it('takes the owner from the ARN when there is no owner id (RDS)', () => {
    const rds = {
      ...good,
      ownerId: undefined,
      arn: 'arn:aws:rds:us-east-1:123456789012:snapshot:lifeboat-blog-x',
    };

    expect(snapshotMismatches(rds, expected)).toEqual([]);
    expect(accountOfArn('arn:aws:rds:us-east-1:999999999999:snapshot:x')).toBe('999999999999');
    expect(accountOfArn(undefined)).toBeUndefined();
  });

  it('accepts a snapshot with no stage tag only when asked, and never one naming another stage', () => {
    const { [TAG.stage]: _stage, ...unstagedTags } = good.tags;
    const unstaged = { ...good, tags: unstagedTags };

    expect(snapshotMismatches(unstaged, expected, { acceptUnstaged: true })).toEqual([]);
    expect(snapshotMismatches(unstaged, expected)).toHaveLength(1);
    expect(
      snapshotMismatches({ ...good, tags: { ...good.tags, [TAG.stage]: 'staging' } }, expected, {
        acceptUnstaged: true,
      }),
    ).toHaveLength(1);
  });

  it('lists every mismatch in one error, with the context for the timeline', () => {
    try {
      verifySnapshot({ ...good, ownerId: '999999999999', state: 'error', tags: {} }, expected);
      throw new Error('not refused');
    } catch (error) {
      expect(error).toBeInstanceOf(SnapshotMismatchError);
      expect((error as SnapshotMismatchError).context).toMatchObject({
        snapshotId: 'snap-0a1b',
        mismatches: expect.arrayContaining([
          expect.stringContaining('999999999999'),
          'it is error, not completed',
        ]),
      });
    }
  });
});
