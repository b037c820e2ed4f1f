import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '../../..');

/**
 * Sources scripts/test.sh (which then only defines its functions) and runs `body` with it, stdout
 * piped; `$fake` holds the given jest result files for the fake steps to copy into `$results`.
 */
function runWithTestSh(
  body: string,
  jestResults: Record<string, { passed: number; failed: number } | string> = {},
) {
  const results = mkdtempSync(join(tmpdir(), 'lifeboat-test-sh-'));
  const fake = mkdtempSync(join(tmpdir(), 'lifeboat-test-sh-fake-'));
  for (const [file, result] of Object.entries(jestResults)) {
    const text =
      typeof result === 'string'
        ? result
        : JSON.stringify({ numPassedTests: result.passed, numFailedTests: result.failed });
    writeFileSync(join(fake, file), text);
  }
  const env = { ...process.env, FORCE_COLOR: undefined, NO_COLOR: undefined };
  const script = `set -euo pipefail; source scripts/test.sh; results='${results}'; fake='${fake}'; ${body}`;
  const run = spawnSync('bash', ['-c', script], { cwd: ROOT, env, encoding: 'utf8' });
  return { status: run.status, stdout: run.stdout };
}

describe('scripts/test.sh', () => {
  it('runs every step after one fails, then prints the times, the test counts and the failed step, and exits 1', () => {
    const run = runWithTestSh(
      `step "fake unit" cp "$fake/unit.json" "$results/"
       step "fake integration" bash -c 'cp "$0/integration.json" "$1/"; exit 1' "$fake" "$results"
       step "fake package" true
       summary`,
      { 'unit.json': { passed: 5, failed: 0 }, 'integration.json': { passed: 3, failed: 2 } },
    );

    expect(run.status).toBe(1);
    const lines = run.stdout.split('\n');
    expect(lines).toContain('==> fake package');
    expect(lines).toContain('<== fake integration FAILED (exit 1)');
    expect(lines).toContain('1 step(s) failed. Wall time per step:');
    expect(lines.filter((l) => /^ {2}fake \w+ +\d+s {2}/.test(l))).toEqual([
      expect.stringMatching(/^ {2}fake unit +\d+s {2}ok$/),
      expect.stringMatching(/^ {2}fake integration +\d+s {2}FAILED \(exit 1\)$/),
      expect.stringMatching(/^ {2}fake package +\d+s {2}ok$/),
    ]);
    expect(lines.slice(-3)).toEqual(['tests: 8 passed, 2 failed', 'failed: fake integration', '']);
  });

  it('names a step that wrote no results, and every failed step', () => {
    const run = runWithTestSh(
      `step "fake typecheck" false
       step "fake crash" bash -c 'cp "$0/crash.json" "$1/"; exit 2' "$fake" "$results"
       summary`,
      { 'crash.json': '{"numPassedTests": 1' },
    );

    expect(run.status).toBe(1);
    expect(run.stdout).toContain(
      'tests: 0 passed, 0 failed (unreadable results: crash.json)\nfailed: fake typecheck, fake crash\n',
    );
  });

  it('says all passed and exits 0 when every step passed', () => {
    const run = runWithTestSh(`step "fake lint" true; summary`);

    expect(run.status).toBe(0);
    expect(run.stdout).toContain('All checks passed. Wall time per step:');
    expect(run.stdout).toMatch(/tests: 0 passed, 0 failed\n$/);
  });

  it('turns colour off for every step when stdout is not a terminal', () => {
    const run = runWithTestSh(
      `step "env" node -e 'console.log("colour:", process.env.FORCE_COLOR, process.env.NO_COLOR)'`,
    );

    expect(run.stdout).toContain('colour: 0 1');
  });
});
