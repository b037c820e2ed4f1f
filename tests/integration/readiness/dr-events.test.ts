import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeleteStackCommand } from '@aws-sdk/client-cloudformation';
import {
  DisableRuleCommand,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { parseDocument } from 'yaml';
import { cloudFormationClient } from '../../../lib/aws/cloudformation';
import { EventRuleReader, eventBridgeClient } from '../../../lib/aws/eventbridge';
import { awsReadinessPorts } from '../../../lib/readiness/aws-ports';
import { checkDrEventsForwarded, drForwarderRuleNames } from '../../../lib/readiness/dr-events';
import { deployDrForwarder } from '../../../local/dr-forwarder';
import { createStandInStack } from '../../../local/stand-in-stack';
import { buildSite } from '../../support/builders';
import { motoClients, uniqueName } from '../../support/moto';

const clients = motoClients();
const PRIMARY = 'us-east-1';
const DR = 'us-west-2';
const ROOT = join(__dirname, '..', '..', '..');
const site = buildSite();
const ports = awsReadinessPorts(clients, { allBackups: async function* none() {} });

let stages = 0;
/** A stage of its own per test: the forwarder's stack and rules are named after it. */
const freshStage = () => `drf${process.pid % 10000}x${++stages}`;

const fixture = (path: string) => JSON.parse(readFileSync(join(ROOT, 'events', path), 'utf8'));

/** The stack's own rule (serverless.yml, logical id `id`), its event pattern as packaged. */
function stackPattern(id: string): unknown {
  // serverless.yml's short-form intrinsics (!GetAtt, !Sub, ...) read as plain values here.
  const doc = parseDocument(readFileSync(join(ROOT, 'serverless.yml'), 'utf8'), {
    customTags: ['GetAtt', 'Sub', 'Ref', 'Join', 'If', 'Equals', 'Not', 'Select', 'Split'].flatMap((t) => [
      { tag: `!${t}`, resolve: (v: unknown) => v },
      { tag: `!${t}`, collection: 'seq' as const, resolve: (v: unknown) => v },
    ]),
  });
  const resources = (
    doc.toJS() as { resources: { Resources: Record<string, { Properties: { EventPattern: unknown } }> } }
  ).resources.Resources;
  return resources[id]?.Properties.EventPattern;
}

describe('DR-region forwarder (moto)', () => {
  it('deploys from config/dr-region-forwarder.yml: two enabled rules sending to the primary default bus', async () => {
    const stage = freshStage();
    await deployDrForwarder(clients, { stage, drRegion: DR, primaryRegion: PRIMARY });
    await deployDrForwarder(clients, { stage, drRegion: DR, primaryRegion: PRIMARY });

    const rules = await new EventRuleReader(eventBridgeClient(clients, DR), DR).rulesNamed(
      `lifeboat-${stage}-dr-forward-`,
    );

    const names = drForwarderRuleNames(stage);
    expect(rules.map((r) => [r.name, r.state, r.targetArns]).sort()).toEqual([
      [names.ebs, 'ENABLED', [`arn:aws:events:${PRIMARY}:123456789012:event-bus/default`]],
      [names.rds, 'ENABLED', [`arn:aws:events:${PRIMARY}:123456789012:event-bus/default`]],
    ]);
    expect(await checkDrEventsForwarded(ports, site, stage)).toEqual({
      verdict: 'ok',
      reason: `EBS and RDS snapshot events in ${DR} are forwarded to ${PRIMARY}'s default bus`,
    });
  });

  it('warns with the deploy command while the forwarder is missing, and names a disabled rule', async () => {
    const stage = freshStage();
    const missing = await checkDrEventsForwarded(ports, site, stage);
    await deployDrForwarder(clients, { stage, drRegion: DR, primaryRegion: PRIMARY });
    await eventBridgeClient(clients, DR).send(
      new DisableRuleCommand({ Name: drForwarderRuleNames(stage).ebs }),
    );

    const disabled = await checkDrEventsForwarded(ports, site, stage);

    expect(missing.verdict).toBe('warn');
    expect(missing.reason).toContain(
      `aws cloudformation deploy --region ${DR} --stack-name lifeboat-${stage}-dr-forwarder --template-file config/dr-region-forwarder.yml --parameter-overrides Stage=${stage} PrimaryRegion=${PRIMARY} --capabilities CAPABILITY_IAM`,
    );
    expect(disabled).toMatchObject({
      verdict: 'warn',
      reason: expect.stringMatching(
        new RegExp(`^rule ${drForwarderRuleNames(stage).ebs} is DISABLED in ${DR}`),
      ),
    });
  });

  it('warns again once the forwarder stack is deleted', async () => {
    const stage = freshStage();
    const stack = await deployDrForwarder(clients, { stage, drRegion: DR, primaryRegion: PRIMARY });
    await cloudFormationClient(clients, DR).send(new DeleteStackCommand({ StackName: stack }));

    const result = await checkDrEventsForwarded(ports, site, stage);

    expect(result.verdict).toBe('warn');
    expect(result.reason).toMatch(/ebs-snapshot-events is missing; .*rds-snapshot-events is missing/);
  });

  it('is deployed with the stand-in stack the demo creates, when it is given the DR region', async () => {
    const stage = freshStage();
    const before = await checkDrEventsForwarded(ports, site, stage);

    await createStandInStack(
      clients,
      PRIMARY,
      stage,
      {
        catalogBucket: uniqueName('catalog'),
        stateMachines: { recovery: 'arn:r', promote: 'arn:p', drill: 'arn:d' },
        recoveryTopicArn: 'arn:t',
      },
      { drRegion: DR },
    );

    expect(before.verdict).toBe('warn');
    expect(await checkDrEventsForwarded(ports, site, stage)).toMatchObject({ verdict: 'ok' });
  });

  it("delivers a DR copy's completion events to the stack's rules in the primary region, and nothing else", async () => {
    const stage = freshStage();
    await deployDrForwarder(clients, { stage, drRegion: DR, primaryRegion: PRIMARY });
    const sqs = clients.sqs(PRIMARY);
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('snapshot-events') }));
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
    );
    const primaryBus = eventBridgeClient(clients, PRIMARY);
    // The stack's two rules with their packaged patterns, feeding a queue as SnapshotEventQueue.
    for (const id of ['EbsSnapshotEventRule', 'RdsSnapshotEventRule']) {
      const Name = `${stage}-${id}`;
      await primaryBus.send(new PutRuleCommand({ Name, EventPattern: JSON.stringify(stackPattern(id)) }));
      await primaryBus.send(
        new PutTargetsCommand({ Rule: Name, Targets: [{ Id: 'q', Arn: Attributes?.QueueArn }] }),
      );
    }
    const asEntry = (event: {
      source: string;
      'detail-type': string;
      detail: unknown;
      resources: string[];
    }) => ({
      Source: event.source,
      DetailType: event['detail-type'],
      Detail: JSON.stringify(event.detail),
      Resources: event.resources,
    });
    const copied = fixture('aws.ec2/copy-snapshot-succeeded.json');
    const rdsCopied = fixture('aws.rds/cross-region-copy-finished.json');
    const notLifeboat = {
      ...rdsCopied,
      detail: { ...rdsCopied.detail, SourceIdentifier: 'rds:blog-2026-11-22' },
    };
    const volumeEvent = { ...copied, detail: { ...copied.detail, event: 'createVolume' } };

    await eventBridgeClient(clients, DR).send(
      new PutEventsCommand({ Entries: [copied, rdsCopied, notLifeboat, volumeEvent].map(asEntry) }),
    );

    const received: { source: string; detail: Record<string, unknown> }[] = [];
    for (let i = 0; i < 3; i += 1) {
      const out = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      for (const m of out.Messages ?? []) received.push(JSON.parse(m.Body ?? '{}'));
    }
    // Each deployed stage's forwarder (earlier tests') sends its own copy: count the distinct events.
    // moto stamps a forwarded event with the receiving region; AWS keeps the DR region (lib/aws/REQUIREMENTS.md).
    const distinct = new Set(
      received.map((e) => `${e.source} ${e.detail.event ?? e.detail.SourceIdentifier}`),
    );
    expect([...distinct].sort()).toEqual([
      'aws.ec2 copySnapshot',
      'aws.rds lifeboat-blog-20261122t020000z-scheduled',
    ]);
  });
});
