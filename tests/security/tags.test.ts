import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MANAGED, RDS_SNAPSHOT_PREFIX, TAG, TAG_KEYS } from '../../lib/tags/vocabulary';
import { allStatements, asList, loadTemplate, ROOT, type Statement } from './support/template';

/**
 * IAM conditions are written in serverless.yml as YAML map keys (`aws:ResourceTag/lifeboat:managed`),
 * where no variable can reach, so they spell the tags literally and this file holds them to
 * lib/tags/vocabulary.ts: a tag renamed in the code and not in the template would let IAM refuse
 * every call, or worse, let a condition match nothing lifeboat writes.
 */
const template = loadTemplate();
const statements = allStatements(template);

/** `lifeboat:<key>` wherever it is spelled in a text (YAML, JS or JSON). */
function tagKeysIn(text: string): string[] {
  return [...text.matchAll(/lifeboat:[A-Za-z0-9_][A-Za-z0-9_.-]*/g)].map((m) => m[0]);
}

/** The tag keys IAM conditions of the statement name: `<prefix>/<tag>` condition keys and tag-key lists. */
function conditionTagKeys(statement: Statement): string[] {
  return Object.values(statement.Condition ?? {}).flatMap((conditions) =>
    tagKeysIn(JSON.stringify(conditions)),
  );
}

/** The tag keys of the template's resources' own Tags (Key/Value lists). */
function resourceTagKeys(): string[] {
  return Object.values(template.Resources).flatMap((resource) =>
    asList(resource.Properties?.Tags as { Key?: unknown }[] | undefined)
      .map((t) => t.Key)
      .filter((key): key is string => typeof key === 'string' && key.startsWith('lifeboat:')),
  );
}

/** Condition-key prefixes of the tags on the resource a call acts on (or the request's, for creates). */
const TAG_CONDITION_PREFIXES = [
  'aws:resourcetag',
  'ec2:resourcetag',
  'ecs:resourcetag',
  'rds:snapshot-tag',
  'rds:cluster-snapshot-tag',
];

/** Whether the statement requires the tag `tag` to equal `expected` (StringEquals on one of `prefixes`). */
function isConditionedOn(statement: Statement, tag: string, expected: string, prefixes: string[]): boolean {
  const keys = prefixes.map((prefix) => `${prefix}/${tag}`.toLowerCase());
  return Object.entries(statement.Condition ?? {}).some(
    ([operator, conditions]) =>
      /^StringEquals(IgnoreCase)?$/.test(operator) &&
      Object.entries(conditions).some(
        ([key, value]) =>
          keys.includes(key.toLowerCase()) && asList(value as string | string[]).every((v) => v === expected),
      ),
  );
}

function isConditionedOnManaged(statement: Statement): boolean {
  return isConditionedOn(statement, TAG.managed, MANAGED, TAG_CONDITION_PREFIXES);
}

/** The stage the template was packaged for, as its functions are told it (LIFEBOAT_STAGE). */
function packagedStage(): string | undefined {
  const stages = new Set(
    Object.values(template.Resources)
      .filter((r) => r.Type === 'AWS::Lambda::Function')
      .map(
        (r) => (r.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables,
      )
      .map((v) => v?.LIFEBOAT_STAGE),
  );
  return stages.size === 1 ? ([...stages][0] as string | undefined) : undefined;
}

/** What lifeboat destroys (retention, retiring tasks): only ever what carries TAG.managed. */
const DESTRUCTIVE = [
  'ec2:DeleteSnapshot',
  'rds:DeleteDBSnapshot',
  'rds:DeleteDBClusterSnapshot',
  'ecs:StopTask',
];

describe('lifeboat tags in the packaged template and its sources', () => {
  it('conditions IAM only on tags of the vocabulary', () => {
    const used = statements.flatMap(({ statement }) => conditionTagKeys(statement));

    expect(used).toContain(TAG.managed);
    expect(used.filter((key) => !(TAG_KEYS as readonly string[]).includes(key))).toEqual([]);
  });

  it('tags its own resources only with tags of the vocabulary', () => {
    const used = resourceTagKeys();

    expect(used.length).toBeGreaterThan(0);
    expect(used.filter((key) => !(TAG_KEYS as readonly string[]).includes(key))).toEqual([]);
  });

  it.each(['serverless.yml', 'config/serverless-sites.js'])(
    '%s spells only tags of the vocabulary',
    (file) => {
      const used = tagKeysIn(readFileSync(join(ROOT, file), 'utf8'));

      expect(used.filter((key) => !(TAG_KEYS as readonly string[]).includes(key))).toEqual([]);
    },
  );

  it.each(DESTRUCTIVE)('allows %s only on resources tagged with the managed tag', (action) => {
    const granting = statements.filter(
      ({ statement }) => statement.Effect === 'Allow' && asList(statement.Action).includes(action),
    );

    expect(granting.length).toBeGreaterThan(0);
    expect(
      granting.filter(({ statement }) => !isConditionedOnManaged(statement)).map(({ owner }) => owner),
    ).toEqual([]);
  });

  it('tells every function its stage, one for the whole template', () => {
    expect(packagedStage()).toEqual(expect.stringMatching(/^[a-z0-9-]+$/));
  });

  it.each(DESTRUCTIVE)(
    "allows %s only on resources tagged with this stage (never another stage's)",
    (action) => {
      const stage = packagedStage() ?? '(no stage)';
      const granting = statements.filter(
        ({ statement }) => statement.Effect === 'Allow' && asList(statement.Action).includes(action),
      );

      expect(granting.length).toBeGreaterThan(0);
      expect(
        granting
          .filter(({ statement }) => !isConditionedOn(statement, TAG.stage, stage, TAG_CONDITION_PREFIXES))
          .map(({ owner }) => owner),
      ).toEqual([]);
    },
  );

  it('lets the backup pipeline create and copy snapshots only tagged with this stage', () => {
    const stage = packagedStage() ?? '(no stage)';
    const copying = statements.filter(
      ({ statement }) =>
        statement.Effect === 'Allow' && asList(statement.Action).includes('ec2:CopySnapshot'),
    );

    expect(copying.length).toBeGreaterThan(0);
    expect(
      copying
        .filter(({ statement }) => !isConditionedOn(statement, TAG.stage, stage, ['aws:requesttag']))
        .map(({ owner }) => owner),
    ).toEqual([]);
  });

  it('names DB snapshots in IAM by the prefix lifeboat gives them', () => {
    const arns = statements
      .flatMap(({ statement }) => asList(statement.Resource))
      .map((r) => JSON.stringify(r))
      .flatMap((text) => [...text.matchAll(/:(?:cluster-)?snapshot:([^"\\]*)/g)].map((m) => m[1]));

    expect(arns.length).toBeGreaterThan(0);
    expect(arns.filter((name) => name !== `${RDS_SNAPSHOT_PREFIX}*`)).toEqual([]);
  });
});
