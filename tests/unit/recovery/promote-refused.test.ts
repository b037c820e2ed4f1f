import { SandboxAlreadyPromotedError } from '../../../lib/errors';
import { snapshotSandbox } from '../../../lib/recovery/capture';
import type { Recovery } from '../../../lib/recovery/model';
import { buildRecovery, buildSite } from '../../support/builders';
import { FakeClock } from '../../support/fake-clock';
import { fakePorts } from './support/fake-ports';

const site = buildSite();
const clock = new FakeClock(new Date('2026-11-24T12:00:00Z'));

function recoveryWithSandbox(): Recovery {
  return buildRecovery({
    id: '20261123t093900z-5f2c81a0',
    status: {
      phase: 'Succeeded',
      sandbox: {
        taskArn: 'arn:aws:ecs:us-east-1:123456789012:task/blog/sbx',
        address: '10.0.0.9',
        recordName: 'sandbox.example.com',
      },
    },
  });
}

function promote(id: string, source: string | undefined, status: Partial<Recovery['status']>): Recovery {
  const run = buildRecovery({ id, startedAt: '2026-11-24T10:00:00.000Z', status });
  run.spec.kind = 'promote';
  if (source !== undefined) run.spec.options.sourceRecoveryId = source;
  return run;
}

describe('the promote state machine on a sandbox already promoted (promoteSnapshotSandbox step)', () => {
  it('refuses with SandboxAlreadyPromotedError before snapshotting anything', async () => {
    const { ports, catalog, backups } = fakePorts();
    const source = recoveryWithSandbox();
    await catalog.createRecovery(source);
    await catalog.createRecovery(promote('20261124t100000z-0a0b0c0d', source.id, { phase: 'Succeeded' }));
    // A second promote started from the console: no source named, so the newest sandbox is taken.
    await catalog.createRecovery(promote('20261124t110000z-1a1b1c1d', undefined, {}));

    const run = snapshotSandbox(ports, clock, site, '20261124t110000z-1a1b1c1d');

    await expect(run).rejects.toBeInstanceOf(SandboxAlreadyPromotedError);
    await expect(run).rejects.toMatchObject({
      name: 'SandboxAlreadyPromotedError',
      context: { recoveryId: source.id, promotedBy: '20261124t100000z-0a0b0c0d' },
    });
    expect(backups.started).toEqual([]);
  });
});
