import { CreateStackCommand } from '@aws-sdk/client-cloudformation';
import { cloudFormationClient } from '../../../lib/aws/cloudformation';
import { S3ObjectStore } from '../../../lib/aws/s3';
import { Catalog } from '../../../lib/catalog/catalog';
import { MOTO_ACCOUNT } from '../../../local/seed';
import { motoClients, motoEndpoint, uniqueName } from '../../support/moto';
import { MOTO_CREDENTIALS, runCli } from './run-cli';
import { completedBackup } from './seed';

const clients = motoClients();
const ACCOUNT = MOTO_ACCOUNT;

const stateMachine = (name: string) => ({
  Type: 'AWS::StepFunctions::StateMachine',
  Properties: {
    StateMachineName: name,
    DefinitionString: JSON.stringify({ StartAt: 'Done', States: { Done: { Type: 'Succeed' } } }),
    RoleArn: `arn:aws:iam::${ACCOUNT}:role/lifeboat-states`,
  },
});

/**
 * The stack `osls deploy --stage <stage>` makes, cut to what the CLI reads: the resources under
 * serverless.yml's logical ids and the outputs of the packaged template.
 */
async function deployedStack(stage: string): Promise<{ bucket: string; recoveryArn: string }> {
  const bucket = uniqueName('lifeboat-catalog');
  const template = {
    Resources: {
      CatalogBucket: { Type: 'AWS::S3::Bucket', Properties: { BucketName: bucket } },
      RecoveryTopic: { Type: 'AWS::SNS::Topic', Properties: { TopicName: `lifeboat-${stage}-recovery` } },
      BackupWorkTopic: {
        Type: 'AWS::SNS::Topic',
        Properties: { TopicName: `lifeboat-${stage}-backup-work` },
      },
      BackupAlarmTopic: { Type: 'AWS::SNS::Topic', Properties: { TopicName: `lifeboat-${stage}-alarms` } },
      RecoveryStateMachine: stateMachine(`lifeboat-${stage}-recovery`),
      PromoteStateMachine: stateMachine(`lifeboat-${stage}-promote`),
      DrillStateMachine: stateMachine(`lifeboat-${stage}-drill`),
    },
    Outputs: {
      CatalogBucketName: { Value: { Ref: 'CatalogBucket' } },
      RecoveryStateMachineArn: { Value: { Ref: 'RecoveryStateMachine' } },
      PromoteStateMachineArn: { Value: { Ref: 'PromoteStateMachine' } },
      DrillStateMachineArn: { Value: { Ref: 'DrillStateMachine' } },
      RecoveryTopicArn: { Value: { Ref: 'RecoveryTopic' } },
      BackupWorkTopicArn: { Value: { Ref: 'BackupWorkTopic' } },
      BackupAlarmTopicArn: { Value: { Ref: 'BackupAlarmTopic' } },
      HttpApiUrl: { Value: 'https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com' },
    },
  };
  await cloudFormationClient(clients, 'us-east-1').send(
    new CreateStackCommand({ StackName: `lifeboat-${stage}`, TemplateBody: JSON.stringify(template) }),
  );
  return {
    bucket,
    recoveryArn: `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:lifeboat-${stage}-recovery`,
  };
}

describe('lifeboat info: the CLI finds its stack (subprocess against moto CloudFormation)', () => {
  const common = () => ['--endpoint', motoEndpoint(), '--config', 'config/sites.yml'];

  it('prints the state machines, catalog bucket, topics and webhook URL of the stage', async () => {
    const stage = uniqueName('info');
    const { bucket, recoveryArn } = await deployedStack(stage);

    const result = await runCli(['info', '--stage', stage, ...common()], MOTO_CREDENTIALS);

    expect(result).toMatchObject({ code: 0, stderr: '' });
    const lines = result.stdout.split('\n');
    expect(lines.slice(0, 4)).toEqual([
      'service:          lifeboat',
      `stage:            ${stage}`,
      `region:           us-east-1 (emulator ${motoEndpoint()})`,
      expect.stringMatching(new RegExp(`^stack: +lifeboat-${stage} \\(CREATE_COMPLETE, updated .* UTC\\)$`)),
    ]);
    expect(result.stdout).toContain(`catalog bucket:   ${bucket}\n`);
    expect(result.stdout).toContain(`state machines:\n  recovery:       ${recoveryArn}\n`);
    expect(result.stdout).toMatch(
      /^ {2}drill: +arn:aws:states:us-east-1:\d+:stateMachine:lifeboat-info-.*-drill$/m,
    );
    expect(result.stdout).toMatch(
      /^topics:\n {2}recovery: +arn:aws:sns:us-east-1:\d+:lifeboat-info-.*-recovery$/m,
    );
    expect(result.stdout).toMatch(/^ {2}backup alarms: +arn:aws:sns:.*-alarms$/m);
    expect(result.stdout).toContain(
      'pingdom webhook:  https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/pingdom\n',
    );
    expect(result.stdout).toContain(
      'sites (config/sites.yml):\n  blog:           www.example.com, us-east-1 (DR us-west-2)\n',
    );
  });

  it('prints the same as JSON, and shows a flag that overrides the stack', async () => {
    const stage = uniqueName('json');
    const { bucket, recoveryArn } = await deployedStack(stage);

    const json = await runCli(['info', '--stage', stage, '--json', ...common()], MOTO_CREDENTIALS);
    const overridden = await runCli(['info', '--stage', stage, '--bucket', 'my-own-catalog', ...common()], {
      ...MOTO_CREDENTIALS,
      DRILL_STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:123456789012:stateMachine:mine',
    });

    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      service: 'lifeboat',
      stage,
      region: 'us-east-1',
      stack: { name: `lifeboat-${stage}`, status: 'CREATE_COMPLETE' },
      catalogBucket: bucket,
      stateMachines: { recovery: recoveryArn },
      topics: { recovery: expect.stringMatching(/^arn:aws:sns:/) },
      pingdomWebhook: 'https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/pingdom',
      sites: [{ name: 'blog', recordName: 'www.example.com' }],
    });
    expect(overridden.stdout).toContain('catalog bucket:   my-own-catalog (from --bucket)\n');
    expect(overridden.stdout).toContain(
      '  drill:          arn:aws:states:us-east-1:123456789012:stateMachine:mine (from env DRILL_STATE_MACHINE_ARN)\n',
    );
  });

  it('reads a stand-in stack without outputs (README, "Running one function by hand") by its resources', async () => {
    const stage = uniqueName('standin');
    const bucket = uniqueName('lifeboat-local-catalog');
    await cloudFormationClient(clients, 'us-east-1').send(
      new CreateStackCommand({
        StackName: `lifeboat-${stage}`,
        TemplateBody: JSON.stringify({
          Resources: {
            CatalogBucket: { Type: 'AWS::S3::Bucket', Properties: { BucketName: bucket } },
            RecoveryTopic: {
              Type: 'AWS::SNS::Topic',
              Properties: { TopicName: `lifeboat-${stage}-recovery` },
            },
          },
        }),
      }),
    );

    const result = await runCli(['info', '--stage', stage, ...common()], MOTO_CREDENTIALS);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`catalog bucket:   ${bucket}\n`);
    expect(result.stdout).toMatch(/^ {2}recovery: +arn:aws:sns:.*-recovery$/m);
    expect(result.stdout).toContain('  promote:        — (not in the stack)\n');
  });

  it('exits 4 with one line when the stage has no stack', async () => {
    const result = await runCli(['info', '--stage', 'nowhere', ...common()], MOTO_CREDENTIALS);

    expect(result).toEqual({
      code: 4,
      stdout: '',
      stderr:
        'lifeboat: no stack lifeboat-nowhere in us-east-1: deploy it (npx osls deploy --stage nowhere --region us-east-1) or pick another --stage or --region\n',
    });
  });

  it('lets every command find the catalog and state machines in the stack, with no --bucket or ARN', async () => {
    const stage = uniqueName('find');
    const { bucket, recoveryArn } = await deployedStack(stage);
    const backup = completedBackup(6);
    await new Catalog(new S3ObjectStore(clients.s3(), bucket)).createBackup(backup);
    const env = { ...MOTO_CREDENTIALS, LIFEBOAT_STAGE: stage, LIFEBOAT_LOCAL_RUNNER: 'off' };

    const list = await runCli(['list', 'blog', ...common()], env);
    const recover = await runCli(['recover', 'blog', '--backup', backup.id, ...common()], env);

    expect(list.code).toBe(0);
    expect(list.stdout).toContain(backup.id);
    expect(recover.code).toBe(0);
    expect(recover.stdout).toMatch(
      new RegExp(`^ {2}execution ${recoveryArn.replace(':stateMachine:', ':execution:')}:blog-`, 'm'),
    );
  });
});
