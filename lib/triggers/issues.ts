import type { z } from 'zod';

/** Each zod issue as `field.path: message`, for errors that name the bad field. */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    return `${path === '' ? '(body)' : path}: ${issue.message}`;
  });
}
