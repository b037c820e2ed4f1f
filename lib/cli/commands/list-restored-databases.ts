import { ageText, computeText, type RestoredDatabase } from '../../cost-guard/restored-databases';
import { formatTable } from '../output';

/** A restored database as `lifeboat list --json` prints it. */
export function restoredDatabaseRow(db: RestoredDatabase) {
  return {
    identifier: db.identifier,
    region: db.region,
    kind: db.kind,
    site: db.site,
    role: db.role,
    recoveryId: db.recoveryId ?? null,
    backupId: db.backupId ?? null,
    status: db.status,
    billing: db.billing,
    createdAt: db.createdAt ?? null,
    ageSeconds: db.ageMs === undefined ? null : Math.floor(db.ageMs / 1000),
    instanceClasses: db.instanceClasses,
    costClass: db.cost.costClass,
    cost: db.cost.label,
    hourlyUsd: db.cost.hourlyUsd ?? null,
    overAge: db.overAge,
  };
}

/**
 * The restored databases as a section of `lifeboat list`: a headline, a table (oldest first) and
 * what stopped ones still cost; nothing at all when there are none.
 */
export function formatRestoredDatabases(
  databases: readonly RestoredDatabase[],
  maxAgeHours: number,
): string[] {
  if (databases.length === 0) return [];
  const over = databases.filter((d) => d.overAge).length;
  const headline =
    over === 0
      ? `restored databases (${databases.length}; one running over ${maxAgeHours} h raises the cost alarm):`
      : `restored databases (${databases.length}; ${over} running over ${maxAgeHours} h: retire ${over === 1 ? 'it' : 'them'}, ${over === 1 ? 'it bills' : 'they bill'} by the hour):`;
  const rows = databases.map((d) => [
    d.identifier,
    d.region,
    d.role,
    d.status,
    d.overAge ? `${ageText(d)}, over ${maxAgeHours} h` : ageText(d),
    computeText(d),
    d.recoveryId === undefined ? '—' : `recovery ${d.recoveryId}`,
  ]);
  const lines = [
    headline,
    formatTable(['DATABASE', 'REGION', 'ROLE', 'STATUS', 'AGE', 'COMPUTE', 'RESTORED BY'], rows),
  ];
  if (databases.some((d) => d.status === 'stopped')) {
    lines.push(
      'stopped: no instance hours, storage still billed; RDS starts a stopped database again after 7 days',
    );
  }
  return lines;
}
