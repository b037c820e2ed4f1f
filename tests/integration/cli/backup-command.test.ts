import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { provisionSite, referenceBlueprint } from '../../../local/provision-site';
import { writeSiteConfig } from '../../../local/site-config';
import { motoClients, motoEndpoint, uniqueName } from '../../support/moto';
import { MOTO_CREDENTIALS, runCli } from './run-cli';

describe('lifeboat backup (subprocess against moto)', () => {
  let configPath: string;
  let bucket: string;

  beforeAll(async () => {
    const site = await provisionSite(
      motoClients(),
      referenceBlueprint({ catalogBucket: uniqueName('catalog') }),
    );
    configPath = join(await mkdtemp(join(tmpdir(), 'lifeboat-cli-backup-')), 'sites.yml');
    await writeSiteConfig(configPath, [site]);
    bucket = site.catalogBucket;
  });

  it('starts a backup, shows each part as it progresses and ends Completed with DR copies', async () => {
    const common = ['--endpoint', motoEndpoint(), '--bucket', bucket, '--config', configPath];

    const result = await runCli(['backup', 'blog', '--interval', '0.1', ...common], MOTO_CREDENTIALS);
    const listed = await runCli(['list', 'blog', ...common], MOTO_CREDENTIALS);

    expect(result.code).toBe(0);
    const id = /^(\d{8}t\d{6}z-manual)\s+Completed/.exec(result.stdout)?.[1];
    expect(id).toBeDefined();
    expect(result.stdout).toMatch(
      /^ {2}vol-[0-9a-f]+ → snap-[0-9a-f]+; DR copy snap-[0-9a-f]+ in us-west-2$/m,
    );
    expect(result.stdout).toMatch(/^ {2}blog-db → lifeboat-blog-\S+; DR copy \S+ in us-west-2$/m);
    expect(result.stderr).toMatch(
      /^\[\s*\d+\.\ds\] backup \S+ of blog: 2 part\(s\), DR copies to us-west-2$/m,
    );
    expect(result.stderr).toMatch(/^\[\s*\d+\.\ds\] phase Completed$/m);
    expect(listed.stdout).toMatch(
      new RegExp(`^${id}\\s+manual\\s+Completed\\s+<1 min\\s+2/2 copied\\s+—$`, 'm'),
    );
  }, 120_000);
});
