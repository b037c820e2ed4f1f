import { changesSnapshotTags } from '../../../lib/tags/vocabulary';
import { trustIdentityFromEnv } from '../../../lib/trust/snapshot-trust';
import {
  type BlockContents,
  directSnapshot,
  laterBlocks,
  uniformBlocks,
} from '../../../local/ebs-direct-snapshots';
import type { LocalRunResult } from '../../../local/local-runner';
import { seedVolume } from '../../../local/seed';
import { recoveryInput } from './executions';
import type { RecoveryWorld } from './recovery-world';

const REGION = 'us-east-1';

/** The id of the promote the scenarios run. */
export const PROMOTE_ID = '20261122t110000z-promote';

/** How many blocks the known-good backup's snapshot holds (moto's blocks are 512 bytes). */
export const BACKUP_BLOCKS = 40;

export interface RecoveredSite {
  recoveryId: string;
  sandboxVolumeId: string;
  /** The snapshot the replacement was launched from (the known-good backup's). */
  launchedFrom: string;
  /** The snapshot of the replacement's volume that the promote will find as it is now. */
  replacementNow: string;
}

/**
 * A finished recovery with a sandbox, and what ECS and a promote's snapshot would have made in
 * AWS: the sandbox's volume (moto ignores volumeConfigurations), and, since moto's
 * ListChangedBlocks knows only EBS direct API snapshots, the known-good backup's snapshot and the
 * replacement's snapshot "now" (`replacementChanged` blocks rewritten) built with those APIs. The
 * promote's step finds the latter by its tags, as it finds its own on a retry.
 */
export async function recoverWithSandbox(
  world: RecoveryWorld,
  replacementChanged = 0,
  recoveryOptions: Record<string, unknown> = {},
): Promise<RecoveredSite> {
  const backupBlocks: BlockContents = uniformBlocks(BACKUP_BLOCKS);
  const launchedFrom = await directSnapshot(world.clients, REGION, {
    blocks: backupBlocks,
    tags: { 'lifeboat:site': world.site.name, 'lifeboat:managed': 'true' },
  });
  await world.completedBackup('2026-11-22T02:00:00Z', 'healthy', undefined, launchedFrom);
  const input = recoveryInput(world.site.name, {
    incidentKey: `pingdom:${world.site.name}`,
    summary: 'www is DOWN',
    options: recoveryOptions,
  });
  const { recoveryId } = input;
  const recovered = await world.run('recovery', input, '2026-11-22T09:40:00Z');
  if (recovered.status !== 'SUCCEEDED')
    throw new Error(`the recovery ${recovered.status}: ${recovered.error}`);
  const sandboxVolumeId = await seedVolume(world.clients, REGION, {
    'lifeboat:recovery-id': recoveryId,
    'lifeboat:role': 'sandbox',
    'lifeboat:managed': 'true',
    // As ECS tags it (taskTags): the site and the stage that launched the sandbox.
    'lifeboat:site': world.site.name,
    'lifeboat:stage': trustIdentityFromEnv().stage,
  });
  const replacementNow = await directSnapshot(world.clients, REGION, {
    blocks: laterBlocks(backupBlocks, replacementChanged),
    tags: changesSnapshotTags(world.site.name, PROMOTE_ID, 'replacement', trustIdentityFromEnv().stage),
  });
  return { recoveryId, sandboxVolumeId, launchedFrom, replacementNow };
}

/** The execution input of the promote of the sandbox of `sourceRecoveryId`, with `options`. */
export function promoteInput(
  sourceRecoveryId: string,
  siteName: string,
  options: Record<string, unknown> = {},
) {
  const at = PROMOTE_AT;
  return {
    site: siteName,
    recoveryId: PROMOTE_ID,
    kind: 'promote',
    trigger: {
      source: 'manual',
      incidentKey: `manual:${at}`,
      outageStartedAt: at,
      receivedAt: at,
      summary: 'fix applied in the sandbox',
    },
    options: { sourceRecoveryId, ...options },
  };
}

/** When the scenarios' promotes start. */
export const PROMOTE_AT = '2026-11-22T11:00:00Z';

/** Runs the promote of the sandbox of `sourceRecoveryId`, with `options` (e.g. discardChanges). */
export function promote(
  world: RecoveryWorld,
  sourceRecoveryId: string,
  options: Record<string, unknown> = {},
): Promise<LocalRunResult> {
  const at = '2026-11-22T11:00:00Z';
  const input = {
    site: world.site.name,
    recoveryId: PROMOTE_ID,
    kind: 'promote',
    trigger: {
      source: 'manual',
      incidentKey: `manual:${at}`,
      outageStartedAt: at,
      receivedAt: at,
      summary: 'fix applied in the sandbox',
    },
    options: { sourceRecoveryId, ...options },
  };
  return world.run('promote', input, at);
}
