import type { Backup } from '../../../../lib/backup/model';
import { Catalog } from '../../../../lib/catalog/catalog';
import { SnapshotMismatchError } from '../../../../lib/errors';
import type { ProbeRequest, ProbeResult } from '../../../../lib/health/http-probe';
import type { DatabaseWrites, Recovery } from '../../../../lib/recovery/model';
import type {
  BackupService,
  BlockChanges,
  BlockChangesPort,
  DatabaseRestorePort,
  DatabaseRestoreRequest,
  DatabaseWritesPort,
  DnsPort,
  GroupIngress,
  NotifierPort,
  RecoveryPorts,
  RestoredDatabaseState,
  RunTaskRequest,
  SnapshotInfo,
  SnapshotPort,
  SourceDatabase,
  Tags,
  TaskInfo,
  TaskPort,
  VolumeInfo,
} from '../../../../lib/recovery/ports';
import type { SnapshotTrust, TrustAction, TrustTarget } from '../../../../lib/trust/snapshot-trust';
import type { ObservedSnapshot } from '../../../../lib/trust/verify-snapshot';
import { buildRecovery } from '../../../support/builders';
import { MemoryObjectStore } from '../../../support/memory-object-store';

/** ECS in memory: RunTask makes a RUNNING task with a private IP; tests set statuses by hand. */
export class FakeTasks implements TaskPort {
  readonly runs: RunTaskRequest[] = [];
  readonly stopped: string[] = [];
  readonly tasks = new Map<string, TaskInfo>();
  /** Ingress of each security group; a group not listed admits nobody. */
  readonly ingress = new Map<string, string[]>();

  async runTask(request: RunTaskRequest): Promise<TaskInfo> {
    this.runs.push(request);
    const n = this.runs.length;
    const task: TaskInfo = {
      taskArn: `arn:aws:ecs:us-east-1:123456789012:task/${request.cluster}/t${n}`,
      cluster: request.cluster,
      lastStatus: 'PROVISIONING',
      desiredStatus: 'RUNNING',
      privateIp: `10.0.1.${n}`,
      tags: request.tags,
    };
    this.tasks.set(task.taskArn, task);
    return { ...task };
  }

  async describeTask(_cluster: string, taskArn: string): Promise<TaskInfo> {
    const task = this.tasks.get(taskArn);
    if (task === undefined) throw new Error(`no task ${taskArn}`);
    return { ...task };
  }

  async stopTask(_cluster: string, taskArn: string): Promise<void> {
    this.stopped.push(taskArn);
    const task = this.tasks.get(taskArn);
    if (task !== undefined) task.lastStatus = 'STOPPED';
  }

  async ingressOf(groupIds: string[]): Promise<GroupIngress[]> {
    return groupIds.map((groupId) => ({
      groupId,
      cidrs: this.ingress.get(groupId) ?? [],
      ipv6Cidrs: [],
      prefixLists: [],
    }));
  }

  setStatus(taskArn: string, lastStatus: string): void {
    const task = this.tasks.get(taskArn);
    if (task !== undefined) task.lastStatus = lastStatus;
  }
}

/** RDS restores in memory: each restore is `available` at once unless the test sets a state. */
export class FakeDatabases implements DatabaseRestorePort {
  readonly restores: DatabaseRestoreRequest[] = [];
  readonly retired: { identifier: string; finalSnapshotId: string }[] = [];
  readonly states = new Map<string, RestoredDatabaseState>();
  source: SourceDatabase = {
    kind: 'rds-instance',
    id: 'blog-db',
    engine: 'mysql',
    instanceClass: 'db.t3.micro',
    subnetGroup: 'blog-db-subnets',
    securityGroups: ['sg-0db0000000000000a'],
    restoreWindow: { earliest: '2026-11-15T09:00:00.000Z', latest: '2026-11-22T09:35:00.000Z' },
  };
  /** Point-in-time restores refused with this error (e.g. the window moved). */
  refusePointInTime?: Error;

  async describeSource(): Promise<SourceDatabase> {
    return this.source;
  }

  async restore(request: DatabaseRestoreRequest): Promise<void> {
    if ('sourceId' in request.from && this.refusePointInTime !== undefined) throw this.refusePointInTime;
    this.restores.push(request);
    if (!this.states.has(request.identifier)) {
      this.states.set(request.identifier, {
        state: 'available',
        status: 'available',
        address: `${request.identifier}.c0ffee.us-east-1.rds.amazonaws.com`,
        port: 3306,
      });
    }
  }

  async describeRestored(_kind: string, identifier: string): Promise<RestoredDatabaseState | undefined> {
    return this.states.get(identifier);
  }

  async retire(input: { identifier: string; finalSnapshotId: string }) {
    this.retired.push({ identifier: input.identifier, finalSnapshotId: input.finalSnapshotId });
    this.states.delete(input.identifier);
    return { status: 'deleting', finalSnapshotId: input.finalSnapshotId };
  }

  readonly stopped: { identifier: string; finalSnapshotId: string; tags: Record<string, string> }[] = [];

  async stopRetired(input: { identifier: string; finalSnapshotId: string; tags: Record<string, string> }) {
    this.stopped.push({
      identifier: input.identifier,
      finalSnapshotId: input.finalSnapshotId,
      tags: input.tags,
    });
    const state = this.states.get(input.identifier);
    if (state === undefined) return { status: 'deleted' };
    this.states.set(input.identifier, { ...state, state: 'pending', status: 'stopped' });
    return { status: 'stopping', finalSnapshotId: input.finalSnapshotId };
  }

  /** Discarded without a final snapshot (a drill's copy), with the tags it was checked against. */
  readonly discarded: { identifier: string; expected: Record<string, string> }[] = [];

  async discard(input: { identifier: string; expected: Record<string, string> }) {
    this.discarded.push({ identifier: input.identifier, expected: input.expected });
    this.states.delete(input.identifier);
    return { status: 'deleting' };
  }
}

/**
 * The snapshot checks, scripted: every snapshot checks out unless a test refuses it (the checks
 * themselves are tested in tests/unit/trust against the real verification).
 */
export class FakeTrust implements SnapshotTrust {
  readonly stage = 'test';
  readonly checked: { snapshotId: string; backupId: string; action: TrustAction }[] = [];
  readonly refusals = new Map<string, string>();

  refuse(snapshotId: string, reason = 'lifeboat:stage is other, not test'): void {
    this.refusals.set(snapshotId, reason);
  }

  async ebsSnapshot(_region: string, snapshotId: string, target: TrustTarget, action: TrustAction) {
    return this.check(snapshotId, target, action);
  }

  async dbSnapshot(
    _region: string,
    _kind: string,
    identifier: string,
    target: TrustTarget,
    action: TrustAction,
  ) {
    return this.check(identifier, target, action);
  }

  describedEbs(
    _region: string,
    snapshotId: string,
    _found: unknown,
    target: TrustTarget,
    action: TrustAction,
  ) {
    return this.check(snapshotId, target, action);
  }

  observed(observed: ObservedSnapshot, target: TrustTarget, action: TrustAction): ObservedSnapshot {
    this.check(observed.id, target, action);
    return observed;
  }

  private check(snapshotId: string, target: TrustTarget, action: TrustAction): ObservedSnapshot {
    this.checked.push({ snapshotId, backupId: target.backupId, action });
    const reason = this.refusals.get(snapshotId);
    if (reason !== undefined) {
      throw new SnapshotMismatchError(`snapshot ${snapshotId} is not backup ${target.backupId}: ${reason}`, {
        snapshotId,
        backupId: target.backupId,
        mismatches: [reason],
      });
    }
    return {
      service: 'ebs',
      region: 'us-east-1',
      id: snapshotId,
      ownerAccountId: '123456789012',
      state: 'completed',
      tags: {},
    };
  }
}

export class FakeDns implements DnsPort {
  readonly upserts: { recordName: string; ip: string; ttl: number }[] = [];
  status: 'PENDING' | 'INSYNC' = 'INSYNC';

  async upsertARecord(input: { recordName: string; ip: string; ttl: number }) {
    this.upserts.push({ recordName: input.recordName, ip: input.ip, ttl: input.ttl });
    return {
      changeId: `C${this.upserts.length}`,
      status: 'PENDING' as const,
      submittedAt: '2026-11-22T09:41:00.000Z',
    };
  }

  async changeStatus() {
    return this.status;
  }

  readonly deletes: { recordName: string; ip: string }[] = [];

  async deleteARecord(input: { recordName: string; ip: string }) {
    this.deletes.push({ recordName: input.recordName, ip: input.ip });
    return { deleted: true };
  }
}

export class FakeNotifier implements NotifierPort {
  readonly messages: { subject: string; message: string }[] = [];

  async publish(subject: string, message: string): Promise<string> {
    this.messages.push({ subject, message });
    return `m${this.messages.length}`;
  }
}

const matches = (tags: Tags, selector: Tags | undefined) =>
  Object.entries(selector ?? {}).every(([k, v]) => tags[k] === v);

/**
 * EBS in memory: volumes and snapshots by tag, and the changed blocks between two snapshots as the
 * test scripts them (`changes.set('snap-a→snap-b', 312)`); an unscripted pair answers an error.
 */
export class FakeEbs implements SnapshotPort, BlockChangesPort {
  readonly volumes: VolumeInfo[] = [];
  readonly snapshots: SnapshotInfo[] = [];
  readonly created: { volumeId: string; tags: Tags }[] = [];
  readonly compared: [string, string][] = [];
  readonly changes = new Map<string, number>();
  blockSize = 524_288;
  /** State of the snapshots CreateSnapshot makes. */
  newSnapshotState: SnapshotInfo['state'] = 'completed';

  volume(volumeId: string, tags: Tags): void {
    this.volumes.push({ volumeId, availabilityZone: 'us-east-1a', sizeGiB: 8, encrypted: false, tags });
  }

  async findVolumes(selector: { tags?: Tags }): Promise<VolumeInfo[]> {
    return this.volumes.filter((v) => matches(v.tags, selector.tags));
  }

  async findSnapshots(selector: { ids?: string[]; tags?: Tags }): Promise<SnapshotInfo[]> {
    return this.snapshots.filter(
      (s) =>
        (selector.ids === undefined || selector.ids.includes(s.snapshotId)) && matches(s.tags, selector.tags),
    );
  }

  async createSnapshot(volumeId: string, _description: string, tags: Tags): Promise<SnapshotInfo> {
    this.created.push({ volumeId, tags });
    const snapshot: SnapshotInfo = {
      snapshotId: `snap-now${this.created.length}`,
      volumeId,
      state: this.newSnapshotState,
      encrypted: false,
      tags,
    };
    this.snapshots.push(snapshot);
    return { ...snapshot };
  }

  async changedBlocks(first: string, second: string): Promise<BlockChanges> {
    this.compared.push([first, second]);
    const count = this.changes.get(`${first}→${second}`);
    if (count === undefined) throw new Error(`no changed blocks scripted for ${first}→${second}`);
    return { changedBlocks: count, blockSize: this.blockSize, changedBytes: count * this.blockSize };
  }
}

/** Database writes as the test sets them (default: no database restored). */
export class FakeDatabaseWrites implements DatabaseWritesPort {
  answer: DatabaseWrites = { restored: false };

  async writesSince(): Promise<DatabaseWrites> {
    return this.answer;
  }
}

/** Probes that answer healthy (200) or unhealthy (500) as the test sets `healthy`. */
export class ScriptedProbe {
  readonly requests: ProbeRequest[] = [];
  healthy = true;

  readonly probe = async (request: ProbeRequest): Promise<ProbeResult> => {
    this.requests.push(request);
    return this.healthy
      ? { healthy: true, url: request.url, status: 200, elapsedMs: 5 }
      : { healthy: false, url: request.url, status: 500, reason: 'HTTP 500, expected 200', elapsedMs: 5 };
  };
}

export interface Fakes {
  ports: RecoveryPorts;
  catalog: Catalog;
  /** The catalog's objects, for tests that write what a broken writer would. */
  store: MemoryObjectStore;
  tasks: FakeTasks;
  databases: FakeDatabases;
  dns: FakeDns;
  notifier: FakeNotifier;
  probe: ScriptedProbe;
  trust: FakeTrust;
  ebs: FakeEbs;
  databaseWrites: FakeDatabaseWrites;
  backups: { started: Parameters<BackupService['start']>[0][]; advanced: string[] };
}

/** Recovery ports on memory: catalog on a MemoryObjectStore, fakes for ECS, Route 53, SNS and probes. */
export function fakePorts(): Fakes {
  const store = new MemoryObjectStore();
  const catalog = new Catalog(store, { retryDelayMs: 0 });
  const tasks = new FakeTasks();
  const databases = new FakeDatabases();
  const dns = new FakeDns();
  const notifier = new FakeNotifier();
  const probe = new ScriptedProbe();
  const trust = new FakeTrust();
  const ebs = new FakeEbs();
  const databaseWrites = new FakeDatabaseWrites();
  const backups: Fakes['backups'] = { started: [], advanced: [] };
  const ports: RecoveryPorts = {
    catalog,
    tasks: () => tasks,
    databases: () => databases,
    dns,
    notifier,
    probe: probe.probe,
    endpointOf: (task) => (task.privateIp === undefined ? undefined : `http://${task.privateIp}:80`),
    trust,
    snapshots: () => ebs,
    blockChanges: () => ebs,
    databaseWrites,
    backups: {
      async start(request) {
        backups.started.push(request);
        throw new Error('backups.start is not scripted in this test');
      },
      async advance(_site, backupId): Promise<Backup> {
        backups.advanced.push(backupId);
        throw new Error('backups.advance is not scripted in this test');
      },
    },
  };
  return {
    ports,
    catalog,
    store,
    tasks,
    databases,
    dns,
    notifier,
    probe,
    trust,
    ebs,
    databaseWrites,
    backups,
  };
}

/** A running recovery record as Begin creates it. */
export function runningRecovery(site: string, id = '20261122t093900z-1a2b3c4d'): Recovery {
  return buildRecovery({
    id,
    site,
    receivedAt: '2026-11-22T09:39:30.000Z',
    startedAt: '2026-11-22T09:40:00.000Z',
    summary: 'www is DOWN',
    status: { tasks: [] },
  });
}
