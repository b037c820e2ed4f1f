import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface FunctionFootprint {
  fn: string;
  zipBytes: number;
  handlerBytes: number;
  /** Median of fresh-process module load times (ms). */
  loadMs: number;
}

const ROOT = join(__dirname, '..', '..');
const PACKAGE_DIR = join(ROOT, '.serverless');

/** Builds the bundles with `npm run test:package` unless `.serverless/*.zip` exist. */
export function ensurePackaged(rebuild: boolean): void {
  const zips = (() => {
    try {
      return readdirSync(PACKAGE_DIR).filter((f) => f.endsWith('.zip'));
    } catch {
      return [];
    }
  })();
  if (rebuild || zips.length === 0)
    execFileSync('npm', ['run', '--silent', 'test:package'], { cwd: ROOT, stdio: 'inherit' });
}

/**
 * Bundle size of every function (.serverless/<fn>.zip) and its cold-start module load: the time to
 * require the bundled handler in a fresh node process (median of `samples`), which is what Lambda
 * spends in Init besides starting the runtime.
 */
export function benchFootprint(samples = 5): FunctionFootprint[] {
  const out: FunctionFootprint[] = [];
  for (const zip of readdirSync(PACKAGE_DIR)
    .filter((f) => f.endsWith('.zip'))
    .sort()) {
    const fn = zip.replace(/\.zip$/, '');
    const dir = mkdtempSync(join(tmpdir(), `lifeboat-${fn}-`));
    try {
      execFileSync('unzip', ['-q', join(PACKAGE_DIR, zip), '-d', dir]);
      const handler = findHandler(dir);
      const times: number[] = [];
      for (let i = 0; i < samples; i += 1) {
        // Env the handlers read at load time gets placeholders; a handler that still throws is timed up to the throw.
        const script = `const t=process.hrtime.bigint();try{require(${JSON.stringify(handler)})}catch(e){}process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`;
        const ms = execFileSync(process.execPath, ['-e', script], {
          cwd: dir,
          env: {
            PATH: process.env.PATH,
            AWS_REGION: 'us-east-1',
            AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
            CATALOG_BUCKET: 'bench',
            LIFEBOAT_CONFIG: 'config/sites.yml',
          },
        }).toString();
        times.push(Number(ms));
      }
      times.sort((a, b) => a - b);
      out.push({
        fn,
        zipBytes: statSync(join(PACKAGE_DIR, zip)).size,
        handlerBytes: statSync(handler).size,
        loadMs: times[Math.floor(times.length / 2)] ?? 0,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return out;
}

function findHandler(dir: string): string {
  const functionsDir = join(dir, 'functions');
  const js = readdirSync(functionsDir).find((f) => f.endsWith('.js'));
  if (js === undefined) throw new Error(`no bundled handler in ${functionsDir}`);
  return join(functionsDir, js);
}
