import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareBenchFiles } from '../../../scripts/bench/compare';

function benchFile(dir: string, name: string, callsPerResource: number, completed: number): string {
  const run = {
    aws: 'standin',
    volumes: 10000,
    databases: 200,
    nights: 1,
    realMs: 600_000,
    phases: { Completed: completed, PartiallyFailed: 200 - completed },
    hoursToTerminal: [41.5],
    drRpo: [{ maxHours: 42, p95Hours: 40 }],
    copyPhase: { spanHours: 44, floorHours: 41.7 },
    createSnapshotCallsPerSnapshot: 1,
    createRate: { perSecond: 4.6 },
    throttlesSent: { RequestLimitExceeded: 10 },
    throttlesEscapedSdk: 2,
    throttlesSurfaced: 0,
    perResource: {
      awsCalls: callsPerResource,
      s3: 9,
      invocations: 1.4,
      byAction: { 'ec2:CreateSnapshot': 0.98 },
    },
    invocationErrorsTotal: 0,
    longestInvocation: { fn: 'advance-backup', ms: 30_000 },
  };
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify({ scale: [run], costs: [{ volumes: 10000, perSiteMonth: 0.05 }] }));
  return file;
}

describe('npm run bench:compare', () => {
  it('prints both runs side by side with the change from the first to the second', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-compare-'));
    const before = benchFile(dir, 'before.json', 6, 150);
    const after = benchFile(dir, 'after.json', 3, 200);

    const text = compareBenchFiles(before, after);

    expect(text).toContain('| EC2+RDS calls per resource | 6.00 | 3.00 | -3.00 (-50 %) |');
    expect(text).toContain('| backups Completed | 150 | 200 | +50 (+33 %) |');
    expect(text).toContain('| CreateSnapshot calls per snapshot | 1.000 | 1.000 | = |');
    expect(text).toContain('| ec2:CreateSnapshot per resource | 0.980 | 0.980 | = |');
  });
});
