import { z } from 'zod';
import { defaultCatalog } from '../lib/catalog/default';
import { defaultConfig, findSite } from '../lib/config/load';
import { InvalidInputError } from '../lib/errors';
import { lambda } from '../lib/middleware/lambda';

const input = z.object({
  site: z.string().min(1),
  pageToken: z.string().optional(),
  pageSize: z.number().int().min(1).max(1000).optional(),
});

/** Lists one page of a site's backups, newest first (for the CLI and manual runs). */
export const handler = lambda(async function listBackups(event: unknown) {
  const parsed = input.safeParse(event);
  if (!parsed.success) {
    throw new InvalidInputError(`invalid list-backups input: ${z.prettifyError(parsed.error)}`);
  }
  const site = findSite(defaultConfig(), parsed.data.site);
  const page = await defaultCatalog().listBackups(site.name, {
    pageToken: parsed.data.pageToken,
    pageSize: parsed.data.pageSize,
  });
  return {
    site: site.name,
    backups: page.items.map((b) => ({
      id: b.id,
      kind: b.spec.kind,
      phase: b.status.phase,
      createdAt: b.status.createdAt,
      parts: b.status.parts.length,
      drill: b.status.drill?.verdict,
    })),
    nextToken: page.nextToken,
  };
});
