import { formatDuration } from '../report/format';

/** Where a command writes: results on stdout, progress and errors on stderr, so stdout can be piped. */
export interface Output {
  /** A result line (stdout). */
  line(text?: string): void;
  /** A progress line, prefixed with the time since the command began (stderr). */
  progress(text: string): void;
  /** A warning or error line (stderr). */
  error(text: string): void;
}

/** Output to the process's streams; `startedAt` is when the command began (for elapsed times). */
export function streamOutput(
  stdout: NodeJS.WritableStream,
  stderr: NodeJS.WritableStream,
  now: () => number = Date.now,
): Output {
  const startedAt = now();
  return {
    line: (text = '') => stdout.write(`${text}\n`),
    progress: (text) => stderr.write(`[${formatElapsed(now() - startedAt)}] ${text}\n`),
    error: (text) => stderr.write(`${text}\n`),
  };
}

/** `   4.2s` / ` 3m12s`: fixed width so progress lines align. */
export function formatElapsed(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`.padStart(6);
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.floor((ms % 60_000) / 1000);
  return `${minutes}m${String(seconds).padStart(2, '0')}s`.padStart(6);
}

/** A plain-text table with aligned columns and a header underline. */
export function formatTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const render = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [render(headers), render(widths.map((w) => '-'.repeat(w))), ...rows.map(render)].join('\n');
}

/** How long ago `iso` was, e.g. `7 h 39 min`; `<1 min` for anything newer. */
export function ageOf(iso: string, now: Date): string {
  const ms = now.getTime() - new Date(iso).getTime();
  return ms < 60_000 ? '<1 min' : formatDuration(ms);
}
