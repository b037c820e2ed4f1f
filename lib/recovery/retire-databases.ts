import type { Clock } from '../clock';
import type { Site } from '../config/schema';
import { asError, NotFoundError, NotReadyError, SnapshotMismatchError } from '../errors';
import { finalSnapshotIdentifier, retainUntilTags, retiredDatabaseSelector } from '../tags/vocabulary';
import { entry, journal } from './journal';
import { retiredDatabaseDays } from './measure-changes';
import type { Recovery, RestoredDatabase, TaskRef } from './model';
import type { RecoveryPorts } from './ports';
import { retireTasks } from './retire-tasks';

const DAY_MS = 24 * 60 * 60 * 1000;

async function recordOf(ports: RecoveryPorts, site: Site, id: string): Promise<Recovery> {
  const recovery = await ports.catalog.getRecovery(site.name, id);
  if (recovery === undefined) {
    throw new NotFoundError(`recovery ${id} of site ${site.name} is not in the catalog`, {
      site: site.name,
      recoveryId: id,
    });
  }
  return recovery;
}

/**
 * The sandbox's record, deleted once the final task serves the site: only while it still points
 * at the address lifeboat wrote (Route 53 DELETE of exactly that record). Returns what happened.
 */
async function removeSandboxRecord(
  ports: RecoveryPorts,
  site: Site,
  promoteId: string,
  source: Recovery,
): Promise<{ recordName?: string; deleted: boolean; reason?: string }> {
  const sandbox = source.status.sandbox;
  if (sandbox === undefined) return { deleted: false, reason: 'the recovery opened no sandbox record' };
  const outcome = await ports.dns.deleteARecord({
    hostedZoneId: site.dns.hostedZoneId,
    recordName: sandbox.recordName,
    ip: sandbox.address,
    comment: `lifeboat ${promoteId}: the sandbox of ${source.id} is promoted`,
  });
  return { recordName: sandbox.recordName, ...outcome };
}

/** Why a database was not stopped, when RDS or the tag check said no; anything else propagates. */
function notStopped(error: unknown): string {
  if (error instanceof NotReadyError || error instanceof SnapshotMismatchError) {
    const e = asError(error);
    return `${e.name}: ${e.message}`;
  }
  throw error;
}

/**
 * Stops, after a final snapshot and tagged with their retain-until, the restored databases of the
 * source recovery that the promote's plan (measure-replacement) retires; each is first checked in
 * AWS to be this stage's restore for that recovery and role, so the site's own database is never
 * touched. One RDS will not stop yet (backing up, modifying) is left running, tagged: retention
 * stops it. Records them on the source recovery (retiredAt, finalSnapshotId, retainUntil).
 */
export async function stopRetiredDatabases(
  ports: RecoveryPorts,
  clock: Clock,
  site: Site,
  promote: Recovery,
  source: Recovery,
): Promise<{ stopped: string[]; notStopped: Record<string, string> }> {
  const planned = promote.status.changes?.databasePlan?.retire ?? [];
  const chosen = (source.status.databases ?? []).filter(
    (d) => planned.includes(d.identifier) && d.retiredAt === undefined,
  );
  const since = promote.status.dnsChange?.insyncAt ?? promote.status.dnsChange?.submittedAt;
  // The same retain-until on every retry: counted from the switch, not from this call.
  const from = since === undefined ? clock.now() : new Date(since);
  const retainUntil = new Date(from.getTime() + retiredDatabaseDays(site) * DAY_MS);
  const port = ports.databases(site.regions.primary);
  const stopped: RestoredDatabase[] = [];
  const refused: Record<string, string> = {};
  for (const database of chosen) {
    try {
      const outcome = await port.stopRetired({
        kind: database.kind,
        identifier: database.identifier,
        instanceIdentifier: database.instanceIdentifier,
        finalSnapshotId: finalSnapshotIdentifier(database.identifier),
        expect: retiredDatabaseSelector(site.name, source.id, database.role, ports.trust.stage),
        tags: retainUntilTags(retainUntil),
      });
      stopped.push({
        ...database,
        retiredAt: clock.now().toISOString(),
        ...(outcome.finalSnapshotId === undefined ? {} : { finalSnapshotId: outcome.finalSnapshotId }),
        retainUntil: retainUntil.toISOString(),
      });
    } catch (error) {
      refused[database.identifier] = notStopped(error);
    }
  }
  if (stopped.length > 0) {
    await journal(ports.catalog, site.name, source.id, [], (r) => {
      for (const d of r.status.databases ?? []) {
        const done = stopped.find((s) => s.identifier === d.identifier);
        if (done === undefined) continue;
        d.retiredAt ??= done.retiredAt;
        d.finalSnapshotId = done.finalSnapshotId;
        d.retainUntil = done.retainUntil;
      }
    });
  }
  return { stopped: stopped.map((d) => d.identifier), notStopped: refused };
}

/**
 * The promote's last step, once the final task serves the site: stops the replacement and the
 * sandbox, deletes the sandbox's DNS record, and stops the restored databases nothing serves
 * from any more (kept stopped, with a final snapshot, until their retain-until).
 */
export async function retirePromoted(
  ports: RecoveryPorts,
  clock: Clock,
  site: Site,
  promoteId: string,
  tasks: TaskRef[],
): Promise<{ stopped: string[]; sandboxRecord: string; databases: string[] }> {
  const { stopped } = await retireTasks(ports, clock, site, promoteId, 'retire-replaced', tasks);
  const started = clock.now();
  const promote = await recordOf(ports, site, promoteId);
  const sourceId = promote.spec.options.sourceRecoveryId;
  if (sourceId === undefined) return { stopped, sandboxRecord: 'no source recovery', databases: [] };
  const source = await recordOf(ports, site, sourceId);
  const record = await removeSandboxRecord(ports, site, promoteId, source);
  const sandboxRecord = record.deleted
    ? `${record.recordName} deleted`
    : `${record.recordName ?? 'no record'}: ${record.reason ?? 'not deleted'}`;
  const databases = await stopRetiredDatabases(ports, clock, site, promote, source);
  const refused = Object.entries(databases.notStopped);
  await journal(ports.catalog, site.name, promoteId, [
    entry('remove-sandbox-record', started, clock.now(), 'ok', false, { summary: sandboxRecord }),
    entry('stop-retired-databases', started, clock.now(), refused.length === 0 ? 'ok' : 'failed', false, {
      stopped: databases.stopped.join(', '),
      ...(refused.length === 0
        ? {}
        : { notStopped: refused.map(([id, why]) => `${id} (${why})`).join('; ') }),
      summary: promote.status.changes?.databasePlan?.summary,
    }),
  ]);
  return { stopped, sandboxRecord, databases: databases.stopped };
}
