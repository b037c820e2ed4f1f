import { SnapshotMismatchError } from '../errors';
import { TAG, type Tags } from '../tags/vocabulary';

/** The state of a snapshot reduced to the three lifeboat acts on. */
export type ObservedState = 'pending' | 'completed' | 'failed';

/** One EBS snapshot or DB (cluster) snapshot exactly as AWS describes it now. */
export interface ObservedSnapshot {
  service: 'ebs' | 'rds';
  region: string;
  /** snap-... or the DB (cluster) snapshot identifier. */
  id: string;
  /** DescribeSnapshots' OwnerId, or the account in the DB snapshot's ARN. */
  ownerAccountId: string | undefined;
  /** The DB snapshot's ARN (a cross-region copy names its source by it). */
  arn?: string;
  state: ObservedState;
  tags: Tags;
}

/** What a snapshot must be for lifeboat to act on it. */
export interface ExpectedSnapshot {
  accountId: string;
  stage: string;
  site: string;
  backupId: string;
  /** the role tag, when the snapshot is of a resource a recovery launched. */
  role?: string;
  /** Acceptable states; default only `completed` (deleting may also accept `failed`). */
  states?: readonly ObservedState[];
  /**
   * Accept a snapshot with no stage tag at all (made before stages were written) when everything
   * else matches. A snapshot naming another stage is refused whatever this says.
   */
  acceptUnstaged?: boolean;
}

/** One way a snapshot differs from what lifeboat expects of it. */
export interface SnapshotMismatch {
  /** The tag key, `owner` or `state`. */
  field: string;
  expected: string;
  actual: string | undefined;
}

export type Verification = { ok: true } | { ok: false; mismatches: SnapshotMismatch[] };

/** The account id in an ARN (`arn:aws:rds:us-east-1:123456789012:snapshot:x`), or undefined. */
export function accountOfArn(arn: string | undefined): string | undefined {
  const account = arn?.split(':')[4];
  return account !== undefined && /^\d{12}$/.test(account) ? account : undefined;
}

/**
 * Checks a snapshot as AWS describes it against what lifeboat expects: owned by this account,
 * tagged managed, with this stage, site and backup (and role), in an acceptable state. Every
 * difference is listed; nothing is assumed from the catalog.
 */
export function verifySnapshot(observed: ObservedSnapshot, expected: ExpectedSnapshot): Verification {
  const mismatches: SnapshotMismatch[] = [];
  if (observed.ownerAccountId !== expected.accountId)
    mismatches.push({ field: 'owner', expected: expected.accountId, actual: observed.ownerAccountId });
  const tag = (key: string, want: string) => {
    const actual = observed.tags[key];
    if (actual !== want) mismatches.push({ field: key, expected: want, actual });
  };
  tag(TAG.managed, 'true');
  if (!(expected.acceptUnstaged === true && observed.tags[TAG.stage] === undefined))
    tag(TAG.stage, expected.stage);
  tag(TAG.site, expected.site);
  tag(TAG.backupId, expected.backupId);
  if (expected.role !== undefined) tag(TAG.role, expected.role);
  const states = expected.states ?? ['completed'];
  if (!states.includes(observed.state))
    mismatches.push({ field: 'state', expected: states.join(' or '), actual: observed.state });
  return mismatches.length === 0 ? { ok: true } : { ok: false, mismatches };
}

/**
 * Verifies a snapshot before acting on it and throws SnapshotMismatchError naming the resource and
 * every mismatch; `action` is the verb of the message (`delete`, `launch from`, `copy`).
 */
export function assertSnapshot(action: string, observed: ObservedSnapshot, expected: ExpectedSnapshot): void {
  const verdict = verifySnapshot(observed, expected);
  if (verdict.ok) return;
  const { service, region, id } = observed;
  throw SnapshotMismatchError.refusing(action, { service, region, id }, verdict.mismatches, {
    site: expected.site,
    backupId: expected.backupId,
  });
}
