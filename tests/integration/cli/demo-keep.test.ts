import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './run-cli';

const ROOT = join(__dirname, '../../..');

/** `npm run demo -- --keep` until it prints its hints; resolves with its stdout so far. */
function keptDemo(outDir: string): {
  child: ChildProcess;
  hints: Promise<string>;
  exited: Promise<number | null>;
} {
  const child = spawn(
    process.execPath,
    [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'scripts/demo.ts', '--keep'],
    {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', LIFEBOAT_DEMO_OUT: outDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  const hints = new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (/npx lifeboat help <command>.*\n/.test(stdout)) resolve(stdout);
    });
    child.on('close', () => reject(new Error(`the demo ended before its hints:\n${stdout}`)));
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  return { child, hints, exited };
}

describe('npm run demo -- --keep: the hints name real ids, and the commands work on the kept emulator', () => {
  it('prints every command with the run ids, and they answer from the stand-in stack', async () => {
    const demo = keptDemo(await mkdtemp(join(tmpdir(), 'lifeboat-demo-keep-')));
    try {
      const out = await demo.hints;
      const hints = out.slice(out.indexOf('The emulator is still running'));
      const recoveryId = /recovery (\d{8}t\d{6}z-[0-9a-f]{8}): execution/.exec(out)?.[1] ?? '';
      const exported = /^ {2}export (.*)$/m.exec(hints)?.[1] ?? '';
      const env = Object.fromEntries(exported.split(' ').map((kv) => kv.split('=', 2) as [string, string]));

      for (const command of ['info', 'backup', 'list', 'recover', 'status', 'promote', 'drill', 'report']) {
        expect(hints).toMatch(new RegExp(`^ {2}npx lifeboat ${command}\\b`, 'm'));
      }
      expect(hints).toContain(`npx lifeboat status ${recoveryId} `);
      expect(hints).not.toMatch(/<recovery-id>|<promote-id>/);
      expect(Object.keys(env)).toEqual([
        'LIFEBOAT_AWS_ENDPOINT',
        'LIFEBOAT_CONFIG',
        'LIFEBOAT_LOCAL_SITE_URL',
      ]);

      const info = await runCli(['info'], env);
      const status = await runCli(['status', recoveryId], env);

      expect(info).toMatchObject({ code: 0, stderr: '' });
      expect(info.stdout).toMatch(/^stack: +lifeboat-dev \(CREATE_COMPLETE/m);
      expect(info.stdout).toMatch(/^catalog bucket: +lifeboat-catalog-[0-9a-f]+$/m);
      expect(info.stdout).toMatch(
        /^ {2}recovery: +arn:aws:states:us-east-1:\d+:stateMachine:lifeboat-[\w-]*recovery$/m,
      );
      expect(status.code).toBe(0);
      expect(status.stdout).toContain(`recovery ${recoveryId} of blog: Succeeded`);
    } finally {
      demo.child.kill('SIGINT');
    }
    expect(await demo.exited).toBe(0);
  }, 240_000);
});
