import { join } from 'node:path';
import { MANAGED, TAG } from '../../lib/tags/vocabulary';
import { derivedActions } from './support/sdk-actions';
import {
  allStatements,
  asList,
  loadTemplate,
  ROOT,
  resourcesOfType,
  roleOfFunction,
  type Statement,
  statementsOfRole,
} from './support/template';

/** Actions that destroy data or take a site down; lifeboat may only use them on what it made. */
const DESTRUCTIVE = [
  'ec2:DeleteSnapshot',
  'ec2:DeleteVolume',
  'ec2:DetachVolume',
  'ec2:TerminateInstances',
  'ec2:DeregisterImage',
  'ec2:ModifySnapshotAttribute',
  'rds:DeleteDBSnapshot',
  'rds:DeleteDBClusterSnapshot',
  'rds:DeleteDBInstance',
  'rds:DeleteDBCluster',
  'rds:ModifyDBSnapshotAttribute',
  'ecs:StopTask',
  'ecs:DeleteService',
  'ecs:UpdateService',
  'ecs:DeleteCluster',
  'ecs:DeregisterTaskDefinition',
];

/**
 * Reviewed: the only roles that may destroy anything. The import-graph derivation below is
 * module-level (a function importing an adapter could call any of its commands), so destructive
 * actions get this explicit, narrower list on top.
 */
const MAY_DESTROY: Record<string, readonly string[]> = {
  // Retention also deletes the databases promotes stopped, once their lifeboat:retain-until passed.
  ApplyRetentionRole: [
    'ec2:DeleteSnapshot',
    'rds:DeleteDBSnapshot',
    'rds:DeleteDBClusterSnapshot',
    'rds:DeleteDBInstance',
    'rds:DeleteDBCluster',
  ],
  RecoveryRejectCandidateRole: ['ecs:StopTask', 'rds:DeleteDBInstance', 'rds:DeleteDBCluster'],
  RecoveryRetireTasksRole: ['ecs:StopTask'],
  RecoveryFinishRole: ['ecs:StopTask', 'rds:DeleteDBInstance', 'rds:DeleteDBCluster'],
  DrillDiscardDatabaseRole: ['rds:DeleteDBInstance', 'rds:DeleteDBCluster'],
};

/**
 * Reviewed: actions a role needs that no code of its function calls. Lambda's SQS event source
 * mapping polls the queue and deletes what the function handled with the function's own role
 * (https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html#events-sqs-permissions), on that one
 * queue only (checked below).
 */
const EVENT_SOURCE_POLLER: Record<string, { actions: readonly string[]; queue: string }> = {
  OnSnapshotEventRole: {
    actions: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
    queue: 'SnapshotEventQueue',
  },
  // A retention run's continuations (it also sends them: sqs:SendMessage is its code's).
  ApplyRetentionRole: {
    actions: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
    queue: 'RetentionRunQueue',
  },
};

/** Condition keys that restrict a call to resources tagged lifeboat:managed=true (TAG.managed). */
const TAG_CONDITION_KEYS = [
  'aws:resourcetag',
  'ec2:resourcetag',
  'ecs:resourcetag',
  'rds:snapshot-tag',
  'rds:cluster-snapshot-tag',
].map((prefix) => `${prefix}/${TAG.managed}`);

/** The only managed policies a function role may carry. */
const BASELINE_MANAGED_POLICIES = [
  /service-role\/AWSLambdaBasicExecutionRole$/,
  /AWSXRayDaemonWriteAccess$/,
  /service-role\/AWSLambdaVPCAccessExecutionRole$/,
];

function globMatches(pattern: string, action: string): boolean {
  const regex = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'i',
  );
  return regex.test(action);
}

function resourceText(resource: unknown): string {
  if (typeof resource === 'string') return resource;
  const sub = (resource as { 'Fn::Sub'?: unknown })?.['Fn::Sub'];
  if (typeof sub === 'string') return sub;
  if (Array.isArray(sub) && typeof sub[0] === 'string') return sub[0];
  // Ref / GetAtt name one resource of the stack.
  return '';
}

function hasTagCondition(statement: Statement): boolean {
  for (const [operator, conditions] of Object.entries(statement.Condition ?? {})) {
    if (!/^String(Equals|Like)(IgnoreCase)?$/.test(operator)) continue;
    for (const [key, value] of Object.entries(conditions)) {
      if (
        TAG_CONDITION_KEYS.includes(key.toLowerCase()) &&
        asList(value as string | string[]).every((v) => v === MANAGED)
      )
        return true;
    }
  }
  return false;
}

function handlerSource(handler: string): string {
  return join(ROOT, `${handler.replace(/\.[^.]+$/, '')}.ts`);
}

const template = loadTemplate();
const functions = resourcesOfType(template, 'AWS::Lambda::Function').filter(([, fn]) =>
  String(fn.Properties?.Handler ?? '').startsWith('functions/'),
);

describe('IAM in the packaged template', () => {
  it('has lifeboat functions to check', () => {
    expect(functions.length).toBeGreaterThan(0);
  });

  it('never allows a destructive action on a wildcard resource without the lifeboat:managed tag condition', () => {
    const offending = allStatements(template)
      .filter(({ statement }) => statement.Effect === 'Allow')
      .flatMap(({ owner, statement }) => {
        if (statement.NotAction !== undefined) return [`${owner}: Allow with NotAction`];
        const destructive = asList(statement.Action).filter((a) =>
          DESTRUCTIVE.some((d) => globMatches(a, d)),
        );
        const wildcard = asList(statement.Resource).some((r) => resourceText(r).includes('*'));
        return destructive.length > 0 && wildcard && !hasTagCondition(statement)
          ? [`${owner}: ${destructive.join(', ')} on ${JSON.stringify(statement.Resource)}`]
          : [];
      });

    expect(offending).toEqual([]);
  });

  it('grants destructive actions only to the reviewed roles that need them', () => {
    const unexpected = allStatements(template)
      .filter(({ statement }) => statement.Effect === 'Allow')
      .flatMap(({ owner, statement }) =>
        asList(statement.Action)
          .filter((a) => DESTRUCTIVE.some((d) => globMatches(a, d)))
          .filter((a) => !(MAY_DESTROY[owner] ?? []).includes(a))
          .map((a) => `${owner}: ${a}`),
      );

    expect(unexpected).toEqual([]);
  });

  it.each(Object.entries(EVENT_SOURCE_POLLER))(
    "%s: the event source poller's actions are granted on its own queue only",
    (role, { actions, queue }) => {
      const polling = statementsOfRole(template, role).filter(
        (s) => s.Effect === 'Allow' && asList(s.Action).some((a) => actions.includes(a)),
      );

      expect(polling.length).toBeGreaterThan(0);
      for (const s of polling) {
        expect([...asList(s.Action)].sort()).toEqual([...actions].sort());
        expect(asList(s.Resource)).toEqual([{ 'Fn::GetAtt': [queue, 'Arn'] }]);
      }
    },
  );

  it('gives every function a role of its own, not the framework-wide default role', () => {
    const roles = functions.map(([name, fn]) => [name, roleOfFunction(fn)] as const);

    expect(roles.filter(([, role]) => role === undefined || role === 'IamRoleLambdaExecution')).toEqual([]);
    const used = roles.map(([, role]) => role);
    expect(used.filter((role, i) => used.indexOf(role) !== i)).toEqual([]);
  });

  it.each(functions.map(([name, fn]) => [name, fn] as const))(
    '%s: its role allows only the actions its code calls (derived from its import graph)',
    (_name, fn) => {
      const role = roleOfFunction(fn) ?? '';
      const { allowed } = derivedActions(handlerSource(String(fn.Properties?.Handler)));
      const granted = statementsOfRole(template, role)
        .filter((s) => s.Effect === 'Allow')
        .flatMap((s) => asList(s.Action));

      const poller = EVENT_SOURCE_POLLER[role]?.actions ?? [];
      const beyondCode = granted.filter(
        (action) => (!allowed.has(action) && !poller.includes(action)) || action.includes('*'),
      );
      const managed = asList(template.Resources[role]?.Properties?.ManagedPolicyArns as unknown[] | undefined)
        .map(resourceText)
        .filter((arn) => !BASELINE_MANAGED_POLICIES.some((ok) => ok.test(arn)));

      expect({ beyondCode, managed }).toEqual({ beyondCode: [], managed: [] });
    },
  );
});
