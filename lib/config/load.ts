import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { ConfigError, UnknownSiteError } from '../errors';
import { configSchema, type LifeboatConfig, type Site } from './schema';

/** Formats a zod issue path as `sites[0].dns.recordName`. */
function formatPath(path: readonly PropertyKey[], sites: unknown): string {
  let out = '';
  path.forEach((part, i) => {
    if (typeof part === 'number') {
      const siteName =
        i === 1 && Array.isArray(sites) ? (sites[part] as { name?: unknown })?.name : undefined;
      out += typeof siteName === 'string' ? `[${part}](${siteName})` : `[${part}]`;
    } else {
      out += out === '' ? String(part) : `.${String(part)}`;
    }
  });
  return out === '' ? '(root)' : out;
}

/** The raw value at a zod issue path, undefined where the path leaves the document. */
function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let value = raw;
  for (const part of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[part];
  }
  return value;
}

function describeIssue(issue: z.core.$ZodIssue, raw: unknown): string {
  const sites = (raw as { sites?: unknown } | null)?.sites;
  const missing = issue.code === 'invalid_type' && valueAt(raw, issue.path) === undefined;
  const message = missing ? `required (expected ${issue.expected})` : issue.message;
  return `${formatPath(issue.path, sites)}: ${message}`;
}

/** Checks rules that span sites: unique names, and no record, volume or check claimed twice. */
function crossSiteIssues(config: LifeboatConfig): string[] {
  const issues: string[] = [];
  const claim = (seen: Map<string, string>, what: string, value: string, site: string, path: string) => {
    const owner = seen.get(value);
    if (owner !== undefined && owner !== site) {
      issues.push(`${path}: ${what} "${value}" is already claimed by site "${owner}"`);
    } else if (owner === site) {
      issues.push(`${path}: ${what} "${value}" is listed twice`);
    }
    seen.set(value, site);
  };
  const names = new Map<string, string>();
  const records = new Map<string, string>();
  const volumes = new Map<string, string>();
  const checks = new Map<string, string>();
  const alarms = new Map<string, string>();
  config.sites.forEach((site, i) => {
    const at = `sites[${i}](${site.name})`;
    if (names.has(site.name)) issues.push(`${at}.name: site name "${site.name}" is used twice`);
    names.set(site.name, site.name);
    claim(records, 'DNS record', site.dns.recordName, site.name, `${at}.dns.recordName`);
    claim(records, 'DNS record', site.sandbox.recordName, site.name, `${at}.sandbox.recordName`);
    for (const id of site.protect.volumes.ids ?? [])
      claim(volumes, 'volume', id, site.name, `${at}.protect.volumes.ids`);
    for (const id of site.triggers.pingdom?.checkIds ?? [])
      claim(checks, 'Pingdom check', String(id), site.name, `${at}.triggers.pingdom.checkIds`);
    for (const n of site.triggers.pingdom?.checkNames ?? [])
      claim(checks, 'Pingdom check', n, site.name, `${at}.triggers.pingdom.checkNames`);
    for (const a of site.triggers.cloudwatchAlarms)
      claim(alarms, 'CloudWatch alarm', a, site.name, `${at}.triggers.cloudwatchAlarms`);
  });
  return issues;
}

/** Validates an already-parsed config object, reporting every bad field with its path. */
export function parseConfig(raw: unknown, source = 'config'): LifeboatConfig {
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    throw new ConfigError(
      `invalid site config ${source}`,
      result.error.issues.map((i) => describeIssue(i, raw)),
    );
  }
  const issues = crossSiteIssues(result.data);
  if (issues.length > 0) throw new ConfigError(`invalid site config ${source}`, issues);
  return result.data;
}

/** Parses and validates YAML config text; YAML syntax errors name the line. */
export function parseConfigText(text: string, source = 'config'): LifeboatConfig {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      `invalid YAML in ${source}`,
      doc.errors.map((e) => e.message.split('\n')[0] ?? e.message),
    );
  }
  return parseConfig(doc.toJS(), source);
}

/** Reads and validates the site config file at `path`. */
export function loadConfigFile(path: string): LifeboatConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read site config ${path}: ${(error as Error).message}`, [], {
      cause: error,
    });
  }
  return parseConfigText(text, path);
}

/** The site with this name, or UnknownSiteError. */
export function findSite(config: LifeboatConfig, name: string): Site {
  const site = config.sites.find((s) => s.name === name);
  if (site === undefined) throw new UnknownSiteError(name);
  return site;
}

const DEFAULT_CONFIG_PATH = 'config/sites.yml';
let processConfig: LifeboatConfig | undefined;

/**
 * The process-wide config: LIFEBOAT_CONFIG or config/sites.yml (packaged beside each function),
 * read and validated once per Lambda container.
 */
export function defaultConfig(env: NodeJS.ProcessEnv = process.env): LifeboatConfig {
  processConfig ??= loadConfigFile(env.LIFEBOAT_CONFIG ?? DEFAULT_CONFIG_PATH);
  return processConfig;
}
