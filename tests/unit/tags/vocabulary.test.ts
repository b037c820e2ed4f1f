import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { TaskRole } from '../../../lib/recovery/model';
import {
  fromEcsTagList,
  fromTagList,
  isManaged,
  MANAGED,
  parseRdsSnapshotIdentifier,
  ROLES,
  type Role,
  rdsSnapshotIdentifier,
  TAG,
  TAG_KEYS,
  taskTags,
  taskVolumeSelector,
  toEcsTagList,
  toTagList,
} from '../../../lib/tags/vocabulary';

describe('RDS snapshot identifiers', () => {
  it.each([
    ['blog', '20261122t020000z-scheduled'],
    ['my-shop-2', '20261122t093912z-broken-state'],
    ['a1', '20261122t020000z-pre-promote'],
  ])('round-trips site %s and backup %s', (site, backupId) => {
    expect(parseRdsSnapshotIdentifier(rdsSnapshotIdentifier(site, backupId))).toEqual({ site, backupId });
  });

  it('reads the identifier at the end of an ARN', () => {
    expect(
      parseRdsSnapshotIdentifier(
        'arn:aws:rds:us-west-2:123456789012:snapshot:lifeboat-blog-20261122t020000z-scheduled',
      ),
    ).toEqual({ site: 'blog', backupId: '20261122t020000z-scheduled' });
  });

  it.each([
    'rds:my-db-snapshot',
    'lifeboat-blog',
    'lifeboat--20261122t020000z-scheduled',
    'my-db-20261122t020000z-x',
  ])('does not take %s for a lifeboat snapshot', (identifier) => {
    expect(parseRdsSnapshotIdentifier(identifier)).toBeUndefined();
  });
});

describe('the tag vocabulary', () => {
  it('spells every key lifeboat:<kebab-case>, each once', () => {
    expect(TAG_KEYS.every((key) => /^lifeboat:[a-z]+(-[a-z]+)*$/.test(key))).toBe(true);
    expect(new Set(TAG_KEYS).size).toBe(TAG_KEYS.length);
    expect(TAG_KEYS).toEqual(expect.arrayContaining(['lifeboat:managed', 'lifeboat:stage', 'lifeboat:role']));
  });

  it('has a role for every task a recovery launches', () => {
    // Compiles only while the two lists are the same union.
    const roles: readonly TaskRole[] = ROLES;
    const back: readonly Role[] = [] as TaskRole[];

    expect([...roles, ...back]).toEqual(['replacement', 'sandbox', 'final', 'drill']);
  });

  it('converts tags to the EC2/RDS and ECS lists and back, an absent value being the empty one', () => {
    const tags = { [TAG.managed]: MANAGED, Name: 'blog' };

    expect(fromTagList(toTagList(tags))).toEqual(tags);
    expect(fromEcsTagList(toEcsTagList(tags))).toEqual(tags);
    expect(fromTagList([{ Key: 'empty' }, { Value: 'no key' }])).toEqual({ empty: '' });
    expect(fromEcsTagList(undefined)).toEqual({});
  });

  it('tags a recovery task with who made it, for what, and from which backup', () => {
    expect(
      taskTags('blog', '20261122t093900z-1a2b3c4d', 'sandbox', '20261122t020000z-scheduled', 'prod'),
    ).toEqual({
      'lifeboat:managed': 'true',
      'lifeboat:site': 'blog',
      'lifeboat:recovery-id': '20261122t093900z-1a2b3c4d',
      'lifeboat:role': 'sandbox',
      'lifeboat:backup-id': '20261122t020000z-scheduled',
      'lifeboat:stage': 'prod',
    });
    expect(taskVolumeSelector('20261122t093900z-1a2b3c4d', 'sandbox', 'prod')).toEqual({
      'lifeboat:recovery-id': '20261122t093900z-1a2b3c4d',
      'lifeboat:role': 'sandbox',
      'lifeboat:stage': 'prod',
    });
    expect(isManaged({ 'lifeboat:managed': 'true' })).toBe(true);
    expect(isManaged({ 'lifeboat:managed': 'false' })).toBe(false);
  });
});

describe('the spelling of lifeboat tags in the product code', () => {
  const root = resolve(__dirname, '..', '..', '..');
  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
    });

  it('is only in lib/tags/vocabulary.ts: everything else says TAG.<key>', () => {
    const spelled = [...files(join(root, 'lib')), ...files(join(root, 'functions'))]
      .map((path) => relative(root, path))
      .filter((file) => file !== join('lib', 'tags', 'vocabulary.ts'))
      .filter((file) => /['"`]lifeboat:[a-z]/.test(readFileSync(join(root, file), 'utf8')));

    expect(spelled).toEqual([]);
  });
});
