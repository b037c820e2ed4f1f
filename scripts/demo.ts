// `npm run demo`: lifeboat's whole job on this machine, against the moto emulator.
import { join } from 'node:path';
import { installPromiseWithResolvers } from '../local/node-polyfills';

const bold = (text: string) => (process.stdout.isTTY ? `\u001b[1m${text}\u001b[0m` : text);

/** `npm run demo -- --keep`: leaves the emulator up so the CLI can be tried on it, until Ctrl-C. */
function keepRunning(hints: string[]): Promise<void> {
  process.stdout.write(
    `\n${bold('▸ The emulator is still running: try the CLI (Ctrl-C stops everything)')}\n`,
  );
  for (const line of hints) process.stdout.write(`${line}\n`);
  return new Promise((resolve) => process.once('SIGINT', () => resolve()));
}

async function demo(): Promise<number> {
  installPromiseWithResolvers();
  // Read at import time by the SDK and the Lambda logger: set before the demo's modules load.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  const { runDemo } = await import('../local/demo');
  const root = join(__dirname, '..');
  const printer = {
    section: (title: string) => process.stdout.write(`\n${bold(`▸ ${title}`)}\n`),
    line: (text: string) => process.stdout.write(`${text}\n`),
  };
  process.stdout.write(
    bold('lifeboat demo: backup, one-alarm recovery and promote of a site, all on this machine\n'),
  );
  const result = await runDemo({
    printer,
    root,
    outDir: process.env.LIFEBOAT_DEMO_OUT ?? join(root, 'out'),
    waitMs: Number(process.env.LIFEBOAT_DEMO_WAIT_MS ?? 200),
    beforeStop: process.argv.includes('--keep') ? keepRunning : undefined,
  });
  printer.section(result.ok ? 'Done' : 'Finished with a failure');
  printer.line(`  stopped moto and the site server; ${(result.elapsedMs / 1000).toFixed(1)} s in all`);
  if (result.reportHtml !== undefined) printer.line(`  open the report: ${result.reportHtml}`);
  return result.ok ? 0 : 1;
}

demo().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const detail =
      error instanceof Error ? (process.env.LIFEBOAT_DEBUG ? error.stack : error.message) : String(error);
    process.stderr.write(`demo failed: ${detail}\n`);
    process.exitCode = 1;
  },
);
