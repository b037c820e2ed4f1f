import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { Writable } from 'node:stream';
import type { Context } from 'aws-lambda';
import { AllAwsClients } from '../lib/aws/all-clients';
import { S3ObjectStore } from '../lib/aws/s3';
import { type Backup, isTerminal } from '../lib/backup/model';
import { Catalog } from '../lib/catalog/catalog';
import { main as cli } from '../lib/cli/main';
import { formatElapsed } from '../lib/cli/output';
import { systemClock } from '../lib/clock';
import type { Site } from '../lib/config/schema';
import { describeDiscarded } from '../lib/recovery/measure-changes';
import type { Recovery } from '../lib/recovery/model';
import type { TaskInfo } from '../lib/recovery/ports';
import { ALL_RECOVERY_ADAPTERS, recoveryPorts } from '../lib/recovery/wiring';
import { formatDuration } from '../lib/report/format';
import { backupInUse } from '../lib/report/recovery-report';
import { withEcsVolumeStandIn } from './ecs-volumes';
import { aRecordValue, executionInput } from './inspect';
import { loadDefinition, type MachineName, runStateMachineLocally } from './local-runner';
import { holdEcsTasksRunning, type MotoServer, startMoto } from './moto-server';
import { type ProvisionedSite, provisionSite, referenceBlueprint } from './provision-site';
import { writeSiteConfig } from './site-config';
import { type SiteServer, startSiteServer } from './site-server';
import { snapshotEventsFor } from './snapshot-events';
import { createStandInStack } from './stand-in-stack';
import { StateProgressPrinter } from './state-progress';

/** Where the demo writes what it shows. */
export interface DemoPrinter {
  section(title: string): void;
  line(text: string): void;
}

export interface DemoOptions {
  printer: DemoPrinter;
  /** Directory for the generated config and the report (default out/). */
  outDir: string;
  /** How long each Wait state of the state machines lasts locally, in ms. */
  waitMs: number;
  /** Repository root (for the sample events and state machine definitions). */
  root: string;
  /**
   * Called at the end with the emulator still running, with the lines that tell the operator how
   * to try the CLI on it (the stand-in stack is created first); everything stops when it resolves.
   */
  beforeStop?: (hints: string[]) => Promise<void>;
}

export interface DemoResult {
  ok: boolean;
  recoveryId?: string;
  reportHtml?: string;
  elapsedMs: number;
}

type Handler = (event: unknown, context: Context) => Promise<unknown>;

function lambdaContext(name: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: `lifeboat-local-${name}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:lifeboat-local-${name}`,
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/lifeboat-local-${name}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => 900_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** Loads a Lambda handler module after the environment it reads at import time is set. */
async function handlerOf(root: string, name: string): Promise<(event: unknown) => Promise<unknown>> {
  const module = (await import(join(root, 'functions', `${name}.ts`))) as { handler: Handler };
  return (event) => module.handler(event, lambdaContext(name));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A writable that hands each complete line to `onLine` (for the CLI's output inside the demo). */
function lineSink(onLine: (line: string) => void): Writable & { text: string[] } {
  const lines: string[] = [];
  let partial = '';
  const sink = new Writable({
    write(chunk, _encoding, done) {
      partial += chunk.toString();
      const parts = partial.split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) {
        lines.push(line);
        onLine(line);
      }
      done();
    },
  });
  return Object.assign(sink, { text: lines });
}

/** The states of a machine off the critical path: every branch of a Parallel but the first. */
function sideBranchStates(machine: MachineName, root: string): Set<string> {
  const side = new Set<string>();
  type Def = { States: Record<string, { Type?: string; Branches?: Def[] }> };
  const visit = (def: Def, offPath: boolean) => {
    for (const [name, state] of Object.entries(def.States)) {
      if (offPath) side.add(name);
      state.Branches?.forEach((branch, i) => {
        visit(branch, offPath || i > 0);
      });
    }
  };
  visit(loadDefinition(machine, join(root, 'stepfunctions')) as Def, false);
  return side;
}

class Demo {
  private moto?: MotoServer;
  private siteServer?: SiteServer;
  private clients!: AllAwsClients;
  private provisioned!: ProvisionedSite;
  private site!: Site;
  private catalog!: Catalog;
  private configPath = '';
  /** The ids this run made, for the operator's hints. */
  private readonly made: { backups: string[]; poisoned?: string; recovery?: string; promote?: string } = {
    backups: [],
  };
  private readonly started = Date.now();

  constructor(private readonly options: DemoOptions) {}

  private get print(): DemoPrinter {
    return this.options.printer;
  }

  private cliArgs(): string[] {
    return [
      '--endpoint',
      this.moto?.endpoint ?? '',
      '--bucket',
      this.provisioned.catalogBucket,
      '--config',
      this.configPath,
    ];
  }

  /** Runs the CLI in-process, its output indented under the current section. */
  private async cli(args: string[]): Promise<{ code: number; stdout: string[] }> {
    const stdout = lineSink((l) => this.print.line(`    ${l}`));
    const stderr = lineSink((l) => this.print.line(`    ${l}`));
    const code = await cli([...args, ...this.cliArgs()], { stdout, stderr, env: process.env });
    return { code, stdout: stdout.text };
  }

  async start(): Promise<void> {
    // Only ever the emulator's dummy credentials: real ones must never be sent anywhere by a demo.
    process.env.AWS_ACCESS_KEY_ID = 'testing';
    process.env.AWS_SECRET_ACCESS_KEY = 'testing';
    delete process.env.AWS_SESSION_TOKEN;
    delete process.env.AWS_PROFILE;
    this.print.section('Starting the AWS emulator and the site');
    this.moto = await startMoto();
    await holdEcsTasksRunning(this.moto.endpoint);
    this.print.line(`  moto_server          ${this.moto.endpoint}`);
    this.siteServer = await startSiteServer({ title: 'blog — WordPress, played locally' });
    this.print.line(
      `  site server          ${this.siteServer.url} (healthy; each launched task gets its own path)`,
    );
  }

  async provision(): Promise<void> {
    const endpoint = this.moto?.endpoint ?? '';
    this.clients = new AllAwsClients({
      endpoint,
      defaultRegion: 'us-east-1',
      maxAttempts: 2,
      retryMode: 'standard',
      decorate: withEcsVolumeStandIn(() => this.clients),
    });
    this.print.section('Provisioning the reference site "blog" in the emulator');
    const p = await provisionSite(this.clients, referenceBlueprint());
    this.provisioned = p;
    this.print.line(
      `  network      ${p.run.vpcId} (DNS hostnames on), subnets ${p.run.subnetIds.join(', ')}`,
    );
    this.print.line(
      `               security groups ${p.run.securityGroupId} (site), ${p.run.sandboxSecurityGroupId} (sandbox: ${p.run.operatorCidr} only)`,
    );
    this.print.line(
      `  ECS          cluster ${p.run.cluster}, task definition ${p.run.taskDefinition} (volume ${p.run.volumeName} configured at launch)`,
    );
    this.print.line(
      `  data         EBS ${p.volumeIds.join(', ')} tagged lifeboat:site=blog, RDS ${p.database.id}`,
    );
    this.print.line(
      `               database groups ${p.database.securityGroupId} (site), ${p.database.sandboxSecurityGroupId} (sandbox database: the sandbox only)`,
    );
    this.print.line(
      `  DNS          zone ${p.dns.hostedZoneId}: ${p.dns.recordName} A ${p.dns.productionAddress}`,
    );
    this.print.line(
      `  lifeboat     catalog s3://${p.catalogBucket}, webhook token in SSM ${p.webhook.tokenParameter}, SNS ${p.notifications.topicArn.split(':').pop()}`,
    );
    this.print.line(`  regions      primary ${p.primaryRegion}, DR ${p.drRegion}`);

    await mkdir(this.options.outDir, { recursive: true });
    this.configPath = join(this.options.outDir, 'demo-sites.yml');
    // The shortest health-gate deadline the config allows, so a walk-back costs seconds, not minutes.
    const config = await writeSiteConfig(this.configPath, [p], { health: { deadlineSeconds: 10 } });
    this.site = config.sites[0] as Site;
    const shown = relative(process.cwd(), this.configPath);
    this.print.line(`  site config  ${shown.startsWith('..') ? this.configPath : shown} (validated)`);
    this.catalog = new Catalog(new S3ObjectStore(this.clients.s3(), p.catalogBucket), { retryDelayMs: 5 });

    // What the deployed functions read from their environment, pointed at the emulator.
    Object.assign(process.env, {
      LIFEBOAT_CONFIG: this.configPath,
      LIFEBOAT_AWS_ENDPOINT: endpoint,
      LIFEBOAT_AWS_MAX_ATTEMPTS: '2',
      CATALOG_BUCKET: p.catalogBucket,
      AWS_REGION: p.primaryRegion,
      RECOVERY_STATE_MACHINE_ARN: p.stateMachines.recovery,
      PROMOTE_STATE_MACHINE_ARN: p.stateMachines.promote,
      DRILL_STATE_MACHINE_ARN: p.stateMachines.drill,
      PINGDOM_TOKEN_PARAMETER: p.webhook.tokenParameter,
      RECOVERY_TOPIC_ARN: p.notifications.topicArn,
    });
  }

  async nightlyBackup(at: Date, title: string): Promise<Backup> {
    this.print.section(`${title}: the schedule fires, snapshot events drive it to Completed`);
    const root = this.options.root;
    const startBackup = await handlerOf(root, 'start-backup');
    const onSnapshotEvent = await handlerOf(root, 'on-snapshot-event');
    const sweep = await handlerOf(root, 'sweep-backups');
    const t0 = Date.now();
    const time = new Date(Math.floor(at.getTime() / 1000) * 1000).toISOString();
    const started = (await startBackup({ site: this.site.name, time })) as {
      backupId: string;
      phase: string;
    };
    const progress = (text: string) => this.print.line(`  [${formatElapsed(Date.now() - t0)}] ${text}`);
    progress(`schedule → start-backup: ${started.backupId} ${started.phase}`);

    const sent = new Set<string>();
    let backup = await this.catalog.getBackup(this.site.name, started.backupId);
    for (let round = 0; backup !== undefined && !isTerminal(backup.status.phase) && round < 10; round++) {
      const events = snapshotEventsFor(backup, sent);
      if (events.length === 0) {
        progress('no event pending: the sweeper (every few minutes in AWS) advances it');
        await sweep({});
      }
      for (const e of events) {
        sent.add(e.key);
        await onSnapshotEvent(e.event);
        progress(`${e.describe} → on-snapshot-event`);
      }
      const before = backup.status.phase;
      backup = await this.catalog.getBackup(this.site.name, started.backupId);
      if (backup !== undefined && backup.status.phase !== before)
        progress(`phase ${before} → ${backup.status.phase}`);
    }
    if (backup === undefined || backup.status.phase !== 'Completed') {
      throw new Error(`the nightly backup did not complete: ${backup?.status.phase ?? 'missing'}`);
    }
    for (const part of backup.status.parts) {
      this.print.line(
        `    ${part.sourceId} → ${part.snapshotId} → DR copy ${part.copy.snapshotId} (${part.copy.region})`,
      );
    }
    this.made.backups.push(backup.id);
    return backup;
  }

  /**
   * Each launched task answers on the site server under the backup it was launched from, so a
   * backup can be made to hold a broken site.
   */
  private endpointOf = (task: TaskInfo): string | undefined =>
    task.privateIp === undefined
      ? undefined
      : this.siteServer?.taskUrl(
          task.tags['lifeboat:backup-id'] ?? task.taskArn.split('/').pop() ?? task.taskArn,
        );

  /** Last night's backup already holds the fault: a task launched from it answers 502. */
  poison(backup: Backup): void {
    this.made.poisoned = backup.id;
    this.siteServer?.setMode('unhealthy', backup.id);
    this.print.line(
      `  (the fault is older than the outage: ${backup.id} holds it too, so its tasks will answer 502)`,
    );
  }

  /** Runs `executionArn` (started in the emulator, which does not execute it) locally, under that ARN. */
  private async runMachine(machine: MachineName, executionArn: string): Promise<boolean> {
    const input = await executionInput(this.clients, executionArn);
    const progress = new StateProgressPrinter(
      (line) => this.print.line(line),
      sideBranchStates(machine, this.options.root),
    );
    const run = await runStateMachineLocally({
      machine,
      input,
      executionArn,
      definitionsDir: join(this.options.root, 'stepfunctions'),
      context: {
        config: { sites: [this.site] },
        clock: systemClock,
        ports: recoveryPorts({
          clients: this.clients,
          catalog: this.catalog,
          clock: systemClock,
          adapters: ALL_RECOVERY_ADAPTERS,
          topicArn: this.provisioned.notifications.topicArn,
          endpointOf: this.endpointOf,
        }),
      },
      waitMs: this.options.waitMs,
      retryMs: this.options.waitMs,
      onStateEntered: (s) => progress.entered(s),
      onStateExited: (s) => progress.exited(s),
      onStateFailed: (s) => progress.failed(s),
    });
    progress.finished(run.status, run.error);
    return run.status === 'SUCCEEDED';
  }

  async breakAndRecover(backup: Backup): Promise<Recovery> {
    this.print.section('The site breaks; Pingdom calls the webhook');
    // The recovery trusts only backups taken before the outage began.
    const wait = new Date(backup.status.createdAt).getTime() + 1100 - Date.now();
    if (wait > 0) await sleep(wait);
    this.siteServer?.setMode('unhealthy');
    const probe = await fetch(`${this.siteServer?.url}${this.site.health.path}`);
    this.print.line(
      `  ${this.site.dns.recordName}${this.site.health.path} answers HTTP ${probe.status} ${probe.statusText}`,
    );

    const answer = await this.pingdom('DOWN', {
      description: `HTTP Error ${probe.status}`,
      long_description: `HTTP Error ${probe.status} ${probe.statusText} on ${this.site.health.path}`,
    });
    if (
      answer.outcome !== 'started' ||
      answer.executionArn === undefined ||
      answer.recoveryId === undefined
    ) {
      throw new Error(`the webhook did not start a recovery: ${JSON.stringify(answer)}`);
    }
    this.print.line(
      `  recovery ${answer.recoveryId}: execution ${answer.executionArn.split(':').pop()} started`,
    );

    this.print.section('Recovery state machine, run locally with the real steps (waits shortened)');
    const ok = await this.runMachine('recovery', answer.executionArn);
    if (!ok) throw new Error(`recovery ${answer.recoveryId} did not succeed`);

    const recovery = await this.catalog.getRecovery(this.site.name, answer.recoveryId);
    if (recovery === undefined) throw new Error(`recovery ${answer.recoveryId} has no record`);
    this.made.recovery = recovery.id;
    const up = await fetch(
      `${this.siteServer?.taskUrl(backupInUse(recovery) ?? '')}${this.site.health.path}`,
    );
    this.print.line(
      `  ${this.site.dns.recordName} → ${recovery.status.dnsChange?.value ?? '?'}${this.site.health.path} answers HTTP ${up.status} ${up.statusText} again`,
    );
    return recovery;
  }

  /** Sends a Pingdom state change for check 12345 through the real webhook handler, as API Gateway would. */
  private async pingdom(
    state: 'DOWN',
    fields: Record<string, unknown>,
  ): Promise<{ outcome: string; recoveryId?: string; executionArn?: string; why?: string }> {
    const root = this.options.root;
    const webhook = await handlerOf(root, 'pingdom-webhook');
    const alert = JSON.parse(readFileSync(join(root, 'events/pingdom/down.json'), 'utf8')) as object;
    const changed = new Date(Math.floor(Date.now() / 1000) * 1000);
    Object.assign(alert, {
      check_id: 12345,
      check_name: 'www.example.com',
      state_changed_timestamp: changed.getTime() / 1000,
      state_changed_utc_time: changed.toISOString().slice(0, 19),
      ...fields,
    });
    const request = JSON.parse(readFileSync(join(root, 'events/pingdom/http-down.json'), 'utf8')) as object;
    Object.assign(request, {
      rawQueryString: `token=${this.provisioned.webhook.token}`,
      queryStringParameters: { token: this.provisioned.webhook.token },
      body: JSON.stringify(alert),
      isBase64Encoded: false,
    });
    const response = (await webhook(request)) as { statusCode: number; body: string };
    const answer = JSON.parse(response.body) as {
      outcome: string;
      recoveryId?: string;
      executionArn?: string;
    };
    this.print.line(
      `  POST /pingdom?token=… (Pingdom ${state}, check 12345) → pingdom-webhook: HTTP ${response.statusCode} ${answer.outcome}`,
    );
    return answer;
  }

  async showResult(recovery: Recovery): Promise<string | undefined> {
    this.print.section('Result');
    const live = await aRecordValue(this.clients, this.site.dns.hostedZoneId, this.site.dns.recordName);
    const { status, spec } = recovery;
    const switchedAt = status.dnsChange?.insyncAt ?? status.dnsChange?.submittedAt;
    this.print.line(
      `  ${this.site.dns.recordName}      A ${this.provisioned.dns.productionAddress} → ${live} (replacement from ${backupInUse(recovery)})`,
    );
    for (const a of status.attempts) {
      this.print.line(
        `    tried ${a.backupId}: ${a.verdict}${a.verdict === 'healthy' ? '' : ' → walked back'}`,
      );
    }
    for (const d of status.databases ?? []) {
      const from =
        d.method === 'point-in-time'
          ? `point in time ${d.restoreTime ?? 'latest'} of ${d.sourceId ?? '?'}`
          : `DB snapshot ${d.snapshotId ?? '?'}${d.fellBack === undefined ? '' : ' (point in time not possible: the restore window does not reach back)'}`;
      const now =
        d.retiredAt === undefined
          ? `at ${d.address ?? '?'}`
          : `deleted, final snapshot ${d.finalSnapshotId ?? 'none'}`;
      this.print.line(`  database for the ${d.role} (${d.backupId}): ${d.identifier} from ${from}; ${now}`);
    }
    if (status.sandbox !== undefined) {
      this.print.line(
        `  ${status.sandbox.recordName}  A ${status.sandbox.address} (the broken state, for debugging; ${this.site.sandbox.allowedCidr} only)`,
      );
    }
    if (switchedAt !== undefined) {
      const ms = new Date(switchedAt).getTime() - new Date(spec.trigger.receivedAt).getTime();
      this.print.line(`  alarm → DNS switched: ${formatDuration(ms)}`);
    }

    this.print.section('Catalog: lifeboat list blog');
    await this.cli(['list', this.site.name]);

    this.print.section('Recovery report: lifeboat report');
    const report = await this.cli(['report', recovery.id, '--out', this.options.outDir]);
    // The records behind the report, for a look without the emulator (and as a test fixture).
    const backups: Backup[] = [];
    for await (const backup of this.catalog.allBackups(this.site.name)) backups.push(backup);
    await writeFile(
      join(this.options.outDir, `${this.site.name}-${recovery.id}.json`),
      `${JSON.stringify({ recovery, backups }, null, 2)}\n`,
    );
    return report.stdout[0];
  }

  async promote(): Promise<boolean> {
    this.print.section('A developer fixes the site in the sandbox; lifeboat promote blog');
    // moto's ListChangedBlocks knows only EBS direct API snapshots, not the CreateSnapshot ones the
    // demo's backups are, so what the replacement changed cannot be measured here and the promote
    // would refuse: the demo discards it (the report says it could not be measured).
    const started = await this.cli(['promote', this.site.name, '--discard-changes']);
    const executionArn = started.stdout
      .map((l) => /^ {2}execution (\S+)$/.exec(l)?.[1])
      .find((a) => a !== undefined);
    const promoteId = started.stdout
      .map((l) => /^promote (\S+) of/.exec(l)?.[1])
      .find((a) => a !== undefined);
    if (started.code !== 0 || executionArn === undefined || promoteId === undefined) return false;
    this.made.promote = promoteId;
    const ok = await this.runMachine('promote', executionArn);
    const live = await aRecordValue(this.clients, this.site.dns.hostedZoneId, this.site.dns.recordName);
    const promote = await this.catalog.getRecovery(this.site.name, promoteId);
    this.print.line(
      `  ${this.site.dns.recordName} A ${live} (final task from ${promote?.status.knownGoodBackupId ?? '?'}); replacement and sandbox retired`,
    );
    if (promote?.status.changes !== undefined)
      this.print.line(`  ${describeDiscarded(promote.status.changes)}`);
    const plan = promote?.status.changes?.databasePlan;
    if (plan !== undefined) this.print.line(`  database: ${plan.summary}`);
    await this.cli(['list', this.site.name]);
    await this.cli(['report', promoteId, '--out', this.options.outDir]);
    return ok && promote?.status.phase === 'Succeeded';
  }

  async stop(): Promise<void> {
    await this.siteServer?.stop();
    await this.moto?.stop();
  }

  /**
   * Creates the stand-in stack lifeboat-dev in the emulator (so `lifeboat` finds the catalog and
   * state machines as it does in AWS) and returns the lines that show the operator every command,
   * with this run's ids. Commands that start a state machine run it in the CLI's process.
   */
  async operatorHints(): Promise<string[]> {
    const p = this.provisioned;
    await createStandInStack(
      this.clients,
      p.primaryRegion,
      'dev',
      {
        catalogBucket: p.catalogBucket,
        stateMachines: p.stateMachines,
        recoveryTopicArn: p.notifications.topicArn,
      },
      { drRegion: p.drRegion },
    );
    const shown = relative(process.cwd(), this.configPath);
    const env = [
      `LIFEBOAT_AWS_ENDPOINT=${this.moto?.endpoint ?? ''}`,
      `LIFEBOAT_CONFIG=${shown.startsWith('..') ? this.configPath : shown}`,
      // The health gates of runs started from the CLI probe the site server, as the demo's did.
      `LIFEBOAT_LOCAL_SITE_URL=${this.siteServer?.url ?? ''}`,
    ];
    const site = this.site.name;
    const { recovery = '<recovery-id>', promote = '<promote-id>', poisoned, backups } = this.made;
    const commands: [string, string][] = [
      ['info', 'the stand-in stack lifeboat-dev: catalog bucket, state machines, topic'],
      [`list ${site}`, 'the backups: nightly, broken-state and pre-promote, DR copies, drills'],
      [`status ${recovery}`, "the demo's recovery: walk-back, DNS switch, sandbox, every step"],
      [`status ${promote}`, "the demo's promote"],
      [`report ${recovery}`, 'its report again (out/*.html, out/*.md)'],
      [`recover ${site} --dry-run`, 'what a recovery now would do, changing nothing'],
      [`backup ${site}`, 'a manual backup, followed until Completed'],
      [
        `drill ${site}${poisoned === undefined ? '' : ` --backup ${poisoned}`}`,
        poisoned === undefined
          ? 'a restore drill'
          : 'a restore drill of the backup that holds the fault: verdict failed',
      ],
      [
        `drill ${site}${backups[0] === undefined ? '' : ` --backup ${backups[0]}`}`,
        'one of a good backup: verdict passed',
      ],
      [`recover ${site} --follow`, 'a whole recovery, run here on the emulator'],
      [
        `promote ${site} --discard-changes --follow`,
        "promote that recovery's sandbox (the emulator cannot compare its snapshots' blocks)",
      ],
      [`list ${site} --json`, 'every read command has --json for scripts'],
      ['help <command>', 'what each one does, and its options'],
    ];
    const width = Math.max(...commands.map(([command]) => `npx lifeboat ${command}`.length));
    return [
      `  export ${env.join(' ')}`,
      ...commands.map(([command, what]) => `  ${`npx lifeboat ${command}`.padEnd(width)}  ${what}`),
    ];
  }

  elapsed(): number {
    return Date.now() - this.started;
  }
}

/**
 * The whole job on the emulator: provision the reference site, back it up through the real
 * handlers, break it, recover it from the Pingdom webhook with the state machine run locally,
 * report, promote; then stop everything it started.
 */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const demo = new Demo({ ...options, outDir: resolve(options.outDir) });
  try {
    await demo.start();
    await demo.provision();
    // The backups run now but as their nightly schedule fired, hours before this morning's outage,
    // so their ids, ages (`lifeboat list`) and the report read as last night's and the night before's.
    const hour = 3600 * 1000;
    await demo.nightlyBackup(new Date(Date.now() - 31 * hour), "The night before's backup");
    const backup = await demo.nightlyBackup(new Date(Date.now() - 7 * hour), "Last night's backup");
    demo.poison(backup);
    const recovery = await demo.breakAndRecover(backup);
    const reportHtml = await demo.showResult(recovery);
    const promoted = await demo.promote();
    const elapsedMs = demo.elapsed();
    if (options.beforeStop !== undefined) await options.beforeStop(await demo.operatorHints());
    return { ok: promoted, recoveryId: recovery.id, reportHtml, elapsedMs };
  } finally {
    await demo.stop();
  }
}
