import { join } from 'node:path';

/** Published payload samples (Pingdom, CloudWatch, EBS, RDS) kept in the repository. */
export const REFERENCE_EVENTS_DIR = join(__dirname, '../../events/reference');
