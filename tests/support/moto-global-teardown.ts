import type { MotoServer } from '../../local/moto-server';

type Shared = { lifeboatMoto?: MotoServer[] };

module.exports = async function motoGlobalTeardown(): Promise<void> {
  const shared = globalThis as Shared;
  const servers = shared.lifeboatMoto ?? [];
  shared.lifeboatMoto = undefined;
  await Promise.all(servers.map((m) => m.stop()));
};
