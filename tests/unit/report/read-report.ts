/**
 * Reads a rendered report the way a person does (its text, its tables, the Gantt bars' tooltips),
 * so the report tests check what it says rather than the markup that says it.
 */

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", nbsp: ' ' };

/** The text of an HTML fragment: no style, no tags, entities decoded, white space collapsed. */
export function visibleText(html: string): string {
  return html
    .replace(/<style[\s\S]*?<\/style>/gi, ' ')
    .replace(/<br\s*\/?>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&(#?\w+);/g, (whole, name: string) => ENTITIES[name] ?? whole)
    .replace(/\s+/g, ' ')
    .trim();
}

/** The text of every `<section>` of the page, by its heading. */
export function htmlSections(html: string): Map<string, string> {
  const sections = new Map<string, string>();
  for (const [, body] of html.matchAll(/<section[^>]*>([\s\S]*?)<\/section>/g)) {
    const heading = /<h2>([\s\S]*?)<\/h2>/.exec(body ?? '')?.[1];
    if (heading !== undefined) sections.set(visibleText(heading), visibleText(body ?? ''));
  }
  return sections;
}

/** The text of the page's header (title, site, the verdict badge). */
export function htmlHeader(html: string): string {
  return visibleText(/<header>([\s\S]*?)<\/header>/.exec(html)?.[1] ?? '');
}

/** The cells of every table row of an HTML fragment, as text (header rows left out). */
function htmlRows(html: string): string[][] {
  return [...html.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)]
    .map(([, row]) =>
      [...(row ?? '').matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map(([, c]) => visibleText(c ?? '')),
    )
    .filter((cells) => cells.length > 0);
}

export interface TimelineStep {
  step: string;
  outcome: string;
  critical: boolean;
}

/** The steps of the HTML timeline table: its Outcome column says `ok · critical`, `failed`, … */
export function htmlTimeline(html: string): TimelineStep[] {
  const timeline = /<h2>Timeline<\/h2>([\s\S]*?)<\/section>/.exec(html)?.[1] ?? '';
  return htmlRows(timeline.replace(/<svg[\s\S]*?<\/svg>/, '')).map(([step = '', , , outcome = '']) => ({
    step,
    outcome: outcome.replace(' · critical', ''),
    critical: outcome.endsWith('· critical'),
  }));
}

/** The bars of the Gantt chart as their tooltips describe them: `Step: 1 min (critical path) — failed`. */
export function ganttBars(svg: string): (TimelineStep & { took: string })[] {
  return [...svg.matchAll(/<rect [^>]*><title>([^<]*)<\/title><\/rect>/g)].map(([, raw]) => {
    const title = visibleText(raw ?? '');
    const match = /^(.*?): (.*?)( \(critical path\))?(?: — (\w+))?$/.exec(title);
    return {
      step: match?.[1] ?? title,
      took: match?.[2] ?? '',
      critical: match?.[3] !== undefined,
      outcome: match?.[4] ?? 'ok',
    };
  });
}

/** The text labels drawn in the chart (axis ticks, markers, step names). */
export function svgLabels(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map(([, text]) => visibleText(text ?? ''));
}

/** Markdown without its inline formatting (bold, code spans). */
export function plainMarkdown(markdown: string): string {
  return markdown.replace(/\*\*/g, '').replace(/`/g, '');
}

/**
 * Each Markdown table as rows keyed by its header, cells as plain text; `bar` keeps the cell of
 * an unnamed column (the timeline's text bar).
 */
export function markdownTables(markdown: string): Record<string, string>[][] {
  const tables: Record<string, string>[][] = [];
  const cellsOf = (line: string) =>
    line
      .trim()
      .replace(/^\||\|$/g, '')
      .split('|')
      .map((c) => c.trim());
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length - 1; i += 1) {
    const header = lines[i] ?? '';
    if (!header.startsWith('|') || !/^\|[-:| ]+\|$/.test(lines[i + 1] ?? '')) continue;
    const names = cellsOf(header).map((n) => (n === '' ? 'bar' : plainMarkdown(n)));
    const rows: Record<string, string>[] = [];
    for (i += 2; (lines[i] ?? '').startsWith('|'); i += 1) {
      const cells = cellsOf(lines[i] ?? '');
      rows.push(
        Object.fromEntries(
          names.map((n, k) => [n, n === 'bar' ? (cells[k] ?? '') : plainMarkdown(cells[k] ?? '')]),
        ),
      );
    }
    tables.push(rows);
  }
  return tables;
}
