import { GetParameterError } from '@aws-lambda-powertools/parameters/errors';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { SSMClient } from '@aws-sdk/client-ssm';
import { ConfigError } from '../errors';
import type { AwsClients } from './clients';
import { awsErrorCode, translateAwsError } from './errors';

/** The SSMClient for a region, built once per process. */
export function ssmClient(clients: AwsClients, region = clients.settings.defaultRegion): SSMClient {
  return clients.client('ssm', SSMClient, region);
}

/**
 * Parameter Store reads through Powertools Parameters on lifeboat's own client (endpoint, retries).
 * Values are secrets: never put them in errors, context or logs.
 */
export class SsmAdapter {
  private readonly parameters: SSMProvider;

  constructor(ssm: SSMClient) {
    this.parameters = new SSMProvider({ awsSdkV3Client: ssm });
  }

  /**
   * The decrypted value of a SecureString (or plain String) parameter, read on every call (the
   * caller caches: lib/triggers/token.ts); ConfigError if it is missing or empty, since a
   * deployment without it cannot work.
   * https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParameter.html
   */
  async getSecret(name: string): Promise<string> {
    let value: string | undefined;
    try {
      value = await this.parameters.get(name, { decrypt: true, maxAge: 0 });
    } catch (error) {
      // Powertools wraps the SDK's error; its cause is what AWS said.
      const sdkError = error instanceof GetParameterError ? error.cause : error;
      if (awsErrorCode(sdkError) === 'ParameterNotFound') {
        throw new ConfigError(`SSM parameter ${name} does not exist`, [], { cause: sdkError });
      }
      throw translateAwsError(sdkError, 'SSM GetParameter', { name });
    }
    if (value === undefined || value === '') throw new ConfigError(`SSM parameter ${name} is empty`);
    return value;
  }
}
