import { EndpointUnreachableError } from '../../../lib/cli/context';
import { describeFailure, EXIT, OperationFailedError, UsageError } from '../../../lib/cli/exit-codes';
import { AwsCallError, ConfigError, NotFoundError, UnknownSiteError } from '../../../lib/errors';

function sdkError(name: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(`${name} happened`), { name, ...extra });
}

describe('describeFailure', () => {
  it.each([
    [
      'usage',
      new UsageError('list: missing <site>'),
      EXIT.usage,
      'list: missing <site> (see lifeboat --help)',
    ],
    [
      'bad config',
      new ConfigError('invalid site config c.yml', [
        'sites[0](blog).dns.ttl: too big',
        'sites[0](blog).name: bad',
      ]),
      EXIT.usage,
      'invalid site config c.yml: sites[0](blog).dns.ttl: too big; sites[0](blog).name: bad',
    ],
    [
      'unknown site',
      new UnknownSiteError('shop'),
      EXIT.usage,
      'unknown site "shop": it is not in the site config',
    ],
    ['not found', new NotFoundError('no recovery x'), EXIT.notFound, 'no recovery x'],
    ['operation failed', new OperationFailedError('backup ended Failed'), EXIT.failed, 'backup ended Failed'],
    [
      'emulator down',
      new EndpointUnreachableError('http://127.0.0.1:5000', 'ECONNREFUSED'),
      EXIT.unreachable,
      'cannot reach the AWS emulator at http://127.0.0.1:5000 (ECONNREFUSED): is moto_server running?',
    ],
  ])('maps %s', (_, error, code, line) => {
    expect(describeFailure(error, {})).toEqual({ code, line });
  });

  it('finds missing credentials under the adapter error that wraps them', () => {
    const wrapped = new AwsCallError(
      'S3 GetObject failed',
      {},
      { cause: sdkError('CredentialsProviderError') },
    );

    expect(describeFailure(wrapped, {})).toMatchObject({
      code: EXIT.unreachable,
      line: expect.stringMatching(/^no AWS credentials found/),
    });
  });

  it('reports AWS itself unreachable (DNS, timeouts) with exit 3', () => {
    const wrapped = new AwsCallError(
      'S3 GetObject failed',
      {},
      { cause: sdkError('Error', { code: 'ENOTFOUND' }) },
    );

    expect(describeFailure(wrapped, {})).toEqual({
      code: EXIT.unreachable,
      line: 'cannot reach AWS (ENOTFOUND): check the network',
    });
  });

  it('reports a missing catalog bucket as not found', () => {
    const wrapped = new AwsCallError('S3 ListObjectsV2 failed', {}, { cause: sdkError('NoSuchBucket') });

    expect(describeFailure(wrapped, {}).code).toBe(EXIT.notFound);
  });

  it('keeps the first line of anything else, with its name, as exit 1', () => {
    expect(describeFailure(sdkError('AccessDenied', { message: 'no\nmore' }), {})).toEqual({
      code: EXIT.failed,
      line: 'AccessDenied: no',
    });
  });
});
