import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { backupSchema } from '../../../lib/backup/model';

/**
 * Backup.status is the record operators and retention read: a field it documents but no code writes
 * (expiresAt was one) promises what lifeboat never records. Every field must be written by the code
 * that makes and advances backup records (lib/backup, lib/recovery), as `status.<field> =` or as a
 * key of the object literal a record is built from.
 */
const ROOT = join(__dirname, '../../..');

/** The fields of Backup.status, from the zod schema that is the record's single source. */
function statusFields(): string[] {
  return Object.keys(backupSchema.shape.status.shape);
}

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !(dir === 'lib/backup' && f === 'model.ts'))
    .map((f) => readFileSync(join(ROOT, dir, f), 'utf8'));
}

describe('Backup.status fields', () => {
  const fields = statusFields();
  const code = [...sources('lib/backup'), ...sources('lib/recovery')].join('\n');

  it('are found in the model', () => {
    expect(fields).toEqual(
      expect.arrayContaining(['phase', 'parts', 'completedAt', 'failureReason', 'drill']),
    );
  });

  it('are each written by the code that makes or advances backups (none documented and never written)', () => {
    const unwritten = fields.filter(
      (field) => !new RegExp(`status\\.${field}\\s*(\\?\\?)?=[^=]|\\b${field}:\\s`).test(code),
    );

    expect(unwritten).toEqual([]);
  });
});
