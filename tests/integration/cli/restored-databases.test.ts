import { writeFileSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StopDBInstanceCommand } from '@aws-sdk/client-rds';
import { RdsRestoreAdapter } from '../../../lib/aws/rds-restore';
import type { Role } from '../../../lib/tags/vocabulary';
import { restoredDatabaseIdentifier, restoredDatabaseTags } from '../../../lib/tags/vocabulary';
import { seedDatabase } from '../../../local/seed';
import { motoClients, motoEndpoint, uniqueName } from '../../support/moto';
import { MOTO_CREDENTIALS, runCli } from './run-cli';
import { completedBackup, freshCatalog } from './seed';

interface ListedDatabase {
  identifier: string;
  region: string;
  site: string;
  role: string;
  status: string;
  recoveryId: string | null;
  instanceClasses: string[];
  cost: string;
  costClass: string;
  billing: boolean;
  overAge: boolean;
  ageSeconds: number | null;
}

describe('lifeboat list: restored databases (subprocess against moto)', () => {
  const clients = motoClients();
  const RECOVERY = '20261123t093900z-5f2c81a0';
  let bucket: string;
  let config: string;
  const restored: Record<string, string> = {};
  const common = (configPath = 'config/sites.yml') => [
    '--endpoint',
    motoEndpoint(),
    '--bucket',
    bucket,
    '--config',
    configPath,
  ];

  /** What a `dev` recovery of blog restores for its task of `role` (the recovery's adapter and tags). */
  async function restore(role: Role, region: string, site = 'blog', stage = 'dev'): Promise<string> {
    const source = await seedDatabase(clients, region, uniqueName('src'));
    const identifier = restoredDatabaseIdentifier(site, `${RECOVERY}-${stage}`, role, 'b');
    await new RdsRestoreAdapter(clients.rds(region), region).restore({
      kind: 'rds-instance',
      identifier,
      from: { sourceId: source },
      engine: 'mysql',
      instanceClass: 'db.t3.micro',
      securityGroups: [],
      tags: restoredDatabaseTags(site, RECOVERY, role, '20261122t020000z-scheduled', stage),
    });
    return identifier;
  }

  beforeAll(async () => {
    let catalog: Awaited<ReturnType<typeof freshCatalog>>['catalog'];
    ({ bucket, catalog } = await freshCatalog());
    await catalog.createBackup(completedBackup(30));
    restored.replacement = await restore('replacement', 'us-east-1');
    restored.drill = await restore('drill', 'us-west-2');
    restored.sandbox = await restore('sandbox', 'us-east-1');
    await clients
      .rds('us-east-1')
      .send(new StopDBInstanceCommand({ DBInstanceIdentifier: restored.sandbox }));
    restored.shop = await restore('replacement', 'us-east-1', 'shop');
    restored.prod = await restore('final', 'us-east-1', 'blog', 'prod');
    // The shipped config with the cost guard's age set to 6 h.
    const dir = await mkdtemp(join(tmpdir(), 'lifeboat-cost-guard-'));
    config = join(dir, 'sites.yml');
    const shipped = await readFile(join(__dirname, '../../../config/sites.yml'), 'utf8');
    writeFileSync(
      config,
      shipped.replace('restoredDatabaseMaxAgeHours: 24', 'restoredDatabaseMaxAgeHours: 6'),
    );
  });

  it('lists them in their own section after the backups, with status, age, cost class and recovery', async () => {
    const result = await runCli(['list', 'blog', ...common()], MOTO_CREDENTIALS);

    expect(result).toMatchObject({ code: 0, stderr: '' });
    const lines = result.stdout.trimEnd().split('\n');
    const section = lines.indexOf('restored databases (3; one running over 24 h raises the cost alarm):');
    expect(section).toBe(4);
    expect(lines[3]).toBe('');
    expect(lines[section + 1]).toMatch(/^DATABASE\s+REGION\s+ROLE\s+STATUS\s+AGE\s+COMPUTE\s+RESTORED BY$/);
    const row = (id: string | undefined) => lines.find((l) => l.startsWith(`${id} `));
    expect(row(restored.replacement)).toMatch(
      new RegExp(
        `^${restored.replacement}\\s+us-east-1\\s+replacement\\s+available\\s+<1 min\\s+db\\.t3\\.micro \\(< \\$0\\.05/h\\)\\s+recovery ${RECOVERY}$`,
      ),
    );
    expect(row(restored.drill)).toMatch(/\s+us-west-2\s+drill\s+available\s+/);
    expect(row(restored.sandbox)).toMatch(/\s+us-east-1\s+sandbox\s+stopped\s+/);
    expect(lines.at(-1)).toBe(
      'stopped: no instance hours, storage still billed; RDS starts a stopped database again after 7 days',
    );
    expect(result.stdout).not.toContain(restored.shop);
    expect(result.stdout).not.toContain(restored.prod);
  });

  it('gives them as their own section of the JSON document', async () => {
    const result = await runCli(['list', 'blog', '--json', ...common()], MOTO_CREDENTIALS);

    expect(result.code).toBe(0);
    const document = JSON.parse(result.stdout) as {
      backups: { id: string }[];
      restoredDatabases: ListedDatabase[];
      restoredDatabaseMaxAgeHours: number;
    };
    expect(document.backups).toHaveLength(1);
    expect(document.restoredDatabaseMaxAgeHours).toBe(24);
    const byId = Object.fromEntries(document.restoredDatabases.map((d) => [d.identifier, d]));
    expect(Object.keys(byId).sort()).toEqual([restored.drill, restored.replacement, restored.sandbox].sort());
    expect(byId[restored.replacement ?? '']).toMatchObject({
      region: 'us-east-1',
      site: 'blog',
      role: 'replacement',
      status: 'available',
      recoveryId: RECOVERY,
      instanceClasses: ['db.t3.micro'],
      costClass: 'low',
      cost: '< $0.05/h',
      billing: true,
      overAge: false,
      ageSeconds: expect.any(Number),
    });
    expect(byId[restored.sandbox ?? '']).toMatchObject({ status: 'stopped', billing: false, overAge: false });
  });

  it('takes the age from the config', async () => {
    const text = await runCli(['list', 'blog', ...common(config)], MOTO_CREDENTIALS);
    const json = await runCli(['list', 'blog', '--json', ...common(config)], MOTO_CREDENTIALS);

    expect(text.stdout).toContain('restored databases (3; one running over 6 h raises the cost alarm):');
    expect(JSON.parse(json.stdout)).toMatchObject({ restoredDatabaseMaxAgeHours: 6 });
  });

  it('shows another stage’s only with --stage', async () => {
    const result = await runCli(['list', 'blog', '--stage', 'prod', '--json', ...common()], MOTO_CREDENTIALS);

    expect(result.code).toBe(0);
    const { restoredDatabases } = JSON.parse(result.stdout) as { restoredDatabases: ListedDatabase[] };
    expect(restoredDatabases.map((d) => [d.identifier, d.role])).toEqual([[restored.prod, 'final']]);
  });
});
