import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { ConfigError } from '../errors';
import type { AwsClients } from './clients';
import { awsErrorCode, translateAwsError } from './errors';

/** The SSMClient for a region, built once per process. */
export function ssmClient(clients: AwsClients, region = clients.settings.defaultRegion): SSMClient {
  return clients.client('ssm', SSMClient, region);
}

/** Parameter Store reads. Values are secrets: never put them in errors, context or logs. */
export class SsmAdapter {
  constructor(private readonly ssm: SSMClient) {}

  /**
   * The decrypted value of a SecureString (or plain String) parameter; ConfigError if it is
   * missing or empty, since a deployment without it cannot work.
   * https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParameter.html
   */
  async getSecret(name: string): Promise<string> {
    let value: string | undefined;
    try {
      const out = await this.ssm.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
      value = out.Parameter?.Value;
    } catch (error) {
      if (awsErrorCode(error) === 'ParameterNotFound') {
        throw new ConfigError(`SSM parameter ${name} does not exist`, [], { cause: error });
      }
      throw translateAwsError(error, 'SSM GetParameter', { name });
    }
    if (value === undefined || value === '') throw new ConfigError(`SSM parameter ${name} is empty`);
    return value;
  }
}
