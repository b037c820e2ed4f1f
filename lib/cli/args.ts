import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError } from './exit-codes';

/** One option, declared once: the parser reads `type`/`short`, the help prints `value` and `help`. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** The placeholder of the value in help, e.g. `ID` for `--backup ID`. */
  value?: string;
  help: string;
}

/** One command, declared once: parsing, `lifeboat --help` and `lifeboat help <command>` all read it. */
export interface CommandSpec {
  /** The positional arguments, all required, in order. */
  positionals: { name: string; help: string }[];
  /** Positional arguments after those that may be left out. */
  optional?: { name: string; help: string }[];
  options: Record<string, OptionSpec>;
  /** One line for the command list. */
  summary: string;
  /** What the operator sees, for `lifeboat help <command>`. */
  description: string;
}

/** Options every command takes. */
export const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  config: {
    type: 'string',
    short: 'c',
    value: 'PATH',
    help: 'site config (default: env LIFEBOAT_CONFIG, else config/sites.yml)',
  },
  stage: {
    type: 'string',
    value: 'STAGE',
    help: 'the deployed stage: the CLI reads stack lifeboat-<stage> (default: env LIFEBOAT_STAGE, else dev)',
  },
  region: {
    type: 'string',
    value: 'REGION',
    help: "region of the stack, catalog and state machines (default: AWS_REGION, else the first site's primary)",
  },
  endpoint: {
    type: 'string',
    value: 'URL',
    help: 'talk to an AWS emulator (moto_server) instead of AWS; executions then run in this process',
  },
  bucket: {
    type: 'string',
    value: 'NAME',
    help: "catalog bucket (default: env CATALOG_BUCKET, else the stack's CatalogBucketName output)",
  },
  json: { type: 'boolean', help: 'machine-readable output on stdout (progress stays on stderr)' },
  help: { type: 'boolean', short: 'h', help: 'help: of the command, or of lifeboat' },
  version: { type: 'boolean', help: "lifeboat's version" },
};

const stateMachine = (kind: string, output: string): Record<string, OptionSpec> => ({
  'state-machine': {
    type: 'string',
    value: 'ARN',
    help: `the ${kind} state machine (default: env ${kind.toUpperCase()}_STATE_MACHINE_ARN, else the stack's ${output} output)`,
  },
});

const POLL: Record<string, OptionSpec> = {
  interval: {
    type: 'string',
    value: 'SECONDS',
    help: 'how often to look (default 5, or 0.5 on the emulator)',
  },
  timeout: { type: 'string', value: 'SECONDS', help: 'stop following after this long (default 3600)' },
};

const FOLLOW: OptionSpec = {
  type: 'boolean',
  help: 'print each step as it starts and ends, until the run ends',
};
const ON_EMULATOR =
  'With --endpoint the execution runs in this process (the emulator only records it), so the command waits for its end and exits 1 if it failed.';
const SITE = { name: 'site', help: 'a site of the site config' };
const RECOVERY_ID = { name: 'recovery-id', help: 'the id `recover` printed, e.g. 20261123t093900z-5f2c81a0' };

export const COMMANDS: Record<string, CommandSpec> = {
  info: {
    positionals: [],
    options: {},
    summary: 'the deployed stack: state machines, catalog bucket, topics, webhook URL',
    description:
      "Reads the CloudFormation stack lifeboat-<stage> in the region and prints what the other commands use: the recovery, promote and drill state machines, the catalog bucket, the SNS topics and the Pingdom webhook URL, with the sites of the config. A value given by flag or environment variable is shown with where it came from; it overrides the stack's.",
  },
  backup: {
    positionals: [SITE],
    options: { ...POLL },
    summary: 'start a backup now and follow it until it is Completed (or fails)',
    description:
      "Snapshots the site's volumes and database now (kind manual), then advances the backup and prints each part's snapshot and DR copy as its state changes, until the backup is Completed, PartiallyFailed or Failed. Exits 1 unless it is Completed.",
  },
  list: {
    positionals: [SITE],
    options: {},
    summary: "table of the site's backups, newest first, and the databases its recoveries restored",
    description:
      "The site's backups from the catalog, newest first: id, kind, phase, age, DR copy progress and the last restore drill's verdict. Then the databases the site's recoveries, promotes and drills restored that still exist in RDS (both regions, this stage): status, age, hourly cost class and the run that restored them; one running longer than costGuard.restoredDatabaseMaxAgeHours (default 24) raises the cost alarm. --json prints { backups, restoredDatabases }.",
  },
  recover: {
    positionals: [SITE],
    options: {
      'dry-run': {
        type: 'boolean',
        help: 'print the plan (backup, walk-back, task, health gate, DNS, sandbox); change nothing',
      },
      backup: {
        type: 'string',
        value: 'ID',
        help: 'restore this backup instead of picking the known-good one',
      },
      since: {
        type: 'string',
        value: 'TIME',
        help: 'when the outage began (only backups taken before it qualify; default now)',
      },
      'skip-sandbox': { type: 'boolean', help: 'do not open the broken state as a sandbox' },
      follow: FOLLOW,
      ...stateMachine('recovery', 'RecoveryStateMachineArn'),
      ...POLL,
    },
    summary: 'start a recovery (--dry-run: print the plan, change nothing)',
    description: `Starts the recovery state machine for the site, as an alarm would: capture the broken state, launch a replacement from the known-good backup (walking back if it fails the health gate), switch DNS, open the sandbox. Prints the recovery id; --follow prints each step and exits 1 if the recovery failed. Exits 1 without starting anything while another recovery holds the site. ${ON_EMULATOR}`,
  },
  status: {
    positionals: [],
    optional: [RECOVERY_ID],
    options: {
      follow: FOLLOW,
      site: {
        type: 'string',
        value: 'NAME',
        help: 'look only in this site (default: every site of the config)',
      },
      ...POLL,
    },
    summary: "a recovery's steps (--follow: live until it ends); without an id, every site in one table",
    description:
      'With an id: a recovery, promote or drill from the catalog: its phase, trigger, the backup in use, the DNS switch, the sandbox and every step with its duration. With --follow, a run started a moment ago is waited for (up to 30 s) until its first step records it. Exits 1 if it failed, 4 if there is no such run. Without an id: the fleet, one row per site: newest backup and its age, DR copy age, last drill verdict, readiness, open recovery.',
  },
  promote: {
    positionals: [SITE],
    options: {
      from: {
        type: 'string',
        value: 'RECOVERY_ID',
        help: "promote this recovery's sandbox (default: the last recovery that has one)",
      },
      'discard-changes': {
        type: 'boolean',
        help: 'promote although the replacement changed blocks or data since it was launched (refused without it)',
      },
      database: {
        type: 'string',
        value: 'WHICH',
        help: "the final task's database: sandbox (default, the fix's data) or replacement (what it took during the outage); the other is stopped after a final snapshot",
      },
      follow: FOLLOW,
      ...stateMachine('promote', 'PromoteStateMachineArn'),
      ...POLL,
    },
    summary: "promote the fixed sandbox of the site's last recovery to production",
    description: `Starts the promote state machine: snapshot the sandbox, measure what promoting would drop (the replacement's changed blocks; its database's writes, from its AWS/RDS metrics, when the final task does not run on it) and refuse unless --discard-changes, launch the final task from the sandbox against the chosen database, gate on health, switch DNS to it and retire the replacement and the sandbox: their tasks, the sandbox's DNS record, and the restored database no longer serving (stopped after a final snapshot, tagged lifeboat:retain-until; retention deletes it after the site's daily retention). Exits 4 if no recovery has a sandbox to promote. ${ON_EMULATOR}`,
  },
  drill: {
    positionals: [SITE],
    options: {
      backup: { type: 'string', value: 'ID', help: 'drill this backup (default: the newest completed one)' },
      follow: FOLLOW,
      ...stateMachine('drill', 'DrillStateMachineArn'),
      ...POLL,
    },
    summary: 'start a restore drill of the newest backup (or --backup ID)',
    description: `Starts the drill state machine: restore the backup into a throw-away task and, when the backup has a DB snapshot, into a throw-away database the task runs against (private, in the site's network); probe the site; record two verdicts on the backup, files and database (see lifeboat list, lifeboat status <id>); then stop the task and delete the database without a final snapshot. A database that does not restore is a failed database verdict, not a failed run. ${ON_EMULATOR}`,
  },
  report: {
    positionals: [],
    optional: [RECOVERY_ID],
    options: {
      out: { type: 'string', value: 'DIR', help: 'where to write the files (default out/)' },
      site: {
        type: 'string',
        value: 'NAME',
        help: 'look only in this site (default: every site of the config)',
      },
      fleet: {
        type: 'boolean',
        help: 'write the fleet page (every site on one page) instead of a recovery report',
      },
    },
    summary:
      'write the recovery report (HTML and Markdown), or with --fleet the fleet page, to --out DIR (default out/)',
    description:
      'Writes <site>-<recovery-id>.html (self-contained, with a Gantt timeline of the steps) and .md, and prints their paths (--json: as an object). With --fleet instead of an id: fleet.html, a sortable table of every site with a strip of its recent backups.',
  },
  check: {
    positionals: [],
    optional: [SITE],
    options: {},
    summary: 'readiness: would a recovery of each site (or of <site>) succeed now? exit 1 if not',
    description:
      'Checks against the account, for each site (or <site>), that a recovery would work now: task definition and its volume configured at launch, the running site on its port and health path, subnets and security groups, sandbox exposure, hosted zone and records, the newest known-good backup verified in both regions, the last drill, the database restore, the triggers and the quotas. Each check ok, warn or fail with its reason; the result is saved to the catalog. Exits 1 when any check fails.',
  },
};

export interface Invocation {
  /** A command of COMMANDS, or `help` (args.command: the command asked about) or `version`. */
  command: string;
  args: Record<string, string>;
  options: Record<string, string | boolean | undefined>;
}

/** lifeboat's version, from its package.json. */
export function version(): string {
  const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
    version?: string;
  };
  return manifest.version ?? 'unknown';
}

/** Wraps `text` at `width` columns, continuation lines indented by `indent` spaces. */
function wrap(text: string, width: number, indent = 0): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(line);
  return lines.join(`\n${' '.repeat(indent)}`);
}

const LINE = 100;
const WIDTH = 26;

/** `  --backup ID        restore this backup…`, the help aligned at WIDTH and wrapped at LINE. */
function optionLines(options: Record<string, OptionSpec>): string[] {
  return Object.entries(options).map(([name, spec]) => {
    const head = `${spec.short === undefined ? '' : `-${spec.short}, `}--${name}${spec.value === undefined ? '' : ` ${spec.value}`}`;
    return `  ${head.padEnd(WIDTH)}${wrap(spec.help, LINE - WIDTH - 2, WIDTH + 2)}`;
  });
}

const EXIT_CODES = `Exit codes: 0 ok, 1 operation failed, 2 usage or config error,
            3 AWS or emulator unreachable or no credentials, 4 not found.`;

/** `lifeboat --help` text: commands, global options, exit codes. */
export function usage(): string {
  const commands = Object.entries(COMMANDS).map(([name, spec]) => {
    const head = [
      name,
      ...spec.positionals.map((p) => `<${p.name}>`),
      ...(spec.optional ?? []).map((p) => `[<${p.name}>]`),
    ].join(' ');
    return `  ${head.padEnd(WIDTH)}${spec.summary}`;
  });
  return `Usage: lifeboat <command> [options]
       lifeboat help <command>   what a command does and its options

Commands:
${commands.join('\n')}

Options for every command:
${optionLines(GLOBAL_OPTIONS).join('\n')}

${EXIT_CODES}
`;
}

/** `lifeboat help <command>` (and `lifeboat <command> --help`) text, from the command's declaration. */
export function commandUsage(command: string): string {
  const spec = COMMANDS[command];
  if (spec === undefined) throw new UsageError(`unknown command "${command}"`);
  const optional = spec.optional ?? [];
  const head = [
    'lifeboat',
    command,
    ...spec.positionals.map((p) => `<${p.name}>`),
    ...optional.map((p) => `[<${p.name}>]`),
  ].join(' ');
  const sections = [`Usage: ${head} [options]`, wrap(spec.description, LINE)];
  const positionals = [...spec.positionals, ...optional];
  if (positionals.length > 0) {
    sections.push(
      `Arguments:\n${positionals.map((p) => `  ${`<${p.name}>`.padEnd(WIDTH)}${p.help}`).join('\n')}`,
    );
  }
  if (Object.keys(spec.options).length > 0) {
    sections.push(`Options:\n${optionLines(spec.options).join('\n')}`);
  }
  sections.push(`Options for every command:\n${optionLines(GLOBAL_OPTIONS).join('\n')}`, EXIT_CODES);
  return `${sections.join('\n\n')}\n`;
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

/** node:util's parseArgs with lifeboat's one-line messages. */
function parse(command: string, args: string[], options: Record<string, OptionSpec>) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    // node:util's message goes on about `--` for positionals that look like options: keep the first sentence.
    const message = (error as Error).message.split('\n')[0] ?? '';
    const where = command === '' ? '' : `${command}: `;
    throw new UsageError(`${where}${message.replace(/\. To specify a positional.*$/, '')}`);
  }
}

/** Parses argv (without node and the script); UsageError on anything unknown or missing. */
export function parseInvocation(argv: string[]): Invocation {
  const first = commandIndex(argv);
  const command = first < 0 ? undefined : argv[first];
  if (command === undefined) {
    const options = parse('', argv, GLOBAL_OPTIONS).values as Invocation['options'];
    if (options.version === true) return { command: 'version', args: {}, options };
    if (options.help === true) return { command: 'help', args: {}, options };
    throw new UsageError('no command given');
  }
  const rest = argv.filter((_, i) => i !== first);
  if (command === 'help') {
    const parsed = parse('help', rest, GLOBAL_OPTIONS);
    const [topic, extra] = parsed.positionals;
    if (extra !== undefined) throw new UsageError(`help: unexpected argument "${extra}"`);
    if (topic !== undefined && COMMANDS[topic] === undefined)
      throw new UsageError(`unknown command "${topic}"`);
    return { command: 'help', args: topic === undefined ? {} : { command: topic }, options: parsed.values };
  }
  const spec = COMMANDS[command];
  if (spec === undefined) throw new UsageError(`unknown command "${command}"`);
  const parsed = parse(command, rest, { ...GLOBAL_OPTIONS, ...spec.options });
  const options = parsed.values as Invocation['options'];
  if (options.version === true) return { command: 'version', args: {}, options };
  if (options.help === true) return { command: 'help', args: { command }, options };
  const required = spec.positionals.map((p) => p.name);
  const missing = required.slice(parsed.positionals.length);
  if (missing.length > 0) throw new UsageError(`${command}: missing <${missing.join('> <')}>`);
  const names = [...spec.positionals, ...(spec.optional ?? [])].map((p) => p.name);
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
