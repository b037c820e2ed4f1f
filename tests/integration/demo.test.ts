import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '../..');

function runDemo(outDir: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'scripts/demo.ts'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', LIFEBOAT_DEMO_OUT: outDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function listening(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(2000) });
    return true;
  } catch {
    return false;
  }
}

describe('npm run demo (the CI smoke test)', () => {
  // About 20-40 s alone on 2 cores; more when the rest of the suite runs beside it.
  it('backs up, recovers from the Pingdom webhook, reports and promotes, then stops what it started', async () => {
    const outDir = await mkdtemp(join(tmpdir(), 'lifeboat-demo-'));

    const result = await runDemo(outDir);

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const out = result.stdout;
    expect(out).toMatch(/phase \w+ → Completed/);
    expect(out).toMatch(/→ DR copy snap-[0-9a-f]+ \(us-west-2\)/);
    expect(out).toContain('www.example.com/wp-login.php answers HTTP 502');
    expect(out).toContain('→ pingdom-webhook: HTTP 202 started');
    expect(out).toMatch(/▶ Launch replacement\n/);
    expect(out).toMatch(/✓ Switch DNS \(\d+ ms\)/);
    expect(out).toMatch(/✓ {3}┊ Launch sandbox/);
    expect(out).toMatch(
      /✗ Check replacement ×\d+ over \d+ s: unhealthy — not healthy within .*\n.*▶ Reject unhealthy/,
    );
    expect(out).toMatch(/✓ Check replacement (×\d+ over [\d.]+ (ms|s)|\([\d.]+ (ms|s)\)): healthy/);
    expect(out).toMatch(
      /tried \d{8}t\d{6}z-scheduled: unhealthy → walked back\n\s+tried \d{8}t\d{6}z-scheduled: healthy/,
    );
    expect(out).toMatch(
      /www\.example\.com {6}A 198\.51\.100\.10 → 10\.\d+\.\d+\.\d+ \(replacement from \d{8}t\d{6}z-scheduled\)/,
    );
    expect(out).toMatch(/sandbox\.example\.com {2}A 10\.\d+\.\d+\.\d+ \(the broken state/);
    // The database comes back with the files: point in time for the first pick, each older backup's
    // own snapshot on the walk-back, the rejected one deleted after a final snapshot; the sandbox
    // runs on its own restore of the broken-state snapshot.
    expect(out).toMatch(
      /database for the replacement \(\d{8}t\d{6}z-scheduled\): lifeboat-blog-replacement-[0-9a-f]{6} from point in time \S+ of blog-db; deleted, final snapshot lifeboat-blog-replacement-[0-9a-f]{6}-final/,
    );
    expect(out).toMatch(
      /database for the replacement \(\d{8}t\d{6}z-scheduled\): lifeboat-blog-replacement-[0-9a-f]{6} from DB snapshot lifeboat-blog-\d{8}t\d{6}z-scheduled; at \S+\.rds\.amazonaws\.com/,
    );
    expect(out).toMatch(
      /database for the sandbox \(\d{8}t\d{6}z-broken-state\): lifeboat-blog-sandbox-[0-9a-f]{6} from DB snapshot lifeboat-blog-\d{8}t\d{6}z-broken-state; at /,
    );
    expect(out).toMatch(/alarm → DNS switched: [\d.]+ (ms|s)/);
    // Last night's and the night before's backups, aged as such.
    expect(out).toMatch(/-scheduled\s+scheduled\s+Completed\s+7 h 0\d min\s+2\/2 copied/);
    expect(out).toMatch(/-scheduled\s+scheduled\s+Completed\s+31 h 0\d min\s+2\/2 copied/);
    expect(out).toMatch(/www\.example\.com A 10\.\d+\.\d+\.\d+ \(final task from \d{8}t\d{6}z-pre-promote\)/);
    expect(out).toContain('▸ Done');

    const [, recoveryId, execution] =
      /recovery (\d{8}t\d{6}z-[0-9a-f]{8}): execution (\S+) started/.exec(out) ?? [];
    const html = join(outDir, `blog-${recoveryId}.html`);
    expect(existsSync(html)).toBe(true);
    expect(readFileSync(html, 'utf8')).toContain('blog is back: www.example.com switched to');
    // The report names the execution the webhook started (and the demo announced), run locally.
    expect(readFileSync(html, 'utf8')).toMatch(
      new RegExp(
        `Step Functions execution <code>arn:aws:states:us-east-1:\\d{12}:execution:[\\w-]+:${execution}</code>`,
      ),
    );
    expect(existsSync(join(outDir, `blog-${recoveryId}.md`))).toBe(true);

    const moto = /moto_server\s+(http:\S+)/.exec(out)?.[1] ?? '';
    const site = /site server\s+(http:\S+)/.exec(out)?.[1] ?? '';
    expect(await listening(moto)).toBe(false);
    expect(await listening(site)).toBe(false);
  }, 180_000);
});
