/** What started a recovery or promote. */
export type TriggerSource = 'pingdom' | 'cloudwatch' | 'manual';

export type RecoveryKind = 'recovery' | 'promote' | 'drill';

/** Running until the state machine ends; Succeeded or Failed after. */
export type RecoveryPhase = 'Running' | 'Succeeded' | 'Failed';

/** One step of the timeline: what ran, when, how it ended and the ids it touched. */
export interface TimelineEntry {
  step: string;
  startedAt: string;
  endedAt?: string;
  outcome?: 'ok' | 'failed' | 'skipped';
  /** True for steps between alarm and DNS switch (launch, health gate, DNS). */
  critical?: boolean;
  detail?: Record<string, unknown>;
}

/** Why a task was launched: the recovery's candidate, the sandbox, a promote's final task, a drill. */
export type TaskRole = 'replacement' | 'sandbox' | 'final' | 'drill';

/** A task launched by a recovery, promote or drill. */
export interface LaunchedTask {
  role: TaskRole;
  taskArn: string;
  cluster: string;
  region: string;
  backupId: string;
  snapshotId: string;
  launchedAt: string;
  stoppedAt?: string;
}

export interface Recovery {
  apiVersion: 'lifeboat/v1';
  kind: 'Recovery';
  id: string;
  site: string;
  spec: {
    kind: RecoveryKind;
    trigger: {
      source: TriggerSource;
      /** Stable key of the incident (check id + state change time, alarm + transition time, ...). */
      incidentKey: string;
      /** When the outage began according to the trigger. */
      outageStartedAt: string;
      receivedAt: string;
      summary: string;
    };
    options: {
      dryRun: boolean;
      backupId?: string;
      skipSandbox: boolean;
      restoreDatabase: boolean;
      /** Promote only: the recovery whose sandbox is promoted (default: the newest one with a sandbox). */
      sourceRecoveryId?: string;
    };
  };
  status: {
    phase: RecoveryPhase;
    executionArn?: string;
    knownGoodBackupId?: string;
    brokenStateBackupId?: string;
    /** Every candidate tried, in order, with how its health gate went. */
    attempts: {
      backupId: string;
      taskArn?: string;
      address?: string;
      verdict: 'healthy' | 'unhealthy' | 'launch-failed';
    }[];
    replacement?: { taskArn: string; address: string };
    dnsChange?: {
      changeId: string;
      recordName: string;
      value: string;
      ttl: number;
      submittedAt: string;
      insyncAt?: string;
    };
    sandbox?: { taskArn: string; address: string; recordName: string };
    /** Every task this run launched, so a failure (or a promote) knows what to stop. */
    tasks?: LaunchedTask[];
    timeline: TimelineEntry[];
    /** Later signals about the same incident (e.g. Pingdom UP). */
    signals: { source: TriggerSource; state: string; at: string }[];
    startedAt: string;
    endedAt?: string;
    failure?: { error: string; cause: string };
  };
}
