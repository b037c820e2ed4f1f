import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type RecoveryContext, recoverySteps } from '../../../lib/recovery/steps';
import { buildConfig } from '../../support/builders';
import { FakeClock } from '../../support/fake-clock';
import { fakePorts } from './support/fake-ports';

const sample = (name: string): unknown =>
  JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'events', 'recovery', name), 'utf8'));

describe('sample recovery events (events/recovery) are accepted by the steps that receive them', () => {
  function context(): RecoveryContext {
    return { config: buildConfig(), ports: fakePorts().ports, clock: new FakeClock('2026-11-22T11:30:00Z') };
  }

  it.each(['manual.json', 'dry-run.json', 'promote.json', 'drill-schedule.json'])(
    '%s starts a run (Begin)',
    async (name) => {
      const run = await recoverySteps.recoveryBegin(context(), {
        input: sample(name),
        startedAt: '2026-11-22T11:30:00Z',
      });

      expect(run).toMatchObject({ site: 'blog' });
    },
  );

  it('check-health-task.json is a valid health gate round', async () => {
    const ctx = context();
    const input = sample('check-health-task.json') as { run: { recoveryId: string } };
    const { run } = input;
    await recoverySteps.recoveryBegin(ctx, { input: run, startedAt: '2026-11-22T09:40:00Z' });

    // The fake ECS does not know the task: the step gets past validation and asks ECS about it.
    await expect(recoverySteps.recoveryCheckHealth(ctx, input)).rejects.toThrow(/no task arn:aws:ecs/);
  });
});
