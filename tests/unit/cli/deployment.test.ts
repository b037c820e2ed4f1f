import type { StackDescription } from '../../../lib/aws/cloudformation';
import { Deployment, stackNameOf } from '../../../lib/cli/deployment';
import { ConfigError } from '../../../lib/errors';

function stack(overrides: Partial<StackDescription> = {}): StackDescription {
  return {
    name: 'lifeboat-dev',
    id: 'arn:aws:cloudformation:us-east-1:123456789012:stack/lifeboat-dev/1',
    status: 'CREATE_COMPLETE',
    outputs: {},
    resources: {},
    ...overrides,
  };
}

describe('Deployment', () => {
  it('names the stack as the Serverless Framework does', () => {
    expect(stackNameOf('prod')).toBe('lifeboat-prod');
  });

  it.each([
    ['the flag', 'from-flag', { CATALOG_BUCKET: 'from-env' }, { value: 'from-flag', from: '--bucket' }],
    [
      'the variable',
      undefined,
      { CATALOG_BUCKET: 'from-env' },
      { value: 'from-env', from: 'env CATALOG_BUCKET' },
    ],
    ['the output', undefined, {}, { value: 'from-output', from: 'output CatalogBucketName' }],
  ])('takes %s first', async (_, flag, env, found) => {
    const read = jest.fn(async () =>
      stack({ outputs: { CatalogBucketName: 'from-output' }, resources: { CatalogBucket: 'from-resource' } }),
    );
    const deployment = new Deployment('dev', 'us-east-1', env, read);

    expect(await deployment.find('catalogBucket', flag)).toEqual(found);
  });

  it('reads the stack once, and not at all when a flag or variable gives the value', async () => {
    const read = jest.fn(async () => stack({ outputs: { RecoveryStateMachineArn: 'arn:sm' } }));
    const deployment = new Deployment('dev', 'us-east-1', { CATALOG_BUCKET: 'b' }, read);

    await deployment.find('catalogBucket');
    expect(read).not.toHaveBeenCalled();
    await deployment.find('recoveryStateMachine');
    await deployment.find('promoteStateMachine');
    expect(read).toHaveBeenCalledTimes(1);
    expect(read).toHaveBeenCalledWith('lifeboat-dev');
  });

  it("falls back to a resource's physical id (a stand-in stack without outputs) and to HttpApiUrl", async () => {
    const deployment = new Deployment('dev', 'us-east-1', {}, async () =>
      stack({
        outputs: { HttpApiUrl: 'https://abc.execute-api.us-east-1.amazonaws.com' },
        resources: { RecoveryTopic: 'arn:aws:sns:us-east-1:123456789012:lifeboat-dev-recovery' },
      }),
    );

    expect(await deployment.find('recoveryTopic')).toEqual({
      value: 'arn:aws:sns:us-east-1:123456789012:lifeboat-dev-recovery',
      from: 'resource RecoveryTopic',
    });
    expect(await deployment.find('pingdomWebhookUrl')).toEqual({
      value: 'https://abc.execute-api.us-east-1.amazonaws.com/pingdom',
      from: 'output HttpApiUrl',
    });
  });

  it('says where it looked when there is no value', async () => {
    const none = new Deployment('prod', 'eu-west-1', {}, async () => undefined);
    const bare = new Deployment('dev', 'us-east-1', {}, async () => stack());

    await expect(none.require('catalogBucket')).rejects.toThrow(
      new ConfigError(
        'no catalog bucket: no stack lifeboat-prod in eu-west-1 (check --stage and --region); pass --bucket NAME or set CATALOG_BUCKET',
      ),
    );
    await expect(bare.require('drillStateMachine')).rejects.toThrow(
      new ConfigError(
        'no drill state machine: stack lifeboat-dev has no DrillStateMachineArn output; pass --state-machine ARN or set DRILL_STATE_MACHINE_ARN',
      ),
    );
  });
});
