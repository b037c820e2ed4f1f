import { DescribeLockedSnapshotsCommand, type EC2Client, LockSnapshotCommand } from '@aws-sdk/client-ec2';
import { translateAwsError } from './errors';
import { pagesOf } from './paging';

/** How to lock a DR copy (site config `protection.snapshotLock`). */
export interface SnapshotLockRequest {
  mode: 'governance' | 'compliance';
  days: number;
  /** Compliance mode only: hours during which the lock can still be changed (1-72). */
  coolOffHours?: number;
}

/** A snapshot's lock as DescribeLockedSnapshots reports it. */
export interface SnapshotLockInfo {
  snapshotId: string;
  state: 'governance' | 'compliance' | 'compliance-cooloff' | 'expired';
  /** When the lock lapses and the snapshot may be deleted again. */
  expiresAt?: string;
}

const LOCK_STATES = new Set<SnapshotLockInfo['state']>([
  'governance',
  'compliance',
  'compliance-cooloff',
  'expired',
]);

/** DescribeLockedSnapshots takes a bounded list of ids; ask in chunks. */
const IDS_PER_CALL = 100;

/**
 * EBS Snapshot Lock in one region: what AWS Backup Vault Lock gives its users, for lifeboat's DR
 * copies. A locked snapshot cannot be deleted by anyone (compliance) or without ec2:UnlockSnapshot
 * (governance) until the lock expires.
 * https://docs.aws.amazon.com/ebs/latest/userguide/ebs-snapshot-lock.html
 */
export class SnapshotLockAdapter {
  constructor(
    private readonly ec2: EC2Client,
    readonly region: string,
  ) {}

  /**
   * Locks a snapshot for `days` from now. Locking an already locked snapshot again extends the
   * lock, which compliance mode always allows, so a repeated call is harmless.
   * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_LockSnapshot.html
   */
  async lockSnapshot(snapshotId: string, lock: SnapshotLockRequest): Promise<void> {
    try {
      await this.ec2.send(
        new LockSnapshotCommand({
          SnapshotId: snapshotId,
          LockMode: lock.mode,
          LockDuration: lock.days,
          // Governance mode takes no cooling-off period.
          CoolOffPeriod: lock.mode === 'compliance' ? lock.coolOffHours : undefined,
        }),
      );
    } catch (error) {
      throw translateAwsError(error, 'EC2 LockSnapshot', { region: this.region, snapshotId });
    }
  }

  /** The locks on these snapshots (snapshots that were never locked are absent). */
  async lockedSnapshots(snapshotIds: readonly string[]): Promise<SnapshotLockInfo[]> {
    const out: SnapshotLockInfo[] = [];
    try {
      for (let i = 0; i < snapshotIds.length; i += IDS_PER_CALL) {
        const ids = snapshotIds.slice(i, i + IDS_PER_CALL);
        const pages = pagesOf((token) =>
          this.ec2.send(new DescribeLockedSnapshotsCommand({ SnapshotIds: ids, NextToken: token })),
        );
        for await (const page of pages)
          for (const s of page.Snapshots ?? []) {
            const state = s.LockState as SnapshotLockInfo['state'] | undefined;
            if (s.SnapshotId === undefined || state === undefined || !LOCK_STATES.has(state)) continue;
            out.push({ snapshotId: s.SnapshotId, state, expiresAt: s.LockExpiresOn?.toISOString() });
          }
      }
    } catch (error) {
      throw translateAwsError(error, 'EC2 DescribeLockedSnapshots', { region: this.region });
    }
    return out;
  }
}
