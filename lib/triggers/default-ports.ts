import type { AwsClients } from '../aws/clients';
import { SfnAdapter, sfnClient } from '../aws/sfn';
import { SsmAdapter, ssmClient } from '../aws/ssm';
import type { Catalog } from '../catalog/catalog';
import type { Clock } from '../clock';
import type { TriggerPorts } from './outcome';
import { cachedSecret } from './token';
import type { WebhookPorts } from './webhook';

/** How long a webhook token read from SSM is trusted before it is read again (rotation delay). */
export const TOKEN_CACHE_TTL_MS = 5 * 60 * 1000;

/** The triggers' ports on real AWS: the catalog and the recovery state machine. */
export function triggerPorts(clients: AwsClients, catalog: Catalog, stateMachineArn: string): TriggerPorts {
  return { catalog, executions: new SfnAdapter(sfnClient(clients), stateMachineArn) };
}

/** The webhook's ports: the triggers' plus the token, a SecureString read once per TTL. */
export function webhookPorts(
  clients: AwsClients,
  catalog: Catalog,
  clock: Clock,
  settings: { stateMachineArn: string; tokenParameter: string },
): WebhookPorts {
  const ssm = new SsmAdapter(ssmClient(clients));
  return {
    ...triggerPorts(clients, catalog, settings.stateMachineArn),
    expectedToken: cachedSecret(() => ssm.getSecret(settings.tokenParameter), clock, TOKEN_CACHE_TTL_MS),
  };
}
