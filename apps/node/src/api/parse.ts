import type { z } from 'zod';
import { HttpError } from './httpError.js';

/** Validates `value` with `schema`; a 400 BAD_REQUEST naming the first issue otherwise. */
export function parse<T extends z.ZodType>(schema: T, value: unknown, what: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
    throw new HttpError(400, 'BAD_REQUEST', `${what}: ${where}${issue?.message ?? 'invalid'}`);
  }
  return result.data;
}
