import { SnapshotMismatchError } from '../../../lib/errors';
import {
  accountOfArn,
  assertSnapshot,
  type ObservedSnapshot,
  verifySnapshot,
} from '../../../lib/trust/verify-snapshot';

const good: ObservedSnapshot = {
  service: 'ebs',
  region: 'us-west-2',
  id: 'snap-0123',
  ownerAccountId: '123456789012',
  state: 'completed',
  tags: {
    'lifeboat:managed': 'true',
    'lifeboat:stage': 'prod',
    'lifeboat:site': 'blog',
    'lifeboat:backup-id': '20261122t020000z-scheduled',
  },
};
const expected = {
  accountId: '123456789012',
  stage: 'prod',
  site: 'blog',
  backupId: '20261122t020000z-scheduled',
};
const without = (key: string) => {
  const tags = { ...good.tags };
  delete tags[key];
  return { ...good, tags };
};

describe('verifySnapshot', () => {
  it('accepts a completed snapshot of this account, stage, site and backup', () => {
    expect(verifySnapshot(good, expected)).toEqual({ ok: true });
  });

  it.each([
    ['another account', { ...good, ownerAccountId: '999999999999' }, 'owner', '999999999999'],
    ['an unknown owner', { ...good, ownerAccountId: undefined }, 'owner', undefined],
    ['another stage', { ...good, tags: { ...good.tags, 'lifeboat:stage': 'dev' } }, 'lifeboat:stage', 'dev'],
    ['no stage (made before stages were tagged)', without('lifeboat:stage'), 'lifeboat:stage', undefined],
    ['not managed', without('lifeboat:managed'), 'lifeboat:managed', undefined],
    ['another site', { ...good, tags: { ...good.tags, 'lifeboat:site': 'shop' } }, 'lifeboat:site', 'shop'],
    [
      'another backup',
      { ...good, tags: { ...good.tags, 'lifeboat:backup-id': 'x' } },
      'lifeboat:backup-id',
      'x',
    ],
    ['a pending snapshot', { ...good, state: 'pending' as const }, 'state', 'pending'],
  ])('refuses %s, naming the field', (_what, observed, field, actual) => {
    const verdict = verifySnapshot(observed, expected);

    expect(verdict).toEqual({ ok: false, mismatches: [expect.objectContaining({ field, actual })] });
  });

  it('lists every mismatch, and checks the role only when one is expected', () => {
    const verdict = verifySnapshot(
      { ...good, ownerAccountId: '1', state: 'failed' },
      { ...expected, role: 'sandbox' },
    );

    expect(verdict.ok ? [] : verdict.mismatches.map((m) => m.field)).toEqual([
      'owner',
      'lifeboat:role',
      'state',
    ]);
  });

  it('accepts the states the caller allows (deleting a failed snapshot is fine)', () => {
    expect(
      verifySnapshot({ ...good, state: 'failed' }, { ...expected, states: ['completed', 'failed'] }),
    ).toEqual({
      ok: true,
    });
  });
});

describe('assertSnapshot', () => {
  it('throws SnapshotMismatchError naming the action, the resource and each mismatch', () => {
    const act = () =>
      assertSnapshot('launch from', { ...without('lifeboat:stage'), ownerAccountId: '1' }, expected);

    expect(act).toThrow(SnapshotMismatchError);
    expect(act).toThrow(
      'refusing to launch from EBS snapshot snap-0123 in us-west-2: owner account is "1", expected "123456789012"; ' +
        'lifeboat:stage is missing, expected "prod"',
    );
  });

  it('returns quietly for a snapshot that verifies', () => {
    expect(() => assertSnapshot('copy', good, expected)).not.toThrow();
  });
});

describe('accountOfArn', () => {
  it('reads the account of an RDS snapshot ARN and nothing from a malformed one', () => {
    expect(accountOfArn('arn:aws:rds:us-east-1:123456789012:snapshot:lifeboat-blog-x')).toBe('123456789012');
    expect(accountOfArn('lifeboat-blog-x')).toBeUndefined();
    expect(accountOfArn('arn:aws:rds:us-east-1::snapshot:x')).toBeUndefined();
  });
});
