import { SnapshotMismatchError } from '../errors';
import { TAG, type Tags } from '../tags/vocabulary';

export { SnapshotMismatchError };

/**
 * A snapshot as AWS describes it, whatever the service: an EBS snapshot (id `snap-...`, OwnerId),
 * or an RDS DB (cluster) snapshot (identifier, ARN naming the account). `state` is normalised to
 * lifeboat's words where the adapter knows them (`completed` is the only usable one).
 */
export interface ObservedSnapshot {
  id: string;
  ownerId?: string;
  arn?: string;
  state: string;
  tags: Tags;
}

/** What a snapshot must be for lifeboat to act on it. */
export interface ExpectedSnapshot {
  accountId: string;
  stage: string;
  site: string;
  backupId: string;
  /** Only where it applies (the snapshot of a task volume of this role). */
  role?: string;
}

export interface VerifyOptions {
  /**
   * Accept a snapshot with no stage tag (TAG.stage) at all (made before stages were written), when
   * everything else matches. A snapshot naming another stage is refused whatever this says.
   */
  acceptUnstaged?: boolean;
}

/** The account an ARN names (`arn:aws:rds:us-east-1:123456789012:snapshot:x`), if any. */
export function accountOfArn(arn: string | undefined): string | undefined {
  const account = arn?.split(':')[4];
  return account === undefined || account === '' ? undefined : account;
}

function tagMismatch(tags: Tags, key: string, expected: string): string | undefined {
  const actual = tags[key];
  if (actual === expected) return undefined;
  return actual === undefined
    ? `has no ${key} tag (expected ${expected})`
    : `${key} is ${actual}, not ${expected}`;
}

/** Every way `observed` differs from `expected`, in words (empty when it checks out). */
export function snapshotMismatches(
  observed: ObservedSnapshot,
  expected: ExpectedSnapshot,
  options: VerifyOptions = {},
): string[] {
  const out: string[] = [];
  const owner = observed.ownerId ?? accountOfArn(observed.arn);
  if (owner === undefined) out.push(`its owner is unknown (expected account ${expected.accountId})`);
  else if (owner !== expected.accountId)
    out.push(`it is owned by account ${owner}, not ${expected.accountId}`);
  const { tags } = observed;
  const unstaged = tags[TAG.stage] === undefined && options.acceptUnstaged === true;
  const checks: [string, string | undefined][] = [
    [TAG.stage, unstaged ? undefined : expected.stage],
    [TAG.site, expected.site],
    [TAG.backupId, expected.backupId],
    [TAG.role, expected.role],
  ];
  for (const [key, value] of checks) {
    const mismatch = value === undefined ? undefined : tagMismatch(tags, key, value);
    if (mismatch !== undefined) out.push(mismatch);
  }
  if (observed.state !== 'completed') out.push(`it is ${observed.state}, not completed`);
  return out;
}

/**
 * Throws SnapshotMismatchError naming the snapshot and every mismatch unless `observed` is owned by
 * the expected account, tagged with its stage, site and backup (and role) and completed.
 */
export function verifySnapshot(
  observed: ObservedSnapshot,
  expected: ExpectedSnapshot,
  options: VerifyOptions = {},
): void {
  const mismatches = snapshotMismatches(observed, expected, options);
  if (mismatches.length === 0) return;
  throw new SnapshotMismatchError(
    `snapshot ${observed.id} is not backup ${expected.backupId} of site ${expected.site} in stage ${expected.stage}: ${mismatches.join('; ')}`,
    {
      snapshotId: observed.id,
      site: expected.site,
      backupId: expected.backupId,
      stage: expected.stage,
      mismatches,
    },
  );
}
