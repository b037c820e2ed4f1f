import type { SnapshotInfo } from '../aws/ec2';
import type { DatabaseKind, DbSnapshotInfo } from '../aws/rds';
import type { Site } from '../config/schema';
import { getOptionalStringFromEnv } from '../env';
import { ConfigError, SnapshotMismatchError } from '../errors';
import { accountOfArn, assertSnapshot, type ObservedSnapshot } from './verify-snapshot';

/** What lifeboat is about to do with a snapshot it verifies. */
export type TrustAction = 'launch' | 'copy' | 'adopt' | 'delete';

/** The backup a snapshot must belong to (and the role of the task volume it was taken of, where it applies). */
export interface TrustTarget {
  site: Site;
  backupId: string;
  role?: string;
}

/** Told of every refusal (a metric per site and action). */
export interface TrustTelemetry {
  snapshotRefused(site: string, action: TrustAction): void;
}

/**
 * The check before lifeboat launches from, copies or deletes a snapshot: AWS is the truth, the
 * catalog only the index. Every method resolves with what AWS said, or rejects with
 * SnapshotMismatchError (already counted) naming the snapshot and what does not match.
 */
export interface SnapshotTrust {
  /** The stage this deployment writes on everything it makes and acts only within. */
  readonly stage: string;
  ebsSnapshot(
    region: string,
    snapshotId: string,
    target: TrustTarget,
    action: TrustAction,
  ): Promise<ObservedSnapshot>;
  dbSnapshot(
    region: string,
    kind: DatabaseKind,
    identifier: string,
    target: TrustTarget,
    action: TrustAction,
  ): Promise<ObservedSnapshot>;
  /**
   * Verifies an EBS snapshot the caller described already (many ids in one DescribeSnapshots);
   * `found` undefined: AWS did not list it, a refusal like ebsSnapshot's.
   */
  describedEbs(
    region: string,
    snapshotId: string,
    found: SnapshotInfo | undefined,
    target: TrustTarget,
    action: TrustAction,
  ): ObservedSnapshot;
  /** Verifies a snapshot already described (found by tag, say) without asking AWS again. */
  observed(observed: ObservedSnapshot, target: TrustTarget, action: TrustAction): ObservedSnapshot;
}

/** Where the trust reads snapshots: EBS by id in a region; RDS only where the process has it. */
export interface SnapshotSources {
  ebs(region: string): { describeSnapshot(snapshotId: string): Promise<SnapshotInfo | undefined> };
  rds?(region: string): {
    findSnapshot(kind: DatabaseKind, identifier: string): Promise<DbSnapshotInfo | undefined>;
  };
}

/** The stage and account a deployment acts for. */
export interface TrustIdentity {
  stage: string;
  /** Absent outside Lambda: each site's own account (its ECS infrastructure role's) stands in. */
  accountId?: string;
  /** Actions that accept a snapshot made before stages were tagged (no lifeboat:stage at all). */
  acceptUnstaged: readonly TrustAction[];
}

/** Snapshots lifeboat made before it tagged stages carry none; only launching accepts them (see README). */
export const ACCEPT_UNSTAGED: readonly TrustAction[] = ['launch'];

/** The stage lifeboat runs as when LIFEBOAT_STAGE is not set: osls's own default stage. */
export const DEFAULT_STAGE = 'dev';

/**
 * The identity from the environment, read once: LIFEBOAT_STAGE (serverless.yml sets `${sls:stage}`;
 * default `dev`, as osls) and LIFEBOAT_ACCOUNT_ID (serverless.yml sets `AWS::AccountId`).
 */
export function trustIdentityFromEnv(env: NodeJS.ProcessEnv = process.env): TrustIdentity {
  return {
    stage: getOptionalStringFromEnv('LIFEBOAT_STAGE', env) ?? DEFAULT_STAGE,
    accountId: getOptionalStringFromEnv('LIFEBOAT_ACCOUNT_ID', env),
    acceptUnstaged: ACCEPT_UNSTAGED,
  };
}

function accountOf(identity: TrustIdentity, site: Site): string {
  const account = identity.accountId ?? accountOfArn(site.run.infrastructureRoleArn);
  if (account === undefined) {
    throw new ConfigError(`cannot tell which AWS account site ${site.name} is in: set LIFEBOAT_ACCOUNT_ID`);
  }
  return account;
}

const VERB: Record<TrustAction, string> = {
  launch: 'launch from',
  copy: 'copy',
  adopt: 'adopt',
  delete: 'delete',
};

function missing(
  service: 'ebs' | 'rds',
  id: string,
  region: string,
  target: TrustTarget,
  action: TrustAction,
): SnapshotMismatchError {
  return SnapshotMismatchError.refusing(
    VERB[action],
    { service, region, id },
    [{ field: 'existence', expected: 'exists', actual: undefined }],
    { site: target.site.name, backupId: target.backupId },
  );
}

/** EBS snapshot states in lifeboat's words: only `completed` is usable. */
function stateOf(state: string): ObservedSnapshot['state'] {
  return state === 'completed' ? 'completed' : state === 'error' || state === 'failed' ? 'failed' : 'pending';
}

function ebsObserved(s: SnapshotInfo, region: string): ObservedSnapshot {
  return {
    service: 'ebs',
    region,
    id: s.snapshotId,
    ownerAccountId: s.ownerId,
    state: stateOf(s.state),
    tags: s.tags,
  };
}

/** The trust on `sources`, counting every refusal on `telemetry`. */
export function snapshotTrust(
  identity: TrustIdentity,
  sources: SnapshotSources,
  telemetry?: TrustTelemetry,
): SnapshotTrust {
  function check(observed: ObservedSnapshot, target: TrustTarget, action: TrustAction): ObservedSnapshot {
    try {
      assertSnapshot(VERB[action], observed, {
        accountId: accountOf(identity, target.site),
        stage: identity.stage,
        site: target.site.name,
        backupId: target.backupId,
        role: target.role,
        acceptUnstaged: identity.acceptUnstaged.includes(action),
      });
      return observed;
    } catch (error) {
      if (error instanceof SnapshotMismatchError) refuse(target, action);
      throw error;
    }
  }
  function refuse(target: TrustTarget, action: TrustAction): void {
    telemetry?.snapshotRefused(target.site.name, action);
  }
  function describedEbs(
    region: string,
    snapshotId: string,
    found: SnapshotInfo | undefined,
    target: TrustTarget,
    action: TrustAction,
  ): ObservedSnapshot {
    if (found === undefined) {
      refuse(target, action);
      throw missing('ebs', snapshotId, region, target, action);
    }
    return check(ebsObserved(found, region), target, action);
  }
  return {
    stage: identity.stage,
    async ebsSnapshot(region, snapshotId, target, action) {
      return describedEbs(
        region,
        snapshotId,
        await sources.ebs(region).describeSnapshot(snapshotId),
        target,
        action,
      );
    },
    describedEbs,
    async dbSnapshot(region, kind, identifier, target, action) {
      if (sources.rds === undefined) {
        throw new ConfigError('this process was built without RDS: it cannot verify DB snapshots');
      }
      const found = await sources.rds(region).findSnapshot(kind, identifier);
      if (found === undefined) {
        refuse(target, action);
        throw missing('rds', identifier, region, target, action);
      }
      return check(
        {
          service: 'rds',
          region,
          id: found.identifier,
          arn: found.arn,
          ownerAccountId: accountOfArn(found.arn),
          state: found.state,
          tags: found.tags,
        },
        target,
        action,
      );
    },
    observed: check,
  };
}
