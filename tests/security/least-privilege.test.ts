import { MANAGED, TAG, TAG_KEYS } from '../../lib/tags/vocabulary';
import {
  allStatements,
  asList,
  loadTemplate,
  type OwnedStatement,
  resourcesOfType,
  type Statement,
} from './support/template';

/**
 * The least-privilege points of the packaged template that a wildcard or a dropped condition would
 * undo without any functional test noticing: whom lifeboat may pass roles to, what it may tag, which
 * KMS grants it may make, and how much of the account's concurrency strangers can take.
 */
const template = loadTemplate();
const statements = allStatements(template);

type Helper = () => Promise<unknown>;
// The package-time helper the template was built with, reading the same config (config/sites.yml).
const sites = require('../../config/serverless-sites.js') as Record<
  'taskRoleArns' | 'snapshotTagKeys' | 'infrastructureRoleArns',
  Helper
>;

const DB_SNAPSHOT_ARN =
  /^arn:\$\{AWS::Partition\}:rds:\*:\$\{AWS::AccountId\}:(cluster-)?snapshot:lifeboat-\*$/;

function granting(action: string): OwnedStatement[] {
  return statements.filter(
    ({ statement }) => statement.Effect === 'Allow' && asList(statement.Action).includes(action),
  );
}

function resourceTexts(statement: Statement): string[] {
  return asList(statement.Resource).map((r) => {
    if (typeof r === 'string') return r;
    const sub = (r as { 'Fn::Sub'?: unknown })['Fn::Sub'];
    return typeof sub === 'string' ? sub : JSON.stringify(r);
  });
}

/** The condition value under `operator` / `key`, keys compared as IAM does (case-insensitively). */
function conditionValue(statement: Statement, operator: string, key: string): unknown {
  const block = statement.Condition?.[operator] ?? {};
  const found = Object.entries(block).find(([k]) => k.toLowerCase() === key.toLowerCase());
  return found?.[1];
}

const functions = resourcesOfType(template, 'AWS::Lambda::Function');

/** Logical ids of the functions the state machines call (every recovery, promote and drill step). */
function stateMachineSteps(): string[] {
  const names = new Set<string>();
  for (const [, machine] of resourcesOfType(template, 'AWS::StepFunctions::StateMachine')) {
    const text = JSON.stringify(machine.Properties?.DefinitionString ?? {});
    for (const m of text.matchAll(/"Fn::GetAtt":\["([A-Za-z0-9]+)","Arn"\]/g)) {
      const id = m[1] ?? '';
      if (template.Resources[id]?.Type === 'AWS::Lambda::Function') names.add(id);
    }
  }
  return [...names].sort();
}

const reserved = (id: string): unknown => template.Resources[id]?.Properties?.ReservedConcurrentExecutions;

describe('least privilege in the packaged template', () => {
  describe('iam:PassRole', () => {
    const passRole = granting('iam:PassRole');

    it('is granted, each time to a named service', () => {
      expect(passRole.length).toBeGreaterThan(0);
      expect(
        passRole
          .filter(
            ({ statement }) => conditionValue(statement, 'StringEquals', 'iam:PassedToService') === undefined,
          )
          .map(({ owner }) => owner),
      ).toEqual([]);
    });

    it('never names a wildcard role', () => {
      const wildcards = passRole.flatMap(({ owner, statement }) =>
        resourceTexts(statement)
          .filter((r) => r.includes('*'))
          .map((r) => `${owner}: ${r}`),
      );

      expect(wildcards).toEqual([]);
    });

    it('passes to ECS tasks exactly the task and execution roles the site config names', async () => {
      const toTasks = passRole.filter(
        ({ statement }) =>
          conditionValue(statement, 'StringEquals', 'iam:PassedToService') === 'ecs-tasks.amazonaws.com',
      );
      const configured = (await sites.taskRoleArns()) as string[];

      expect(configured.length).toBeGreaterThan(0);
      expect(toTasks.map(({ owner }) => owner)).toEqual(['RecoveryLaunchTaskRole']);
      expect(toTasks.flatMap(({ statement }) => resourceTexts(statement)).sort()).toEqual(configured);
    });

    it('passes to ECS itself only the infrastructure roles that create task volumes', async () => {
      const toEcs = passRole.filter(
        ({ statement }) =>
          conditionValue(statement, 'StringEquals', 'iam:PassedToService') === 'ecs.amazonaws.com',
      );

      expect(toEcs.flatMap(({ statement }) => resourceTexts(statement)).sort()).toEqual(
        await sites.infrastructureRoleArns(),
      );
    });
  });

  describe('rds:AddTagsToResource', () => {
    const tagging = granting('rds:AddTagsToResource');

    it('is granted only on lifeboat DB snapshots, and on databases only to the restore (tag-on-create) and to the promote that stops them (retain-until), for lifeboat-* databases', () => {
      expect(tagging.length).toBeGreaterThan(0);
      // Restoring a database with Tags is a tag-on-create of the new lifeboat-* instance or cluster.
      const RESTORED_DB_ARN = /:rds:\*:\$\{AWS::AccountId\}:(db|cluster):lifeboat-\*$/;
      const beyond = tagging.flatMap(({ owner, statement }) =>
        resourceTexts(statement)
          .filter(
            (r) =>
              !DB_SNAPSHOT_ARN.test(r) &&
              !(
                (owner === 'RecoveryRestoreDatabaseRole' || owner === 'RecoveryRetireTasksRole') &&
                RESTORED_DB_ARN.test(r)
              ),
          )
          .map((r) => `${owner}: ${r}`),
      );

      expect(beyond).toEqual([]);
    });

    it('requires the managed tag on the request', () => {
      const unconditioned = tagging.filter(
        ({ statement }) =>
          conditionValue(statement, 'StringEquals', `aws:RequestTag/${TAG.managed}`) !== MANAGED,
      );

      expect(unconditioned.map(({ owner }) => owner)).toEqual([]);
    });

    it("allows only lifeboat's tag keys and the sites' kept source tags", async () => {
      const allowed = (await sites.snapshotTagKeys()) as string[];
      const keys = tagging.map(({ owner, statement }) => [
        owner,
        conditionValue(statement, 'ForAllValues:StringEquals', 'aws:TagKeys'),
      ]);

      expect(allowed).toEqual(expect.arrayContaining([...TAG_KEYS]));
      expect(keys).toEqual(tagging.map(({ owner }) => [owner, allowed]));
    });

    it('is not bundled with other actions (their resources would widen it)', () => {
      expect(
        tagging.filter(({ statement }) => asList(statement.Action).length > 1).map(({ owner }) => owner),
      ).toEqual([]);
    });
  });

  describe('kms:CreateGrant', () => {
    const grants = granting('kms:CreateGrant');

    it('is granted only for AWS resources (the EC2/RDS copy), through EC2 or RDS', () => {
      expect(grants.length).toBeGreaterThan(0);
      const loose = grants.filter(
        ({ statement }) =>
          String(conditionValue(statement, 'Bool', 'kms:GrantIsForAWSResource')) !== 'true' ||
          conditionValue(statement, 'StringLike', 'kms:ViaService') === undefined,
      );

      expect(loose.map(({ owner }) => owner)).toEqual([]);
    });
  });

  describe('concurrency under a flood of webhook requests', () => {
    it('throttles the HTTP API stage (burst and rate)', () => {
      const stages = resourcesOfType(template, 'AWS::ApiGatewayV2::Stage');
      const settings = stages.map(
        ([, stage]) =>
          stage.Properties?.DefaultRouteSettings as
            | { ThrottlingBurstLimit?: unknown; ThrottlingRateLimit?: unknown }
            | undefined,
      );

      expect(stages.length).toBeGreaterThan(0);
      for (const s of settings) {
        expect(s?.ThrottlingBurstLimit).toEqual(expect.any(Number));
        expect(s?.ThrottlingRateLimit).toEqual(expect.any(Number));
        expect(Number(s?.ThrottlingBurstLimit)).toBeGreaterThan(0);
        expect(Number(s?.ThrottlingRateLimit)).toBeGreaterThan(0);
      }
    });

    it('caps the webhook function with reserved concurrency', () => {
      const webhook = functions.filter(([, fn]) =>
        String(fn.Properties?.Handler).startsWith('functions/pingdom-webhook.'),
      );

      expect(webhook.length).toBe(1);
      expect(reserved(webhook[0]?.[0] ?? '')).toEqual(expect.any(Number));
    });

    it('gives every step of the state machines reserved concurrency', () => {
      const steps = stateMachineSteps();

      expect(steps).toContain('RecoveryLaunchTaskLambdaFunction');
      expect(steps.filter((id) => !(Number(reserved(id)) > 0))).toEqual([]);
    });

    it('reserves well under the default 1,000 so the unreserved pool keeps its 100', () => {
      const total = functions.reduce((sum, [id]) => sum + Number(reserved(id) ?? 0), 0);

      expect(total).toBeGreaterThan(0);
      expect(total).toBeLessThanOrEqual(200);
    });
  });

  describe('the snapshot-event queue', () => {
    const queue = template.Resources.SnapshotEventQueue?.Properties ?? {};
    const policy = resourcesOfType(template, 'AWS::SQS::QueuePolicy').filter(([, p]) =>
      JSON.stringify(p.Properties?.Queues).includes('SnapshotEventQueue'),
    );
    const statementsOf = (p: (typeof policy)[number]) =>
      asList((p[1].Properties?.PolicyDocument as { Statement?: Statement[] } | undefined)?.Statement);

    it('is encrypted, and so is its dead-letter queue, which it hands undeliverable events to', () => {
      const dlq = template.Resources.SnapshotEventDeadLetterQueue?.Properties ?? {};

      expect(queue.SqsManagedSseEnabled).toBe(true);
      expect(dlq.SqsManagedSseEnabled).toBe(true);
      expect(queue.RedrivePolicy).toMatchObject({
        deadLetterTargetArn: { 'Fn::GetAtt': ['SnapshotEventDeadLetterQueue', 'Arn'] },
      });
    });

    it("takes messages only from lifeboat's two snapshot-event rules, and only over TLS", () => {
      const allows = policy.flatMap(statementsOf).filter((s) => s.Effect === 'Allow');

      expect(allows).toHaveLength(1);
      expect(asList(allows[0]?.Action)).toEqual(['sqs:SendMessage']);
      expect((allows[0] as { Principal?: unknown } | undefined)?.Principal).toEqual({
        Service: 'events.amazonaws.com',
      });
      expect(conditionValue(allows[0] as Statement, 'ArnEquals', 'aws:SourceArn')).toEqual([
        { 'Fn::GetAtt': ['EbsSnapshotEventRule', 'Arn'] },
        { 'Fn::GetAtt': ['RdsSnapshotEventRule', 'Arn'] },
      ]);
      expect(
        policy
          .flatMap(statementsOf)
          .some((s) => s.Effect === 'Deny' && conditionValue(s, 'Bool', 'aws:SecureTransport') === 'false'),
      ).toBe(true);
    });
  });
});
