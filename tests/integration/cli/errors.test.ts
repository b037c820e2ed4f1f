import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../../local/moto-server';
import { motoEndpoint } from '../../support/moto';
import { MOTO_CREDENTIALS, runCli } from './run-cli';
import { freshCatalog } from './seed';

describe('lifeboat errors: one line and an exit code scripts can rely on', () => {
  let bucket: string;
  const common = () => ['--endpoint', motoEndpoint(), '--bucket', bucket];

  beforeAll(async () => {
    ({ bucket } = await freshCatalog());
  });

  it('exits 0 with the usage for --help', async () => {
    const result = await runCli(['--help']);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: lifeboat <command> [options]');
    expect(result.stdout).toContain('Exit codes: 0 ok, 1 operation failed, 2 usage or config error');
  });

  it.each([
    [[], 'lifeboat: no command given (see lifeboat --help)'],
    [['restore', 'blog'], 'lifeboat: unknown command "restore" (see lifeboat --help)'],
    [['list'], 'lifeboat: list: missing <site> (see lifeboat --help)'],
    [['list', 'blog', '--frobnicate'], "lifeboat: list: Unknown option '--frobnicate' (see lifeboat --help)"],
    [
      ['list', 'blog', '--bucket'],
      "lifeboat: list: Option '--bucket <value>' argument missing (see lifeboat --help)",
    ],
  ])('exits 2 for bad usage: %j', async (args, line) => {
    const result = await runCli(args as string[]);

    expect(result).toEqual({ code: 2, stdout: '', stderr: `${line}\n` });
  });

  it('exits 2 for an unknown site', async () => {
    const result = await runCli(['list', 'shop', ...common()], MOTO_CREDENTIALS);

    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: 'lifeboat: unknown site "shop": it is not in the site config\n',
    });
  });

  it('exits 2 for a bad config, naming the field', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lifeboat-cli-config-'));
    const good = await readFile('config/sites.yml', 'utf8');
    const path = join(dir, 'sites.yml');
    await writeFile(path, good.replace('recordName: www.example.com', 'recordName: not a name'));

    const result = await runCli(['list', 'blog', '--config', path, ...common()], MOTO_CREDENTIALS);

    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `lifeboat: invalid site config ${path}: sites[0](blog).dns.recordName: a DNS name such as www.example.com\n`,
    );
  });

  it('exits 2 for a missing config file', async () => {
    const result = await runCli(
      ['list', 'blog', '--config', '/nonexistent/sites.yml', ...common()],
      MOTO_CREDENTIALS,
    );

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^lifeboat: cannot read site config \/nonexistent\/sites.yml: ENOENT/);
  });

  it('exits 2 when no catalog bucket is given and there is no stack to read it from', async () => {
    const result = await runCli(['list', 'blog', '--endpoint', motoEndpoint()], MOTO_CREDENTIALS);

    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'lifeboat: no catalog bucket: no stack lifeboat-dev in us-east-1 (check --stage and --region); pass --bucket NAME or set CATALOG_BUCKET\n',
    );
  });

  it('exits 3 when the emulator is not running', async () => {
    const port = await freePort();

    const result = await runCli([
      'list',
      'blog',
      '--endpoint',
      `http://127.0.0.1:${port}`,
      '--bucket',
      bucket,
    ]);

    expect(result.code).toBe(3);
    expect(result.stderr).toBe(
      `lifeboat: cannot reach the AWS emulator at http://127.0.0.1:${port} (ECONNREFUSED): is moto_server running?\n`,
    );
  });

  it('exits 3 when there are no AWS credentials', async () => {
    const result = await runCli(['list', 'blog', '--bucket', bucket]);

    expect(result.code).toBe(3);
    expect(result.stderr).toBe(
      'lifeboat: no AWS credentials found: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (or use --endpoint for the emulator)\n',
    );
  });

  it('reads the bucket from CATALOG_BUCKET and the endpoint from LIFEBOAT_AWS_ENDPOINT', async () => {
    const result = await runCli(['list', 'blog'], {
      ...MOTO_CREDENTIALS,
      CATALOG_BUCKET: bucket,
      LIFEBOAT_AWS_ENDPOINT: motoEndpoint(),
    });

    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toBe('no backups of blog yet (start one with: lifeboat backup blog)\n');
  });
});
