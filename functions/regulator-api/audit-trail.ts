import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import type { RouteHandler } from '../../shared/http/api.ts';
import { requireRole } from '../../shared/auth/principal.ts';
import { dynamoDocumentClient } from '../../shared/runtime/aws-clients.ts';
import { tableName } from '../../shared/runtime/resource-names.ts';
import { auditTrailKey } from '../../shared/audit/audit-item.ts';

export const auditParams = z.object({ correlationId: z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, 'a correlation id') });

/**
 * Every event one request caused, oldest first. Staff see all; a regulator sees only the events
 * of its own region.
 */
export const auditTrailRoute: RouteHandler = async (request) => {
  const principal = request.principal();
  requireRole(principal, 'staff', 'regulator');
  const { correlationId } = request.params(auditParams);
  const out = await dynamoDocumentClient().send(
    new QueryCommand({
      TableName: tableName('audit'),
      IndexName: 'byCorrelation',
      KeyConditionExpression: 'gsi1pk = :k',
      ExpressionAttributeValues: { ':k': auditTrailKey(correlationId) },
    }),
  );
  const events = (out.Items ?? [])
    .filter((item) => principal.role === 'staff' || item.region === principal.region)
    .map(({ eventId, source, detailType, time, detail }) => ({ eventId, source, detailType, time, detail }));
  return { statusCode: 200, body: { correlationId, events } };
};
