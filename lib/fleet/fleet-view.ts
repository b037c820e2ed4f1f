import type { Backup, BackupPhase, DrillVerdict } from '../backup/model';
import type { Clock } from '../clock';
import type { Site } from '../config/schema';
import type { Readiness, Verdict } from '../readiness/model';
import type { Recovery } from '../recovery/model';

/** What the fleet view reads per site (the catalog, in production). */
export interface FleetPorts {
  /** A site's backups, newest first. */
  backups(site: string): AsyncIterable<Backup>;
  /** A site's recoveries, promotes and drills, newest first. */
  recoveries(site: string): AsyncIterable<Recovery>;
  readiness(site: string): Promise<Readiness | undefined>;
  /** Databases a recovery restored that are still running (they cost money until retired). */
  restoredDatabases(site: string): Promise<string[]>;
}

export interface FleetSite {
  site: string;
  newestBackup?: { id: string; phase: BackupPhase; takenAt: string };
  /** The newest backup whose every part is copied to the DR region. */
  newestDrCopy?: { backupId: string; completedAt: string };
  /** The newest drill's verdict (files and database) and the backup it drilled. */
  lastDrill?: DrillVerdict & { backupId: string };
  readiness?: { verdict: Verdict; checkedAt: string; failing: string[] };
  openRecovery?: { id: string; kind: Recovery['spec']['kind']; startedAt: string };
  restoredDatabases: string[];
  /** The last backups, newest first, for the history strip. */
  history: { id: string; phase: BackupPhase; takenAt: string }[];
}

export interface FleetView {
  generatedAt: string;
  sites: FleetSite[];
}

export interface FleetOptions {
  /** Backups in each site's history strip. */
  historySize: number;
  /** Recoveries looked at for one still running (they are the newest ones). */
  recoveriesScanned: number;
}

const DEFAULTS: FleetOptions = { historySize: 14, recoveriesScanned: 10 };

function drCopiedAt(backup: Backup): string | undefined {
  const parts = backup.status.parts;
  if (!backup.spec.copyToDr || parts.length === 0) return undefined;
  if (!parts.every((p) => p.copy.state === 'completed')) return undefined;
  const times = parts.map((p) => p.copy.completedAt ?? backup.status.completedAt ?? backup.status.updatedAt);
  return times.sort().at(-1);
}

async function siteView(ports: FleetPorts, site: Site, options: FleetOptions): Promise<FleetSite> {
  const backups: Backup[] = [];
  for await (const backup of ports.backups(site.name)) backups.push(backup);
  const newest = backups[0];
  const drCopy = backups.map((b) => ({ b, at: drCopiedAt(b) })).find((x) => x.at !== undefined);
  const drilled = backups
    .filter((b) => b.status.drill !== undefined)
    .sort((a, b) => (b.status.drill?.at ?? '').localeCompare(a.status.drill?.at ?? ''))[0];
  let openRecovery: FleetSite['openRecovery'];
  let scanned = 0;
  for await (const recovery of ports.recoveries(site.name)) {
    if (recovery.status.phase === 'Running') {
      openRecovery = { id: recovery.id, kind: recovery.spec.kind, startedAt: recovery.status.startedAt };
      break;
    }
    if (++scanned >= options.recoveriesScanned) break;
  }
  const readiness = await ports.readiness(site.name);
  return {
    site: site.name,
    newestBackup:
      newest === undefined
        ? undefined
        : { id: newest.id, phase: newest.status.phase, takenAt: newest.status.createdAt },
    newestDrCopy: drCopy?.at === undefined ? undefined : { backupId: drCopy.b.id, completedAt: drCopy.at },
    lastDrill:
      drilled?.status.drill === undefined ? undefined : { backupId: drilled.id, ...drilled.status.drill },
    readiness:
      readiness === undefined
        ? undefined
        : {
            verdict: readiness.verdict,
            checkedAt: readiness.checkedAt,
            failing: readiness.checks
              .filter((c) => c.verdict !== 'ok')
              .map((c) => `${c.verdict}: ${c.title}: ${c.reason}`),
          },
    openRecovery,
    restoredDatabases: await ports.restoredDatabases(site.name),
    history: backups
      .slice(0, options.historySize)
      .map((b) => ({ id: b.id, phase: b.status.phase, takenAt: b.status.createdAt })),
  };
}

/** Builds the fleet view: per site its newest backup, DR copy, drill, readiness and open recovery. */
export async function buildFleetView(
  ports: FleetPorts,
  clock: Clock,
  sites: readonly Site[],
  options: Partial<FleetOptions> = {},
): Promise<FleetView> {
  const settings = { ...DEFAULTS, ...options };
  const views = await Promise.all(sites.map((s) => siteView(ports, s, settings)));
  return { generatedAt: clock.now().toISOString(), sites: views };
}
