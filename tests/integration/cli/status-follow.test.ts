import { spawn } from 'node:child_process';
import type { Catalog } from '../../../lib/catalog/catalog';
import type { Recovery } from '../../../lib/recovery/model';
import { motoEndpoint } from '../../support/moto';
import { recordedRecovery } from '../../support/recorded-recoveries';
import { BIN, MOTO_CREDENTIALS, runCli } from './run-cli';
import { freshCatalog } from './seed';

/** The recorded recovery as it looked while running: only its first step started. */
function running(): Recovery {
  const { recovery } = recordedRecovery();
  recovery.id = '20261123t080000z-5ca1ab1e';
  recovery.status.phase = 'Running';
  const [first] = recovery.status.timeline;
  recovery.status.timeline =
    first === undefined ? [] : [{ ...first, endedAt: undefined, outcome: undefined }];
  recovery.status.dnsChange = undefined;
  recovery.status.endedAt = undefined;
  return recovery;
}

describe('lifeboat status --follow (subprocess against moto)', () => {
  let bucket: string;
  let catalog: Catalog;

  beforeAll(async () => {
    ({ bucket, catalog } = await freshCatalog());
  });

  it('prints each step as it starts and ends, and exits when the recovery ends', async () => {
    const recovery = running();
    await catalog.createRecovery(recovery);
    const final = recordedRecovery().recovery;
    const child = spawn(
      process.execPath,
      [
        BIN,
        'status',
        recovery.id,
        '--follow',
        '--interval',
        '0.1',
        '--endpoint',
        motoEndpoint(),
        '--bucket',
        bucket,
      ],
      { cwd: `${__dirname}/../../..`, env: { PATH: process.env.PATH ?? '', ...MOTO_CREDENTIALS } },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const seen = async (text: string) => {
      for (let i = 0; i < 200 && !stderr.includes(text); i++) await new Promise((r) => setTimeout(r, 50));
      expect(stderr).toContain(text);
    };

    await seen('▶ Begin');
    await catalog.updateRecovery('blog', recovery.id, (r) => ({
      ...r,
      status: {
        ...r.status,
        timeline: [
          ...final.status.timeline.slice(0, 3),
          { step: 'launch-replacement', startedAt: '2026-11-23T09:39:44.100Z', critical: true },
        ],
      },
    }));
    await seen('▶ Launch replacement');
    await catalog.updateRecovery('blog', recovery.id, (r) => ({
      ...r,
      status: { ...final.status },
    }));

    expect(await exited).toBe(0);
    const lines = stderr.split('\n').map((l) => l.replace(/^\[\s*[\dms.]+\] /, ''));
    const first = (prefix: string) => lines.findIndex((l) => l.startsWith(prefix));
    expect(first('▶ Begin')).toBeLessThan(first('✓ Begin'));
    expect(first('✓ Pick known good')).toBeLessThan(first('▶ Launch replacement'));
    expect(first('▶ Launch replacement')).toBeLessThan(first('✓ Launch replacement'));
    expect(lines.filter((l) => l.startsWith('✓ Launch replacement'))).toHaveLength(2);
    expect(lines.some((l) => /^✗ Health gate replacement\s+1 min {2}critical failed$/.test(l))).toBe(true);
    expect(stdout).toContain(`recovery ${recovery.id} of blog: Succeeded`);
  }, 120_000);

  it('waits for a run that is not recorded yet (its first step writes the record), then follows it', async () => {
    const { recovery } = recordedRecovery();
    recovery.id = '20261123t090000z-0a1b2c3d';
    const child = spawn(
      process.execPath,
      [
        BIN,
        'status',
        recovery.id,
        '--follow',
        '--interval',
        '0.2',
        '--endpoint',
        motoEndpoint(),
        '--bucket',
        bucket,
      ],
      { cwd: `${__dirname}/../../..`, env: { PATH: process.env.PATH ?? '', ...MOTO_CREDENTIALS } },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    for (let i = 0; i < 400 && !stderr.includes('to appear in the catalog'); i++) {
      await new Promise((r) => setTimeout(r, 50));
    }

    await catalog.createRecovery(recovery);

    expect(await exited).toBe(0);
    expect(stderr).toMatch(/waiting for 20261123t090000z-0a1b2c3d to appear in the catalog/);
    expect(stdout).toContain('recovery 20261123t090000z-0a1b2c3d of blog: Succeeded');
  }, 120_000);

  it('exits 4 when the run never appears within --timeout', async () => {
    const result = await runCli(
      [
        'status',
        '20260101t000000z-00000000',
        '--follow',
        '--timeout',
        '1',
        '--endpoint',
        motoEndpoint(),
        '--bucket',
        bucket,
      ],
      MOTO_CREDENTIALS,
    );

    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(
      /lifeboat: no recovery 20260101t000000z-00000000 in the catalog for any configured site\n$/,
    );
  }, 60_000);
});
