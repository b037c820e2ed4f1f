import { defaultClients } from '../aws/clients';
import { S3ObjectStore } from '../aws/s3';
import { getStringFromEnv } from '../env';
import { Catalog } from './catalog';

let processCatalog: Catalog | undefined;

/** The process-wide catalog in the bucket named by CATALOG_BUCKET. */
export function defaultCatalog(): Catalog {
  processCatalog ??= new Catalog(
    new S3ObjectStore(defaultClients().s3(), getStringFromEnv('CATALOG_BUCKET')),
  );
  return processCatalog;
}
