import { parseArgs } from 'node:util';
import { UsageError } from './exit-codes';

type OptionSpec = { type: 'string' | 'boolean'; short?: string };

/** Options every command takes. */
const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  config: { type: 'string', short: 'c' },
  endpoint: { type: 'string' },
  bucket: { type: 'string' },
  region: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

interface CommandSpec {
  /** Names of the positional arguments, all required. */
  positionals: string[];
  /** Names of positional arguments after those that may be left out. */
  optional?: string[];
  options: Record<string, OptionSpec>;
  summary: string;
}

const STATE_MACHINE: Record<string, OptionSpec> = { 'state-machine': { type: 'string' } };
const POLL: Record<string, OptionSpec> = { interval: { type: 'string' }, timeout: { type: 'string' } };

export const COMMANDS: Record<string, CommandSpec> = {
  backup: {
    positionals: ['site'],
    options: { ...POLL },
    summary: 'start a backup now and follow it until it is Completed (or fails)',
  },
  list: { positionals: ['site'], options: {}, summary: "table of the site's backups, newest first" },
  recover: {
    positionals: ['site'],
    options: {
      'dry-run': { type: 'boolean' },
      backup: { type: 'string' },
      since: { type: 'string' },
      'skip-sandbox': { type: 'boolean' },
      follow: { type: 'boolean' },
      ...STATE_MACHINE,
      ...POLL,
    },
    summary: 'start a recovery (--dry-run: print the plan, change nothing)',
  },
  status: {
    positionals: [],
    optional: ['recovery-id'],
    options: { follow: { type: 'boolean' }, site: { type: 'string' }, ...POLL },
    summary: "a recovery's steps (--follow: live until it ends); without an id, every site in one table",
  },
  promote: {
    positionals: ['site'],
    options: { from: { type: 'string' }, follow: { type: 'boolean' }, ...STATE_MACHINE, ...POLL },
    summary: "promote the fixed sandbox of the site's last recovery to production",
  },
  drill: {
    positionals: ['site'],
    options: { backup: { type: 'string' }, ...STATE_MACHINE },
    summary: 'start a restore drill of the newest backup (or --backup ID)',
  },
  report: {
    positionals: [],
    optional: ['recovery-id'],
    options: { out: { type: 'string' }, site: { type: 'string' }, fleet: { type: 'boolean' } },
    summary:
      'write the recovery report (HTML and Markdown), or with --fleet the fleet page, to --out DIR (default out/)',
  },
  check: {
    positionals: [],
    optional: ['site'],
    options: {},
    summary: 'readiness: would a recovery of each site (or of <site>) succeed now? exit 1 if not',
  },
};

export interface Invocation {
  command: string;
  args: Record<string, string>;
  options: Record<string, string | boolean | undefined>;
}

/** `lifeboat --help` text: commands, global options, exit codes. */
export function usage(): string {
  const heads = Object.entries(COMMANDS).map(
    ([name, spec]) =>
      [
        [
          name,
          ...spec.positionals.map((p) => `<${p}>`),
          ...(spec.optional ?? []).map((p) => `[<${p}>]`),
        ].join(' '),
        spec.summary,
      ] as const,
  );
  const width = Math.max(...heads.map(([head]) => head.length));
  const commands = heads.map(([head, summary]) => `  ${head.padEnd(width + 2)}${summary}`);
  return `Usage: lifeboat <command> [options]

Commands:
${commands.join('\n')}

Options for every command:
  -c, --config PATH     site config (default config/sites.yml)
  --endpoint URL        talk to an AWS emulator (moto_server) instead of AWS
  --bucket NAME         catalog bucket (default: env CATALOG_BUCKET)
  --region REGION       region of the catalog bucket and state machines (default: AWS_REGION or the site's primary)
  --json                machine-readable output (list, status, check, report)
  -h, --help            this text

Command options:
  backup, recover, status, promote: --interval SECONDS (poll), --timeout SECONDS
  recover: --dry-run, --backup ID, --since TIME (when the outage began; default now), --skip-sandbox, --follow
  status: --follow, --site NAME;  promote: --from RECOVERY_ID, --follow;  drill: --backup ID
  recover, promote, drill: --state-machine ARN (default: env RECOVERY_/PROMOTE_/DRILL_STATE_MACHINE_ARN)
  report: --out DIR, --site NAME, --fleet (every site on one page instead of a recovery)

Exit codes: 0 ok, 1 operation failed, 2 usage or config error,
            3 AWS or emulator unreachable or no credentials, 4 not found.
`;
}

/** Where the command word is: the first argument that is neither an option nor an option's value. */
function commandIndex(argv: string[]): number {
  const all: Record<string, OptionSpec> = { ...GLOBAL_OPTIONS };
  for (const spec of Object.values(COMMANDS)) Object.assign(all, spec.options);
  const takesValue = (arg: string) => {
    if (arg.includes('=')) return false;
    const name = arg.replace(/^--?/, '');
    const spec = arg.startsWith('--') ? all[name] : Object.values(all).find((o) => o.short === name);
    return spec?.type === 'string';
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (!arg.startsWith('-')) return i;
    if (takesValue(arg)) i++;
  }
  return -1;
}

/** Parses argv (without node and the script); UsageError on anything unknown or missing. */
export function parseInvocation(argv: string[]): Invocation {
  const first = commandIndex(argv);
  const command = first < 0 ? undefined : argv[first];
  if (command === undefined) {
    if (argv.includes('--help') || argv.includes('-h')) return { command: 'help', args: {}, options: {} };
    throw new UsageError('no command given');
  }
  const spec = COMMANDS[command];
  if (spec === undefined) throw new UsageError(`unknown command "${command}"`);
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv.filter((_, i) => i !== first),
      options: { ...GLOBAL_OPTIONS, ...spec.options },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    // node:util's message goes on about `--` for positionals that look like options: keep the first sentence.
    const message = (error as Error).message.split('\n')[0] ?? '';
    throw new UsageError(`${command}: ${message.replace(/\. To specify a positional.*$/, '')}`);
  }
  const options = parsed.values as Record<string, string | boolean | undefined>;
  if (options.help === true) return { command: 'help', args: {}, options };
  const missing = spec.positionals.slice(parsed.positionals.length);
  if (missing.length > 0) throw new UsageError(`${command}: missing <${missing.join('> <')}>`);
  const names = [...spec.positionals, ...(spec.optional ?? [])];
  const extra = parsed.positionals.slice(names.length);
  if (extra.length > 0) throw new UsageError(`${command}: unexpected argument "${extra[0]}"`);
  const args = Object.fromEntries(parsed.positionals.map((value, i) => [names[i] ?? '', value]));
  return { command, args, options };
}

/** A string option, or undefined. */
export function stringOption(invocation: Invocation, name: string): string | undefined {
  const value = invocation.options[name];
  return typeof value === 'string' ? value : undefined;
}

/** A positive number of seconds given as an option, in ms. */
export function secondsOption(invocation: Invocation, name: string, fallbackSeconds: number): number {
  const raw = stringOption(invocation, name);
  if (raw === undefined) return fallbackSeconds * 1000;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0)
    throw new UsageError(`--${name} must be a positive number of seconds`);
  return value * 1000;
}
