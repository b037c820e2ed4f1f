import type { SfnAdapter } from '../../../lib/aws/sfn';
import { CliExecutions } from '../../../lib/cli/executions';

function fakeSfn(): SfnAdapter & { started: string[] } {
  const started: string[] = [];
  return {
    started,
    stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:lifeboat-dev-recovery',
    async start(name: string) {
      started.push(name);
      return {
        executionArn: `arn:aws:states:us-east-1:123456789012:execution:lifeboat-dev-recovery:${name}`,
      };
    },
    async find() {
      return undefined;
    },
  } as unknown as SfnAdapter & { started: string[] };
}

describe('CliExecutions', () => {
  it('only starts the execution when Step Functions runs it', async () => {
    const sfn = fakeSfn();
    const executions = new CliExecutions(sfn);

    await executions.start('blog-1', {});

    expect(sfn.started).toEqual(['blog-1']);
    expect(executions.localRun()).toBeUndefined();
  });

  it('starts it, then runs it here with its name, ARN and input', async () => {
    const sfn = fakeSfn();
    const runLocally = jest.fn(async () => ({ status: 'SUCCEEDED' as const }));
    const executions = new CliExecutions(sfn, runLocally);

    const started = await executions.start('blog-1', { site: 'blog' });

    expect(await executions.localRun()).toEqual({ status: 'SUCCEEDED' });
    expect(runLocally).toHaveBeenCalledWith('blog-1', started.executionArn, { site: 'blog' });
  });

  it('reports a runner that throws as a failed run', async () => {
    const executions = new CliExecutions(fakeSfn(), async () => {
      throw new TypeError('no definition');
    });

    await executions.start('blog-1', {});

    expect(await executions.localRun()).toEqual({
      status: 'FAILED',
      error: 'TypeError',
      cause: 'no definition',
    });
  });
});
