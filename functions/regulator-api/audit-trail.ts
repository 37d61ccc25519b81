import * as z from 'zod';
import type { RouteHandler } from '../../shared/http/api.ts';
import { requireRole } from '../../shared/auth/principal.ts';
import { batchGetAll, keyOf, type Key } from '../../shared/runtime/batch-items.ts';
import { queryAll } from '../../shared/runtime/query-all.ts';
import { tableName } from '../../shared/runtime/resource-names.ts';
import { archivedEventOf, auditTrailKey } from '../../shared/audit/audit-item.ts';

export const auditParams = z.object({ correlationId: z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, 'a correlation id') });

/**
 * Every event one request caused, oldest first. Staff see all; a regulator sees only the events
 * of its own region.
 */
export const auditTrailRoute: RouteHandler = async (request) => {
  const principal = request.principal();
  requireRole(principal, 'staff', 'regulator');
  const { correlationId } = request.params(auditParams);
  const table = tableName('audit');
  // The index keeps keys only (infra/topology.ts): the trail's items are read back from the table.
  const keys = await queryAll<Key>({
    TableName: table,
    IndexName: 'byCorrelation',
    KeyConditionExpression: 'gsi1pk = :k',
    ExpressionAttributeValues: { ':k': auditTrailKey(correlationId) },
  });
  const items = await batchGetAll(
    table,
    keys.map(({ pk, sk }) => ({ pk, sk })),
  );
  const events = keys
    .map((key) => items.get(keyOf(key)))
    .filter((item) => item !== undefined)
    .map(archivedEventOf)
    .filter((event) => principal.role === 'staff' || event.region === principal.region)
    .map(({ eventId, source, detailType, time, detail }) => ({ eventId, source, detailType, time, detail }));
  return { statusCode: 200, body: { correlationId, events } };
};
