import type { AllAwsClients } from '../../../lib/aws/all-clients';
import { S3ObjectStore } from '../../../lib/aws/s3';
import type { BackupPorts } from '../../../lib/backup/ports';
import { backupPorts } from '../../../lib/backup/wiring';
import { Catalog } from '../../../lib/catalog/catalog';
import type { Site } from '../../../lib/config/schema';
import { seedSite } from '../../../local/seed';
import { siteConfig } from '../../../local/site-config';
import { uniqueName, uniqueSiteName } from '../../support/moto';

/** A site in moto: tagged volumes and one RDS instance in us-east-1, DR in us-west-2. */
export interface MotoSite {
  site: Site;
  volumeId: string;
  dbId: string;
  ports: BackupPorts;
  catalog: Catalog;
  bucket: string;
}

/** Makes a fresh site (unique names) with its resources and a catalog bucket in moto (local/seed.ts). */
export async function makeMotoSite(
  clients: AllAwsClients,
  options: { volumes?: number; site?: Record<string, unknown> } = {},
): Promise<MotoSite> {
  const bucket = uniqueName('catalog');
  const seeded = await seedSite(clients, {
    name: uniqueSiteName(),
    volumes: options.volumes,
    catalogBucket: bucket,
  });
  const site = siteConfig([seeded], { overrides: options.site }).sites[0] as Site;
  const catalog = new Catalog(new S3ObjectStore(clients.s3(), bucket), { retryDelayMs: 5 });
  return {
    site,
    volumeId: seeded.volumeIds[0] ?? '',
    dbId: seeded.database?.id ?? '',
    ports: backupPorts(clients, catalog),
    catalog,
    bucket,
  };
}

type Handler = (args: { input: Record<string, unknown> }) => Promise<{ output: Record<string, unknown> }>;
type Stack = {
  add(mw: (next: Handler, context: { commandName?: string }) => Handler, options: object): void;
};

/**
 * What moto cannot do, added as SDK middleware: snapshots and copies stay in progress until the
 * test releases them (moto completes everything at once), a snapshot can be made to fail, and a
 * call can be throttled. Sits above the SDK's retry step, so an injected throttle reaches the code.
 */
export class AwsBehaviour {
  /** Snapshot ids / DB snapshot identifiers (per region) allowed to show as completed. */
  private readonly released = new Set<string>();
  private readonly failed = new Map<string, string>();
  private readonly throttles = new Map<string, number>();
  readonly calls: string[] = [];

  release(region: string, id: string): void {
    this.released.add(`${region}/${id}`);
  }

  fail(region: string, id: string, message: string): void {
    this.failed.set(`${region}/${id}`, message);
  }

  /** The next `times` calls of the command (e.g. CopySnapshotCommand) fail with this AWS code. */
  throttle(commandName: string, times = 1): void {
    this.throttles.set(commandName, (this.throttles.get(commandName) ?? 0) + times);
  }

  /** Injected throttles not yet hit (0 once every one has been thrown at the code). */
  throttlesLeft(): number {
    return [...this.throttles.values()].reduce((a, b) => a + b, 0);
  }

  /** The `decorate` hook of AllAwsClients. */
  readonly decorate = (client: { middlewareStack: unknown }, service: string, region: string): void => {
    if (service !== 'ec2' && service !== 'rds') return;
    (client.middlewareStack as Stack).add(
      (next, context) => async (args) => {
        const name = context.commandName ?? '';
        this.calls.push(`${region}:${name}`);
        const left = this.throttles.get(name) ?? 0;
        if (left > 0) {
          this.throttles.set(name, left - 1);
          throw Object.assign(new Error('Rate exceeded'), {
            name: service === 'ec2' ? 'RequestLimitExceeded' : 'ThrottlingException',
            $metadata: { httpStatusCode: service === 'ec2' ? 503 : 400 },
          });
        }
        const result = await next(args);
        this.rewrite(region, result.output);
        return result;
      },
      { step: 'initialize', name: 'lifeboatTestAwsBehaviour' },
    );
  };

  private state(region: string, id: string): 'completed' | 'pending' | 'failed' {
    if (this.failed.has(`${region}/${id}`)) return 'failed';
    return this.released.has(`${region}/${id}`) ? 'completed' : 'pending';
  }

  private rewrite(region: string, output: Record<string, unknown>): void {
    const ebs = [output, ...((output.Snapshots as Record<string, unknown>[] | undefined) ?? [])];
    for (const s of ebs) {
      if (typeof s.SnapshotId !== 'string' || s.State === undefined) continue;
      const state = this.state(region, s.SnapshotId);
      s.State = state === 'failed' ? 'error' : state;
      if (state === 'failed') s.StateMessage = this.failed.get(`${region}/${s.SnapshotId}`);
    }
    const rds = [
      output.DBSnapshot,
      output.DBClusterSnapshot,
      ...((output.DBSnapshots as unknown[] | undefined) ?? []),
      ...((output.DBClusterSnapshots as unknown[] | undefined) ?? []),
    ] as (Record<string, unknown> | undefined)[];
    for (const s of rds) {
      const id = (s?.DBSnapshotIdentifier ?? s?.DBClusterSnapshotIdentifier) as string | undefined;
      if (s === undefined || id === undefined) continue;
      const state = this.state(region, id);
      s.Status = state === 'completed' ? 'available' : state === 'failed' ? 'failed' : 'creating';
    }
  }
}
