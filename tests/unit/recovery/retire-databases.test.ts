import { SnapshotMismatchError } from '../../../lib/errors';
import type { RestoredDatabase } from '../../../lib/recovery/model';
import { retirePromoted } from '../../../lib/recovery/retire-databases';
import { buildRecovery, buildSite } from '../../support/builders';
import { FakeClock } from '../../support/fake-clock';
import { fakePorts } from './support/fake-ports';

const site = buildSite();
const SOURCE = '20261122t093900z-1a2b3c4d';
const PROMOTE = '20261122t110000z-0a0b0c0d';
const SANDBOX = 'arn:aws:ecs:us-east-1:123456789012:task/blog/sbx';

function db(role: 'replacement' | 'sandbox'): RestoredDatabase {
  return {
    role,
    backupId: role === 'replacement' ? '20261122t020000z-scheduled' : '20261122t094000z-broken-state',
    kind: 'rds-instance',
    identifier: `lifeboat-blog-${role}-0a1b2c`,
    method: 'snapshot',
    startedAt: '2026-11-22T09:40:00.000Z',
    address: `lifeboat-blog-${role}-0a1b2c.rds.example`,
  };
}

async function world() {
  const fakes = fakePorts();
  await fakes.catalog.createRecovery(
    buildRecovery({
      id: SOURCE,
      status: {
        phase: 'Succeeded',
        sandbox: { taskArn: SANDBOX, address: '203.0.113.9', recordName: 'sandbox.example.com' },
        databases: [db('replacement'), db('sandbox')],
      },
    }),
  );
  const promote = buildRecovery({ id: PROMOTE, startedAt: '2026-11-22T11:00:00.000Z' });
  promote.spec.kind = 'promote';
  promote.spec.options.sourceRecoveryId = SOURCE;
  promote.status.dnsChange = {
    changeId: 'C1',
    recordName: 'www.example.com',
    value: '10.0.1.9',
    ttl: 60,
    submittedAt: '2026-11-22T11:02:00.000Z',
    insyncAt: '2026-11-22T11:02:30.000Z',
  };
  promote.status.changes = {
    databasePlan: {
      serving: 'sandbox',
      final: db('sandbox').identifier,
      retire: [db('replacement').identifier],
      summary: 'the final task runs against the sandbox database',
    },
  };
  await fakes.catalog.createRecovery(promote);
  for (const d of [db('replacement'), db('sandbox')])
    fakes.databases.states.set(d.identifier, { state: 'available', status: 'available' });
  return { ...fakes, clock: new FakeClock('2026-11-22T11:03:00Z') };
}

describe('retirePromoted (the promote after DNS switched)', () => {
  it("stops the tasks, deletes the sandbox's record and stops the database the plan retires, retained from the switch", async () => {
    const w = await world();

    const result = await retirePromoted(w.ports, w.clock, site, PROMOTE, [
      { taskArn: SANDBOX, cluster: 'blog', region: 'us-east-1' },
    ]);

    expect(result).toEqual({
      stopped: [SANDBOX],
      sandboxRecord: 'sandbox.example.com deleted',
      databases: [db('replacement').identifier],
    });
    expect(w.dns.deletes).toEqual([{ recordName: 'sandbox.example.com', ip: '203.0.113.9' }]);
    const retainUntil = new Date(Date.parse('2026-11-22T11:02:30.000Z') + site.retention.daily * 86_400_000);
    expect(w.databases.stopped).toEqual([
      {
        identifier: db('replacement').identifier,
        finalSnapshotId: `${db('replacement').identifier}-final`,
        tags: { 'lifeboat:retain-until': retainUntil.toISOString() },
      },
    ]);
    const source = await w.catalog.getRecovery(site.name, SOURCE);
    expect(source?.status.databases?.map((d) => [d.role, d.retainUntil, d.finalSnapshotId])).toEqual([
      ['replacement', retainUntil.toISOString(), `${db('replacement').identifier}-final`],
      ['sandbox', undefined, undefined],
    ]);
  });

  it('a retried step stops nothing twice: the database is retired on the record', async () => {
    const w = await world();
    await retirePromoted(w.ports, w.clock, site, PROMOTE, []);

    await retirePromoted(w.ports, w.clock, site, PROMOTE, []);

    expect(w.databases.stopped).toHaveLength(1);
  });

  it('records a database AWS does not vouch for as not stopped, and still ends the promote', async () => {
    const w = await world();
    w.databases.stopRetired = async () => {
      throw new SnapshotMismatchError('refusing to stop database x: tag lifeboat:role is missing');
    };

    const result = await retirePromoted(w.ports, w.clock, site, PROMOTE, []);

    expect(result.databases).toEqual([]);
    const promote = await w.catalog.getRecovery(site.name, PROMOTE);
    expect(promote?.status.timeline).toContainEqual(
      expect.objectContaining({
        step: 'stop-retired-databases',
        outcome: 'failed',
        detail: expect.objectContaining({ notStopped: expect.stringContaining('SnapshotMismatchError') }),
      }),
    );
  });
});
