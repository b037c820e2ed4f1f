import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { S3ObjectStore } from '../../../lib/aws/s3';
import { AlreadyExistsError, ConcurrentUpdateError } from '../../../lib/errors';

const s3Mock = mockClient(S3Client);

function s3Error(name: string, status: number): Error {
  return Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
}

// https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html
describe('S3ObjectStore conditional writes', () => {
  const store = new S3ObjectStore(new S3Client({ region: 'us-east-1' }), 'lifeboat-catalog');

  beforeEach(() => s3Mock.reset());

  it('creates with If-None-Match "*", the only value S3 accepts for it', async () => {
    s3Mock.on(PutObjectCommand).resolves({ ETag: '"e1"' });

    expect(await store.putIfAbsent('sites/blog/lock', '{}')).toBe('"e1"');
    expect(s3Mock).toHaveReceivedCommandWith(PutObjectCommand, {
      Bucket: 'lifeboat-catalog',
      Key: 'sites/blog/lock',
      IfNoneMatch: '*',
    });
  });

  it('updates with If-Match the ETag as S3 returned it (quotes included)', async () => {
    s3Mock.on(PutObjectCommand).resolves({ ETag: '"e2"' });

    await store.putIfMatch('sites/blog/lock', '{}', '"e1"');

    expect(s3Mock).toHaveReceivedCommandWith(PutObjectCommand, { IfMatch: '"e1"' });
  });

  it.each([
    ['412 PreconditionFailed', s3Error('PreconditionFailed', 412)],
    ['409 ConditionalRequestConflict (a racing writer)', s3Error('ConditionalRequestConflict', 409)],
  ])('reports %s on create as AlreadyExistsError', async (_case, error) => {
    s3Mock.on(PutObjectCommand).rejects(error);

    await expect(store.putIfAbsent('k', '{}')).rejects.toBeInstanceOf(AlreadyExistsError);
  });

  it('reports a failed If-Match as ConcurrentUpdateError', async () => {
    s3Mock.on(PutObjectCommand).rejects(s3Error('PreconditionFailed', 412));

    await expect(store.putIfMatch('k', '{}', '"e1"')).rejects.toBeInstanceOf(ConcurrentUpdateError);
  });

  it('reads a missing key as absent (S3 says 404 only to a role allowed s3:ListBucket)', async () => {
    s3Mock.on(GetObjectCommand).rejects(s3Error('NoSuchKey', 404));

    expect(await store.get('sites/blog/backups/none.json')).toBeUndefined();
  });
});
