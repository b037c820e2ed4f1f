import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { drForwarderRuleNames } from '../../lib/readiness/dr-events';
import { MANAGED, TAG } from '../../lib/tags/vocabulary';
import {
  asList,
  loadTemplate,
  ROOT,
  resourcesOfType,
  type Statement,
  type Template,
} from './support/template';

/**
 * The DR-region forwarder (config/dr-region-forwarder.yml) is deployed by hand beside the stack:
 * nothing else would notice it drifting from the stack's rules or asking for more than PutEvents.
 */
const FORWARDER_PATH = join(ROOT, 'config', 'dr-region-forwarder.yml');
const forwarder = parse(readFileSync(FORWARDER_PATH, 'utf8')) as Template & {
  Parameters: Record<string, unknown>;
};
const stack = loadTemplate();

const PRIMARY_BUS = {
  'Fn::Sub': 'arn:${AWS::Partition}:events:${PrimaryRegion}:${AWS::AccountId}:event-bus/default',
};

interface Target {
  Id: string;
  Arn: unknown;
  RoleArn?: unknown;
}

const targetsOf = (props: Record<string, unknown> | undefined) =>
  asList(props?.Targets as Target[] | undefined);

/** The packaged stack's rules that feed the snapshot-event queue, i.e. onSnapshotEvent. */
function stackSnapshotRules(): [string, Record<string, unknown>][] {
  return resourcesOfType(stack, 'AWS::Events::Rule')
    .filter(([, rule]) =>
      targetsOf(rule.Properties).some(
        (t) => JSON.stringify(t.Arn) === JSON.stringify({ 'Fn::GetAtt': ['SnapshotEventQueue', 'Arn'] }),
      ),
    )
    .map(([id, rule]) => [id, rule.Properties ?? {}]);
}

const forwarderRules = resourcesOfType(forwarder, 'AWS::Events::Rule');

describe('DR-region forwarder template', () => {
  it('takes the stage and the primary region, and holds only its two rules and their role', () => {
    expect(Object.keys(forwarder.Parameters).sort()).toEqual(['PrimaryRegion', 'Stage']);
    expect(
      Object.values(forwarder.Resources)
        .map((r) => r.Type)
        .sort(),
    ).toEqual(['AWS::Events::Rule', 'AWS::Events::Rule', 'AWS::IAM::Role']);
  });

  it("matches exactly the events of the stack's snapshot-event rules, rule by rule (same logical ids)", () => {
    const stackRules = stackSnapshotRules();
    expect(stackRules.map(([id]) => id).sort()).toEqual(forwarderRules.map(([id]) => id).sort());
    for (const [id, props] of stackRules) {
      expect([id, forwarder.Resources[id]?.Properties?.EventPattern]).toEqual([id, props.EventPattern]);
    }
  });

  it("leaves the stack's snapshot-event rules open to events of any region (the forwarded ones keep the DR region)", () => {
    for (const [id, props] of stackSnapshotRules()) {
      expect([id, Object.keys(props.EventPattern as Record<string, unknown>)]).toEqual([
        id,
        expect.not.arrayContaining(['region']),
      ]);
      expect([id, props.EventBusName]).toEqual([id, undefined]);
    }
  });

  it("sends each rule only to the primary region's default bus, as the forwarder role", () => {
    for (const [id, rule] of forwarderRules) {
      expect([id, targetsOf(rule.Properties)]).toEqual([
        id,
        [{ Id: expect.any(String), Arn: PRIMARY_BUS, RoleArn: { 'Fn::GetAtt': ['ForwarderRole', 'Arn'] } }],
      ]);
      expect([id, rule.Properties?.State]).toEqual([id, 'ENABLED']);
    }
  });

  it('names its rules as the readiness check looks for them, after the stage', () => {
    const names = forwarderRules.map(
      ([, rule]) => (rule.Properties?.Name as { 'Fn::Sub'?: string } | undefined)?.['Fn::Sub'],
    );
    const expected = Object.values(drForwarderRuleNames('${Stage}'));
    expect(names.sort()).toEqual(expected.sort());
  });

  it('lets only EventBridge of this account assume the role, and the role only PutEvents on the primary default bus', () => {
    const [, role] = resourcesOfType(forwarder, 'AWS::IAM::Role')[0] ?? [];
    const props = role?.Properties ?? {};
    const trust = asList((props.AssumeRolePolicyDocument as { Statement: Statement[] }).Statement);
    expect(trust).toEqual([
      {
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      },
    ]);
    expect(props.ManagedPolicyArns).toBeUndefined();
    expect(props.PermissionsBoundary).toBeUndefined();
    const statements = asList(props.Policies as { PolicyDocument: { Statement: Statement[] } }[]).flatMap(
      (p) => asList(p.PolicyDocument.Statement),
    );
    expect(statements).toEqual([{ Effect: 'Allow', Action: 'events:PutEvents', Resource: PRIMARY_BUS }]);
  });

  it('tags its role with the stage, as everything lifeboat creates', () => {
    const [, role] = resourcesOfType(forwarder, 'AWS::IAM::Role')[0] ?? [];
    expect(role?.Properties?.Tags).toEqual(
      expect.arrayContaining([
        { Key: TAG.stage, Value: { Ref: 'Stage' } },
        { Key: TAG.managed, Value: MANAGED },
      ]),
    );
  });
});
