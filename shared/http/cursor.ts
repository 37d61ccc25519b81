import * as z from 'zod';
import { badRequest } from './errors.ts';

/**
 * A page's cursor: DynamoDB's LastEvaluatedKey as opaque base64url JSON. A cursor continues only the
 * list it came from: `belongs` checks its key against the list asked for (the same partition), so a
 * cursor of another provider's or region's list is a 400 on `query.cursor`, never a peek at theirs.
 */
export const encodeCursor = (key: Record<string, unknown>): string => Buffer.from(JSON.stringify(key)).toString('base64url');

const keySchema = z.record(z.string(), z.union([z.string(), z.number()]));

export function decodeCursor(cursor: string, belongs: (key: Record<string, string | number>) => boolean): Record<string, unknown> {
  let key: Record<string, string | number> | undefined;
  try {
    key = keySchema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch {
    key = undefined;
  }
  if (!key || !belongs(key)) {
    throw badRequest('query.cursor: not a cursor this list handed out', {
      problems: [{ field: 'query.cursor', rule: 'cursor', message: 'not a cursor this list handed out' }],
    });
  }
  return key;
}
