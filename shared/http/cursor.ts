/**
 * Page cursors: DynamoDB's LastEvaluatedKey as opaque base64url JSON. A cursor is the caller's to
 * send, so it is validated before it reaches DynamoDB (issue 20.5): a small object of key
 * attributes, each a non-empty string (or a safe integer) within DynamoDB's key size, and of the
 * list asked for (the same partition), so a cursor of another provider's or region's list, or a
 * crafted one, is a 400 on `query.cursor`, never a peek at theirs nor a ValidationException (a 500).
 */
import * as z from 'zod';
import { badRequest } from './errors.ts';

/** DynamoDB's limit for a sort key value is 1,024 bytes, for a partition key 2,048: this fits both. */
const keyValue = z.union([z.string().min(1).max(1_024), z.number().int().min(0).max(Number.MAX_SAFE_INTEGER)]);
/** A table key and an index key: four attributes; a few more would still be a key, not a payload. */
const keySchema = z
  .record(z.string().regex(/^[A-Za-z0-9_]{1,64}$/), keyValue)
  .refine((key) => Object.keys(key).length >= 1 && Object.keys(key).length <= 6);

const refusal = () =>
  badRequest('query.cursor: not a cursor this list handed out', {
    problems: [{ field: 'query.cursor', rule: 'cursor', message: 'not a cursor this list handed out' }],
  });

export const encodeCursor = (key: Record<string, unknown>): string => Buffer.from(JSON.stringify(key)).toString('base64url');

function parsed<S extends z.ZodType>(cursor: string, schema: S): z.output<S> {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw refusal();
  }
  const key = schema.safeParse(json);
  if (!key.success) throw refusal();
  return key.data;
}

/** The start key of the next page, if it is one and `belongs` to the list asked for. */
export function decodeCursor(cursor: string, belongs: (key: Record<string, string | number>) => boolean): Record<string, unknown> {
  const key = parsed(cursor, keySchema);
  if (!belongs(key)) throw refusal();
  return key;
}

export interface PageCursor<K extends string> {
  encode(key: Record<string, unknown>): string;
  /** The start key of the next page; `partition` names the attributes that must equal this list's. */
  decode(cursor: string, partition: Partial<Record<K, string>>): Record<K, string>;
}

/**
 * A cursor over an index whose keys are exactly `attributes` (the table's and the index's, as
 * LastEvaluatedKey has them): no other attribute, each a non-empty string.
 */
export function pageCursor<const K extends string>(attributes: readonly K[]): PageCursor<K> {
  const schema = z.strictObject(Object.fromEntries(attributes.map((a) => [a, z.string().min(1).max(1_024)])) as Record<K, z.ZodString>);
  return {
    encode: (key) => encodeCursor(Object.fromEntries(attributes.map((a) => [a, key[a]]))),
    decode(cursor, partition) {
      const key = parsed(cursor, schema) as Record<K, string>;
      for (const [attribute, expected] of Object.entries(partition) as [K, string][]) {
        if (key[attribute] !== expected) throw refusal();
      }
      return key;
    },
  };
}
