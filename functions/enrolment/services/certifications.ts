/**
 * Which providers may certify chronic-disease approvals (认定机构), and for which disease groups:
 * the agency decides (staff with `registers:write`), per provider and region, for a period. Kept in
 * the members table beside the approvals it governs, append-only: each change is a new version
 *
 *   pk = CERTIFIED#<providerCode>   sk = CERT#chronic-approvals#<region>#<nnnn>
 *
 * and the newest version of a region is the one in force (the older ones are its history). A
 * provider's approval is checked against the version holding on the day it records it.
 * Each version is announced by ProviderCertified, in the same transaction.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { ProviderCertified } from '../../../events/registers.ts';
import { outboxEntry, outboxPut } from '../../../shared/events/outbox.ts';
import { refuse, type Refused } from '../../../shared/enrolment/problems.ts';
import { transact } from '../../../shared/enrolment/store/members.ts';
import { dynamoDocumentClient } from '../../../shared/runtime/aws-clients.ts';
import { tableName } from '../../../shared/runtime/resource-names.ts';
import { actorSchema, type Actor } from '../../../shared/registers/entry.ts';
import { deliverCommitted, type Delivery } from './events.ts';

const REGISTER = 'chronic-approvals';
const pkOf = (providerCode: string) => `CERTIFIED#${providerCode}`;
const skPrefix = (region: string) => `CERT#${REGISTER}#${region}#`;

export const certificationRequestSchema = z
  .strictObject({
    region: z.string().regex(/^\d{6}$/, 'a 6-digit region code'),
    diseaseGroups: z
      .array(z.string().regex(/^[a-z0-9-]{1,48}$/))
      .max(50)
      .meta({ description: 'Groups it may approve; empty withdraws the certification' }),
    validFrom: z.iso.date(),
    validTo: z.iso.date(),
    reason: z.string().min(1).max(500),
  })
  .meta({ id: 'ProviderCertificationRequest' });
export type CertificationRequest = z.infer<typeof certificationRequestSchema>;

export const certificationItemSchema = z.object({
  pk: z.string(),
  sk: z.string(),
  kind: z.literal('certification'),
  providerCode: z.string(),
  register: z.literal(REGISTER),
  region: z.string(),
  version: z.number().int().positive(),
  diseaseGroups: z.array(z.string()),
  validFrom: z.string(),
  validTo: z.string(),
  reason: z.string(),
  at: z.string(),
  by: actorSchema,
});
export type CertificationItem = z.infer<typeof certificationItemSchema>;

/** A provider's certification versions in a region, newest first. */
export async function certificationHistory(providerCode: string, region?: string): Promise<CertificationItem[]> {
  const out = await dynamoDocumentClient().send(
    new QueryCommand({
      TableName: tableName('members'),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': pkOf(providerCode), ':prefix': region ? skPrefix(region) : `CERT#${REGISTER}#` },
      ScanIndexForward: false,
      ConsistentRead: true,
    }),
  );
  return (out.Items ?? []).map((i) => certificationItemSchema.parse(i));
}

/** The disease groups a provider may approve in a region on a date (none when not certified then). */
export async function certifiedFor(providerCode: string, region: string, date: string): Promise<string[]> {
  const [latest] = await certificationHistory(providerCode, region);
  if (!latest || latest.validFrom > date || date > latest.validTo) return [];
  return latest.diseaseGroups;
}

/** Records a new version of a provider's certification (unchanged when it says what the newest says). */
export async function certify(
  providerCode: string,
  request: CertificationRequest,
  by: Actor,
  now: string,
  correlationId: string,
  via: Delivery,
): Promise<{ outcome: 'certified' | 'unchanged'; certification: CertificationItem } | Refused> {
  if (request.validTo < request.validFrom)
    return refuse(400, [{ field: 'validTo', rule: 'date_order', message: 'validTo is before validFrom' }]);
  const [latest] = await certificationHistory(providerCode, request.region);
  const groups = [...new Set(request.diseaseGroups)].sort();
  if (
    latest &&
    latest.validFrom === request.validFrom &&
    latest.validTo === request.validTo &&
    JSON.stringify(latest.diseaseGroups) === JSON.stringify(groups)
  ) {
    return { outcome: 'unchanged', certification: latest };
  }
  const version = (latest?.version ?? 0) + 1;
  const item: CertificationItem = {
    pk: pkOf(providerCode),
    sk: `${skPrefix(request.region)}${String(version).padStart(4, '0')}`,
    kind: 'certification',
    providerCode,
    register: REGISTER,
    region: request.region,
    version,
    diseaseGroups: groups,
    validFrom: request.validFrom,
    validTo: request.validTo,
    reason: request.reason,
    at: now,
    by,
  };
  const event = outboxEntry(
    ProviderCertified,
    {
      providerCode,
      register: REGISTER,
      region: request.region,
      version,
      diseaseGroups: groups,
      validFrom: request.validFrom,
      validTo: request.validTo,
    },
    correlationId,
    `certification/${providerCode}/${REGISTER}/${request.region}/${version}/ProviderCertified`,
    new Date().toISOString(),
  );
  const written = await transact([
    { Put: { TableName: tableName('members'), Item: item, ConditionExpression: 'attribute_not_exists(pk)' } },
    outboxPut(event),
  ]);
  if (!written.ok) {
    return refuse(409, [
      { field: 'providerCode', rule: 'concurrent_update', message: 'the certification changed under this request; send it again' },
    ]);
  }
  await deliverCommitted([event], via);
  return { outcome: 'certified', certification: item };
}
