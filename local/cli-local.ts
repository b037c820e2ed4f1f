// The CLI's local runner: on the emulator, what Step Functions would do after StartExecution.
import { AllAwsClients } from '../lib/aws/all-clients';
import { S3ObjectStore } from '../lib/aws/s3';
import { Catalog } from '../lib/catalog/catalog';
import type { LocalExecution, LocalExecutionEnd, LocalRunner } from '../lib/cli/executions';
import type { EndpointResolver, NotifierPort } from '../lib/recovery/ports';
import { ALL_RECOVERY_ADAPTERS, type RecoveryAdapters, recoveryPorts } from '../lib/recovery/wiring';
import { withEcsVolumeStandIn } from './ecs-volumes';
import { runStateMachineLocally } from './local-runner';
import { installPromiseWithResolvers } from './node-polyfills';

/**
 * Where probes of launched tasks go when LIFEBOAT_LOCAL_SITE_URL names a site server
 * (local/site-server.ts, as `npm run demo -- --keep` leaves one): `<url>/tasks/<backup id>`, as
 * the demo plays them. Otherwise the task's own address, which moto makes up, so a health gate
 * on the emulator fails unless something answers there.
 */
function siteServerEndpoints(siteUrl: string | undefined): EndpointResolver | undefined {
  if (siteUrl === undefined || siteUrl.trim() === '') return undefined;
  const base = siteUrl.replace(/\/$/, '');
  return (task) =>
    task.privateIp === undefined
      ? undefined
      : `${base}/tasks/${encodeURIComponent(task.tags['lifeboat:backup-id'] ?? task.taskArn.split('/').pop() ?? task.taskArn)}`;
}

const text = (value: unknown): string | undefined =>
  value === undefined ? undefined : typeof value === 'string' ? value : JSON.stringify(value);

/**
 * The runner bin/lifeboat.cjs hands the CLI when it talks to an emulator: it runs the started
 * execution's definition (stepfunctions/<machine>.asl.yml) in this process with
 * aws-local-stepfunctions, every Task state calling the same step its Lambda function runs against
 * the emulator, so the run writes the same catalog records a real one does. moto keeps its own
 * record of the execution RUNNING: the catalog is what `lifeboat status` reads.
 *
 * Environment: LIFEBOAT_LOCAL_WAIT_MS (each Wait state and Retry pause, default 200),
 * LIFEBOAT_LOCAL_SITE_URL (see siteServerEndpoints).
 */
export function cliLocalRunner(env: NodeJS.ProcessEnv = process.env): LocalRunner {
  installPromiseWithResolvers();
  const waitMs = Number(env.LIFEBOAT_LOCAL_WAIT_MS ?? 200);
  const endpointOf = siteServerEndpoints(env.LIFEBOAT_LOCAL_SITE_URL);
  return async function runLocally(execution: LocalExecution): Promise<LocalExecutionEnd> {
    const clients: AllAwsClients = new AllAwsClients({
      ...execution.clientSettings,
      decorate: withEcsVolumeStandIn(() => clients),
    });
    const catalog = new Catalog(new S3ObjectStore(clients.s3(), execution.bucket));
    const { topicArn, clock } = execution;
    const printed: NotifierPort = {
      async publish(subject) {
        execution.notice(`notification (no recovery topic to publish it to): ${subject}`);
        return 'local';
      },
    };
    const adapters: RecoveryAdapters =
      topicArn === undefined ? { ...ALL_RECOVERY_ADAPTERS, notifier: () => printed } : ALL_RECOVERY_ADAPTERS;
    const ports = recoveryPorts({ clients, catalog, clock, adapters, topicArn: topicArn ?? '', endpointOf });
    const run = await runStateMachineLocally({
      machine: execution.machine,
      input: execution.input,
      executionName: execution.executionName,
      executionArn: execution.executionArn,
      context: { config: execution.config, ports, clock },
      waitMs: Number.isFinite(waitMs) && waitMs >= 0 ? waitMs : 200,
      retryMs: Number.isFinite(waitMs) && waitMs >= 0 ? waitMs : 200,
    });
    return { status: run.status, error: run.error, cause: text(run.cause) };
  };
}
