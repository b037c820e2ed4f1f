import { COMMANDS, commandUsage, parseInvocation, secondsOption, usage } from '../../../lib/cli/args';
import { UsageError } from '../../../lib/cli/exit-codes';

describe('parseInvocation', () => {
  it('takes the command, its positionals and options in any order', () => {
    const invocation = parseInvocation([
      '--endpoint',
      'http://127.0.0.1:5000',
      'recover',
      'blog',
      '--dry-run',
      '--backup',
      'b1',
    ]);

    expect(invocation).toEqual({
      command: 'recover',
      args: { site: 'blog' },
      options: { endpoint: 'http://127.0.0.1:5000', 'dry-run': true, backup: 'b1' },
    });
  });

  it('answers help for --help anywhere, about the command when there is one', () => {
    expect(parseInvocation(['--help'])).toMatchObject({ command: 'help', args: {} });
    expect(parseInvocation(['list', 'blog', '-h'])).toMatchObject({
      command: 'help',
      args: { command: 'list' },
    });
    expect(parseInvocation(['recover', '--help'])).toMatchObject({
      command: 'help',
      args: { command: 'recover' },
    });
  });

  it('takes `help [command]` and `--version`', () => {
    expect(parseInvocation(['help'])).toMatchObject({ command: 'help', args: {} });
    expect(parseInvocation(['help', 'drill'])).toMatchObject({ command: 'help', args: { command: 'drill' } });
    expect(parseInvocation(['--version']).command).toBe('version');
    expect(parseInvocation(['status', 'x', '--version']).command).toBe('version');
  });

  it('takes info without arguments, and --stage on every command', () => {
    expect(parseInvocation(['info', '--stage', 'prod'])).toEqual({
      command: 'info',
      args: {},
      options: { stage: 'prod' },
    });
  });

  it.each([
    [[], 'no command given'],
    [['explode'], 'unknown command "explode"'],
    [['check', 'blog', 'shop'], 'check: unexpected argument "shop"'],
    [['list', 'blog', 'shop'], 'list: unexpected argument "shop"'],
    [['list', 'blog', '--dry-run'], "list: Unknown option '--dry-run'"],
    [['help', 'explode'], 'unknown command "explode"'],
    [['help', 'list', 'blog'], 'help: unexpected argument "blog"'],
  ])('refuses %j with a usage error', (argv, message) => {
    expect(() => parseInvocation(argv as string[])).toThrow(new UsageError(message));
  });
});

describe('optional positionals', () => {
  it('leaves out what is not given: status and check without an id mean every site', () => {
    expect(parseInvocation(['status']).args).toEqual({});
    expect(parseInvocation(['check']).args).toEqual({});
    expect(parseInvocation(['check', 'blog']).args).toEqual({ site: 'blog' });
    expect(parseInvocation(['report', '--fleet', '--out', 'x']).options).toMatchObject({
      fleet: true,
      out: 'x',
    });
  });
});

describe('secondsOption', () => {
  it('reads seconds as ms and refuses anything but a positive number', () => {
    expect(secondsOption(parseInvocation(['backup', 'blog', '--interval', '0.5']), 'interval', 9)).toBe(500);
    expect(secondsOption(parseInvocation(['backup', 'blog']), 'interval', 9)).toBe(9000);
    expect(() =>
      secondsOption(parseInvocation(['backup', 'blog', '--timeout', 'soon']), 'timeout', 1),
    ).toThrow('--timeout must be a positive number of seconds');
  });
});

describe('help', () => {
  it('lists every command with its arguments, the global options and the exit codes', () => {
    const text = usage();

    for (const name of Object.keys(COMMANDS)) expect(text).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
    expect(text).toContain('  --stage STAGE ');
    expect(text).toContain('Exit codes: 0 ok, 1 operation failed, 2 usage or config error');
  });

  it.each(Object.entries(COMMANDS))('%s --help shows each of its declared options', (name, spec) => {
    const text = commandUsage(name);

    expect(text.startsWith(`Usage: lifeboat ${name}`)).toBe(true);
    for (const option of Object.keys(spec.options))
      expect(text).toMatch(new RegExp(`^  --${option}\\b`, 'm'));
    for (const p of spec.positionals) expect(text).toContain(`<${p.name}>`);
    expect(text).toContain('Options for every command:');
    expect(text.split('\n').every((line) => line.length <= 100)).toBe(true);
  });

  it('tells one command from another', () => {
    expect(commandUsage('recover')).toContain('--dry-run');
    expect(commandUsage('list')).not.toContain('--dry-run');
  });
});
