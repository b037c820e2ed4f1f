import { StateProgressPrinter } from '../../../local/state-progress';

describe('StateProgressPrinter', () => {
  let now = 0;
  let lines: string[] = [];
  const task = (name: string, elapsedMs?: number) => ({ name, type: 'Task', at: new Date(now), elapsedMs });

  beforeEach(() => {
    now = 0;
    lines = [];
  });

  it('prints each task entered and left with the time since the run began, side branches marked', () => {
    const printer = new StateProgressPrinter(
      (l) => lines.push(l),
      new Set(['LaunchSandbox']),
      () => now,
    );

    printer.entered(task('LaunchReplacement'));
    printer.entered(task('LaunchSandbox'));
    now = 1500;
    printer.exited(task('LaunchReplacement', 1500));
    printer.exited(task('LaunchSandbox', 1500));
    printer.exited({ name: 'Recovered', type: 'Succeed', at: new Date(now) });
    printer.finished('SUCCEEDED');

    expect(lines).toEqual([
      '  [  0.0s] ▶ Launch replacement',
      '  [  0.0s] ▶   ┊ Launch sandbox',
      '  [  1.5s] ✓ Launch replacement (1.5 s)',
      '  [  1.5s] ✓   ┊ Launch sandbox (1.5 s)',
      '  [  1.5s] ■ Recovered',
      '  [  1.5s] execution SUCCEEDED',
    ]);
  });

  it('collapses a polled state into one summary line', () => {
    const printer = new StateProgressPrinter(
      (l) => lines.push(l),
      new Set(),
      () => now,
    );

    for (let i = 0; i < 5; i++) {
      printer.entered(task('CheckReplacement'));
      now += 1000;
      printer.exited(task('CheckReplacement', 20));
    }
    printer.entered(task('SwitchDns'));

    expect(lines).toEqual([
      '  [  0.0s] ▶ Check replacement',
      '  [  1.0s] ✓ Check replacement (20 ms)',
      '  [  5.0s] ✓ Check replacement ×5 over 5.0 s',
      '  [  5.0s] ▶ Switch DNS',
    ]);
  });

  it('marks a health gate by its verdict: a gate that ends unhealthy is a ✗, with the reason', () => {
    const printer = new StateProgressPrinter(
      (l) => lines.push(l),
      new Set(),
      () => now,
    );
    const gate = (verdict: string, reason?: string) => ({
      ...task('CheckReplacement', 20),
      output: { attempt: { gate: { verdict, reason } } },
    });

    for (let i = 0; i < 3; i++) {
      printer.entered(task('CheckReplacement'));
      now += 1000;
      printer.exited(i < 2 ? gate('pending') : gate('unhealthy', 'HTTP 502, expected 200'));
    }
    printer.entered(task('RejectUnhealthy'));
    printer.entered(task('CheckReplacement'));
    printer.exited(gate('healthy'));

    expect(lines).toEqual([
      '  [  0.0s] ▶ Check replacement',
      '  [  1.0s] … Check replacement (20 ms): pending',
      '  [  3.0s] ✗ Check replacement ×3 over 3.0 s: unhealthy — HTTP 502, expected 200',
      '  [  3.0s] ▶ Reject unhealthy',
      '  [  3.0s] ▶ Check replacement',
      '  [  3.0s] ✓ Check replacement (20 ms): healthy',
    ]);
  });

  it('always shows failures, with the error name', () => {
    const printer = new StateProgressPrinter(
      (l) => lines.push(l),
      new Set(),
      () => now,
    );

    printer.failed({ ...task('Begin'), error: 'SiteLockedError' });
    printer.finished('FAILED', 'SiteLockedError');

    expect(lines).toEqual([
      '  [  0.0s] ✗ Begin: SiteLockedError',
      '  [  0.0s] execution FAILED (SiteLockedError)',
    ]);
  });
});
