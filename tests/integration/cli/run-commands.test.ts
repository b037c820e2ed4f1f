import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { Catalog } from '../../../lib/catalog/catalog';
import { executionInput } from '../../../local/inspect';
import { seedStandInStateMachine } from '../../../local/seed';
import { motoClients, motoEndpoint, uniqueName } from '../../support/moto';
import { recordedRecovery } from '../../support/recorded-recoveries';
import { MOTO_CREDENTIALS, runCli } from './run-cli';
import { completedBackup, freshCatalog } from './seed';

const clients = motoClients();
// These tests check what StartExecution receives (the contract with the deployed state machine),
// so the executions are only started; tests/integration/cli/local-runs.test.ts runs them.
const START_ONLY = { ...MOTO_CREDENTIALS, LIFEBOAT_LOCAL_RUNNER: 'off' };

const stateMachine = (kind: string) => seedStandInStateMachine(clients, 'us-east-1', uniqueName(kind));

async function keysOf(bucket: string): Promise<string[]> {
  const out = await clients.s3().send(new ListObjectsV2Command({ Bucket: bucket }));
  return (out.Contents ?? []).map((o) => o.Key ?? '').sort();
}

describe('lifeboat recover / promote / drill (subprocess against moto)', () => {
  let bucket: string;
  let catalog: Catalog;
  const drilled = completedBackup(30);
  const newest = completedBackup(6);
  const common = () => ['--endpoint', motoEndpoint(), '--bucket', bucket, '--config', 'config/sites.yml'];

  beforeEach(async () => {
    ({ bucket, catalog } = await freshCatalog());
    drilled.status.drill = { verdict: 'passed', at: new Date().toISOString(), detail: 'HTTP 200' };
    await catalog.createBackup(drilled);
    await catalog.createBackup(newest);
  });

  it('prints the plan of a dry run and changes nothing', async () => {
    const before = await keysOf(bucket);

    const result = await runCli(['recover', 'blog', '--dry-run', ...common()], MOTO_CREDENTIALS);

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^Plan to recover blog from an outage that began .* \(dry run: nothing changed\)$/m,
    );
    expect(result.stdout).toContain(`launch from backup ${drilled.id}`);
    expect(result.stdout).toContain('restore drill passed');
    expect(result.stdout).toContain(`if it is unhealthy, walk back to: ${newest.id}`);
    expect(result.stdout).toContain('run task definition blog-wordpress on cluster blog in us-east-1');
    expect(result.stdout).toContain('switch DNS: UPSERT www.example.com (zone Z0123456789ABCDEFGHIJ)');
    expect(result.stdout).toContain('open the sandbox sandbox.example.com from the broken state');
    expect(await keysOf(bucket)).toEqual(before);
  });

  it('plans with the backup the operator names, and fails the plan when none qualifies', async () => {
    const named = await runCli(
      ['recover', 'blog', '--dry-run', '--backup', newest.id, ...common()],
      MOTO_CREDENTIALS,
    );
    const tooEarly = await runCli(
      ['recover', 'blog', '--dry-run', '--since', '2020-01-01T00:00:00Z', ...common()],
      MOTO_CREDENTIALS,
    );

    expect(named.code).toBe(0);
    expect(named.stdout).toContain(`launch from backup ${newest.id}`);
    expect(named.stdout).not.toContain('walk back');
    expect(tooEarly.code).toBe(1);
    expect(tooEarly.stdout).toContain('pick a backup: NONE');
  });

  it('starts the recovery state machine with the documented input', async () => {
    const arn = await stateMachine('recovery');

    const result = await runCli(
      ['recover', 'blog', '--backup', drilled.id, '--state-machine', arn, ...common()],
      START_ONLY,
    );

    expect(result.code).toBe(0);
    const id = /^recovery (\S+) of blog started$/m.exec(result.stdout)?.[1];
    const executionArn = /^ {2}execution (\S+)$/m.exec(result.stdout)?.[1];
    expect(id).toMatch(/^\d{8}t\d{6}z-[0-9a-f]{8}$/);
    expect(result.stdout).toContain(`follow it with: lifeboat status ${id} --follow`);
    expect(await executionInput(clients, executionArn ?? '')).toMatchObject({
      site: 'blog',
      recoveryId: id,
      kind: 'recovery',
      trigger: { source: 'manual' },
      // database: the site's recovery.database (the demo config restores to a point in time).
      options: { dryRun: false, backupId: drilled.id, skipSandbox: false, database: 'point-in-time' },
    });
  });

  it('takes the state machine from RECOVERY_STATE_MACHINE_ARN, and refuses while the site is locked', async () => {
    const arn = await stateMachine('recovery');
    await catalog.acquireLock('blog', '20261123t000000z-deadbeef', new Date(), 3_600_000);

    const result = await runCli(['recover', 'blog', ...common()], {
      ...START_ONLY,
      RECOVERY_STATE_MACHINE_ARN: arn,
    });

    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'lifeboat: recovery not started: site blog is already recovering (20261123t000000z-deadbeef)\n',
    );
  });

  it('exits 2 naming what is missing when no state machine is given', async () => {
    const result = await runCli(['recover', 'blog', ...common()], START_ONLY);

    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'lifeboat: no recovery state machine: no stack lifeboat-dev in us-east-1 (check --stage and --region); pass --state-machine ARN or set RECOVERY_STATE_MACHINE_ARN\n',
    );
  });

  it("promotes the sandbox of the site's last recovery", async () => {
    const { recovery } = recordedRecovery();
    await catalog.createRecovery(recovery);
    const arn = await stateMachine('promote');

    const result = await runCli(['promote', 'blog', ...common()], {
      ...START_ONLY,
      PROMOTE_STATE_MACHINE_ARN: arn,
    });

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^promote \S+ of blog started: sandbox sandbox.example.com of recovery 20261123t093900z-5f2c81a0$/m,
    );
    const executionArn = /^ {2}execution (\S+)$/m.exec(result.stdout)?.[1];
    expect(await executionInput(clients, executionArn ?? '')).toMatchObject({
      site: 'blog',
      kind: 'promote',
      trigger: { source: 'manual' },
      options: { sourceRecoveryId: '20261123t093900z-5f2c81a0' },
    });
  });

  it('passes --discard-changes to the promote and says what it drops', async () => {
    const { recovery } = recordedRecovery();
    await catalog.createRecovery(recovery);
    const arn = await stateMachine('promote');

    // The start is under test (what the execution is given), not a local run of the machine.
    const result = await runCli(['promote', 'blog', '--discard-changes', ...common()], {
      ...START_ONLY,
      PROMOTE_STATE_MACHINE_ARN: arn,
    });

    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      '--discard-changes: what the replacement changed since it was launched is dropped',
    );
    const executionArn = /^ {2}execution (\S+)$/m.exec(result.stdout)?.[1];
    expect(await executionInput(clients, executionArn ?? '')).toMatchObject({
      options: { sourceRecoveryId: '20261123t093900z-5f2c81a0', discardChanges: true },
    });
  });

  it('passes --database replacement to the promote as options.promoteDatabase, and refuses any other database', async () => {
    const { recovery } = recordedRecovery();
    await catalog.createRecovery(recovery);
    const arn = await stateMachine('promote');

    const result = await runCli(['promote', 'blog', '--database', 'replacement', ...common()], {
      ...START_ONLY,
      PROMOTE_STATE_MACHINE_ARN: arn,
    });
    const wrong = await runCli(['promote', 'blog', '--database', 'live', ...common()], {
      ...START_ONLY,
      PROMOTE_STATE_MACHINE_ARN: arn,
    });

    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      "--database replacement: the final task runs against the replacement's database",
    );
    const executionArn = /^ {2}execution (\S+)$/m.exec(result.stdout)?.[1];
    expect(await executionInput(clients, executionArn ?? '')).toMatchObject({
      options: { sourceRecoveryId: '20261123t093900z-5f2c81a0', promoteDatabase: 'replacement' },
    });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toBe(
      'lifeboat: --database: "live" is not sandbox or replacement (see lifeboat --help)\n',
    );
  });

  it('exits 4 when there is no sandbox to promote', async () => {
    const arn = await stateMachine('promote');

    const result = await runCli(['promote', 'blog', '--state-machine', arn, ...common()], START_ONLY);

    expect(result.code).toBe(4);
    expect(result.stderr).toBe('lifeboat: no recovery of blog has a sandbox to promote\n');
  });

  it('starts a restore drill, of a named backup if asked', async () => {
    const arn = await stateMachine('drill');

    const result = await runCli(
      ['drill', 'blog', '--backup', newest.id, '--state-machine', arn, ...common()],
      START_ONLY,
    );
    const missing = await runCli(
      ['drill', 'blog', '--backup', '20200101t000000z-manual', '--state-machine', arn, ...common()],
      START_ONLY,
    );

    expect(result.code).toBe(0);
    const executionArn = /^ {2}execution (\S+)$/m.exec(result.stdout)?.[1];
    expect(await executionInput(clients, executionArn ?? '')).toMatchObject({
      site: 'blog',
      kind: 'drill',
      options: { backupId: newest.id },
    });
    expect(missing.code).toBe(4);
  });
});
