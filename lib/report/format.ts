/** Formats a duration for people: `850 ms`, `4.2 s`, `3 min 12 s`, `1 h 02 min`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  // Round first, then pick the unit, so 9,960 ms reads "10 s" (not "10.0 s") and 59.6 s "1 min".
  if (Math.round(ms) < 1000) return `${Math.round(ms)} ms`;
  const tenths = Math.round(ms / 100) / 10;
  if (tenths < 10) return `${tenths.toFixed(1)} s`;
  if (Math.round(ms / 1000) < 60) return `${Math.round(ms / 1000)} s`;
  const totalSeconds = Math.round(ms / 1000);
  if (totalSeconds < 3600) {
    const minutes = Math.floor(totalSeconds / 60);
    const seconds = totalSeconds % 60;
    return seconds === 0 ? `${minutes} min` : `${minutes} min ${seconds} s`;
  }
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  if (hours >= 48) return `${Math.floor(hours / 24)} days ${hours % 24} h`;
  return `${hours} h ${String(minutes).padStart(2, '0')} min`;
}

/** An ISO time as `2026-11-23 09:39:12 UTC` (UTC, to the second). */
export function formatTime(iso: string | undefined): string {
  if (iso === undefined) return '—';
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  return `${at.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** `launch-replacement`, `LaunchReplacement` or `launch_replacement` → `Launch replacement`. */
export function humaniseStep(step: string): string {
  const words = step
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[-_.]+/g, ' ')
    .trim()
    .toLowerCase();
  if (words === '') return step;
  const spelled = words
    .split(' ')
    .map((w) => ACRONYMS[w] ?? w)
    .join(' ');
  return spelled.charAt(0).toUpperCase() + spelled.slice(1);
}

const ACRONYMS: Record<string, string> = {
  dns: 'DNS',
  ebs: 'EBS',
  ecs: 'ECS',
  rds: 'RDS',
  sns: 'SNS',
  dr: 'DR',
  insync: 'in sync',
  http: 'HTTP',
};

/** Escapes text for HTML and SVG content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Escapes the characters that would break a Markdown table cell or inline text. */
export function escapeMarkdown(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
