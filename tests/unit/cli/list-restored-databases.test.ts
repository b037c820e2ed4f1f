import {
  formatRestoredDatabases,
  restoredDatabaseRow,
} from '../../../lib/cli/commands/list-restored-databases';
import { restoredDatabaseOf } from '../../../lib/cost-guard/restored-databases';
import { restoredInAws } from '../readiness/fake-ports';

const NOW = '2026-11-23T12:00:00Z';

const assessed = (...args: Parameters<typeof restoredInAws>) => {
  const db = restoredDatabaseOf(restoredInAws(...args), 'dev', new Date(NOW), 24);
  if (db === undefined) throw new Error('not a restored database');
  return db;
};

describe('lifeboat list: the restored databases section', () => {
  it('prints nothing when there are none', () => {
    expect(formatRestoredDatabases([], 24)).toEqual([]);
  });

  it('shows each with region, role, status, age, cost class and the run that restored it', () => {
    const lines = formatRestoredDatabases([assessed(NOW, 3.2)], 24)
      .join('\n')
      .split('\n');

    expect(lines).toEqual([
      'restored databases (1; one running over 24 h raises the cost alarm):',
      expect.stringMatching(/^DATABASE\s+REGION\s+ROLE\s+STATUS\s+AGE\s+COMPUTE\s+RESTORED BY$/),
      expect.stringMatching(/^-+\s+-+/),
      expect.stringMatching(
        /^lifeboat-blog-replacement-1a2b3c {2}us-east-1 {2}replacement {2}available {2}3 h 12 min {2}db\.t3\.micro \(< \$0\.05\/h\) {2}recovery 20261122t093900z-5f2c81a0$/,
      ),
    ]);
  });

  it('marks the ones over age and says what stopped ones still cost', () => {
    const text = formatRestoredDatabases(
      [
        assessed(NOW, 30, { role: 'sandbox', instanceClasses: ['db.r5.xlarge'] }),
        assessed(NOW, 50, { role: 'drill', status: 'stopped', identifier: 'lifeboat-blog-drill-9f9f9f' }),
      ],
      24,
    ).join('\n');

    expect(text).toMatch(/^restored databases \(2; 1 running over 24 h: retire it, it bills by the hour\):/);
    expect(text).toMatch(
      /lifeboat-blog-sandbox-1a2b3c\s+us-east-1\s+sandbox\s+available\s+30 h 00 min, over 24 h\s+db\.r5\.xlarge \(\$0\.05–0\.50\/h\)/,
    );
    expect(text).toMatch(
      /lifeboat-blog-drill-9f9f9f\s+us-east-1\s+drill\s+stopped\s+2 days 2 h\s+db\.t3\.micro/,
    );
    expect(text).toMatch(
      /\nstopped: no instance hours, storage still billed; RDS starts a stopped database again after 7 days$/,
    );
  });

  it('gives scripts the same as JSON', () => {
    expect(restoredDatabaseRow(assessed(NOW, 30))).toEqual({
      identifier: 'lifeboat-blog-replacement-1a2b3c',
      region: 'us-east-1',
      kind: 'rds-instance',
      site: 'blog',
      role: 'replacement',
      recoveryId: '20261122t093900z-5f2c81a0',
      backupId: null,
      status: 'available',
      billing: true,
      createdAt: '2026-11-22T06:00:00.000Z',
      ageSeconds: 108_000,
      instanceClasses: ['db.t3.micro'],
      costClass: 'low',
      cost: '< $0.05/h',
      hourlyUsd: 0.017,
      overAge: true,
    });
  });
});
