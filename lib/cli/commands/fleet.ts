import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { catalogFleetPorts } from '../../fleet/catalog-ports';
import { buildFleetView, type FleetView } from '../../fleet/fleet-view';
import { renderFleetHtml } from '../../fleet/html';
import { renderFleetTable } from '../../fleet/table';
import { catalogReadinessStore } from '../../readiness/store';
import { type Invocation, stringOption } from '../args';
import type { CliContext } from '../context';
import { EXIT, type ExitCode } from '../exit-codes';

async function fleetView(ctx: CliContext): Promise<FleetView> {
  const ports = catalogFleetPorts(await ctx.catalog(), catalogReadinessStore(await ctx.objectStore()));
  return buildFleetView(ports, ctx.clock, ctx.config.sites);
}

/** `lifeboat status` without an id: every site in one table. */
export async function fleetStatusCommand(ctx: CliContext): Promise<ExitCode> {
  const view = await fleetView(ctx);
  ctx.out.line(ctx.json ? JSON.stringify(view, null, 2) : renderFleetTable(view));
  return EXIT.ok;
}

/** `lifeboat report --fleet [--out DIR]`: the fleet as one self-contained HTML page. */
export async function fleetReportCommand(ctx: CliContext, invocation: Invocation): Promise<ExitCode> {
  const view = await fleetView(ctx);
  const dir = resolve(stringOption(invocation, 'out') ?? 'out');
  await mkdir(dir, { recursive: true });
  const path = join(dir, 'fleet.html');
  await writeFile(path, renderFleetHtml(view));
  ctx.out.line(ctx.json ? JSON.stringify({ html: path }) : path);
  return EXIT.ok;
}
