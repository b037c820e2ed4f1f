import { createHash } from 'node:crypto';
import type { Clock } from '../clock';
import type { Site } from '../config/schema';
import {
  AwsCallError,
  InvalidInputError,
  SandboxExposedError,
  SnapshotMismatchError,
  SnapshotRestoreFailedError,
  TaskLaunchFailedError,
} from '../errors';
import { taskStartedBy, taskTags } from '../tags/vocabulary';
import { entry, journal } from './journal';
import type { Attempt, Candidate, TaskDatabase, TaskRole } from './model';
import { recordRefusal } from './pick-known-good';
import type { RecoveryPorts, RunTaskRequest } from './ports';
import { exposureOf } from './sandbox-exposure';

/** Roles on the way from alarm to DNS (the critical path). */
export function isCritical(role: TaskRole): boolean {
  return role === 'replacement' || role === 'final';
}

function network(site: Site, role: TaskRole) {
  // The sandbox gets a public address but only the operator's security groups: nobody else reaches it.
  return role === 'sandbox'
    ? { securityGroups: site.sandbox.securityGroups, assignPublicIp: true }
    : { securityGroups: site.run.securityGroups, assignPublicIp: site.run.assignPublicIp };
}

/** The RunTask request for a task of `role` from `candidate`'s snapshot. */
export function runTaskRequest(
  site: Site,
  recoveryId: string,
  role: TaskRole,
  candidate: Candidate,
  stage: string,
): RunTaskRequest {
  const tags = taskTags(site.name, recoveryId, role, candidate.backupId, stage);
  return {
    cluster: site.run.cluster,
    taskDefinition: site.run.taskDefinition,
    subnets: site.run.subnets,
    ...network(site, role),
    volume: {
      name: site.run.volumeName,
      snapshotId: candidate.snapshotId,
      volumeType: site.run.volumeType,
      iops: site.run.volumeIops,
      filesystemType: site.run.volumeFilesystemType,
      initializationRateMiBps: site.run.volumeInitializationRateMiBps,
      roleArn: site.run.infrastructureRoleArn,
      tags,
    },
    tags,
    startedBy: taskStartedBy(role),
    // A retried task (lost response, Lambda timeout) gets the task it already started.
    // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RunTask.html#ECS-RunTask-request-clientToken
    clientToken: createHash('sha256')
      .update(`${recoveryId}/${role}/${candidate.backupId}`)
      .digest('hex')
      .slice(0, 64),
  };
}

/**
 * The request started against a restored database: the container's database host variable is
 * overridden with its address, so the task definition stays as it is. `keep` changes nothing.
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerOverride.html
 */
export function withDatabase(request: RunTaskRequest, site: Site, database?: TaskDatabase): RunTaskRequest {
  if (database === undefined || database.method === 'keep') return request;
  if (database.address === undefined) {
    throw new InvalidInputError(`database ${database.identifier} has no address yet: wait for it first`, {
      identifier: database.identifier,
    });
  }
  return {
    ...request,
    environment: {
      container: site.run.containerName,
      variables: { [site.recovery.databaseHostVariable]: database.address },
    },
  };
}

/** The sandbox holds the broken state (and maybe what broke it): only the operator may reach it. */
async function refuseExposedSandbox(ports: RecoveryPorts, site: Site, region: string): Promise<void> {
  const groups = await ports.tasks(region).ingressOf(site.sandbox.securityGroups);
  const exposure = exposureOf(groups, site.sandbox.allowedCidr);
  if (exposure.length > 0) {
    throw new SandboxExposedError(
      `not launching the sandbox: its security groups let in more than ${site.sandbox.allowedCidr} (${exposure.join('; ')})`,
      { site: site.name, exposure },
    );
  }
}

/** AWS codes that say lifeboat may not do something: the setup is wrong, whatever the snapshot. */
const DENIED_CODES = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'UnauthorizedException',
  'AuthFailure',
]);

/**
 * The launch failure as SnapshotRestoreFailedError when it is the candidate's snapshot that cannot
 * make a volume (EC2's InvalidSnapshot.* codes, or ECS naming the snapshot in its refusal), so
 * the recovery walks back to an older backup; any other failure is returned as it is and fails
 * the recovery. A volume that fails after RunTask stops the task, which the health gate catches.
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ebs-volumes.html
 */
export function asSnapshotFailure(error: unknown, candidate: Candidate): unknown {
  if (!(error instanceof AwsCallError || error instanceof TaskLaunchFailedError)) return error;
  const code = typeof error.context.code === 'string' ? error.context.code : '';
  if (DENIED_CODES.has(code)) return error;
  if (code.startsWith('InvalidSnapshot') || error.message.includes(candidate.snapshotId)) {
    return new SnapshotRestoreFailedError(
      `the volume of backup ${candidate.backupId} cannot be created from snapshot ${candidate.snapshotId}: ${error.message}`,
      { backupId: candidate.backupId, snapshotId: candidate.snapshotId, code },
      { cause: error },
    );
  }
  return error;
}

/** Launches a task of `role` from the candidate's snapshot and records it on the run. */
export async function launchTask(
  ports: RecoveryPorts,
  clock: Clock,
  site: Site,
  recoveryId: string,
  role: TaskRole,
  candidate: Candidate,
  database?: TaskDatabase,
): Promise<Attempt> {
  const started = clock.now();
  const region = site.regions.primary;
  if (role === 'sandbox') await refuseExposedSandbox(ports, site, region);
  // AWS is the truth, the candidate (from the catalog, through the state machine) only the index.
  await ports.trust
    .ebsSnapshot(region, candidate.snapshotId, { site, backupId: candidate.backupId }, 'launch')
    .catch(async (error: unknown) => {
      if (error instanceof SnapshotMismatchError)
        await recordRefusal(ports, clock, site, recoveryId, started, error, { role });
      throw error;
    });
  const task = await ports
    .tasks(region)
    .runTask(
      withDatabase(runTaskRequest(site, recoveryId, role, candidate, ports.trust.stage), site, database),
    )
    .catch((error: unknown) => {
      throw asSnapshotFailure(error, candidate);
    });
  const launchedAt = clock.now();
  await journal(
    ports.catalog,
    site.name,
    recoveryId,
    [
      entry(`launch-${role}`, started, launchedAt, 'ok', isCritical(role), {
        taskArn: task.taskArn,
        backupId: candidate.backupId,
        snapshotId: candidate.snapshotId,
        ...(database === undefined || database.method === 'keep' ? {} : { database: database.identifier }),
      }),
    ],
    (recovery) => {
      const tasks = recovery.status.tasks ?? [];
      if (!tasks.some((t) => t.taskArn === task.taskArn)) {
        tasks.push({
          role,
          taskArn: task.taskArn,
          cluster: task.cluster,
          region,
          backupId: candidate.backupId,
          snapshotId: candidate.snapshotId,
          launchedAt: launchedAt.toISOString(),
        });
      }
      recovery.status.tasks = tasks;
    },
  );
  return {
    role,
    backupId: candidate.backupId,
    snapshotId: candidate.snapshotId,
    taskArn: task.taskArn,
    cluster: task.cluster,
    region,
    launchedAt: launchedAt.toISOString(),
    gate: {
      startedAt: launchedAt.toISOString(),
      deadlineAt: new Date(launchedAt.getTime() + site.health.deadlineSeconds * 1000).toISOString(),
      checks: 0,
      consecutive: 0,
      verdict: 'pending',
    },
  };
}
