import { parseRdsSnapshotIdentifier, rdsSnapshotIdentifier } from '../../../lib/backup/naming';

describe('RDS snapshot identifiers', () => {
  it.each([
    ['blog', '20261122t020000z-scheduled'],
    ['my-shop-2', '20261122t093912z-broken-state'],
    ['a1', '20261122t020000z-pre-promote'],
  ])('round-trips site %s and backup %s', (site, backupId) => {
    expect(parseRdsSnapshotIdentifier(rdsSnapshotIdentifier(site, backupId))).toEqual({ site, backupId });
  });

  it('reads the identifier at the end of an ARN', () => {
    expect(
      parseRdsSnapshotIdentifier(
        'arn:aws:rds:us-west-2:123456789012:snapshot:lifeboat-blog-20261122t020000z-scheduled',
      ),
    ).toEqual({ site: 'blog', backupId: '20261122t020000z-scheduled' });
  });

  it.each([
    'rds:my-db-snapshot',
    'lifeboat-blog',
    'lifeboat--20261122t020000z-scheduled',
    'my-db-20261122t020000z-x',
  ])('does not take %s for a lifeboat snapshot', (identifier) => {
    expect(parseRdsSnapshotIdentifier(identifier)).toBeUndefined();
  });
});
