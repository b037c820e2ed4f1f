import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Backup } from '../../lib/backup/model';
import type { Recovery } from '../../lib/recovery/model';

/** A recovery record and the backups it names, as the report reads them. */
export interface RecordedRecovery {
  recovery: Recovery;
  backups: Backup[];
}

/**
 * A recorded recovery from tests/fixtures/report, freshly parsed (tests may change it):
 * `walk-back` (hand-written: one walk-back, a sandbox, DNS switched) or `demo` (recorded by
 * `npm run demo`, the state machine run locally on moto).
 */
export function recordedRecovery(which: 'walk-back' | 'demo' = 'walk-back'): RecordedRecovery {
  const file = which === 'demo' ? 'recorded-demo-recovery.json' : 'walk-back-recovery.json';
  return JSON.parse(readFileSync(join(__dirname, '../fixtures/report', file), 'utf8')) as RecordedRecovery;
}
