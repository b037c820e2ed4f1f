import { entered } from './support/executions';
import { PROMOTE_ID, promote, recoverWithSandbox } from './support/promote-setup';
import { RecoveryWorld } from './support/recovery-world';

/** moto's EBS direct APIs count blocks of 512 bytes. */
const MOTO_BLOCK = 512;

describe('promote measures what it would discard (aws-local-stepfunctions, real steps on moto)', () => {
  let world: RecoveryWorld;

  beforeEach(async () => {
    world = await new RecoveryWorld().setUp();
  });

  afterEach(async () => {
    await world.close();
  });

  async function rolesAndStatus(): Promise<Record<string, string>> {
    return Object.fromEntries((await world.tasks()).map((t) => [t.tags['lifeboat:role'], t.lastStatus]));
  }

  it('refuses with UnsavedChangesError when the replacement changed blocks, before launching or switching anything', async () => {
    const { recoveryId, launchedFrom, replacementNow } = await recoverWithSandbox(world, 12);
    const before = await world.aRecord(world.site.dns.recordName);

    const run = await promote(world, recoveryId);

    expect(run.status).toBe('FAILED');
    expect(run.error).toBe('UnsavedChangesError');
    expect(String(run.cause)).toMatch(
      /the replacement changed 6 KiB in 12 blocks since \d\d:\d\d UTC; promote would drop them .*--discard-changes/,
    );
    expect(entered(run.events)).not.toEqual(
      expect.arrayContaining([expect.stringMatching(/^(LaunchFinal|SwitchDns|RetireReplaced)$/)]),
    );
    expect(await world.aRecord(world.site.dns.recordName)).toEqual(before);
    expect(await rolesAndStatus()).toEqual({ replacement: 'RUNNING', sandbox: 'RUNNING' });
    const record = await world.catalog.getRecovery(world.site.name, PROMOTE_ID);
    expect(record?.status).toMatchObject({
      phase: 'Failed',
      failure: { error: 'UnsavedChangesError' },
      changes: {
        replacement: {
          fromSnapshotId: launchedFrom,
          toSnapshotId: replacementNow,
          changedBlocks: 12,
          changedBytes: 12 * MOTO_BLOCK,
          blockSize: MOTO_BLOCK,
        },
        database: { restored: false },
        discarded: false,
      },
    });
    expect(record?.status.timeline).toContainEqual(
      expect.objectContaining({
        step: 'measure-replacement',
        outcome: 'failed',
        detail: expect.objectContaining({
          error: 'UnsavedChangesError',
          context: expect.objectContaining({ changedBlocks: 12, changedBytes: 12 * MOTO_BLOCK }),
        }),
      }),
    );
    expect(await world.catalog.readLock(world.site.name)).toBeUndefined();
  });

  it('with discardChanges: records the blocks it drops and promotes (final task serves, replacement and sandbox retired)', async () => {
    const { recoveryId } = await recoverWithSandbox(world, 12);

    const run = await promote(world, recoveryId, { discardChanges: true });

    expect(run.status).toBe('SUCCEEDED');
    expect(entered(run.events)).toEqual(
      expect.arrayContaining([
        'MeasureReplacement',
        'MeasureFix',
        'LaunchFinal',
        'SwitchDns',
        'RetireReplaced',
      ]),
    );
    expect(await rolesAndStatus()).toEqual({ replacement: 'STOPPED', sandbox: 'STOPPED', final: 'RUNNING' });
    const record = await world.catalog.getRecovery(world.site.name, PROMOTE_ID);
    expect(record?.status.phase).toBe('Succeeded');
    expect(record?.status.changes).toMatchObject({
      replacement: { changedBlocks: 12, changedBytes: 12 * MOTO_BLOCK },
      discarded: true,
    });
    expect(record?.status.timeline).toContainEqual(
      expect.objectContaining({
        step: 'measure-replacement',
        outcome: 'ok',
        detail: expect.objectContaining({
          changedBlocks: 12,
          summary: expect.stringContaining('promote drops them (--discard-changes)'),
        }),
      }),
    );
  });

  it('an unchanged replacement promotes without the option, and the fix footprint is recorded either way', async () => {
    const { recoveryId } = await recoverWithSandbox(world, 0);

    const run = await promote(world, recoveryId);

    expect(run.status).toBe('SUCCEEDED');
    const record = await world.catalog.getRecovery(world.site.name, PROMOTE_ID);
    expect(record?.status.changes?.replacement).toMatchObject({ changedBlocks: 0, changedBytes: 0 });
    // The sandbox's snapshots are CreateSnapshot ones, which moto's ListChangedBlocks does not know:
    // the footprint is recorded as not measured, and the promote goes on.
    expect(record?.status.changes?.fix).toMatchObject({
      unmeasured: expect.stringContaining('ListChangedBlocks'),
    });
    expect(record?.status.timeline).toContainEqual(
      expect.objectContaining({ step: 'measure-fix', outcome: 'ok' }),
    );
  });
});
