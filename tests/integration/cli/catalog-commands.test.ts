import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Catalog } from '../../../lib/catalog/catalog';
import { motoEndpoint } from '../../support/moto';
import { recordedRecovery } from '../../support/recorded-recoveries';
import { MOTO_CREDENTIALS, runCli } from './run-cli';
import { completedBackup, freshCatalog } from './seed';

describe('lifeboat list / status / report (subprocess against moto)', () => {
  let bucket: string;
  let catalog: Catalog;
  const env = { ...MOTO_CREDENTIALS };
  const common = () => ['--endpoint', motoEndpoint(), '--bucket', bucket, '--config', 'config/sites.yml'];

  beforeAll(async () => {
    ({ bucket, catalog } = await freshCatalog());
    const { recovery, backups } = recordedRecovery();
    for (const backup of backups) await catalog.createBackup(backup);
    await catalog.createRecovery(recovery);
    const drilled = completedBackup(30);
    drilled.status.drill = {
      verdict: 'passed',
      at: new Date(Date.now() - 3_600_000).toISOString(),
      detail: 'HTTP 200',
    };
    await catalog.createBackup(drilled);
    const copying = completedBackup(2, 'manual');
    copying.status.phase = 'Copying';
    const firstPart = copying.status.parts[0];
    if (firstPart !== undefined) firstPart.copy = { region: 'us-west-2', state: 'pending' };
    await catalog.createBackup(copying);
  });

  it('lists the backups newest first with kind, phase, age, DR copy and drill verdict', async () => {
    const result = await runCli(['list', 'blog', ...common()], env);

    expect(result).toMatchObject({ code: 0, stderr: '' });
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+KIND\s+PHASE\s+AGE\s+DR COPY\s+DRILL$/);
    expect(lines).toHaveLength(2 + 5);
    const manual = lines.findIndex((l) => /-manual\s/.test(l));
    expect(lines[manual]).toMatch(/-manual\s+manual\s+Copying\s+2 h 00 min\s+copying 1\/2\s+—$/);
    expect(lines.find((l) => l.includes('30 h 00 min'))).toMatch(
      /-scheduled\s+scheduled\s+Completed\s+30 h 00 min\s+2\/2 copied\s+passed \(1 h 00 min ago\)$/,
    );
    expect(result.stdout).toMatch(
      /20261123t093943z-broken-state\s+broken-state\s+Completed\s+\S.*\s+not copied/,
    );
  });

  it('lists as JSON for scripts', async () => {
    const result = await runCli(['list', 'blog', '--json', ...common()], env);

    expect(result.code).toBe(0);
    const { backups: rows } = JSON.parse(result.stdout) as {
      backups: { id: string; drCopy: string; drill: string | null }[];
    };
    expect(rows.find((r) => r.id === '20261122t020000z-scheduled')).toMatchObject({
      drCopy: '2/2 copied',
      drill: null,
    });
    expect(rows.filter((r) => r.drill === 'passed')).toHaveLength(1);
  });

  it('shows a recovery: trigger, backup, DNS, sandbox and each step', async () => {
    const result = await runCli(['status', '20261123t093900z-5f2c81a0', ...common()], env);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('recovery 20261123t093900z-5f2c81a0 of blog: Succeeded');
    expect(result.stdout).toContain('backup      20261122t020000z-scheduled after 1 walk-back(s)');
    expect(result.stdout).toContain(
      'DNS         www.example.com → 54.210.33.17 (TTL 60 s), 4 min 40 s after the alarm',
    );
    expect(result.stdout).toContain('sandbox     sandbox.example.com → 3.91.120.8');
    expect(result.stdout).toMatch(/✗ Health gate replacement\s+1 min {2}critical failed/);
    expect(result.stdout).toMatch(/✓ Switch DNS site\s+300 ms {2}critical/);
  });

  it('prints the recovery record as JSON for scripts', async () => {
    const result = await runCli(['status', '20261123t093900z-5f2c81a0', '--json', ...common()], env);

    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      kind: 'Recovery',
      id: '20261123t093900z-5f2c81a0',
      status: { phase: 'Succeeded' },
    });
  });

  it('follows a recovery that has already ended by printing it once', async () => {
    const result = await runCli(['status', '20261123t093900z-5f2c81a0', '--follow', ...common()], env);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain(': Succeeded');
  });

  it('exits 1 for a failed recovery', async () => {
    const { recovery } = recordedRecovery();
    recovery.id = '20261120t100000z-0badc0de';
    recovery.status.phase = 'Failed';
    recovery.status.failure = { error: 'NoKnownGoodBackupError', cause: 'no completed backup' };
    await catalog.createRecovery(recovery);

    const result = await runCli(['status', recovery.id, ...common()], env);

    expect(result.code).toBe(1);
    expect(result.stdout).toContain('failed      NoKnownGoodBackupError: no completed backup');
  });

  it('exits 4 with one line for a recovery id the catalog does not have', async () => {
    const result = await runCli(['status', '20260101t000000z-00000000', ...common()], env);

    expect(result).toMatchObject({ code: 4, stdout: '' });
    expect(result.stderr).toBe(
      'lifeboat: no recovery 20260101t000000z-00000000 in the catalog for any configured site\n',
    );
  });

  it('writes the HTML and Markdown report of a recovery', async () => {
    const out = await mkdtemp(join(tmpdir(), 'lifeboat-cli-report-'));

    const result = await runCli(['report', '20261123t093900z-5f2c81a0', '--out', out, ...common()], env);

    expect(result.code).toBe(0);
    const html = join(out, 'blog-20261123t093900z-5f2c81a0.html');
    expect(result.stdout).toBe(`${html}\n${join(out, 'blog-20261123t093900z-5f2c81a0.md')}\n`);
    const page = await readFile(html, 'utf8');
    expect(page).toContain('Walked back 1 time');
    expect(page).toContain('<svg');
  });

  it('exits 4 when the catalog bucket does not exist', async () => {
    const result = await runCli(
      [
        'list',
        'blog',
        '--endpoint',
        motoEndpoint(),
        '--bucket',
        'no-such-bucket-here',
        '--config',
        'config/sites.yml',
      ],
      env,
    );

    expect(result.code).toBe(4);
    expect(result.stderr).toBe(
      'lifeboat: the catalog bucket does not exist: check --bucket or CATALOG_BUCKET\n',
    );
  });
});
