import { defaultClients } from '../aws/clients';
import { S3ObjectStore, s3Client } from '../aws/s3';
import { getStringFromEnv } from '../env';
import { Catalog } from './catalog';

let processCatalog: Catalog | undefined;

/** The process-wide catalog in the bucket named by CATALOG_BUCKET. */
export function defaultCatalog(): Catalog {
  processCatalog ??= new Catalog(
    new S3ObjectStore(s3Client(defaultClients()), getStringFromEnv('CATALOG_BUCKET')),
  );
  return processCatalog;
}
