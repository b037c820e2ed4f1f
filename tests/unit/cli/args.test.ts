import { parseInvocation, secondsOption } from '../../../lib/cli/args';
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

  it('answers help for --help anywhere', () => {
    expect(parseInvocation(['--help']).command).toBe('help');
    expect(parseInvocation(['list', 'blog', '-h']).command).toBe('help');
  });

  it.each([
    [[], 'no command given'],
    [['explode'], 'unknown command "explode"'],
    [['check', 'blog', 'shop'], 'check: unexpected argument "shop"'],
    [['list', 'blog', 'shop'], 'list: unexpected argument "shop"'],
    [['list', 'blog', '--dry-run'], "list: Unknown option '--dry-run'"],
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
