import { AwsCallError, type ErrorContext } from '../errors';

/**
 * A field of an AWS answer that AWS always sends (the SDK types every output field as optional):
 * its absence is an AwsCallError naming the call and the field, never a silent default.
 * `where` is `<service> <operation>.<field>`, e.g. `EC2 DescribeSnapshots.VolumeId`.
 */
export function required<T>(value: T | null | undefined, where: string, context: ErrorContext = {}): T {
  if (value !== undefined && value !== null) return value;
  const dot = where.indexOf('.');
  const operation = dot < 0 ? where : where.slice(0, dot);
  const field = dot < 0 ? where : where.slice(dot + 1);
  throw new AwsCallError(`${operation} answered without ${field}`, {
    operation,
    field,
    code: 'MissingField',
    ...context,
  });
}
