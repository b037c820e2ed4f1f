import { DescribeSnapshotsCommand } from '@aws-sdk/client-ec2';
import { DescribeDBSnapshotsCommand } from '@aws-sdk/client-rds';
import { AllAwsClients } from '../../../lib/aws/all-clients';
import type { Backup } from '../../../lib/backup/model';
import { backupPorts } from '../../../lib/backup/wiring';
import { Catalog } from '../../../lib/catalog/catalog';
import { fromTagList } from '../../../lib/tags/vocabulary';
import { AwsStandin, STANDIN_ENDPOINT } from '../../../local/aws-standin/aws-standin';
import { AwsSimulation } from '../../../local/sdk-middleware/aws-simulation';
import { runBackupPipeline } from '../../../local/sdk-middleware/backup-pipeline';
import { EventFeeder } from '../../../local/sdk-middleware/event-feeder';
import { seededRandom } from '../../../local/sdk-middleware/seeded-random';
import { SimulatedClock } from '../../../local/sdk-middleware/simulated-clock';
import { type SeededSite, seedSites } from '../../../local/seed';
import { siteConfig } from '../../../local/site-config';
import { MemoryObjectStore } from '../../support/memory-object-store';
import { motoClients, motoEndpoint, uniqueSiteName } from '../../support/moto';

const SCHEDULE = new Date('2026-11-22T02:00:00Z');
const REGIONS = ['us-east-1', 'us-west-2'];

/** The same small night on either AWS: 3 sites of 2 volumes and a database, the real backup use cases. */
async function night(aws: 'moto' | 'standin') {
  const clock = new SimulatedClock(SCHEDULE.toISOString());
  const sim = new AwsSimulation({ clock, callLatencyMs: 100, seed: 5 });
  // moto lists no EBS or RDS quota (lifeboat falls back to the published 20 / 5); the stand-in,
  // which lists them as AWS does, is told to answer as moto here so the calls compare one to one.
  const standin = aws === 'standin' ? new AwsStandin({ now: () => clock.nowMs(), quotas: [] }) : undefined;
  const plain = standin?.clients() ?? motoClients();
  const seeds = [0, 1, 2].map(() => ({ name: uniqueSiteName('fid'), volumes: 2 }));
  const sites = await seedSites(plain, seeds);
  const config = siteConfig(sites);
  const clients =
    standin === undefined
      ? sim.clients(motoEndpoint(), 4)
      : new AllAwsClients({
          endpoint: STANDIN_ENDPOINT,
          defaultRegion: 'us-east-1',
          maxAttempts: 4,
          retryMode: 'standard',
          decorate: standin.decorateWith(sim.decorate),
        });
  const catalog = new Catalog(new MemoryObjectStore(), { retryDelayMs: 1 });
  const ports = backupPorts(clients, catalog, { clock });
  const result = await clock.drive(() =>
    runBackupPipeline({
      ports,
      clock,
      lifecycle: sim.lifecycle,
      config,
      feeder: new EventFeeder({}, seededRandom(9)),
      scheduledAt: SCHEDULE,
    }),
  );
  const backups: Backup[] = [];
  for (const site of config.sites) for await (const b of catalog.allBackups(site.name)) backups.push(b);
  return { result, backups, sites, snapshots: await lifeboatSnapshots(plain, sites), sim };
}

/** Every snapshot of these sites in both regions, EBS by tag and RDS by identifier, read without the simulation. */
async function lifeboatSnapshots(clients: AllAwsClients, sites: SeededSite[]) {
  const out: { region: string; id: string; volumeId?: string; tags: Record<string, string> }[] = [];
  for (const region of REGIONS) {
    for (const site of sites) {
      const ebs = await clients.ec2(region).send(
        new DescribeSnapshotsCommand({
          OwnerIds: ['self'],
          Filters: [{ Name: 'tag:lifeboat:site', Values: [site.name] }],
        }),
      );
      for (const s of ebs.Snapshots ?? [])
        out.push({ region, id: s.SnapshotId ?? '', volumeId: s.VolumeId, tags: fromTagList(s.Tags) });
    }
    const rds = await clients.rds(region).send(new DescribeDBSnapshotsCommand({ SnapshotType: 'manual' }));
    for (const s of rds.DBSnapshots ?? [])
      if (sites.some((site) => (s.DBSnapshotIdentifier ?? '').includes(site.name)))
        out.push({ region, id: s.DBSnapshotIdentifier ?? '', tags: fromTagList(s.TagList) });
  }
  return out;
}

/**
 * The outcome with every emulator-chosen name replaced by what it stands for: sites by their
 * index, volumes by site and index, EBS snapshot ids by a placeholder (their order differs).
 */
function normalised(run: Awaited<ReturnType<typeof night>>) {
  const names = new Map<string, string>();
  for (const [i, site] of run.sites.entries()) {
    names.set(site.name, `site${i}`);
    for (const [j, v] of site.volumeIds.entries()) names.set(v, `site${i}-vol${j}`);
  }
  const replace = (text: string | undefined) => {
    if (text === undefined) return undefined;
    let out = text.replace(/snap-[0-9a-f]+/g, 'snap-*');
    for (const [from, to] of names) out = out.split(from).join(to);
    return out;
  };
  const tags = (t: Record<string, string>) =>
    Object.fromEntries(
      Object.entries(t)
        .map(([k, v]) => [k, replace(v) ?? ''])
        .sort(([a], [b]) => (a ?? '').localeCompare(b ?? '')),
    );
  const records = run.backups
    .map((b) => ({
      site: replace(b.site),
      id: replace(b.id),
      kind: b.spec.kind,
      phase: b.status.phase,
      parts: b.status.parts
        .map((p) => ({
          kind: p.kind,
          source: replace(p.sourceId),
          snapshot: replace(p.snapshotId),
          state: p.state,
          error: p.error,
          copy: {
            region: p.copy.region,
            state: p.copy.state,
            snapshot: replace(p.copy.snapshotId),
            error: p.copy.error,
          },
        }))
        .sort((a, b) => (a.source ?? '').localeCompare(b.source ?? '')),
    }))
    .sort((a, b) => (a.site ?? '').localeCompare(b.site ?? ''));
  const snapshots = run.snapshots
    .map((s) => ({ region: s.region, id: replace(s.id), volume: replace(s.volumeId), tags: tags(s.tags) }))
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  return { finished: run.result.finished, records, snapshots };
}

describe('aws-standin fidelity: the same night on moto and on the in-process stand-in', () => {
  it('ends with the same records, parts, copies and snapshot tags', async () => {
    const onMoto = await night('moto');
    const onStandin = await night('standin');

    const moto = normalised(onMoto);
    const standin = normalised(onStandin);
    // The scenario did something worth comparing: every part snapshotted and copied to DR.
    expect(moto.finished).toBe(true);
    expect(moto.records).toHaveLength(3);
    expect(moto.records.flatMap((r) => r.parts.map((p) => p.copy.state))).toEqual(Array(9).fill('completed'));
    expect(moto.snapshots).toHaveLength(18);
    expect(standin).toEqual(moto);
    // The same operations were called, and every call that makes something exactly as often; the
    // number of reads on moto varies from run to run by a few (real HTTP time lets concurrent
    // invocations interleave differently), so it is not compared.
    const motoCalls = Object.fromEntries(onMoto.sim.stats.calls);
    const standinCalls = Object.fromEntries(onStandin.sim.stats.calls);
    const mutating = (calls: Record<string, number>) =>
      Object.fromEntries(Object.entries(calls).filter(([k]) => /:(Create|Copy|Delete)/.test(k)));
    expect(Object.keys(standinCalls).sort()).toEqual(Object.keys(motoCalls).sort());
    expect(mutating(standinCalls)).toEqual(mutating(motoCalls));
    expect(mutating(motoCalls)).toEqual({
      'ec2:CreateSnapshot': 6,
      'ec2:CopySnapshot': 6,
      'rds:CreateDBSnapshot': 3,
      'rds:CopyDBSnapshot': 3,
    });
  });
});
