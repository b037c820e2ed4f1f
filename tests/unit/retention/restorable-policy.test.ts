import { planRetention } from '../../../lib/retention/policy';
import { buildBackup } from '../../support/builders';

const policy = { daily: 1, weekly: 0, monthly: 0 };
const now = new Date('2026-11-22T12:00:00Z');
const at = (day: string) => `2026-11-${day}T02:00:00Z`;
const both = new Set(['us-east-1', 'us-west-2']);

describe('planRetention with what AWS confirms', () => {
  const backups = ['18', '19', '20', '21', '22'].map((d) => buildBackup({ at: at(d), phase: 'Completed' }));
  const [b18, b19, b20, b21, b22] = backups.map((b) => b.id);

  it('keeps the newest backup restorable in each region when newer records are not', () => {
    const restorable = new Map([
      [b18 ?? '', both],
      [b19 ?? '', new Set(['us-east-1'])],
      [b20 ?? '', new Set(['us-west-2'])],
    ]);

    const decisions = planRetention({ backups, recoveries: [], policy, now, restorable });

    expect(decisions.map((d) => [d.backupId, d.action, d.reasons])).toEqual([
      [b22, 'keep', ['newest completed backup']],
      [b21, 'delete', ['outside the policy (daily 1, weekly 0, monthly 0)']],
      [b20, 'keep', ['newest verified-restorable backup in us-west-2']],
      [b19, 'keep', ['newest verified-restorable backup in us-east-1']],
      [b18, 'delete', ['outside the policy (daily 1, weekly 0, monthly 0)']],
    ]);
    expect(decisions[0]?.anomaly).toBe(
      'Completed, but AWS does not confirm its snapshots in us-east-1, us-west-2',
    );
  });

  it('adds no second reason when the newest completed backup is itself the newest restorable one', () => {
    const restorable = new Map(backups.map((b) => [b.id, both]));

    const decisions = planRetention({ backups, recoveries: [], policy, now, restorable });

    expect(decisions[0]).toEqual({ backupId: b22, action: 'keep', reasons: ['newest completed backup'] });
    expect(decisions.filter((d) => d.action === 'delete')).toHaveLength(4);
  });

  it('keeps a record dated in the future as an anomaly and lets it take neither a slot nor "newest"', () => {
    const future = buildBackup({ at: '2026-12-05T02:00:00Z', phase: 'Completed' });

    const decisions = planRetention({ backups: [...backups, future], recoveries: [], policy, now });

    expect(decisions[0]).toMatchObject({ backupId: future.id, action: 'keep', futureDated: true });
    expect(decisions[0]?.anomaly).toMatch(/^dated 2026-12-05T02:00:00.000Z, in the future/);
    expect(decisions[1]).toMatchObject({
      backupId: b22,
      action: 'keep',
      reasons: ['newest completed backup'],
    });
  });

  it('tolerates a few minutes of skew: a backup scheduled just ahead of now is an ordinary backup', () => {
    const soon = buildBackup({ at: '2026-11-22T12:05:00Z', phase: 'Completed' });

    const [first] = planRetention({ backups: [...backups, soon], recoveries: [], policy, now });

    expect(first).toEqual({ backupId: soon.id, action: 'keep', reasons: ['newest completed backup'] });
  });
});
