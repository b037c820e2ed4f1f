import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aRecordValue } from '../../../local/inspect';
import { holdEcsTasksRunning } from '../../../local/moto-server';
import { type ProvisionedSite, provisionSite, referenceBlueprint } from '../../../local/provision-site';
import { writeSiteConfig } from '../../../local/site-config';
import { type SiteServer, startSiteServer } from '../../../local/site-server';
import { createStandInStack } from '../../../local/stand-in-stack';
import { motoClients, motoEndpoint, uniqueName } from '../../support/moto';
import { MOTO_CREDENTIALS, runCli } from './run-cli';

/**
 * What an operator does on the kept emulator (`npm run demo -- --keep`): every command a
 * subprocess, the stack found by --stage, and the recovery, promote and drill state machines run
 * by the CLI's local runner against moto, their health gates probing the local site server.
 */
describe('lifeboat on the emulator: started state machines run to their end (subprocess against moto)', () => {
  const clients = motoClients();
  const stage = uniqueName('local');
  let site: ProvisionedSite;
  let siteServer: SiteServer;
  let env: Record<string, string>;
  let common: string[];

  beforeAll(async () => {
    await holdEcsTasksRunning(motoEndpoint());
    site = await provisionSite(clients, referenceBlueprint({ catalogBucket: uniqueName('catalog') }));
    const configPath = join(await mkdtemp(join(tmpdir(), 'lifeboat-cli-local-')), 'sites.yml');
    // The shortest health-gate deadline the config allows: a failed gate costs seconds.
    await writeSiteConfig(configPath, [site], { health: { deadlineSeconds: 10 } });
    await createStandInStack(clients, site.primaryRegion, stage, {
      catalogBucket: site.catalogBucket,
      stateMachines: site.stateMachines,
      recoveryTopicArn: site.notifications.topicArn,
    });
    siteServer = await startSiteServer();
    env = {
      ...MOTO_CREDENTIALS,
      LIFEBOAT_STAGE: stage,
      LIFEBOAT_LOCAL_SITE_URL: siteServer.url,
      LIFEBOAT_LOCAL_WAIT_MS: '50',
    };
    common = ['--endpoint', motoEndpoint(), '--config', configPath];
  }, 120_000);

  afterAll(async () => {
    await siteServer?.stop();
  });

  it('backs up, recovers, shows, promotes and drills, each from the command line', async () => {
    const backup = await runCli(['backup', 'blog', '--interval', '0.1', ...common], env);
    expect(backup.code).toBe(0);
    const backupId = /^(\d{8}t\d{6}z-manual)\s+Completed/.exec(backup.stdout)?.[1] ?? '';
    await new Promise((resolve) => setTimeout(resolve, 1100)); // backups count only if taken before the outage

    const recover = await runCli(['recover', 'blog', '--follow', '--interval', '0.2', ...common], env);

    expect(recover.stderr).not.toMatch(/^lifeboat: /m);
    expect(recover.code).toBe(0);
    const recoveryId = /^recovery (\S+) of blog started$/m.exec(recover.stdout)?.[1] ?? '';
    expect(recover.stderr).toMatch(/✓ Launch replacement/);
    expect(recover.stderr).toMatch(/✓ Switch DNS site/);
    expect(recover.stdout).toContain(`recovery ${recoveryId} of blog: Succeeded`);
    expect(recover.stdout).toContain(`backup      ${backupId}`);
    expect(recover.stdout).toMatch(/DNS {9}www\.example\.com → 10\.\d+\.\d+\.\d+ \(TTL 60 s\)/);
    expect(recover.stdout).toMatch(/sandbox {5}sandbox\.example\.com → 10\.\d+\.\d+\.\d+/);
    const replacement = /DNS {9}www\.example\.com → (\S+)/.exec(recover.stdout)?.[1];
    expect(await aRecordValue(clients, site.dns.hostedZoneId, 'www.example.com')).toBe(replacement);

    const status = await runCli(['status', recoveryId, '--json', ...common], env);
    expect(JSON.parse(status.stdout)).toMatchObject({ id: recoveryId, status: { phase: 'Succeeded' } });

    // moto's CreateSnapshot snapshots cannot be compared (ListChangedBlocks): unmeasured, which promote refuses unless told.
    const promote = await runCli(['promote', 'blog', '--discard-changes', ...common], env);

    expect(promote.code).toBe(0);
    expect(promote.stdout).toMatch(
      /^promote \S+ of blog started: sandbox sandbox\.example\.com of recovery /m,
    );
    expect(promote.stderr).toContain('running here on the emulator until it ends');
    expect(promote.stdout).toMatch(/^promote \S+ of blog: Succeeded$/m);
    const final = /DNS {9}www\.example\.com → (\S+)/.exec(promote.stdout)?.[1];
    expect(final).not.toBe(replacement);
    expect(await aRecordValue(clients, site.dns.hostedZoneId, 'www.example.com')).toBe(final);

    const drill = await runCli(['drill', 'blog', '--backup', backupId, ...common], env);
    const listed = await runCli(['list', 'blog', '--json', ...common], env);

    expect(drill.code).toBe(0);
    expect(drill.stdout).toMatch(/^drill \S+ of blog: Succeeded$/m);
    // Files and database, each with its verdict, and the probe that proved the database.
    expect(drill.stdout).toMatch(
      /^ {2}files {7}passed: task \S+ from volume snapshot snap-\S+ started and answered/m,
    );
    expect(drill.stdout).toMatch(
      /^ {2}database {4}passed: lifeboat-blog-drill-\S+ restored from DB snapshot \S+/m,
    );
    expect(drill.stdout).toMatch(
      /^ {2}evidence {4}GET \S+ \(expected 200\) answered 200 .* with WORDPRESS_DB_HOST=\S+$/m,
    );
    expect(JSON.parse(listed.stdout).backups).toContainEqual(
      expect.objectContaining({ id: backupId, drill: 'passed' }),
    );
  }, 300_000);

  it('records a failed drill verdict on a backup whose task answers 502', async () => {
    const listed = await runCli(['list', 'blog', '--json', ...common], env);
    const [newest] = (JSON.parse(listed.stdout) as { backups: { id: string }[] }).backups;
    siteServer.setMode('unhealthy', newest?.id);

    const drill = await runCli(['drill', 'blog', '--backup', newest?.id ?? '', ...common], env);
    const after = await runCli(['list', 'blog', '--json', ...common], env);

    expect(drill.code).toBe(0);
    expect(drill.stdout).toMatch(/^drill \S+ of blog: Succeeded$/m);
    expect(drill.stdout).toMatch(/✗ Record drill verdict .* failed$/m);
    // The newest backup is the pre-promote one: its files only (it holds no DB snapshot).
    expect(drill.stdout).toMatch(/^ {2}files {7}failed: task \S+ from volume snapshot snap-\S+: /m);
    expect(drill.stdout).not.toMatch(/^ {2}database /m);
    expect(JSON.parse(after.stdout).backups).toContainEqual(
      expect.objectContaining({ id: newest?.id, drill: 'failed' }),
    );
  }, 180_000);
});
