import { asList, loadTemplate, type Statement } from './support/template';

const template = loadTemplate();
const bucket = template.Resources.CatalogBucket;
const policies = Object.values(template.Resources).filter(
  (r) =>
    r.Type === 'AWS::S3::BucketPolicy' && (r.Properties?.Bucket as { Ref?: string })?.Ref === 'CatalogBucket',
);
const statements = policies.flatMap((p) =>
  asList((p.Properties?.PolicyDocument as { Statement?: Statement | Statement[] } | undefined)?.Statement),
);

describe('catalog bucket in the packaged template', () => {
  it('is a bucket the functions are told to use', () => {
    expect(bucket?.Type).toBe('AWS::S3::Bucket');
  });

  it('blocks every kind of public access', () => {
    expect(bucket?.Properties?.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
  });

  it('encrypts objects at rest by default and keeps versions', () => {
    const rules = (
      bucket?.Properties?.BucketEncryption as {
        ServerSideEncryptionConfiguration?: { ServerSideEncryptionByDefault?: { SSEAlgorithm?: string } }[];
      }
    )?.ServerSideEncryptionConfiguration;

    expect(rules?.map((r) => r.ServerSideEncryptionByDefault?.SSEAlgorithm)).toEqual([
      expect.stringMatching(/^(aws:kms|aws:kms:dsse|AES256)$/),
    ]);
    expect(bucket?.Properties?.VersioningConfiguration).toEqual({ Status: 'Enabled' });
  });

  it('denies every request that does not use TLS, on the bucket and its objects', () => {
    const tlsOnly = statements.find(
      (s) =>
        s.Effect === 'Deny' &&
        asList(s.Action).includes('s3:*') &&
        (s.Condition?.Bool?.['aws:SecureTransport'] === 'false' ||
          s.Condition?.Bool?.['aws:SecureTransport'] === false),
    );

    expect(tlsOnly).toBeDefined();
    expect(JSON.stringify(tlsOnly?.Resource)).toContain('CatalogBucket.Arn}/*');
    expect(JSON.stringify(tlsOnly?.Resource)).toMatch(/CatalogBucket","Arn"|CatalogBucket\.Arn"/);
  });

  it('grants nothing to everyone', () => {
    const open = statements.filter(
      (s) => s.Effect === 'Allow' && JSON.stringify((s as { Principal?: unknown }).Principal).includes('*'),
    );

    expect(open).toEqual([]);
  });
});
