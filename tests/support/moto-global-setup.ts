import { MOTO_INSTALL_HINT, type MotoServer, motoInstalled, startMoto } from '../../local/moto-server';

type Shared = { lifeboatMoto?: MotoServer[] };

/**
 * One moto_server per jest worker, so test files run in parallel without sharing state; each
 * file picks its worker's server and resets it first (tests/support/moto-per-file.ts).
 * The integration and stepfunctions projects share the servers when run together.
 */
module.exports = async function motoGlobalSetup(globalConfig: { maxWorkers: number }): Promise<void> {
  const shared = globalThis as Shared;
  if (shared.lifeboatMoto !== undefined) return;
  if (!motoInstalled()) {
    throw new Error(MOTO_INSTALL_HINT);
  }
  const count = Math.max(1, globalConfig.maxWorkers);
  shared.lifeboatMoto = await Promise.all(Array.from({ length: count }, () => startMoto()));
  process.env.LIFEBOAT_TEST_MOTO_ENDPOINTS = shared.lifeboatMoto.map((m) => m.endpoint).join(',');
  const stopAll = () => {
    for (const m of shared.lifeboatMoto ?? []) {
      try {
        process.kill(m.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  };
  process.once('exit', stopAll);
};
