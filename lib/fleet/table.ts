import { drillVerdictShort } from '../report/drill-text';
import { formatDuration } from '../report/format';
import type { FleetSite, FleetView } from './fleet-view';

function age(iso: string | undefined, now: Date): string {
  if (iso === undefined) return '—';
  const ms = Math.max(0, now.getTime() - new Date(iso).getTime());
  return ms < 60_000 ? '<1 min' : formatDuration(ms);
}

/** The cells of one site's row, as `lifeboat status` prints them and the fleet page shows them. */
export function fleetCells(s: FleetSite, now: Date): Record<string, string> {
  return {
    SITE: s.site,
    'NEWEST BACKUP': s.newestBackup === undefined ? 'none' : `${s.newestBackup.phase} ${s.newestBackup.id}`,
    AGE: age(s.newestBackup?.takenAt, now),
    'DR COPY': s.newestDrCopy === undefined ? 'none' : `${age(s.newestDrCopy.completedAt, now)} ago`,
    DRILL:
      s.lastDrill === undefined
        ? 'never'
        : `${drillVerdictShort(s.lastDrill)} ${age(s.lastDrill.at, now)} ago`,
    READINESS:
      s.readiness === undefined
        ? 'not checked'
        : `${s.readiness.verdict} (${age(s.readiness.checkedAt, now)} ago)`,
    RECOVERY: s.openRecovery === undefined ? '—' : `${s.openRecovery.kind} ${s.openRecovery.id} running`,
    'RESTORED DB': s.restoredDatabases.length === 0 ? '—' : s.restoredDatabases.join(', '),
  };
}

/** The fleet as an aligned plain-text table, one row per site. */
export function renderFleetTable(view: FleetView): string {
  const now = new Date(view.generatedAt);
  const rows = view.sites.map((s) => fleetCells(s, now));
  const headers = Object.keys(fleetCells({ site: '', restoredDatabases: [], history: [] }, now));
  const widths = headers.map((h) => Math.max(h.length, ...rows.map((r) => (r[h] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [
    line(headers),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map((r) => line(headers.map((h) => r[h] ?? ''))),
  ].join('\n');
}
