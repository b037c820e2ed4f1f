/**
 * lifeboat's error hierarchy. `name` is a contract: Step Functions Retry/Catch clauses match on it,
 * and handlers map classes to HTTP answers. Every class passes `ErrorOptions` so `cause` survives.
 */
export type ErrorContext = Record<string, unknown>;

/** Base class of every error lifeboat raises on purpose. */
export class LifeboatError extends Error {
  readonly context: ErrorContext;

  constructor(message: string, context: ErrorContext = {}, options?: ErrorOptions) {
    super(message, options);
    this.name = 'LifeboatError';
    this.context = context;
  }
}

/** A config file or value is invalid; `issues` lists each bad field with its path. */
export class ConfigError extends LifeboatError {
  readonly issues: readonly string[];

  constructor(message: string, issues: readonly string[] = [], options?: ErrorOptions) {
    super(issues.length > 0 ? `${message}:\n  - ${issues.join('\n  - ')}` : message, { issues }, options);
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

/** An incoming event or request does not have the expected shape. */
export class InvalidInputError extends LifeboatError {
  constructor(message: string, context: ErrorContext = {}, options?: ErrorOptions) {
    super(message, context, options);
    this.name = 'InvalidInputError';
  }
}

/** The named site is not in the config. */
export class UnknownSiteError extends LifeboatError {
  constructor(site: string, options?: ErrorOptions) {
    super(`unknown site "${site}": it is not in the site config`, { site }, options);
    this.name = 'UnknownSiteError';
  }
}

/** A record, snapshot or resource that should exist does not. */
export class NotFoundError extends LifeboatError {
  constructor(message: string, context: ErrorContext = {}, options?: ErrorOptions) {
    super(message, context, options);
    this.name = 'NotFoundError';
  }
}

/** A create-only write found the object already there. */
export class AlreadyExistsError extends LifeboatError {
  constructor(message: string, context: ErrorContext = {}, options?: ErrorOptions) {
    super(message, context, options);
    this.name = 'AlreadyExistsError';
  }
}

/** A compare-and-swap write lost the race (S3 412 Precondition Failed). */
export class ConcurrentUpdateError extends LifeboatError {
  constructor(message: string, context: ErrorContext = {}, options?: ErrorOptions) {
    super(message, context, options);
    this.name = 'ConcurrentUpdateError';
  }
}

/** AWS throttled the call even after the SDK's own retries; retry later, never a failed backup. */
export class ThrottledError extends LifeboatError {
  constructor(message: string, context: ErrorContext = {}, options?: ErrorOptions) {
    super(message, context, options);
    this.name = 'ThrottledError';
  }
}

/** AWS refused a call for a reason lifeboat does not act on; the SDK error is the cause. */
export class AwsCallError extends LifeboatError {
  constructor(message: string, context: ErrorContext = {}, options?: ErrorOptions) {
    super(message, context, options);
    this.name = 'AwsCallError';
  }
}

/** Another recovery (or promote) holds the site's lock. */
export class SiteLockedError extends LifeboatError {
  constructor(site: string, holder: string, options?: ErrorOptions) {
    super(`site "${site}" is locked by ${holder}`, { site, holder }, options);
    this.name = 'SiteLockedError';
  }
}

/** No completed backup qualifies as known-good. */
export class NoKnownGoodBackupError extends LifeboatError {
  constructor(message: string, context: ErrorContext = {}, options?: ErrorOptions) {
    super(message, context, options);
    this.name = 'NoKnownGoodBackupError';
  }
}

/** A launched task did not pass the health gate before its deadline. */
export class HealthGateFailedError extends LifeboatError {
  constructor(message: string, context: ErrorContext = {}, options?: ErrorOptions) {
    super(message, context, options);
    this.name = 'HealthGateFailedError';
  }
}

/** Thrown by a Step Functions task that wants to be called again later (Retry on this name). */
export class NotReadyError extends LifeboatError {
  constructor(message: string, context: ErrorContext = {}, options?: ErrorOptions) {
    super(message, context, options);
    this.name = 'NotReadyError';
  }
}

/**
 * The volume of a task could not be created from its backup's snapshot (the snapshot is gone,
 * unavailable or unusable): the backup is at fault, not the setup, so a recovery walks back.
 */
export class SnapshotRestoreFailedError extends LifeboatError {
  constructor(message: string, context: ErrorContext = {}, options?: ErrorOptions) {
    super(message, context, options);
    this.name = 'SnapshotRestoreFailedError';
  }
}

/**
 * A backup's database could not be restored (its DB snapshot is missing or unusable, or the
 * restored database ended failed): the backup is at fault, so a recovery walks back.
 */
export class DatabaseRestoreFailedError extends LifeboatError {
  constructor(message: string, context: ErrorContext = {}, options?: ErrorOptions) {
    super(message, context, options);
    this.name = 'DatabaseRestoreFailedError';
  }
}

/** A catalog object is not a valid record (not JSON, wrong kind, a field that does not parse); `context.key` names it. */
export class UnreadableRecordError extends LifeboatError {
  constructor(message: string, context: ErrorContext = {}, options?: ErrorOptions) {
    super(message, context, options);
    this.name = 'UnreadableRecordError';
  }
}

/**
 * The retry vocabulary of the state machines, by error name (what Step Functions matches on).
 * The Retry blocks of stepfunctions/*.asl.yml cannot import it: each file lists it once under a
 * YAML anchor, and tests/unit/recovery/retry-vocabulary.test.ts checks every Retry and Catch
 * against these lists.
 */
export const RETRIED_ERRORS = {
  /** Retried with backoff by every task: the same call may succeed in a moment. */
  transient: ['ThrottledError', 'ConcurrentUpdateError'],
  /** Lambda's own transient failures, retried with the same backoff. */
  lambda: ['Lambda.ServiceException', 'Lambda.TooManyRequestsException', 'Lambda.SdkClientException'],
  /** Thrown by a polling task that wants to be called again later. */
  poll: ['NotReadyError'],
} as const;

/**
 * Errors of LaunchReplacement (and of its database restore) that walk back to the previous backup,
 * because the backup is bad.
 * A replacement that starts and then stops or fails its gate walks back through the gate's
 * verdict; anything else (AccessDenied, a config or input error, capacity) fails the recovery.
 */
export const WALK_BACK_ERRORS = ['SnapshotRestoreFailedError', 'DatabaseRestoreFailedError'] as const;

const RETRIED_NAMES: ReadonlySet<string> = new Set([...RETRIED_ERRORS.transient, ...RETRIED_ERRORS.poll]);

/** True for a lifeboat error the state machines retry: not a step's failure yet. */
export function isRetriedError(error: unknown): boolean {
  return error instanceof LifeboatError && RETRIED_NAMES.has(error.name);
}

/** Narrows an unknown thrown value to an Error, wrapping anything else. */
export function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}

/** A request did not carry the shared secret it must (e.g. the Pingdom webhook token). */
export class UnauthorizedError extends LifeboatError {
  constructor(message: string, context: ErrorContext = {}, options?: ErrorOptions) {
    super(message, context, options);
    this.name = 'UnauthorizedError';
  }
}

/** A request body is larger than lifeboat accepts. */
export class PayloadTooLargeError extends LifeboatError {
  constructor(message: string, context: ErrorContext = {}, options?: ErrorOptions) {
    super(message, context, options);
    this.name = 'PayloadTooLargeError';
  }
}

/** A monitoring check or alarm that no site in the config claims. */
export class UnknownCheckError extends LifeboatError {
  constructor(message: string, context: ErrorContext = {}, options?: ErrorOptions) {
    super(message, context, options);
    this.name = 'UnknownCheckError';
  }
}

/** Step Functions already has an execution of this name (a duplicate start of the same recovery). */
export class ExecutionAlreadyExistsError extends LifeboatError {
  constructor(message: string, context: ErrorContext = {}, options?: ErrorOptions) {
    super(message, context, options);
    this.name = 'ExecutionAlreadyExistsError';
  }
}

/** ECS accepted RunTask but started no task (capacity, bad task definition, missing snapshot...). */
export class TaskLaunchFailedError extends LifeboatError {
  constructor(message: string, context: ErrorContext = {}, options?: ErrorOptions) {
    super(message, context, options);
    this.name = 'TaskLaunchFailedError';
  }
}

/** A backup that a recovery, promote or drill waits for ended Failed, or has no usable volume snapshot. */
export class BackupUnusableError extends LifeboatError {
  constructor(message: string, context: ErrorContext = {}, options?: ErrorOptions) {
    super(message, context, options);
    this.name = 'BackupUnusableError';
  }
}

/** A sandbox's security groups would let in more than the operator's CIDR; it is not launched. */
export class SandboxExposedError extends LifeboatError {
  constructor(message: string, context: ErrorContext = {}, options?: ErrorOptions) {
    super(message, context, options);
    this.name = 'SandboxExposedError';
  }
}

/**
 * A snapshot AWS does not vouch for: missing, not this account's, not tagged with this stage, site
 * and backup (and role), or not completed. Lifeboat never launches, copies or deletes it.
 */
export class SnapshotMismatchError extends LifeboatError {
  constructor(message: string, context: ErrorContext = {}, options?: ErrorOptions) {
    super(message, context, options);
    this.name = 'SnapshotMismatchError';
  }

  /** The refusal of `action` on a snapshot, naming it and every way it differs from what was expected. */
  static refusing(
    action: string,
    resource: { service: 'ebs' | 'rds'; region: string; id: string },
    mismatches: readonly { field: string; expected: string; actual: string | undefined }[],
    context: ErrorContext = {},
  ): SnapshotMismatchError {
    const what = `${resource.service === 'ebs' ? 'EBS snapshot' : 'DB snapshot'} ${resource.id} in ${resource.region}`;
    const why = mismatches
      .map((m) => {
        if (m.field === 'existence') return 'it does not exist (or is not visible to this account)';
        const field = m.field === 'owner' ? 'owner account' : m.field;
        return `${field} is ${m.actual === undefined ? 'missing' : `"${m.actual}"`}, expected "${m.expected}"`;
      })
      .join('; ');
    return new SnapshotMismatchError(`refusing to ${action} ${what}: ${why}`, {
      ...context,
      action,
      resource,
      snapshotId: resource.id,
      mismatches,
    });
  }
}

/**
 * A promote asked for a sandbox that an earlier promote already promoted (and retired with its
 * replacement): there is no sandbox left to promote, so it is a NotFoundError (CLI exit 4).
 */
export class SandboxAlreadyPromotedError extends NotFoundError {
  constructor(message: string, context: ErrorContext = {}, options?: ErrorOptions) {
    super(message, context, options);
    this.name = 'SandboxAlreadyPromotedError';
  }
}

/**
 * A promote would drop what the replacement changed since it was launched (blocks of its volume,
 * writes to its database), or could not measure it: refused unless the operator discards them.
 */
export class UnsavedChangesError extends LifeboatError {
  constructor(message: string, context: ErrorContext = {}, options?: ErrorOptions) {
    super(message, context, options);
    this.name = 'UnsavedChangesError';
  }
}
