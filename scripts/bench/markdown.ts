/** A Markdown table from a header row and data rows. */
export function table(header: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.map(String).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

export const fmt = {
  int: (n: number) => Math.round(n).toLocaleString('en-US'),
  dec: (n: number, digits = 1) => n.toFixed(digits),
  minutes: (ms: number) => `${(ms / 60_000).toFixed(1)} min`,
  seconds: (ms: number) => `${(ms / 1000).toFixed(1)} s`,
  hours: (ms: number) => `${(ms / 3_600_000).toFixed(1)} h`,
  usd: (n: number) => (n < 0.01 ? `$${n.toFixed(4)}` : `$${n.toFixed(2)}`),
};
