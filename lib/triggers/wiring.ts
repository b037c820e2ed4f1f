import { type AwsClients, defaultClients } from '../aws/clients';
import { SfnAdapter, sfnClient } from '../aws/sfn';
import { SsmAdapter, ssmClient } from '../aws/ssm';
import type { Catalog } from '../catalog/catalog';
import { defaultCatalog } from '../catalog/default';
import { type Clock, systemClock } from '../clock';
import { defaultConfig } from '../config/load';
import type { LifeboatConfig } from '../config/schema';
import { getStringFromEnv } from '../env';
import type { TriggerPorts } from './outcome';
import { cachedSecret } from './token';
import type { WebhookPorts } from './webhook';

/** How long a webhook token read from SSM is trusted before it is read again (rotation delay). */
export const TOKEN_CACHE_TTL_MS = 5 * 60 * 1000;

/** Executions of the recovery state machine `stateMachineArn`. */
export function sfnExecutions(clients: AwsClients, stateMachineArn: string): TriggerPorts['executions'] {
  return new SfnAdapter(sfnClient(clients), stateMachineArn);
}

/** The SecureString `parameter`, read at most once per TOKEN_CACHE_TTL_MS. */
export function ssmToken(clients: AwsClients, clock: Clock, parameter: string): () => Promise<string> {
  const ssm = new SsmAdapter(ssmClient(clients));
  return cachedSecret(() => ssm.getSecret(parameter), clock, TOKEN_CACHE_TTL_MS);
}

/** The triggers' ports on real AWS: the catalog and the recovery state machine. */
export function triggerPorts(clients: AwsClients, catalog: Catalog, stateMachineArn: string): TriggerPorts {
  return { catalog, executions: sfnExecutions(clients, stateMachineArn) };
}

/** The webhook's ports: the triggers' plus the token, a SecureString read once per TTL. */
export function webhookPorts(
  clients: AwsClients,
  catalog: Catalog,
  clock: Clock,
  settings: { stateMachineArn: string; tokenParameter: string },
): WebhookPorts {
  return {
    ...triggerPorts(clients, catalog, settings.stateMachineArn),
    expectedToken: ssmToken(clients, clock, settings.tokenParameter),
  };
}

/** What a trigger handler runs with. */
export interface TriggerContext<P extends TriggerPorts = TriggerPorts> {
  ports: P;
  clock: Clock;
  config: LifeboatConfig;
}

/** Memoises `build` for the life of the process (one Lambda container). */
function once<T>(build: () => T): () => T {
  let value: T | undefined;
  return () => {
    value ??= build();
    return value;
  };
}

/** The CloudWatch alarm handler's context from the environment (RECOVERY_STATE_MACHINE_ARN), built on first use. */
export function defaultAlarmContext(): () => TriggerContext {
  return once(() => ({
    ports: triggerPorts(defaultClients(), defaultCatalog(), getStringFromEnv('RECOVERY_STATE_MACHINE_ARN')),
    clock: systemClock,
    config: defaultConfig(),
  }));
}

/** The webhook's context from the environment (RECOVERY_STATE_MACHINE_ARN, PINGDOM_TOKEN_PARAMETER), built on first use. */
export function defaultWebhookContext(): () => TriggerContext<WebhookPorts> {
  return once(() => ({
    ports: webhookPorts(defaultClients(), defaultCatalog(), systemClock, {
      stateMachineArn: getStringFromEnv('RECOVERY_STATE_MACHINE_ARN'),
      tokenParameter: getStringFromEnv('PINGDOM_TOKEN_PARAMETER'),
    }),
    clock: systemClock,
    config: defaultConfig(),
  }));
}
