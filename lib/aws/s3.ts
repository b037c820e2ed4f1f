import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { ListPage, ObjectStore, StoredObject } from '../catalog/object-store';
import { AlreadyExistsError, ConcurrentUpdateError } from '../errors';
import type { AwsClients } from './clients';
import { awsErrorCode, awsHttpStatus, translateAwsError } from './errors';

/** The S3Client for a region, built once per process. */
export function s3Client(clients: AwsClients, region = clients.settings.defaultRegion): S3Client {
  return clients.client('s3', S3Client, region, { forcePathStyle: clients.settings.endpoint !== undefined });
}

function isPreconditionFailed(error: unknown): boolean {
  return awsHttpStatus(error) === 412 || awsErrorCode(error) === 'PreconditionFailed';
}

/** S3 conditional write that raced another writer of the same key (409 ConditionalRequestConflict). */
function isConditionalConflict(error: unknown): boolean {
  return awsHttpStatus(error) === 409 || awsErrorCode(error) === 'ConditionalRequestConflict';
}

/**
 * The catalog bucket as an ObjectStore, with S3 conditional writes.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html
 */
export class S3ObjectStore implements ObjectStore {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  async get(key: string): Promise<StoredObject | undefined> {
    try {
      const out = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      const body = (await out.Body?.transformToString('utf-8')) ?? '';
      return { body, etag: out.ETag ?? '' };
    } catch (error) {
      if (awsErrorCode(error) === 'NoSuchKey' || awsHttpStatus(error) === 404) return undefined;
      throw translateAwsError(error, 'S3 GetObject', { bucket: this.bucket, key });
    }
  }

  async putIfAbsent(key: string, body: string): Promise<string> {
    return this.putConditionally(key, body, { IfNoneMatch: '*' }, (cause) => {
      return new AlreadyExistsError(`catalog object ${key} already exists`, { key }, { cause });
    });
  }

  async putIfMatch(key: string, body: string, etag: string): Promise<string> {
    return this.putConditionally(key, body, { IfMatch: etag }, (cause) => {
      return new ConcurrentUpdateError(`catalog object ${key} changed since it was read`, { key }, { cause });
    });
  }

  /**
   * PutObject with an S3 conditional-write header; a failed condition (412, or 409 for a write
   * racing another) becomes `conflict`'s error.
   * https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html
   */
  private async putConditionally(
    key: string,
    body: string,
    condition: { IfNoneMatch: string } | { IfMatch: string },
    conflict: (cause: unknown) => Error,
  ): Promise<string> {
    try {
      const out = await this.s3.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: body,
          ContentType: 'application/json',
          ...condition,
        }),
      );
      return out.ETag ?? '';
    } catch (error) {
      if (isPreconditionFailed(error) || isConditionalConflict(error)) throw conflict(error);
      throw translateAwsError(error, 'S3 PutObject', { bucket: this.bucket, key });
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
    } catch (error) {
      throw translateAwsError(error, 'S3 DeleteObject', { bucket: this.bucket, key });
    }
  }

  async list(prefix: string, options: { pageToken?: string; pageSize?: number } = {}): Promise<ListPage> {
    try {
      const out = await this.s3.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: prefix,
          ContinuationToken: options.pageToken,
          MaxKeys: options.pageSize,
        }),
      );
      const keys = (out.Contents ?? []).flatMap((o) => (o.Key === undefined ? [] : [o.Key]));
      return { keys, nextToken: out.IsTruncated ? out.NextContinuationToken : undefined };
    } catch (error) {
      throw translateAwsError(error, 'S3 ListObjectsV2', { bucket: this.bucket, prefix });
    }
  }
}
