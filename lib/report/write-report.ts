import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Backup } from '../backup/model';
import type { Recovery } from '../recovery/model';
import { renderHtml } from './html';
import { renderMarkdown } from './markdown';
import { buildRecoveryReport } from './recovery-report';

/** Writes `<site>-<id>.html` and `<site>-<id>.md` into `dir` (created if missing); returns both paths. */
export async function writeRecoveryReport(
  dir: string,
  recovery: Recovery,
  backups: Backup[],
  generatedAt: Date,
): Promise<{ html: string; markdown: string }> {
  const report = buildRecoveryReport(recovery, backups);
  const base = join(dir, `${recovery.site}-${recovery.id}`);
  const options = { generatedAt: generatedAt.toISOString() };
  await mkdir(dir, { recursive: true });
  await writeFile(`${base}.html`, renderHtml(report, options));
  await writeFile(`${base}.md`, renderMarkdown(report, options));
  return { html: `${base}.html`, markdown: `${base}.md` };
}
