import { InvalidInputError } from './errors';

const STAMP = /^(\d{4})(\d{2})(\d{2})t(\d{2})(\d{2})(\d{2})z/;

/** `2026-11-22T02:00:00.123Z` → `20261122t020000z`: sortable, and valid in EBS tags and RDS identifiers. */
export function compactTimestamp(at: Date): string {
  return `${at.toISOString().slice(0, 19).replace(/[-:]/g, '').toLowerCase()}z`;
}

/** The time at the start of an id made with compactTimestamp. */
export function timestampOfId(id: string): Date {
  const m = STAMP.exec(id);
  if (m === null)
    throw new InvalidInputError(`"${id}" is not a lifeboat id (it must start with yyyymmddThhmmssZ)`);
  const [, y, mo, d, h, mi, s] = m;
  return new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}Z`);
}

/** A backup id, derived from the time it stands for, so the same schedule event yields the same id. */
export function backupIdFor(kind: string, at: Date): string {
  return `${compactTimestamp(at)}-${kind}`;
}

/** True if the text has the shape of a lifeboat id (timestamp prefix, then lowercase words). */
export function isLifeboatId(id: string): boolean {
  return /^\d{8}t\d{6}z(-[a-z0-9]+)+$/.test(id);
}
