import { InvalidInputError } from '../../../lib/errors';
import { type RecoveryContext, recoverySteps } from '../../../lib/recovery/steps';
import { buildConfig } from '../../support/builders';
import { FakeClock } from '../../support/fake-clock';
import { fakePorts } from './support/fake-ports';

describe('recovery steps (the Lambda functions behind the state machines)', () => {
  function context(): RecoveryContext & { fakes: ReturnType<typeof fakePorts> } {
    const fakes = fakePorts();
    return { config: buildConfig(), ports: fakes.ports, clock: new FakeClock('2026-11-22T04:00:00Z'), fakes };
  }

  it('rejects a recovery input without trigger, naming the field, and writes nothing', async () => {
    const ctx = context();

    const begin = recoverySteps.recoveryBegin(ctx, {
      input: { site: 'blog', kind: 'recovery', options: {} },
      startedAt: '2026-11-22T09:40:00Z',
    });

    await expect(begin).rejects.toThrow(InvalidInputError);
    await expect(begin).rejects.toThrow(/recoveryId and trigger are required/);
    expect(await ctx.fakes.catalog.readLock('blog')).toBeUndefined();
  });

  it('rejects a malformed recovery id with the path of the field', async () => {
    const ctx = context();

    await expect(
      recoverySteps.recoveryBegin(ctx, {
        input: { site: 'blog', recoveryId: 'not an id', kind: 'recovery', options: {} },
        startedAt: '2026-11-22T09:40:00Z',
      }),
    ).rejects.toThrow(/input\.recoveryId/);
  });

  it('derives a drill header from a schedule input that names only the site', async () => {
    const ctx = context();

    const run = await recoverySteps.recoveryBegin(ctx, {
      input: { site: 'blog', kind: 'drill' },
      startedAt: '2026-11-22T04:00:00.123Z',
    });

    expect(run).toMatchObject({
      site: 'blog',
      kind: 'drill',
      recoveryId: '20261122t040000z-drill',
      trigger: { source: 'manual', summary: 'scheduled restore drill' },
      options: { dryRun: false, skipSandbox: false, database: 'keep' },
    });
    expect(await ctx.fakes.catalog.getRecovery('blog', '20261122t040000z-drill')).toBeDefined();
  });

  it('takes the message out of a Lambda error document when finishing a failed run', async () => {
    const ctx = context();
    const run = await recoverySteps.recoveryBegin(ctx, {
      input: { site: 'blog', kind: 'drill' },
      startedAt: '2026-11-22T04:00:00Z',
    });

    await recoverySteps.recoveryFinish(ctx, {
      run,
      failure: {
        Error: 'NoKnownGoodBackupError',
        Cause: JSON.stringify({
          errorType: 'NoKnownGoodBackupError',
          errorMessage: 'site blog has no completed backup',
        }),
      },
    });

    const recorded = await ctx.fakes.catalog.getRecovery('blog', '20261122t040000z-drill');
    expect(recorded?.status.failure).toEqual({
      error: 'NoKnownGoodBackupError',
      cause: 'site blog has no completed backup',
    });
  });

  it('records a failing step on the run timeline before the error reaches the state machine', async () => {
    const ctx = context();
    const run = await recoverySteps.recoveryBegin(ctx, {
      input: { site: 'blog', kind: 'drill' },
      startedAt: '2026-11-22T04:00:00Z',
    });

    await expect(recoverySteps.recoveryPickKnownGood(ctx, { run })).rejects.toThrow(/no completed backup/);

    const recorded = await ctx.fakes.catalog.getRecovery('blog', '20261122t040000z-drill');
    expect(recorded?.status.timeline.at(-1)).toMatchObject({
      step: 'pick-known-good',
      outcome: 'failed',
      detail: expect.objectContaining({ error: 'NoKnownGoodBackupError' }),
    });
  });
});
