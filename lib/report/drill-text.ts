import type { DrillVerdict } from '../backup/model';

/** A drill's verdict in one table cell: `passed`, `passed: files and database`, `failed: database`. */
export function drillVerdictShort(drill: DrillVerdict): string {
  if (drill.verdict === 'passed')
    return drill.database === undefined ? 'passed' : 'passed: files and database';
  const failed = [
    ...(drill.files?.verdict === 'failed' ? ['files'] : []),
    ...(drill.database?.verdict === 'failed' ? ['database'] : []),
  ];
  return failed.length === 0 ? 'failed' : `failed: ${failed.join(' and ')}`;
}

/** A drill's verdicts as the operator reads them: one line per half (files, database) and the database's evidence. */
export function drillVerdictLines(drill: DrillVerdict): { label: string; text: string }[] {
  if (drill.files === undefined) return [{ label: 'drill', text: `${drill.verdict}: ${drill.detail}` }];
  const lines = [{ label: 'files', text: `${drill.files.verdict}: ${drill.files.detail}` }];
  if (drill.database !== undefined) {
    lines.push({ label: 'database', text: `${drill.database.verdict}: ${drill.database.detail}` });
    if (drill.database.evidence !== undefined)
      lines.push({ label: 'evidence', text: drill.database.evidence });
  }
  return lines;
}
