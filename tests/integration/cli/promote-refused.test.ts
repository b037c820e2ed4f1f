import { CreateStateMachineCommand, ListExecutionsCommand } from '@aws-sdk/client-sfn';
import type { Catalog } from '../../../lib/catalog/catalog';
import type { Recovery } from '../../../lib/recovery/model';
import { buildRecovery } from '../../support/builders';
import { motoClients, motoEndpoint, uniqueName } from '../../support/moto';
import { recordedRecovery } from '../../support/recorded-recoveries';
import { MOTO_CREDENTIALS, runCli } from './run-cli';
import { freshCatalog } from './seed';

const clients = motoClients();

/** A promote of `source`'s sandbox, recorded as the promote state machine leaves it. */
function promoteOf(source: Recovery, id: string, status: Partial<Recovery['status']>): Recovery {
  const promote = buildRecovery({ id, startedAt: '2026-11-24T10:00:00.000Z', status });
  promote.spec.kind = 'promote';
  promote.spec.trigger.source = 'manual';
  promote.spec.options.sourceRecoveryId = source.id;
  return promote;
}

const retired = {
  step: 'retire-replaced',
  startedAt: '2026-11-24T10:09:00.000Z',
  endedAt: '2026-11-24T10:09:01.000Z',
  outcome: 'ok' as const,
};

describe('lifeboat promote of a sandbox already promoted (subprocess against moto)', () => {
  let bucket: string;
  let catalog: Catalog;
  let stateMachineArn: string;
  let source: Recovery;
  const promote = () =>
    runCli(
      ['promote', 'blog', '--endpoint', motoEndpoint(), '--bucket', bucket, '--config', 'config/sites.yml'],
      // Only the start is under test: the emulator's local run of the machine is switched off.
      { ...MOTO_CREDENTIALS, PROMOTE_STATE_MACHINE_ARN: stateMachineArn, LIFEBOAT_LOCAL_RUNNER: 'off' },
    );
  const executions = async () =>
    (await clients.sfn().send(new ListExecutionsCommand({ stateMachineArn }))).executions ?? [];

  beforeEach(async () => {
    ({ bucket, catalog } = await freshCatalog());
    source = recordedRecovery().recovery;
    await catalog.createRecovery(source);
    const created = await clients.sfn().send(
      new CreateStateMachineCommand({
        name: uniqueName('promote'),
        definition: JSON.stringify({ StartAt: 'Done', States: { Done: { Type: 'Succeed' } } }),
        roleArn: 'arn:aws:iam::123456789012:role/lifeboat-states',
      }),
    );
    stateMachineArn = created.stateMachineArn ?? '';
  });

  it('refuses, exit 4, when a promote of that sandbox succeeded', async () => {
    await catalog.createRecovery(
      promoteOf(source, '20261124t100000z-0a0b0c0d', {
        phase: 'Succeeded',
        timeline: [retired],
        endedAt: '2026-11-24T10:10:00.000Z',
      }),
    );

    const result = await promote();

    expect(result.code).toBe(4);
    expect(result.stderr).toBe(
      `lifeboat: the sandbox of recovery ${source.id} of blog was already promoted by promote 20261124t100000z-0a0b0c0d (its sandbox and replacement are retired): nothing to promote\n`,
    );
    expect(await executions()).toEqual([]);
  });

  it('refuses when a promote retired the sandbox and then failed to finish', async () => {
    await catalog.createRecovery(
      promoteOf(source, '20261124t100000z-1a1b1c1d', { phase: 'Failed', timeline: [retired] }),
    );

    const result = await promote();

    expect(result.code).toBe(4);
    expect(await executions()).toEqual([]);
  });

  it('still promotes when the earlier promote failed before retiring anything', async () => {
    await catalog.createRecovery(promoteOf(source, '20261124t100000z-2a2b2c2d', { phase: 'Failed' }));

    const result = await promote();

    expect(result.code).toBe(0);
    expect(await executions()).toHaveLength(1);
  });
});
